"""What the job store hands out: plain frozen dataclasses, the status enum, the one table of
allowed transitions, and the store's errors. No SQLAlchemy here, so the CLI, the REST schemas
and the runner can import these types without loading a database driver."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

from alignkit.errors import AlignkitError

# Llama Stack's JobStatus strings, so its post-training API can return them unchanged
Status = Literal["scheduled", "in_progress", "completed", "failed", "cancelled"]
STATUSES: tuple[Status, ...] = get_args(Status)
TERMINAL: frozenset[Status] = frozenset({"completed", "failed", "cancelled"})

ArtifactKind = Literal["checkpoint", "model", "eval", "report", "log"]
ARTIFACT_KINDS: tuple[ArtifactKind, ...] = get_args(ArtifactKind)

# the server's API keys and datasets share the job database (alignkit.server.keys, .datasets)
Role = Literal["admin", "member"]
ROLES: tuple[Role, ...] = get_args(Role)
DatasetSource = Literal["folder", "upload"]
DATASET_SOURCES: tuple[DatasetSource, ...] = get_args(DatasetSource)


@dataclass(frozen=True)
class Transition:
    """An action may change a job only from `sources`; it leaves the job in `target`
    (None: the row is deleted)."""

    sources: frozenset[Status]
    target: Status | None


def _t(sources: str, target: Status | None) -> Transition:
    return Transition(frozenset(sources.split()), target)  # type: ignore[arg-type]


# Every change to a job's status goes through one row of this table, as a single conditional
# UPDATE ... WHERE status IN (sources): a racing or illegal change matches no row and changes
# nothing (store.py turns that into JobStateError).
TRANSITIONS: dict[str, Transition] = {
    "claim": _t("scheduled", "in_progress"),
    "set_running": _t("in_progress", "in_progress"),
    "heartbeat": _t("in_progress", "in_progress"),
    "complete": _t("in_progress", "completed"),
    "fail": _t("in_progress", "failed"),
    # the worker stopped the process after a cancel request
    "confirm_cancel": _t("in_progress", "cancelled"),
    # nothing runs yet, so a cancel needs no worker
    "cancel": _t("scheduled", "cancelled"),
    "request_cancel": _t("in_progress", "in_progress"),
    # `jobs resume`: run a stopped job again, one more attempt
    "requeue": _t("failed cancelled", "scheduled"),
    # a pipeline node whose need failed or was cancelled can never start
    "dependency_failed": _t("scheduled", "failed"),
    # ... and goes back to the queue when that need is resumed
    "dependency_requeue": _t("failed", "scheduled"),
    # a dead worker's job: failed ("worker lost"), or back in the queue when it asked for that
    "lost": _t("in_progress", "failed"),
    "lost_requeue": _t("in_progress", "scheduled"),
    # a running job is deleted only after it stops, or its worker would write to a missing row
    "delete": _t("scheduled completed failed cancelled", None),
}

# finish(status=...) -> the action it takes
FINISH_ACTIONS: dict[Status, str] = {
    "completed": "complete",
    "failed": "fail",
    "cancelled": "confirm_cancel",
}


class JobNotFound(AlignkitError):
    """No job has this id."""

    exit_code = 1
    code = "AK-JOB-NOT-FOUND"

    def __init__(self, job_id: str) -> None:
        super().__init__(f"no job with id {job_id!r}")
        self.job_id = job_id


class JobStateError(AlignkitError):
    """A transition the job's current status does not allow (or another process won a race)."""

    exit_code = 1
    code = "AK-JOB-STATE"

    def __init__(
        self, job_id: str, action: str, status: str, sources: frozenset[str] | None = None
    ) -> None:
        sources = TRANSITIONS[action].sources if sources is None else sources
        verb = action.replace("_", " ")
        if status in sources:  # the status fits, the owner does not
            message = f"job {job_id} is {status} on another worker: cannot {verb}"
        else:
            message = f"job {job_id} is {status}: cannot {verb} (only {', '.join(sorted(sources))})"
        super().__init__(message)
        self.job_id, self.action, self.status = job_id, action, status


class JobIdTaken(JobStateError):
    """A caller-chosen job id that another job (other kind or settings) already has."""

    def __init__(self, job_id: str) -> None:
        AlignkitError.__init__(self, f"job id {job_id} is taken by a job with other settings")
        self.job_id, self.action, self.status = job_id, "submit", "taken"


class DatabaseError(AlignkitError):
    """The job database cannot be opened or is not usable."""

    exit_code = 1
    code = "AK-DATABASE"


@dataclass(frozen=True)
class JobRecord:
    id: str
    kind: str
    settings: dict[str, Any]
    status: Status
    created_at: datetime
    priority: int = 0
    cpus: int = 1
    gpus: int = 0
    tags: tuple[str, ...] = ()
    user: str | None = None
    resume_on_lost: bool = False
    cancel_requested: bool = False
    # 1 on the first run, one more on every requeue
    attempts: int = 1
    started_at: datetime | None = None
    completed_at: datetime | None = None
    heartbeat_at: datetime | None = None
    worker_id: str | None = None
    pid: int | None = None
    host: str | None = None
    run_dir: str | None = None
    log_path: str | None = None
    exit_code: int | None = None
    error: str | None = None
    traceback_path: str | None = None
    node_key: str | None = None  # a pipeline node's identity (jobs/pipeline)

    @property
    def done(self) -> bool:
        return self.status in TERMINAL


@dataclass(frozen=True)
class ArtifactRecord:
    id: str
    job_id: str
    kind: ArtifactKind
    path: str
    created_at: datetime
    step: int | None = None
    epoch: float | None = None
    metrics: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkerRecord:
    id: str
    host: str
    pid: int
    backend: str
    started_at: datetime
    heartbeat_at: datetime


@dataclass(frozen=True)
class HeartbeatReply:
    """What a worker learns from a heartbeat: jobs to stop because a user asked, and jobs it
    no longer owns (reaped as lost, or finished elsewhere), which it must stop too so that no
    job runs twice."""

    cancel_requested: frozenset[str]
    not_owned: frozenset[str]


@dataclass(frozen=True)
class PipelineRecord:
    id: str
    name: str
    spec: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    source: str | None = None
    user: str | None = None
    nodes: dict[str, str | None] = field(default_factory=dict)  # node -> job id
