"""A pipeline's own state in the job store: its expanded DAG and the job of each node, so that
`pipeline status` (and a restarted server) shows it, and a rerun of the file updates it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from alignkit.errors import NotFoundError
from alignkit.jobs.db import writer
from alignkit.jobs.models import Pipeline, PipelineNode
from alignkit.jobs.records import PipelineRecord
from alignkit.jobs.store import utcnow

PIPELINES = Pipeline.__table__
NODES = PipelineNode.__table__


def save(
    engine: Engine,
    name: str,
    spec: dict[str, Any],
    nodes: dict[str, str | None],
    *,
    source: str | None = None,
    user: str | None = None,
) -> PipelineRecord:
    """Create the pipeline, or replace its DAG and node map (a rerun of the same name)."""
    now = utcnow()
    with writer(engine).begin() as conn:
        found = conn.execute(select(PIPELINES.c.id).where(PIPELINES.c.name == name)).scalar()
        if found is None:
            found = str(uuid.uuid4())
            conn.execute(
                insert(PIPELINES).values(
                    id=found,
                    name=name,
                    source=source,
                    spec=spec,
                    user=user,
                    created_at=now,
                    updated_at=now,
                )  # fmt: skip
            )
        else:
            conn.execute(
                update(PIPELINES)
                .where(PIPELINES.c.id == found)
                .values(spec=spec, source=source, updated_at=now)
            )
            conn.execute(delete(NODES).where(NODES.c.pipeline_id == found))
        if nodes:
            conn.execute(
                insert(NODES),
                [{"pipeline_id": found, "node": n, "job_id": j} for n, j in nodes.items()],
            )
    return get(engine, name)


def get(engine: Engine, name: str) -> PipelineRecord:
    with engine.connect() as conn:
        row = conn.execute(select(PIPELINES).where(PIPELINES.c.name == name)).first()
        if row is None:
            raise NotFoundError(f"no pipeline named {name!r} (`alignkit pipeline list`)")
        query = select(NODES.c.node, NODES.c.job_id).where(NODES.c.pipeline_id == row.id)
        mapping = {node: job_id for node, job_id in conn.execute(query)}
    order = [n["name"] for n in row.spec.get("nodes", [])]
    nodes = {n: mapping.get(n) for n in order} | {
        n: j for n, j in mapping.items() if n not in order
    }
    return PipelineRecord(**row._mapping, nodes=nodes)


def names(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        query = select(PIPELINES.c.name).order_by(PIPELINES.c.updated_at.desc())
        return list(conn.execute(query).scalars())
