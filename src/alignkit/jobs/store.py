"""The job store: submit, claim, move through statuses, heartbeat, reap, artifacts. Every
method is one short transaction and returns plain records (records.py), never ORM objects.
Every status change is one conditional UPDATE guarded by records.TRANSITIONS, so two processes
racing for the same job cannot both win: the loser's UPDATE matches no row."""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Collection, Iterable
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from alignkit.errors import AlignkitError
from alignkit.jobs import dag
from alignkit.jobs.db import make_engine, upgrade, writer
from alignkit.jobs.models import Artifact, Job, Worker
from alignkit.jobs.records import (
    ARTIFACT_KINDS,
    FINISH_ACTIONS,
    STATUSES,
    TRANSITIONS,
    ArtifactRecord,
    HeartbeatReply,
    JobIdTaken,
    JobNotFound,
    JobRecord,
    JobStateError,
    Status,
    WorkerRecord,
)

JOBS = Job.__table__
ARTIFACTS = Artifact.__table__
WORKERS = Worker.__table__
_JOB_FIELDS = [f.name for f in fields(JobRecord)]
LOST = "worker lost"
MAX_ERROR = 500
# a job submitted for a workspace (the web app's users) carries this tag; a job without one
# is the server's (API keys, the CLI): see `list(workspaces=...)`
WORKSPACE_TAG = "workspace:"


def workspace_tag(workspace_id: str) -> str:
    return f"{WORKSPACE_TAG}{workspace_id}"


def workspace_of(job: JobRecord) -> str | None:
    """The workspace the job was submitted for, or None for a server-wide job."""
    return next((t[len(WORKSPACE_TAG) :] for t in job.tags if t.startswith(WORKSPACE_TAG)), None)


def _tag_values(dialect: str):
    """The job's tags as rows of a `value` column (JSON on SQLite, JSONB on PostgreSQL)."""
    fn = func.jsonb_array_elements_text if dialect == "postgresql" else func.json_each
    return fn(JOBS.c.tags).table_valued("value")


def utcnow() -> datetime:
    # the store's clock; every host that shares a database needs a synced clock, because
    # heartbeats written on one host are judged on another
    return datetime.now(UTC)


def one_line(text: str | None) -> str | None:
    if text is None:
        return None
    line = " ".join(text.split())
    return line if len(line) <= MAX_ERROR else line[: MAX_ERROR - 1] + "…"


