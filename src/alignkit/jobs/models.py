"""The job store's tables as SQLAlchemy 2 typed declarative models. The schema changes only
through a migration in migrations/versions (a test checks that the two agree)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from alignkit.jobs.records import ARTIFACT_KINDS, DATASET_SOURCES, ROLES, STATUSES


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out on both databases: SQLite keeps no zone, so a naive UTC
    value is stored (its text sorts in time order) and the zone is put back on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("job store times must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSONB on PostgreSQL so that tags and settings can be queried and indexed later
Json = JSON().with_variant(JSONB(), "postgresql")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    # named constraints, so that later migrations (batch mode on SQLite) can alter them
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    settings: Mapped[dict[str, Any]] = mapped_column(Json)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # no foreign key to workers: a job keeps the name of the worker that ran it after that
    # worker's row is gone
    worker_id: Mapped[str | None] = mapped_column(String(64))
    pid: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str | None] = mapped_column(String(255))
    run_dir: Mapped[str | None] = mapped_column(Text)
    log_path: Mapped[str | None] = mapped_column(Text)
    exit_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    traceback_path: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    priority: Mapped[int] = mapped_column(Integer)
    cpus: Mapped[int] = mapped_column(Integer)
    gpus: Mapped[int] = mapped_column(Integer)
    tags: Mapped[list[str]] = mapped_column(Json)
    user: Mapped[str | None] = mapped_column(String(255))
    resume_on_lost: Mapped[bool] = mapped_column(Boolean)
    cancel_requested: Mapped[bool] = mapped_column(Boolean)
    # a pipeline node's identity: its command, settings and the keys of what it needs, hashed;
    # a rerun finds the completed job by it and reuses it (jobs/pipeline)
    node_key: Mapped[str | None] = mapped_column(String(64), index=True)

    __table_args__ = (
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        CheckConstraint("cpus >= 0 AND gpus >= 0", name="resources"),
        Index("ix_jobs_created_at", "created_at"),
        Index("ix_jobs_worker_id", "worker_id"),
    )


class Artifact(Base):
    __tablename__ = "job_artifacts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(Text)
    step: Mapped[int | None] = mapped_column(Integer)
    epoch: Mapped[float | None] = mapped_column(Float)
    metrics: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (CheckConstraint(_one_of("kind", ARTIFACT_KINDS), name="kind"),)


class Worker(Base):
    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    backend: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiKey(Base):
    """The server's API keys. A token is `ak_<id>_<secret>`: the id finds the row, the secret
    is checked against its argon2 hash (never stored itself)."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)


class Dataset(Base):
    """A dataset folder the server knows: registered as it is, or the output of the ingest
    job that an upload queued (job_id)."""

    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    # the dataset outlives its ingest job's row (`jobs rm` keeps files)
    job_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="SET NULL"), index=True
    )
    report: Mapped[dict[str, Any] | None] = mapped_column(Json)
    digest: Mapped[str | None] = mapped_column(String(64))
    user: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (CheckConstraint(_one_of("source", DATASET_SOURCES), name="source"),)


class JobNeed(Base):
    """An edge of a pipeline's DAG: `job_id` starts only once `needs_id` has completed."""

    __tablename__ = "job_needs"

    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    needs_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Pipeline(Base):
    """A pipeline file as it was last run: its name (unique: a rerun is the same pipeline),
    the expanded DAG, and the job each node is (a reused node keeps its first job)."""

    __tablename__ = "pipelines"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    source: Mapped[str | None] = mapped_column(Text)
    spec: Mapped[dict[str, Any]] = mapped_column(Json)
    user: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PipelineNode(Base):
    __tablename__ = "pipeline_nodes"

    pipeline_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("pipelines.id", ondelete="CASCADE"), primary_key=True
    )
    node: Mapped[str] = mapped_column(String(255), primary_key=True)
    # a job removed by `jobs rm` leaves the node without one (the next run submits it again)
    job_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="SET NULL"), index=True
    )


# the claim's WHERE status = 'scheduled' ORDER BY priority DESC, created_at, read in index order
Index("ix_jobs_claim", Job.status, Job.priority.desc(), Job.created_at)
