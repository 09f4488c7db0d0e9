"""Inter-annotator agreement over a feedback dataset's submitted responses, and the records on
which its annotators disagreed. The numbers are the data layer's (data/aggregate.py:
agreement_stats, Krippendorff's alpha, nominal, and mean pairwise percent agreement), the same
code that scores an ingested export; this module only turns responses into its votes:

- pairwise: one item per record, the vote its choice (a / b / tie);
- ranking: one item per pair of answers (i, j) of a record, the vote which is ranked higher;
- rating: one item per answer, the vote the label the export gives it (4-5 desirable, 3
  neutral, 1-2 undesirable), so that agreement measures what training will see;
- thumbs: one item per answer, up or down.

A record is in conflict when two of its submitted responses differ on any of its items."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from typing import Any

from sqlalchemy import Engine, select

from alignkit.data.aggregate import agreement_stats
from alignkit.data.schema import Vote
from alignkit.errors import NotFoundError
from alignkit.server.feedback.auth import USERS
from alignkit.server.feedback.store import RECORDS, RESPONSES, Record, _record, get_dataset

UNITS = {  # what one item is, for the page
    "pairwise": "a record's choice: A, B or tie",
    "ranking": "a pair of a record's answers: which is ranked higher",
    "rating": "an answer's label as the export gives it: 4-5 good, 3 neutral, 1-2 bad",
    "thumbs": "an answer: up or down",
}


@dataclass(frozen=True)
class Opinion:
    email: str
    summary: str  # the response in a few words ("A", "2 > 1 > 3", "4, 2", "up, down")


@dataclass(frozen=True)
class Conflict:
    record_id: str
    position: int
    prompt: str
    opinions: list[Opinion]


@dataclass(frozen=True)
class Agreement:
    unit: str  # what one item is, for the page
    items_multi_annotated: int  # items with two or more votes: what the figures are over
    records_multi_annotated: int
    percent_agreement: float | None
    krippendorff_alpha: float | None  # None with fewer than two values overall
    conflicts: list[Conflict]


def _rating_label(mark: int) -> str:
    return "a" if mark >= 4 else "tie" if mark == 3 else "b"


def picks(question_type: str, value: dict[str, Any], n: int) -> dict[Any, str]:
    """One submitted response as {item: pick}, pick in data/aggregate's a / b / tie codes."""
    if question_type == "pairwise":
        return {(): value["choice"]}
    if question_type == "ranking":
        place = {answer: i for i, answer in enumerate(value["ranking"])}
        return {(i, j): "a" if place[i] < place[j] else "b" for i, j in combinations(range(n), 2)}
    if question_type == "rating":
        return {k: _rating_label(mark) for k, mark in enumerate(value["ratings"])}
    return {k: "a" if up else "b" for k, up in enumerate(value["thumbs"])}


def summary(question_type: str, value: dict[str, Any]) -> str:
    if question_type == "pairwise":
        flags = value.get("factual_error") or {}
        flagged = [k.upper() for k, bad in sorted(flags.items()) if bad]
        choice = {"a": "A", "b": "B"}.get(value["choice"], "tie")
        return choice + (f" (factual error in {' and '.join(flagged)})" if flagged else "")
    if question_type == "ranking":
        return " > ".join(str(i + 1) for i in value["ranking"])
    if question_type == "rating":
        return ", ".join(str(r) for r in value["ratings"])
    return ", ".join("up" if t else "down" for t in value["thumbs"])


def agreement(engine: Engine, dataset_id: str, user_id: str | None) -> Agreement:
    """The dataset's agreement and conflicts (its owners and admins only)."""
    with engine.connect() as conn:
        ds = get_dataset(conn, dataset_id, user_id, manage=True)
        rows = conn.execute(
            select(RECORDS.c.id, RECORDS.c.position, RECORDS.c.prompt, RECORDS.c.answers,
                   RESPONSES.c.user_id, RESPONSES.c.value, USERS.c.email)
            .join(RESPONSES, RESPONSES.c.record_id == RECORDS.c.id)
            .join(USERS, USERS.c.id == RESPONSES.c.user_id)
            .where(RECORDS.c.dataset_id == dataset_id, RESPONSES.c.status == "submitted")
            .order_by(RECORDS.c.position, USERS.c.email)
        ).all()  # fmt: skip
    kind = ds.question_type
    votes: dict[tuple, list[Vote]] = defaultdict(list)
    by_record: dict[str, list] = defaultdict(list)
    for row in rows:
        by_record[row.id].append(row)
        for item, pick in picks(kind, row.value, len(row.answers)).items():
            votes[(row.id, item)].append(Vote(annotator=row.user_id, pick=pick))
    stats = agreement_stats(votes.values())
    split = {rid for (rid, _item), vs in votes.items() if len({v.pick for v in vs}) > 1}
    conflicts = [
        Conflict(first.id, first.position, first.prompt,
                 [Opinion(r.email, summary(kind, r.value)) for r in got])
        for rid, got in by_record.items() if rid in split for first in got[:1]
    ]  # fmt: skip
    return Agreement(
        unit=UNITS[kind], items_multi_annotated=stats["items_multi_annotated"],
        records_multi_annotated=sum(len(got) > 1 for got in by_record.values()),
        percent_agreement=stats["percent_agreement"],
        krippendorff_alpha=stats["krippendorff_alpha"], conflicts=conflicts,
    )  # fmt: skip


@dataclass(frozen=True)
class RecordResponse:
    email: str
    status: str
    summary: str | None  # a draft's value may be incomplete: shown only when submitted
    value: dict[str, Any]
    updated_at: datetime


def record_responses(engine: Engine, dataset_id: str, record_id: str,
                     user_id: str | None) -> tuple[Record, list[RecordResponse]]:  # fmt: skip
    """A record of the dataset and every annotator's response to it (owners and admins
    only), for the conflicts' links; 404 for another dataset's record, as for none."""
    with engine.connect() as conn:
        ds = get_dataset(conn, dataset_id, user_id, manage=True)
        row = conn.execute(
            select(RECORDS).where(RECORDS.c.id == record_id, RECORDS.c.dataset_id == dataset_id)
        ).first()
        if row is None:
            raise NotFoundError(f"no record with id {record_id!r} in this dataset")
        rows = conn.execute(
            select(RESPONSES, USERS.c.email)
            .join(USERS, USERS.c.id == RESPONSES.c.user_id)
            .where(RESPONSES.c.record_id == record_id)
            .order_by(USERS.c.email)
        ).all()
    return _record(row), [
        RecordResponse(
            r.email,
            r.status,
            summary(ds.question_type, r.value) if r.status == "submitted" else None,
            r.value,
            r.updated_at,
        )  # fmt: skip
        for r in rows
    ]
