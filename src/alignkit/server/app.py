"""The FastAPI app: `create_app(store)` wires the routers, the error handlers and the job
store. Every route but /health (and the docs) needs an API key; the web UI's pages (ui/) take
a user's login instead. Other routers are added with `routers=` and reuse deps.py's
dependencies."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import APIRouter, FastAPI

import alignkit
from alignkit.jobs.store import JobStore
from alignkit.server import errors, paths
from alignkit.server.routers import auth as auth_routes
from alignkit.server.routers import datasets, job_files, jobs, keys, llama_stack, pipelines
from alignkit.server.routers import feedback as feedback_routes
from alignkit.server.schemas import ErrorPublic
from alignkit.server.ui import router as ui

ROUTERS: tuple[APIRouter, ...] = (
    jobs.router,
    job_files.router,
    datasets.router,
    keys.router,
    pipelines.router,
    llama_stack.router,  # Llama Stack's post-training API (v1)
    auth_routes.router,  # users' logins and workspaces (the feedback domain's people)
    feedback_routes.router,  # collecting feedback: datasets, records, leases, responses, export
    ui.router,  # the annotator's web UI at / (server-rendered pages, session cookie)
)
# every route documents the one error body
_ERRORS = {s: {"model": ErrorPublic} for s in (401, 403, 404, 409, 422)}


def create_app(
    store: JobStore | None = None,
    *,
    routers: Sequence[APIRouter] = (),
    poll_s: float = 0.5,
    roots: Sequence[str | Path] = (),
) -> FastAPI:
    """The API over `store` (default: JobStore.open(), which applies pending migrations).
    `poll_s`: how often a metrics stream looks for new lines and the job's status. `roots`:
    folders, beside the data dir and $ALIGNKIT_SERVER_ROOTS, where a member key's jobs may read
    and write (server/paths.py)."""
    app = FastAPI(
        title="alignkit",
        version=getattr(alignkit, "__version__", "0"),
        description="Jobs, their files and metrics, and datasets. Errors are "
        '`{"code": "AK-...", "message": "...", "detail": ...}`.',
        docs_url="/docs",
    )
    app.state.store = store if store is not None else JobStore.open()
    app.state.poll_s = poll_s
    app.state.roots = paths.server_roots(roots)
    errors.install(app)

    @app.get("/health", tags=["health"])
    def health() -> dict:
        """Answers without a key: the server is up (it does not touch the database)."""
        return {"status": "ok"}

    for router in (*ROUTERS, *routers):
        app.include_router(router, responses=_ERRORS)
    return app
