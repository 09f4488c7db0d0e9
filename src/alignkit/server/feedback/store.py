"""The Collect domain's transactions: feedback datasets and their records, the lease that
hands a record to an annotator, and responses. Each function is one transaction and returns
frozen dataclasses. `user_id` None is an admin API key: it sees every workspace but answers
nothing (answers belong to users).

The lease keeps, for every record, submitted + live leases <= min_submitted: a lease is
granted only below it, a submit without a live lease only below it (else 409), and a submit
turns the caller's lease into a response. Both take the record's row first: on SQLite the
writer's BEGIN IMMEDIATE serialises them, on PostgreSQL a FOR UPDATE row lock (SKIP LOCKED
for next-record: another annotator's pick is skipped, not waited for) and a fresh re-check.

With a reward model attached to the dataset (active learning, server/feedback/active.py),
next-record serves first the records that model is least sure of: its scores' uncertainty
ascending, the records it has not scored after those it has, each group then in the default
order. Only the order of the candidates changes; which records are candidates, and the lease,
do not."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from alignkit.errors import ForbiddenError, NotFoundError
from alignkit.jobs.db import writer
from alignkit.jobs.store import utcnow
from alignkit.server.feedback import questions
from alignkit.server.feedback.auth import MANAGERS, ConflictError, role_in
from alignkit.server.feedback.models import (
    FeedbackDataset,
    FeedbackRecord,
    Lease,
    RecordScore,
    Response,
    ResponseHistory,
)

DATASETS, RECORDS, LEASES, RESPONSES, HISTORY, SCORES = (
    m.__table__
    for m in (FeedbackDataset, FeedbackRecord, Lease, Response, ResponseHistory, RecordScore)
)
LEASE_TTL = timedelta(minutes=10)
_PICK_TRIES = 50  # PostgreSQL: candidates re-checked under their lock before giving up


@dataclass(frozen=True)
class Dataset:
    id: str
    workspace_id: str
    name: str
    question_type: str
    question: dict[str, Any]
    guidelines: str
    min_submitted: int
    created_at: datetime
    reward_model: str | None = None  # attached: the queue follows its uncertainty


@dataclass(frozen=True)
class Record:
    id: str
    dataset_id: str
    position: int
    prompt: str
    answers: list[str]
    meta: dict[str, Any]
    submitted: int


@dataclass(frozen=True)
class ResponseRecord:
    id: str
    record_id: str
    user_id: str
    status: str
    value: dict[str, Any]
    idempotency_key: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Assignment:
    record: Record
    lease_expires_at: datetime
    response: ResponseRecord | None  # the annotator's draft, if any


@dataclass(frozen=True)
class HistoryEntry:
    status: str
    value: dict[str, Any]
    changed_at: datetime


def _dataset(row) -> Dataset:
    return Dataset(**{f: getattr(row, f) for f in Dataset.__dataclass_fields__})


def _record(row) -> Record:
    return Record(**{f: getattr(row, f) for f in Record.__dataclass_fields__})


def _response(row) -> ResponseRecord:
    return ResponseRecord(**{f: getattr(row, f) for f in ResponseRecord.__dataclass_fields__})


def _pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _visible(conn: Connection, dataset_row, user_id: str | None, manage: bool) -> None:
    if user_id is None:
        return
    role = role_in(conn, dataset_row.workspace_id, user_id)
    if role is None:  # another workspace's dataset: not told that it exists
        raise NotFoundError(f"no feedback dataset with id {dataset_row.id!r}")
    if manage and role not in MANAGERS:
        raise ForbiddenError("only the workspace's owners and admins may do this")


def get_dataset(
    conn: Connection, dataset_id: str, user_id: str | None, manage: bool = False
) -> Dataset:
    row = conn.execute(select(DATASETS).where(DATASETS.c.id == dataset_id)).first()
    if row is None:
        raise NotFoundError(f"no feedback dataset with id {dataset_id!r}")
    _visible(conn, row, user_id, manage)
    return _dataset(row)


def _locked_record(conn: Connection, record_id: str, user_id: str | None) -> tuple[Record, Dataset]:
    query = select(RECORDS).where(RECORDS.c.id == record_id)
    row = conn.execute(query.with_for_update() if _pg(conn) else query).first()
    if row is None:
        raise NotFoundError(f"no record with id {record_id!r}")
    try:
        dataset = get_dataset(conn, row.dataset_id, user_id)
    except NotFoundError:
        raise NotFoundError(f"no record with id {record_id!r}") from None
    return _record(row), dataset


def _annotator(user_id: str | None) -> str:
    if user_id is None:
        raise ForbiddenError("answering needs a user's login, not an API key")
    return user_id


# -- datasets and records -------------------------------------------------------------------


def create_dataset(engine: Engine, workspace_id: str, name: str, question: dict[str, Any],
                   guidelines: str = "", min_submitted: int = 1) -> Dataset:  # fmt: skip
    question = questions.check_question(question)
    values = dict(
        id=str(uuid.uuid4()), workspace_id=workspace_id, name=name, question=question,
        question_type=question["type"], guidelines=guidelines, min_submitted=min_submitted,
        created_at=utcnow(),
    )  # fmt: skip
    try:
        with writer(engine).begin() as conn:
            conn.execute(insert(DATASETS).values(values))
    except IntegrityError:
        raise ConflictError(f"the workspace has a dataset named {name!r}") from None
    return Dataset(**values)


def list_datasets(engine: Engine, workspace_id: str) -> list[Dataset]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(DATASETS)
            .where(DATASETS.c.workspace_id == workspace_id)
            .order_by(DATASETS.c.name)
        )
        return [_dataset(r) for r in rows]


def dataset(engine: Engine, dataset_id: str, user_id: str | None, manage: bool = False) -> Dataset:
    with engine.connect() as conn:
        return get_dataset(conn, dataset_id, user_id, manage)


def update_dataset(engine: Engine, dataset_id: str, user_id: str | None, **values: Any) -> Dataset:
    values = {k: v for k, v in values.items() if v is not None}
    with writer(engine).begin() as conn:
        get_dataset(conn, dataset_id, user_id, manage=True)
        if values:
            conn.execute(update(DATASETS).where(DATASETS.c.id == dataset_id).values(values))
        return get_dataset(conn, dataset_id, user_id)


def add_records(engine: Engine, dataset_id: str, user_id: str | None,
                records: list[dict[str, Any]]) -> list[str]:  # fmt: skip
    """Import prompts with their candidate answers; their ids, in order."""
    now = utcnow()
    with writer(engine).begin() as conn:
        ds = get_dataset(conn, dataset_id, user_id, manage=True)
        for i, item in enumerate(records):
            questions.check_answers(ds.question, item["answers"], f"records[{i}]")
        start = conn.execute(
            select(func.coalesce(func.max(RECORDS.c.position), -1)).where(
                RECORDS.c.dataset_id == dataset_id
            )
        ).scalar_one() + 1  # fmt: skip
        rows = [
            dict(id=str(uuid.uuid4()), dataset_id=dataset_id, position=start + i,
                 prompt=item["prompt"], answers=list(item["answers"]),
                 meta=item.get("metadata") or {}, submitted=0, created_at=now)
            for i, item in enumerate(records)
        ]  # fmt: skip
        if rows:
            conn.execute(insert(RECORDS), rows)
    return [r["id"] for r in rows]


def list_records(engine: Engine, dataset_id: str, user_id: str | None, offset: int = 0,
                 limit: int = 100) -> list[Record]:  # fmt: skip
    with engine.connect() as conn:
        get_dataset(conn, dataset_id, user_id)
        rows = conn.execute(
            select(RECORDS).where(RECORDS.c.dataset_id == dataset_id)
            .order_by(RECORDS.c.position).offset(offset).limit(limit)
        )  # fmt: skip
        return [_record(r) for r in rows]


# -- the lease ------------------------------------------------------------------------------


def _others_live(record_col, user_id: str, now: datetime):
    return (
        select(func.count())
        .where(LEASES.c.record_id == record_col, LEASES.c.user_id != user_id,
               LEASES.c.expires_at > now)
        .scalar_subquery()
    )  # fmt: skip


def _has_room(record_col, submitted_col, min_submitted: int, user_id: str, now: datetime):
    return submitted_col + _others_live(record_col, user_id, now) < min_submitted


def _done_by(record_col, user_id: str):
    """The user has submitted or discarded the record (a draft is still theirs to finish)."""
    return exists().where(
        RESPONSES.c.record_id == record_col,
        RESPONSES.c.user_id == user_id,
        RESPONSES.c.status.in_(("submitted", "discarded")),
    )


def _own_response(conn: Connection, record_id: str, user_id: str):
    return conn.execute(
        select(RESPONSES).where(RESPONSES.c.record_id == record_id, RESPONSES.c.user_id == user_id)
    ).first()


def _lease(conn: Connection, record_id: str, user_id: str, expires: datetime) -> None:
    conn.execute(delete(LEASES).where(LEASES.c.record_id == record_id, LEASES.c.user_id == user_id))
    conn.execute(insert(LEASES).values(record_id=record_id, user_id=user_id, expires_at=expires))


def _assignment(conn: Connection, record_id: str, user_id: str, expires: datetime) -> Assignment:
    row = conn.execute(select(RECORDS).where(RECORDS.c.id == record_id)).one()
    own = _own_response(conn, record_id, user_id)
    return Assignment(_record(row), expires, _response(own) if own else None)


def _queue(ds: Dataset):
    """(the FROM clause, the ORDER BY) of next-record's candidates: the most advanced first
    (so that records complete rather than all starting), then in import order; with a reward
    model attached, its least certain scores before those, unscored records last."""
    default = (RECORDS.c.submitted.desc(), RECORDS.c.position)
    if ds.reward_model is None:
        return RECORDS, default
    scored = RECORDS.outerjoin(
        SCORES, (SCORES.c.record_id == RECORDS.c.id) & (SCORES.c.reward_model == ds.reward_model)
    )
    return scored, (SCORES.c.uncertainty.is_(None), SCORES.c.uncertainty, *default)


def next_record(engine: Engine, dataset_id: str, user_id: str | None,
                ttl: timedelta = LEASE_TTL) -> Assignment | None:  # fmt: skip
    """The record to answer next, leased to the caller: the one they hold already, else one
    they have not answered that still has room, in the queue's order (`_queue`). None when
    there is nothing left for them."""
    user_id = _annotator(user_id)
    now = utcnow()
    with writer(engine).begin() as conn:
        ds = get_dataset(conn, dataset_id, user_id)
        held = conn.execute(
            select(LEASES.c.record_id)
            .join(RECORDS, RECORDS.c.id == LEASES.c.record_id)
            .where(LEASES.c.user_id == user_id, RECORDS.c.dataset_id == dataset_id,
                   LEASES.c.expires_at > now, ~_done_by(RECORDS.c.id, user_id))
            .order_by(RECORDS.c.position).limit(1)
        ).scalar()  # fmt: skip
        if held is not None:
            conn.execute(
                update(LEASES)
                .where(LEASES.c.record_id == held, LEASES.c.user_id == user_id)
                .values(expires_at=now + ttl)
            )
            return _assignment(conn, held, user_id, now + ttl)
        room = _has_room(RECORDS.c.id, RECORDS.c.submitted, ds.min_submitted, user_id, now)
        source, order = _queue(ds)
        skipped: list[str] = []
        for _ in range(_PICK_TRIES):
            pick = (
                select(RECORDS.c.id).select_from(source)
                .where(RECORDS.c.dataset_id == dataset_id, ~_done_by(RECORDS.c.id, user_id),
                       room, RECORDS.c.id.not_in(skipped))
                .order_by(*order).limit(1)
            )  # fmt: skip
            if _pg(conn):
                # OF the records alone: the scores are the outer join's nullable side
                pick = pick.with_for_update(skip_locked=True, of=RECORDS)
            record_id = conn.execute(pick).scalar()
            if record_id is None:
                return None
            # PostgreSQL: the pick's snapshot predates leases committed while we waited for
            # nothing (SKIP LOCKED); under the row lock, a new statement sees them all
            if (
                _pg(conn)
                and not conn.execute(
                    select(room).select_from(RECORDS).where(RECORDS.c.id == record_id)
                ).scalar()
            ):
                skipped.append(record_id)
                continue
            _lease(conn, record_id, user_id, now + ttl)
            return _assignment(conn, record_id, user_id, now + ttl)
    return None


def renew_lease(engine: Engine, record_id: str, user_id: str | None,
                ttl: timedelta = LEASE_TTL) -> Assignment:  # fmt: skip
    """Keep the record while its page is open; an expired lease is granted again only if
    the record still has room (409 otherwise)."""
    user_id = _annotator(user_id)
    now = utcnow()
    with writer(engine).begin() as conn:
        record, ds = _locked_record(conn, record_id, user_id)
        own = _own_response(conn, record_id, user_id)
        if own is not None and own.status != "draft":
            raise ConflictError(f"you have {own.status} record {record_id} already")
        live = conn.execute(
            select(LEASES.c.expires_at).where(
                LEASES.c.record_id == record_id, LEASES.c.user_id == user_id,
                LEASES.c.expires_at > now,
            )
        ).first()  # fmt: skip
        if live is None and not conn.execute(
            select(_has_room(RECORDS.c.id, RECORDS.c.submitted, ds.min_submitted, user_id, now))
            .select_from(RECORDS).where(RECORDS.c.id == record_id)
        ).scalar():  # fmt: skip
            raise ConflictError(f"record {record_id} has all the responses it needs")
        _lease(conn, record_id, user_id, now + ttl)
        return _assignment(conn, record_id, user_id, now + ttl)


def release_lease(engine: Engine, record_id: str, user_id: str | None) -> None:
    user_id = _annotator(user_id)
    with writer(engine).begin() as conn:
        _locked_record(conn, record_id, user_id)
        conn.execute(
            delete(LEASES).where(LEASES.c.record_id == record_id, LEASES.c.user_id == user_id)
        )
