"""/api/pipelines: run a pipeline (the same file `alignkit pipeline run` reads, as YAML text or
as JSON), read its nodes' jobs, cancel it. Relative paths in it are the data dir's; a member
key's nodes read and write only inside the server's folders, as its jobs do."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from alignkit.errors import AlignkitError
from alignkit.jobs.records import JobStateError
from alignkit.server.deps import Key, Roots, Store, confined, may_change

router = APIRouter(prefix="/api/pipelines", tags=["pipelines"])


class PipelineCreate(BaseModel):
    yaml: str | None = Field(None, description="The pipeline file's text.")
    spec: dict[str, Any] | None = Field(None, description="The same, as a JSON object.")
    dry_run: bool = Field(False, description="Plan only: what would be reused or run.")
    priority: int = 0


def _raw(body: PipelineCreate) -> dict[str, Any]:
    if (body.yaml is None) == (body.spec is None):
        raise AlignkitError("give the pipeline as `yaml` (its text) or as `spec`, not both")
    if body.spec is not None:
        return body.spec
    import yaml

    try:
        return yaml.safe_load(body.yaml)
    except yaml.YAMLError as exc:
        raise AlignkitError(f"the pipeline is not YAML: {' '.join(str(exc).split())}") from None


def _nodes(store, record) -> list[dict[str, Any]]:
    out = []
    for node, job_id in record.nodes.items():
        job = store.get(job_id) if job_id else None
        out.append(
            {
                "node": node,
                "job_id": job_id,
                "status": job.status if job else "removed",
                "error": job.error if job else None,
            }  # fmt: skip
        )
    return out


@router.post("", status_code=status.HTTP_201_CREATED)
def run_pipeline(body: PipelineCreate, store: Store, key: Key, roots: Roots) -> dict[str, Any]:
    """Expand the pipeline, reuse what completed before, queue the rest (202-like: the nodes
    run as workers take them)."""
    from alignkit.jobs.pipeline import plan, spec

    pipeline = spec.expand(_raw(body), base=roots[0])

    def check(kind: str, settings: dict[str, Any]) -> dict[str, Any]:
        return confined(key, roots, kind, settings)

    if body.dry_run:
        steps, _ = plan.plan(pipeline, store, check)
        return {"name": pipeline.name, "dry_run": True, "steps": [s.__dict__ for s in steps]}
    record, steps = plan.run(pipeline, store, user=key.id, priority=body.priority, check=check)
    return {
        "name": record.name, "id": record.id, "dry_run": False,
        "steps": [s.__dict__ for s in steps], "nodes": _nodes(store, record),
    }  # fmt: skip


@router.get("")
def list_pipelines(store: Store, _: Key) -> list[str]:
    from alignkit.jobs.pipeline import state

    return state.names(store.engine)


@router.get("/{name}")
def get_pipeline(name: str, store: Store, _: Key) -> dict[str, Any]:
    from alignkit.jobs.pipeline import state

    record = state.get(store.engine, name)
    return {
        "name": record.name, "id": record.id, "source": record.source,
        "created_at": record.created_at, "updated_at": record.updated_at,
        "dag": record.spec, "nodes": _nodes(store, record),
    }  # fmt: skip


@router.post("/{name}/cancel")
def cancel_pipeline(name: str, store: Store, key: Key) -> dict[str, Any]:
    """Cancel every node that has not ended (members: the nodes they submitted)."""
    from alignkit.jobs.pipeline import state

    record = state.get(store.engine, name)
    asked = 0
    for job_id in record.nodes.values():
        job = store.get(job_id) if job_id else None
        if job is None or job.done:
            continue
        may_change(key, job)
        try:
            store.request_cancel(job.id)
            asked += 1
        except JobStateError:  # ended meanwhile
            continue
    return {"name": name, "cancel_requested": asked, "nodes": _nodes(store, record)}