class JobStore:
    """The jobs in one database. `JobStore.open()` migrates it first, as servers, workers and
    the CLI do on start."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = writer(engine)

    @classmethod
    def open(cls, url: str | None = None) -> JobStore:
        engine = make_engine(url)
        upgrade(engine)
        return cls(engine)

    # -- submitting and reading ------------------------------------------------------------

    def submit(
        self,
        kind: str,
        settings: dict[str, Any],
        *,
        priority: int = 0,
        cpus: int = 1,
        gpus: int = 0,
        tags: Iterable[str] = (),
        user: str | None = None,
        resume_on_lost: bool = False,
        job_id: str | None = None,
        needs: Iterable[str] = (),
        node_key: str | None = None,
    ) -> JobRecord:
        """Queue a job. `job_id` is the caller's own id (Llama Stack clients choose their
        job_uuid): submitting it again with the same kind and settings returns the first job
        (a retried request never duplicates); with others it is refused. `needs`: jobs that
        must complete before this one starts (a pipeline's edges; jobs/dag.py); a need that
        already failed fails this job at once. `node_key`: a pipeline node's identity."""
        if not isinstance(kind, str) or not kind.strip():
            raise AlignkitError("a job needs a kind (a command name such as train:dpo)")
        if cpus < 0 or gpus < 0:
            raise AlignkitError(f"a job cannot ask for {cpus} CPUs and {gpus} GPUs")
        tags = list(tags)
        if isinstance(tags, str) or not all(isinstance(t, str) for t in tags):
            raise AlignkitError("job tags must be strings")
        try:  # refused here, not as a driver error deep inside the INSERT
            json.dumps(settings)
        except (TypeError, ValueError) as exc:
            raise AlignkitError(f"job settings must be plain JSON: {exc}") from exc
        if job_id is not None:
            try:
                uuid.UUID(job_id)
            except (TypeError, ValueError):
                raise AlignkitError(f"a job id must be a UUID, got {job_id!r}") from None
        values = dict(
            id=job_id or str(uuid.uuid4()),
            kind=kind,
            settings=settings,
            status="scheduled",
            created_at=utcnow(),
            attempts=1,
            priority=int(priority),
            cpus=int(cpus),
            gpus=int(gpus),
            tags=tags,
            user=user,
            resume_on_lost=bool(resume_on_lost),
            cancel_requested=False,
            node_key=node_key,
        )
        try:
            with self._writer.begin() as conn:
                row = conn.execute(insert(JOBS).values(values).returning(*JOBS.c)).one()
                dag.add_needs(conn, row.id, needs)
                failed = dag.has_failed_need(conn, row.id)
                if failed is not None:
                    error = f"{dag.PREFIX}{failed[0]}, which {failed[1]}"
                    change = dict(completed_at=utcnow(), error=error)
                    row = self._try(conn, row.id, "dependency_failed", change)
        except IntegrityError:
            if job_id is None:
                raise
            first = self.get(job_id)  # the id is taken: the same request again, or a clash
            if (first.kind, first.settings) != (kind, json.loads(json.dumps(settings))):
                raise JobIdTaken(job_id) from None
            return first
        return _job(row)

    def get(self, job_id: str) -> JobRecord:
        with self.engine.connect() as conn:
            row = conn.execute(select(JOBS).where(JOBS.c.id == job_id)).first()
        if row is None:
            raise JobNotFound(job_id)
        return _job(row)

    def list(
        self, status: Status | None = None, *, kind: str | None = None, limit: int = 100,
        workspaces: Collection[str] | None = None,
    ) -> list[JobRecord]:  # fmt: skip
        """Newest first. `workspaces`: only the jobs of those workspaces and the server-wide
        ones (no workspace tag); None: every job."""
        query = select(JOBS).order_by(JOBS.c.created_at.desc(), JOBS.c.id).limit(limit)
        if workspaces is not None:
            dialect = self.engine.dialect.name
            mine, any_ws = _tag_values(dialect), _tag_values(dialect)
            tags = [workspace_tag(w) for w in workspaces]
            query = query.where(or_(
                ~exists(select(1).select_from(any_ws)
                        .where(any_ws.c.value.startswith(WORKSPACE_TAG, autoescape=True))),
                exists(select(1).select_from(mine).where(mine.c.value.in_(tags))),
            ))  # fmt: skip
        if status is not None:
            if status not in STATUSES:
                raise AlignkitError(f"unknown job status {status!r} (one of {', '.join(STATUSES)})")
            query = query.where(JOBS.c.status == status)
        if kind is not None:
            query = query.where(JOBS.c.kind == kind)
        with self.engine.connect() as conn:
            return [_job(row) for row in conn.execute(query)]

    # -- what a worker does ---------------------------------------------------------------

    def claim(self, worker_id: str, *, free_cpus: int, free_gpus: int) -> JobRecord | None:
        """Take the next job that fits the free resources: highest priority, then oldest."""
        rule = TRANSITIONS["claim"]
        pick = (
            select(JOBS.c.id)
            .where(
                JOBS.c.status.in_(rule.sources),
                JOBS.c.cpus <= free_cpus,
                JOBS.c.gpus <= free_gpus,
                ~dag.unmet_need(),
            )
            .order_by(JOBS.c.priority.desc(), JOBS.c.created_at, JOBS.c.id)
            .limit(1)
        )
        if self.engine.dialect.name == "postgresql":
            # another worker's pick is locked: take the next one instead of waiting for it
            pick = pick.with_for_update(skip_locked=True)
        # on SQLite the single statement holds the write lock from pick to update
        now = utcnow()
        statement = (
            update(JOBS)
            .where(JOBS.c.id == pick.scalar_subquery(), JOBS.c.status.in_(rule.sources))
            .values(status=rule.target, worker_id=worker_id, started_at=now, heartbeat_at=now)
            .returning(*JOBS.c)
        )
        with self._writer.begin() as conn:
            row = conn.execute(statement).first()
        return None if row is None else _job(row)

    def set_running(
        self,
        job_id: str,
        *,
        pid: int,
        host: str,
        run_dir: str | Path | None = None,
        log_path: str | Path | None = None,
        worker_id: str | None = None,
    ) -> JobRecord:
        """Record the process a worker started for a claimed job."""
        values = dict(pid=pid, host=host, run_dir=_str(run_dir), log_path=_str(log_path))
        return self._change(job_id, "set_running", values, worker_id=worker_id)

    def heartbeat(self, worker_id: str, job_ids: Iterable[str]) -> HeartbeatReply:
        """The worker and its running jobs are alive."""
        job_ids = set(job_ids)
        now = utcnow()
        rule = TRANSITIONS["heartbeat"]
        with self._writer.begin() as conn:
            conn.execute(update(WORKERS).where(WORKERS.c.id == worker_id).values(heartbeat_at=now))
            rows = []
            if job_ids:
                rows = conn.execute(
                    update(JOBS)
                    .where(
                        JOBS.c.id.in_(job_ids),
                        JOBS.c.worker_id == worker_id,
                        JOBS.c.status.in_(rule.sources),
                    )
                    .values(heartbeat_at=now)
                    .returning(JOBS.c.id, JOBS.c.cancel_requested)
                ).all()
        owned = {row.id for row in rows}
        return HeartbeatReply(
            cancel_requested=frozenset(row.id for row in rows if row.cancel_requested),
            not_owned=frozenset(job_ids - owned),
        )

    def finish(
        self,
        job_id: str,
        status: Status,
        exit_code: int | None = None,
        error: str | None = None,
        *,
        traceback_path: str | Path | None = None,
        worker_id: str | None = None,
    ) -> JobRecord:
        """A running job ended: completed, failed, or cancelled (after a cancel request)."""
        if status not in FINISH_ACTIONS:
            raise AlignkitError(
                f"a job finishes as one of {', '.join(FINISH_ACTIONS)}, not {status}"
            )
        now = utcnow()
        values = dict(
            completed_at=now,
            exit_code=exit_code,
            error=one_line(error),
            traceback_path=_str(traceback_path),
        )
        action = FINISH_ACTIONS[status]
        with self._writer.begin() as conn:
            row = self._try(conn, job_id, action, values, worker_id=worker_id)
            if row is None:
                self._refuse(conn, job_id, action)
            if status != "completed":  # what needs it can never start now
                dag.fail_dependents(conn, [job_id], now)
        return _job(row)

    def reap_lost(self, heartbeat_timeout_s: float) -> list[str]:
        """Jobs left in_progress by a worker silent for longer than the timeout: requeued when
        they asked for it (resume_on_lost, and no cancel pending), else failed "worker lost"."""
        now = utcnow()
        stale = JOBS.c.heartbeat_at < now - timedelta(seconds=heartbeat_timeout_s)
        requeue, lost = TRANSITIONS["lost_requeue"], TRANSITIONS["lost"]
        with self._writer.begin() as conn:
            requeued = conn.execute(
                update(JOBS)
                .where(
                    JOBS.c.status.in_(requeue.sources),
                    stale,
                    JOBS.c.resume_on_lost.is_(True),
                    JOBS.c.cancel_requested.is_(False),
                )
                .values(status=requeue.target, attempts=JOBS.c.attempts + 1, **_NOT_RUNNING)
                .returning(JOBS.c.id)
            ).scalars()
            requeued = list(requeued)
            failed = list(
                conn.execute(
                    update(JOBS)
                    .where(JOBS.c.status.in_(lost.sources), stale)
                    .values(status=lost.target, error=LOST, completed_at=now)
                    .returning(JOBS.c.id)
                ).scalars()
            )
            dag.fail_dependents(conn, failed, now)
            return sorted(requeued + failed)

    # -- what a user does -----------------------------------------------------------------

    def request_cancel(self, job_id: str) -> JobRecord:
        """A scheduled job is cancelled at once; a running one is flagged for its worker,
        which stops the process and then calls finish(..., "cancelled")."""
        now = utcnow()
        with self._writer.begin() as conn:
            # tried in this order so that a job claimed between the two is still flagged
            row = self._try(conn, job_id, "cancel", dict(cancel_requested=True, completed_at=now))
            if row is not None:
                dag.fail_dependents(conn, [job_id], now)
            else:
                row = self._try(conn, job_id, "request_cancel", dict(cancel_requested=True))
            if row is None:
                sources = TRANSITIONS["cancel"].sources | TRANSITIONS["request_cancel"].sources
                self._refuse(conn, job_id, "cancel", sources)
        return _job(row)

    def requeue(self, job_id: str) -> JobRecord:
        """Schedule a failed or cancelled job again (`jobs resume`): one more attempt."""
        values = dict(attempts=JOBS.c.attempts + 1, **_NOT_RUNNING)
        with self._writer.begin() as conn:
            failed = dag.has_failed_need(conn, job_id)
            if failed is not None:  # it would wait for ever
                raise dag.NeedNotMet(job_id, *failed)
            row = self._try(conn, job_id, "requeue", values)
            if row is None:
                self._refuse(conn, job_id, "requeue")
            dag.requeue_dependents(conn, [job_id])  # what it failed, back in the queue with it
        return _job(row)

    def needs(self, job_id: str) -> list[str]:
        """The jobs this one waits for (a pipeline's edges)."""
        with self.engine.connect() as conn:
            return dag.needs_of(conn, job_id)

    def by_node_key(self, node_key: str) -> list[JobRecord]:
        """The jobs of one pipeline node identity, newest first (jobs/pipeline reuses them)."""
        query = (
            select(JOBS)
            .where(JOBS.c.node_key == node_key)
            .order_by(JOBS.c.created_at.desc(), JOBS.c.id)
        )
        with self.engine.connect() as conn:
            return [_job(row) for row in conn.execute(query)]

    def delete(self, job_id: str) -> None:
        """Remove a job that is not running, and its artifacts (not their files)."""
        rule = TRANSITIONS["delete"]
        with self._writer.begin() as conn:
            gone = conn.execute(
                delete(JOBS).where(JOBS.c.id == job_id, JOBS.c.status.in_(rule.sources))
            ).rowcount
            if not gone:
                self._refuse(conn, job_id, "delete")

    # -- artifacts ------------------------------------------------------------------------

    def add_artifact(
        self,
        job_id: str,
        kind: str,
        path: str | Path,
        *,
        step: int | None = None,
        epoch: float | None = None,
        metrics: dict[str, Any] | None = None,
    ) -> ArtifactRecord:
        if kind not in ARTIFACT_KINDS:
            raise AlignkitError(
                f"unknown artifact kind {kind!r} (one of {', '.join(ARTIFACT_KINDS)})"
            )
        values = dict(
            id=str(uuid.uuid4()),
            job_id=job_id,
            kind=kind,
            path=str(path),
            step=step,
            epoch=epoch,
            metrics=dict(metrics or {}),
            created_at=utcnow(),
        )
        try:
            with self._writer.begin() as conn:
                row = conn.execute(insert(ARTIFACTS).values(values).returning(*ARTIFACTS.c)).one()
        except IntegrityError as exc:  # the foreign key: no such job
            raise JobNotFound(job_id) from exc
        return _artifact(row)

    def artifacts(self, job_id: str) -> list[ArtifactRecord]:
        """Oldest first."""
        query = (
            select(ARTIFACTS)
            .where(ARTIFACTS.c.job_id == job_id)
            .order_by(ARTIFACTS.c.created_at, ARTIFACTS.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            if (
                not rows
                and conn.execute(select(JOBS.c.id).where(JOBS.c.id == job_id)).first() is None
            ):
                raise JobNotFound(job_id)
        return [_artifact(row) for row in rows]

    # -- workers --------------------------------------------------------------------------

    def register_worker(
        self,
        *,
        backend: str = "local",
        host: str | None = None,
        pid: int | None = None,
        worker_id: str | None = None,
    ) -> WorkerRecord:
        host = host or socket.gethostname()
        pid = os.getpid() if pid is None else pid
        now = utcnow()
        values = dict(
            id=worker_id or f"{host}-{pid}-{uuid.uuid4().hex[:8]}",
            host=host,
            pid=pid,
            backend=backend,
            started_at=now,
            heartbeat_at=now,
        )
        with self._writer.begin() as conn:
            row = conn.execute(insert(WORKERS).values(values).returning(*WORKERS.c)).one()
        return WorkerRecord(**row._mapping)

    def workers(self) -> list[WorkerRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(WORKERS).order_by(WORKERS.c.started_at)).all()
        return [WorkerRecord(**row._mapping) for row in rows]

    def remove_worker(self, worker_id: str) -> None:
        with self._writer.begin() as conn:
            conn.execute(delete(WORKERS).where(WORKERS.c.id == worker_id))

    # -- the one way a job's row changes --------------------------------------------------

    def _change(
        self, job_id: str, action: str, values: dict[str, Any], *, worker_id: str | None = None
    ) -> JobRecord:
        with self._writer.begin() as conn:
            row = self._try(conn, job_id, action, values, worker_id=worker_id)
            if row is None:
                self._refuse(conn, job_id, action)
        return _job(row)

    @staticmethod
    def _try(
        conn: Connection,
        job_id: str,
        action: str,
        values: dict[str, Any],
        *,
        worker_id: str | None = None,
    ) -> Row[Any] | None:
        rule = TRANSITIONS[action]
        where = [JOBS.c.id == job_id, JOBS.c.status.in_(rule.sources)]
        if worker_id is not None:  # a worker touches only the jobs it owns
            where.append(JOBS.c.worker_id == worker_id)
        statement = update(JOBS).where(*where).values(status=rule.target, **values)
        return conn.execute(statement.returning(*JOBS.c)).first()

    @staticmethod
    def _refuse(
        conn: Connection, job_id: str, action: str, sources: frozenset[str] | None = None
    ) -> None:
        status = conn.execute(select(JOBS.c.status).where(JOBS.c.id == job_id)).scalar()
        if status is None:
            raise JobNotFound(job_id)
        raise JobStateError(job_id, action, status, sources)


# a job back in the queue carries nothing of the run that ended (run_dir and log_path stay:
# a resumed run continues in the same folder)
_NOT_RUNNING: dict[str, Any] = dict(
    worker_id=None,
    pid=None,
    host=None,
    started_at=None,
    heartbeat_at=None,
    completed_at=None,
    exit_code=None,
    error=None,
    traceback_path=None,
    cancel_requested=False,
)


def _str(path: str | Path | None) -> str | None:
    return None if path is None else str(path)


def _job(row: Row[Any]) -> JobRecord:
    values = {name: row._mapping[name] for name in _JOB_FIELDS}
    values["tags"] = tuple(values["tags"] or ())
    return JobRecord(**values)


def _artifact(row: Row[Any]) -> ArtifactRecord:
    values = dict(row._mapping)
    values["metrics"] = dict(values["metrics"] or {})
    return ArtifactRecord(**values)
