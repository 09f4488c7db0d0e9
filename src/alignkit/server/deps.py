"""The routes' dependencies, as `Annotated` aliases: the job store, the caller's API key, and
an admin key. Other routers (a Llama Stack router, the web UI's) reuse them as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from alignkit.errors import ForbiddenError
from alignkit.jobs.records import JobRecord
from alignkit.jobs.store import JobStore
from alignkit.server import keys, paths
from alignkit.server.keys import KeyRecord

# auto_error=False: a missing header is our AK-AUTH body, not Starlette's 403
_bearer = HTTPBearer(auto_error=False, description="An API key: `alignkit keys create`.")


# dependencies that do not block are `async def`: FastAPI runs a plain `def` dependency in its
# thread pool, and each such hop cost a status poll ~1 ms under load (4 hops were 2/3 of it)
async def get_store(request: Request) -> JobStore:
    return request.app.state.store


Store = Annotated[JobStore, Depends(get_store)]


async def get_roots(request: Request) -> list[Path]:
    return request.app.state.roots


Roots = Annotated[list[Path], Depends(get_roots)]


async def current_key(
    store: Store,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> KeyRecord:
    token = credentials.credentials if credentials else None
    # argon2 and the database are blocking: off the event loop
    return await run_in_threadpool(keys.authenticate, store.engine, token)


Key = Annotated[KeyRecord, Depends(current_key)]


async def admin_key(key: Key) -> KeyRecord:
    if not key.admin:
        raise ForbiddenError("this route needs an admin API key")
    return key


AdminKey = Annotated[KeyRecord, Depends(admin_key)]


def may_change(key: KeyRecord, job: JobRecord) -> None:
    """Members change (cancel, resume, delete) only the jobs they submitted; admins any."""
    if not key.admin and job.user != key.id:
        raise ForbiddenError(
            f"job {job.id} was submitted by another key: an admin key may change it"
        )


def confined(key: KeyRecord, roots: list[Path], kind: str, settings: dict[str, Any]) -> dict:
    """A member's job settings with every path inside the server's roots (server/paths.py);
    an admin's as they are."""
    return settings if key.admin else paths.confine(kind, settings, roots)


def allowed_path(key: KeyRecord, roots: list[Path], name: str, path: str | Path) -> Path:
    """A path a member names directly (a dataset folder to register), held to the roots."""
    path = Path(path).expanduser()
    if key.admin:
        return path
    path = path if path.is_absolute() else roots[0] / path
    if not paths.inside(path, roots):
        raise ForbiddenError(f"{name}: {path} is outside the server's folders (member key)")
    return path
