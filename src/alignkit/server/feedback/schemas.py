"""The feedback API's bodies: Create / Update for what a client sends, Public for what it
gets back (read from the store's frozen dataclasses)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from alignkit.server.schemas import Public


class LoginCreate(BaseModel):
    email: str
    password: str


class UserCreate(BaseModel):
    email: str = Field(min_length=3, max_length=255)
    password: str = Field(min_length=8)
    name: str | None = None


class UserPublic(Public):
    id: str
    email: str
    name: str | None
    created_at: datetime


class SessionPublic(Public):
    user: UserPublic
    csrf_token: str = Field(description="Send it as X-CSRF-Token with every change.")
    expires_at: datetime


class WorkspaceCreate(BaseModel):
    name: str = Field(min_length=1, max_length=255)


class WorkspacePublic(Public):
    id: str
    name: str
    created_at: datetime
    role: str | None = Field(None, description="The caller's role in it (a user's login).")


class MemberUpdate(BaseModel):
    role: Literal["owner", "admin", "annotator"] = "annotator"


class MemberPublic(Public):
    workspace_id: str
    user_id: str
    email: str
    role: str


class Question(BaseModel):
    type: Literal["pairwise", "ranking", "rating", "thumbs"]
    answers: int | None = Field(None, description="Answers per record (pairwise: 2).")
    factual_errors: bool = Field(False, description="Pairwise: ask whether each has one.")
    rationale: bool = Field(False, description="Pairwise: ask for a rationale.")


class FeedbackDatasetCreate(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    question: Question
    guidelines: str = Field("", description="Markdown, shown to annotators.")
    min_submitted: int = Field(1, ge=1, description="Submitted responses each record needs.")


class FeedbackDatasetUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=255)
    guidelines: str | None = None
    min_submitted: int | None = Field(None, ge=1)
    reward_model: str | None = Field(
        None,
        max_length=1024,
        description="Attach a reward model (its training run folder): once a feedback:score job "
        "has scored the records, the queue serves first the pairs it is least sure of. null "
        "detaches it (the scores are kept); absent: unchanged.",
    )


class FeedbackDatasetPublic(Public):
    id: str
    workspace_id: str
    name: str
    question_type: str
    question: dict[str, Any]
    guidelines: str
    min_submitted: int
    created_at: datetime
    reward_model: str | None = Field(
        None, description="The attached reward model's run folder: the queue's order."
    )


class RecordCreate(BaseModel):
    prompt: str
    answers: list[str]
    metadata: dict[str, Any] = Field(default_factory=dict)


class RecordsCreate(BaseModel):
    records: list[RecordCreate] = Field(max_length=10_000)


class RecordsCreated(BaseModel):
    ids: list[str]


class RecordPublic(Public):
    id: str
    dataset_id: str
    position: int
    prompt: str
    answers: list[str]
    meta: dict[str, Any]
    submitted: int


class ResponseCreate(BaseModel):
    value: dict[str, Any]
    status: Literal["draft", "submitted"] = "submitted"
    idempotency_key: str | None = Field(
        None,
        max_length=128,
        description="Or the Idempotency-Key header: a retry returns the first.",
    )


class ResponseUpdate(BaseModel):
    value: dict[str, Any]
    status: Literal["draft", "submitted"] = "submitted"


class ResponsePublic(Public):
    id: str
    record_id: str
    user_id: str
    status: str
    value: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class AssignmentPublic(Public):
    record: RecordPublic
    lease_expires_at: datetime
    response: ResponsePublic | None = Field(None, description="Your saved draft, if any.")


class HistoryPublic(Public):
    status: str
    value: dict[str, Any]
    changed_at: datetime


class ExportPublic(Public):
    format: Literal["pairs", "kto"]
    rows: list[dict[str, Any]]
    dropped: dict[str, int] = Field(description="Responses left out, by reason (tie, neutral).")


class AnnotatorPublic(Public):
    user_id: str
    email: str
    submitted: int
    drafts: int
    discarded: int


class ProgressPublic(Public):
    records: int
    completed: int
    responses: int
    drafts: int
    discarded: int
    leased: int
    annotators: list[AnnotatorPublic]
