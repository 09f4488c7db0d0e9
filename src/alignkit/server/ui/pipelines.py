"""The dashboard's pipelines page: every pipeline the store knows (`alignkit pipeline run`,
POST /api/pipelines), newest first, each node with its job, kind, status and needs; it polls
itself while a node is unfinished, and a CSRF form cancels a pipeline's unfinished nodes (the
store's request_cancel, as POST /api/pipelines/{name}/cancel does)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from alignkit.jobs.pipeline import state
from alignkit.jobs.records import JobNotFound, JobRecord, JobStateError, PipelineRecord
from alignkit.jobs.store import JobStore
from alignkit.server.deps import Store
from alignkit.server.ui.web import Manager, ManagerForm, UIRoute, page

router = APIRouter(route_class=UIRoute, include_in_schema=False, tags=["ui"])
SHOWN = 30  # the newest pipelines on the page


@dataclass(frozen=True)
class Node:
    name: str
    job: JobRecord | None  # None: never queued, or its job was removed
    needs: tuple[str, ...]


def _job(store: JobStore, job_id: str | None) -> JobRecord | None:
    try:
        return store.get(job_id) if job_id else None
    except JobNotFound:
        return None


def nodes(store: JobStore, record: PipelineRecord) -> list[Node]:
    needs = {n["name"]: tuple(n.get("needs") or ()) for n in record.spec.get("nodes", [])}
    return [Node(name, _job(store, job_id), needs.get(name, ()))
            for name, job_id in record.nodes.items()]  # fmt: skip


def _pipelines(store: JobStore) -> list[tuple[PipelineRecord, list[Node]]]:
    records = [state.get(store.engine, name) for name in state.names(store.engine)[:SHOWN]]
    return [(r, nodes(store, r)) for r in records]


def _live(shown) -> bool:
    return any(n.job is not None and not n.job.done for _r, ns in shown for n in ns)


@router.get("/dashboard/pipelines")
def pipelines(request: Request, store: Store, session: Manager):
    shown = _pipelines(store)
    return page(request, "dashboard/pipelines.html", session=session, pipelines=shown,
                live=_live(shown))  # fmt: skip


@router.get("/dashboard/pipelines/table")
def pipelines_table(request: Request, store: Store, session: Manager):
    """The pipelines alone: the page polls them while a node is unfinished."""
    shown = _pipelines(store)
    return page(request, "dashboard/pipeline_table.html", session=session, pipelines=shown,
                live=_live(shown))  # fmt: skip


@router.post("/dashboard/pipelines/{name}/cancel")
def cancel(name: str, store: Store, _: ManagerForm):
    record = state.get(store.engine, name)  # 404 for a name it does not know
    for node in nodes(store, record):
        if node.job is None or node.job.done:
            continue
        try:
            store.request_cancel(node.job.id)
        except JobStateError:  # it ended meanwhile, or its need's failure failed it
            continue
    return RedirectResponse("/dashboard/pipelines", status_code=303)
