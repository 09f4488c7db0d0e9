"""The Collect domain's tables (workspaces, users, sessions, feedback datasets, records,
leases, responses and their history), on the job store's Base so that one migration history
and one comparison test cover them (jobs/migrations/versions/0004_feedback.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from alignkit.jobs.models import Base, Json, UTCDateTime

MEMBER_ROLES = ("owner", "admin", "annotator")
QUESTION_TYPES = ("pairwise", "ranking", "rating", "thumbs")
RESPONSE_STATUSES = ("draft", "submitted", "discarded")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _fk(target: str, ondelete: str = "CASCADE") -> ForeignKey:
    return ForeignKey(target, ondelete=ondelete)


class Workspace(Base):
    __tablename__ = "feedback_workspaces"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class User(Base):
    """A person who logs in with a password (argon2 hash only); roles are per workspace."""

    __tablename__ = "feedback_users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Member(Base):
    __tablename__ = "feedback_members"

    workspace_id: Mapped[str] = mapped_column(
        String(36), _fk("feedback_workspaces.id"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        String(36), _fk("feedback_users.id"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))

    __table_args__ = (CheckConstraint(_one_of("role", MEMBER_ROLES), name="role"),)


class Session(Base):
    """A login: the row's id is the SHA-256 of the cookie's token (the token is not stored)."""

    __tablename__ = "feedback_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), _fk("feedback_users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedbackDataset(Base):
    __tablename__ = "feedback_datasets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(36), _fk("feedback_workspaces.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    question_type: Mapped[str] = mapped_column(String(16))
    # the question's options: answers per record, factual-error flags, rationale, ...
    question: Mapped[dict[str, Any]] = mapped_column(Json)
    guidelines: Mapped[str] = mapped_column(Text)
    min_submitted: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # the reward model (its run folder, resolved) whose uncertainty orders the queue; None:
    # the default order (0005_active_learning.py)
    reward_model: Mapped[str | None] = mapped_column(String(1024))

    __table_args__ = (
        CheckConstraint(_one_of("question_type", QUESTION_TYPES), name="question_type"),
        CheckConstraint("min_submitted >= 1", name="min_submitted"),
        UniqueConstraint("workspace_id", "name"),
    )


class FeedbackRecord(Base):
    __tablename__ = "feedback_records"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dataset_id: Mapped[str] = mapped_column(String(36), _fk("feedback_datasets.id"))
    position: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(Text)
    answers: Mapped[list[str]] = mapped_column(Json)
    meta: Mapped[dict[str, Any]] = mapped_column(Json)
    # submitted responses so far: the lease's condition reads it and a submit raises it, in
    # the transaction that holds the record's row lock
    submitted: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_feedback_records_dataset_id_position", "dataset_id", "position"),)


class RecordScore(Base):
    """A reward model's scores of a record's answers (feedback:score, server/feedback/active.py),
    one row per (record, reward model): re-attaching a model that scored the dataset before
    finds its scores still there. uncertainty is |σ(r_a - r_b) - ½| (for a ranking, of its two
    closest answers): the queue serves the smallest first."""

    __tablename__ = "feedback_record_scores"

    record_id: Mapped[str] = mapped_column(String(36), _fk("feedback_records.id"), primary_key=True)
    reward_model: Mapped[str] = mapped_column(String(1024), primary_key=True)
    scores: Mapped[list[float]] = mapped_column(Json)  # one per answer, in the record's order
    uncertainty: Mapped[float] = mapped_column(Float)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_feedback_record_scores_reward_model_uncertainty", "reward_model", "uncertainty"),
    )


class Lease(Base):
    """A record handed to an annotator by next-record, until expires_at (renewed by PUT)."""

    __tablename__ = "feedback_leases"

    record_id: Mapped[str] = mapped_column(String(36), _fk("feedback_records.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        String(36), _fk("feedback_users.id"), primary_key=True, index=True
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Response(Base):
    __tablename__ = "feedback_responses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), _fk("feedback_records.id"))
    user_id: Mapped[str] = mapped_column(String(36), _fk("feedback_users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    value: Mapped[dict[str, Any]] = mapped_column(Json)
    # the submit's Idempotency-Key: a retried POST with it gets this response back
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("record_id", "user_id"),
        CheckConstraint(_one_of("status", RESPONSE_STATUSES), name="status"),
    )


class ResponseHistory(Base):
    """What a response was before each change (an edit of a submitted answer, a submit)."""

    __tablename__ = "feedback_response_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    response_id: Mapped[str] = mapped_column(String(36), _fk("feedback_responses.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    value: Mapped[dict[str, Any]] = mapped_column(Json)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
