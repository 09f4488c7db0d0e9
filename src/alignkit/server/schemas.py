"""The API's request and response bodies: a Create model for what a client sends, a Public
model for what it gets back (fastapi/full-stack-fastapi-template's families). Public models are
read from the store's records (`from_attributes`), never from ORM rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from alignkit.jobs.records import ArtifactKind, Role, Status


class Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorPublic(BaseModel):
    code: str = Field(description="A code of alignkit.errors.ERRORS, e.g. AK-JOB-NOT-FOUND.")
    message: str = Field(description="What went wrong, in one line.")
    detail: Any = None


class JobCreate(BaseModel):
    kind: str = Field(description="A registered command: train:dpo, data:ingest, ...")
    settings: dict[str, Any] = Field(
        default_factory=dict, description="The command's settings (its --config keys)."
    )
    priority: int = Field(0, description="Higher runs first.")
    cpus: int = Field(1, ge=0)
    gpus: int = Field(0, ge=0)
    tags: list[str] = Field(default_factory=list)
    resume_on_lost: bool = Field(False, description="Requeue with --resume if its worker dies.")


class JobPublic(Public):
    id: str
    kind: str
    settings: dict[str, Any]
    status: Status
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    heartbeat_at: datetime | None
    priority: int
    cpus: int
    gpus: int
    tags: list[str]
    user: str | None = Field(description="The id of the API key that submitted it.")
    resume_on_lost: bool
    cancel_requested: bool
    attempts: int
    worker_id: str | None
    pid: int | None
    host: str | None
    run_dir: str | None
    exit_code: int | None
    error: str | None


class ArtifactPublic(Public):
    id: str
    job_id: str
    kind: ArtifactKind
    path: str
    created_at: datetime
    step: int | None
    epoch: float | None
    metrics: dict[str, Any]
    download_url: str | None = Field(None, description="Files only; folders have none.")


class DatasetCreate(BaseModel):
    path: str = Field(description="An ingested dataset folder on the server's disk.")
    name: str | None = None


class DatasetPublic(Public):
    id: str
    name: str | None
    path: str
    source: str
    status: str = Field(description="ready, or the status of the ingest job making it.")
    job_id: str | None
    digest: str | None
    report: dict[str, Any] | None = Field(description="Its schema_report.json.")
    user: str | None
    created_at: datetime


class KeyCreate(BaseModel):
    role: Role = "member"
    name: str | None = None


class KeyPublic(Public):
    id: str
    name: str | None
    role: Role
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class KeyCreated(KeyPublic):
    token: str = Field(description="The key itself: shown this once, only its hash is kept.")
