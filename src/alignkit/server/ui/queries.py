"""The reads the UI needs that the REST API has no call for: an annotator's own responses in a
dataset, with their records, in the records' order (the arrow keys walk them), and one record
of a dataset (its answers shape the form). They read the store's tables; every change still
goes through store.py and responses.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from alignkit.errors import NotFoundError
from alignkit.server.feedback.store import (
    RECORDS,
    RESPONSES,
    Record,
    ResponseRecord,
    _record,
    _response,
)


@dataclass(frozen=True)
class Answered:
    record: Record
    response: ResponseRecord


def answered(engine: Engine, dataset_id: str, user_id: str) -> list[Answered]:
    """The caller's responses (drafts, submitted, discarded) in a dataset they may see (the
    caller checks that first), by record position."""
    cols = [c.label(f"r_{c.name}") for c in RESPONSES.c]
    with engine.connect() as conn:
        rows = conn.execute(
            select(RECORDS, *cols)
            .join(RESPONSES, RESPONSES.c.record_id == RECORDS.c.id)
            .where(RECORDS.c.dataset_id == dataset_id, RESPONSES.c.user_id == user_id)
            .order_by(RECORDS.c.position)
        ).all()
    out = []
    for row in rows:
        resp = {c.name: getattr(row, f"r_{c.name}") for c in RESPONSES.c}
        out.append(Answered(_record(row), _response(type("Row", (), resp))))
    return out


def record(engine: Engine, dataset_id: str, record_id: str) -> Record:
    """A record of a dataset the caller may see (the caller checks that first); 404 for one
    of another dataset, as for none."""
    with engine.connect() as conn:
        row = conn.execute(
            select(RECORDS).where(RECORDS.c.id == record_id, RECORDS.c.dataset_id == dataset_id)
        ).first()
    if row is None:
        raise NotFoundError(f"no record with id {record_id!r} in this dataset")
    return _record(row)
