"""The edges between jobs that make a pipeline a DAG. A job with needs is claimed only once all
of them have completed (one NOT EXISTS in the claim); when a need fails or is cancelled, every
job downstream of it that is still scheduled fails at once, in the same transaction, with the
reason, so that nothing waits forever for a job that will not complete; when that need is
resumed, the jobs it failed go back to the queue with it. Jobs beside the failure (other
branches of a sweep) keep running."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, and_, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from alignkit.errors import AlignkitError
from alignkit.jobs.models import Job, JobNeed
from alignkit.jobs.records import TRANSITIONS, JobNotFound, JobStateError

JOBS = Job.__table__
NEEDS = JobNeed.__table__
NEED = JOBS.alias("need")
# the error a job failed by its need carries; a resumed need requeues exactly those
PREFIX = "needs job "


class NeedNotMet(JobStateError):
    """Resuming a job whose need failed: it would wait for ever; resume the need instead."""

    def __init__(self, job_id: str, need: str, status: str) -> None:
        AlignkitError.__init__(
            self,
            f"job {job_id} needs job {need}, which {status}: resume that one "
            "(it brings this one back)",
        )
        self.job_id, self.action, self.status = job_id, "requeue", "failed"


def add_needs(conn: Connection, job_id: str, needs: Iterable[str]) -> None:
    rows = [{"job_id": job_id, "needs_id": n} for n in dict.fromkeys(needs)]
    if not rows:
        return
    missing = set(r["needs_id"] for r in rows) - set(
        conn.execute(select(JOBS.c.id).where(JOBS.c.id.in_([r["needs_id"] for r in rows])))
        .scalars()
    )  # fmt: skip
    if missing:
        raise JobNotFound(sorted(missing)[0])
    try:
        conn.execute(insert(NEEDS), rows)
    except IntegrityError:  # a need deleted between the check and the insert
        raise JobNotFound(rows[0]["needs_id"]) from None


def unmet_need():
    """True for a job (the claim's row) that still waits for a need to complete."""
    return exists(
        select(NEEDS.c.needs_id)
        .join(NEED, NEED.c.id == NEEDS.c.needs_id)
        .where(NEEDS.c.job_id == JOBS.c.id, NEED.c.status != "completed")
    )


def needs_of(conn: Connection, job_id: str) -> list[str]:
    query = select(NEEDS.c.needs_id).where(NEEDS.c.job_id == job_id).order_by(NEEDS.c.needs_id)
    return list(conn.execute(query).scalars())


def _downstream(conn: Connection, job_ids: Iterable[str], change) -> list[str]:
    """Apply `change(need, dependents) -> changed ids` level by level down the DAG: the jobs
    changed at one level are the needs of the next."""
    changed: list[str] = []
    frontier = list(job_ids)
    while frontier:
        step: list[str] = []
        for need in frontier:
            dependents = JOBS.c.id.in_(select(NEEDS.c.job_id).where(NEEDS.c.needs_id == need))
            step.extend(change(need, dependents))
        changed.extend(step)
        frontier = step
    return changed


def fail_dependents(conn: Connection, job_ids: Iterable[str], now: datetime) -> list[str]:
    """Fail every scheduled job downstream of `job_ids` (which failed or were cancelled)."""
    rule = TRANSITIONS["dependency_failed"]

    def fail(need: str, dependents) -> list[str]:
        status = conn.execute(select(JOBS.c.status).where(JOBS.c.id == need)).scalar()
        error = f"{PREFIX}{need}, which {status or 'failed'}"
        statement = (
            update(JOBS)
            .where(JOBS.c.status.in_(rule.sources), dependents)
            .values(status=rule.target, completed_at=now, error=error)
        )
        return list(conn.execute(statement.returning(JOBS.c.id)).scalars())

    return _downstream(conn, job_ids, fail)


def requeue_dependents(conn: Connection, job_ids: Iterable[str]) -> list[str]:
    """Put back in the queue the jobs that failed only because one of `job_ids` had."""
    rule = TRANSITIONS["dependency_requeue"]

    def requeue(need: str, dependents) -> list[str]:
        reasons = [f"{PREFIX}{need}, which {status}" for status in ("failed", "cancelled")]
        statement = (
            update(JOBS)
            .where(JOBS.c.status.in_(rule.sources), JOBS.c.error.in_(reasons), dependents)
            .values(status=rule.target, completed_at=None, error=None)
        )
        return list(conn.execute(statement.returning(JOBS.c.id)).scalars())

    return _downstream(conn, job_ids, requeue)


def has_failed_need(conn: Connection, job_id: str) -> tuple[str, str] | None:
    """(need id, its status) of a need of `job_id` that failed or was cancelled."""
    row = conn.execute(
        select(NEED.c.id, NEED.c.status)
        .join(NEEDS, and_(NEEDS.c.needs_id == NEED.c.id, NEEDS.c.job_id == job_id))
        .where(NEED.c.status.in_(("failed", "cancelled")))
        .limit(1)
    ).first()
    return None if row is None else (row.id, row.status)
