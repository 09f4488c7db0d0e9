"""Responses: one per (record, annotator). A submit spends the caller's lease (store.py), or
needs room on the record; a retry with the first call's idempotency key gets the first response
back; drafts are kept for the page's reload; every change of a response leaves its previous
version in feedback_response_history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from alignkit.errors import AlignkitError, NotFoundError
from alignkit.jobs.db import writer
from alignkit.jobs.store import utcnow
from alignkit.server.feedback import questions
from alignkit.server.feedback.auth import ConflictError
from alignkit.server.feedback.store import (
    HISTORY,
    LEASES,
    RECORDS,
    RESPONSES,
    HistoryEntry,
    ResponseRecord,
    _annotator,
    _locked_record,
    _others_live,
    _own_response,
    _response,
    get_dataset,
)


def _remember(conn: Connection, row, now: datetime) -> None:
    conn.execute(
        insert(HISTORY).values(response_id=row.id, status=row.status, value=row.value,
                               changed_at=now)
    )  # fmt: skip


def respond(engine: Engine, record_id: str, user_id: str | None, value: dict[str, Any],
            status: str = "submitted",
            idempotency_key: str | None = None) -> tuple[ResponseRecord, bool]:  # fmt: skip
    """Save a draft or submit; (the response, whether this call made or changed it). A retry
    with the first call's idempotency key returns the first response, unchanged."""
    if status not in ("draft", "submitted"):
        raise AlignkitError(f"status must be draft or submitted, not {status!r}")
    user_id = _annotator(user_id)
    now = utcnow()
    with writer(engine).begin() as conn:
        record, ds = _locked_record(conn, record_id, user_id)
        own = _own_response(conn, record_id, user_id)
        # a replay only of the same kind of call: a draft saved with the key and then
        # submitted with it is a submit
        if (
            own is not None
            and idempotency_key
            and own.idempotency_key == idempotency_key
            and (own.status == status)
        ):
            return _response(own), False
        if own is not None and own.status == "submitted":
            raise ConflictError(
                f"you submitted record {record_id} already: PUT /api/feedback/responses/{own.id}"
                " edits it"
            )
        where_own = (LEASES.c.record_id == record_id, LEASES.c.user_id == user_id)
        if status == "submitted":
            questions.check_value(ds.question, record.answers, value)
            live = conn.execute(
                select(LEASES.c.record_id).where(*where_own, LEASES.c.expires_at > now)
            ).first()
            if live is None and record.submitted + conn.execute(
                select(_others_live(record_id, user_id, now))
            ).scalar_one() >= ds.min_submitted:  # fmt: skip
                raise ConflictError(f"record {record_id} has all the responses it needs")
            conn.execute(
                update(RECORDS).where(RECORDS.c.id == record_id)
                .values(submitted=RECORDS.c.submitted + 1)
            )  # fmt: skip
            conn.execute(delete(LEASES).where(*where_own))
        values = dict(status=status, value=value, idempotency_key=idempotency_key, updated_at=now)
        if own is None:
            response_id = str(uuid.uuid4())
            conn.execute(
                insert(RESPONSES).values(id=response_id, record_id=record_id, user_id=user_id,
                                         created_at=now, **values)
            )  # fmt: skip
        else:
            response_id = own.id
            _remember(conn, own, now)
            conn.execute(update(RESPONSES).where(RESPONSES.c.id == own.id).values(values))
        row = conn.execute(select(RESPONSES).where(RESPONSES.c.id == response_id)).one()
        return _response(row), True


def _own(conn: Connection, response_id: str, user_id: str):
    row = conn.execute(select(RESPONSES).where(RESPONSES.c.id == response_id)).first()
    if row is None or row.user_id != user_id:  # another's response: not told it exists
        raise NotFoundError(f"no response with id {response_id!r}")
    return row


def edit_response(engine: Engine, response_id: str, user_id: str | None, value: dict[str, Any],
                  status: str = "submitted") -> ResponseRecord:  # fmt: skip
    """Change one's own response; the previous version goes to its history. A draft (or a
    discarded one) submitted here goes through the submit's checks."""
    user_id = _annotator(user_id)
    with engine.connect() as conn:
        row = _own(conn, response_id, user_id)
    if row.status != "submitted":
        return respond(engine, row.record_id, user_id, value, status)[0]
    if status != "submitted":
        raise ConflictError("a submitted response stays submitted (edit its value)")
    now = utcnow()
    with writer(engine).begin() as conn:
        record, ds = _locked_record(conn, row.record_id, user_id)
        row = _own(conn, response_id, user_id)
        questions.check_value(ds.question, record.answers, value)
        _remember(conn, row, now)
        conn.execute(
            update(RESPONSES).where(RESPONSES.c.id == response_id)
            .values(value=value, updated_at=now)
        )  # fmt: skip
        return _response(_own(conn, response_id, user_id))


def discard(engine: Engine, record_id: str, user_id: str | None) -> ResponseRecord:
    """Skip a record: it is not offered to this annotator again and their lease ends."""
    user_id = _annotator(user_id)
    now = utcnow()
    with writer(engine).begin() as conn:
        _locked_record(conn, record_id, user_id)
        own = _own_response(conn, record_id, user_id)
        if own is not None and own.status == "submitted":
            raise ConflictError(f"you submitted record {record_id} already")
        conn.execute(
            delete(LEASES).where(LEASES.c.record_id == record_id, LEASES.c.user_id == user_id)
        )
        if own is None:
            response_id = str(uuid.uuid4())
            conn.execute(
                insert(RESPONSES).values(id=response_id, record_id=record_id, user_id=user_id,
                                         status="discarded", value={}, created_at=now,
                                         updated_at=now)
            )  # fmt: skip
        else:
            response_id = own.id
            _remember(conn, own, now)
            conn.execute(
                update(RESPONSES).where(RESPONSES.c.id == own.id)
                .values(status="discarded", updated_at=now)
            )  # fmt: skip
        return _response(_own(conn, response_id, user_id))


def my_response(engine: Engine, record_id: str, user_id: str | None) -> ResponseRecord:
    user_id = _annotator(user_id)
    with engine.connect() as conn:
        get_record_dataset = conn.execute(
            select(RECORDS.c.dataset_id).where(RECORDS.c.id == record_id)
        ).scalar()
        if get_record_dataset is None:
            raise NotFoundError(f"no record with id {record_id!r}")
        get_dataset(conn, get_record_dataset, user_id)
        row = _own_response(conn, record_id, user_id)
    if row is None:
        raise NotFoundError(f"you have no response to record {record_id!r}")
    return _response(row)


def history(engine: Engine, response_id: str, user_id: str | None) -> list[HistoryEntry]:
    """A response's earlier versions, oldest first (its owner's, or any for an admin key)."""
    with engine.connect() as conn:
        if user_id is not None:
            _own(conn, response_id, user_id)
        elif (
            conn.execute(select(RESPONSES.c.id).where(RESPONSES.c.id == response_id)).first()
            is None
        ):
            raise NotFoundError(f"no response with id {response_id!r}")
        rows = conn.execute(
            select(HISTORY).where(HISTORY.c.response_id == response_id).order_by(HISTORY.c.id)
        )
        return [HistoryEntry(r.status, r.value, r.changed_at) for r in rows]
