"""A feedback dataset's submitted responses in alignkit's canonical shape (data/schema.py,
TRL's column names), and its progress counts.

- pairwise: one PreferencePair per response (chosen/rejected from the choice, h_chosen /
  h_rejected from the factual-error flags when the question asks for them); ties dropped;
- ranking: every ordered pair of a response's ranking (best over each below it);
- rating / thumbs: one KTO Feedback (prompt/completion/label) per answer; a rating of 4-5 is
  desirable, 1-2 undesirable, 3 dropped as neutral."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import combinations
from typing import Any

from sqlalchemy import Engine, case, func, select

from alignkit.data.schema import Feedback, PreferencePair
from alignkit.server.feedback.auth import USERS
from alignkit.server.feedback.store import LEASES, RECORDS, RESPONSES, get_dataset


@dataclass(frozen=True)
class Export:
    format: str  # "pairs" or "kto"
    rows: list[dict[str, Any]]
    dropped: dict[str, int]


@dataclass(frozen=True)
class AnnotatorProgress:
    user_id: str
    email: str
    submitted: int
    drafts: int
    discarded: int


@dataclass(frozen=True)
class Progress:
    records: int
    completed: int
    responses: int
    drafts: int
    discarded: int
    leased: int
    annotators: list[AnnotatorProgress]


def _flag(flags: dict | None, key: str, asked: bool) -> int | None:
    if not asked:
        return None
    return int(bool((flags or {}).get(key, False)))


def _pairs(question, record, response) -> tuple[list[PreferencePair], str | None]:
    answers, value = record.answers, response.value
    common = dict(prompt=record.prompt, source="alignkit-feedback", annotators=[response.user_id])
    meta = {"record_id": record.id, "response_id": response.id, **(record.meta or {})}
    if question["type"] == "pairwise":
        choice = value["choice"]
        if choice == "tie":
            return [], "tie"
        win, lose = ("a", "b") if choice == "a" else ("b", "a")
        asked = bool(question.get("factual_errors"))
        flags = value.get("factual_error")
        if value.get("rationale"):
            meta["rationale"] = value["rationale"]
        pair = PreferencePair(
            chosen=answers[0 if win == "a" else 1], rejected=answers[0 if lose == "a" else 1],
            id=f"{record.id}:{response.user_id}", votes=["chosen"],
            h_chosen=_flag(flags, win, asked), h_rejected=_flag(flags, lose, asked),
            metadata=meta, **common,
        )  # fmt: skip
        return [pair], None
    ranking = value["ranking"]
    return [
        PreferencePair(
            chosen=answers[hi],
            rejected=answers[lo],
            id=f"{record.id}:{response.user_id}:{hi}>{lo}",
            votes=["chosen"],
            metadata=meta,
            **common,
        )  # fmt: skip
        for hi, lo in combinations(ranking, 2)
    ], None


def _kto(question, record, response) -> tuple[list[Feedback], int]:
    out, neutral = [], 0
    marks = response.value["ratings" if question["type"] == "rating" else "thumbs"]
    for i, (answer, mark) in enumerate(zip(record.answers, marks, strict=True)):
        if question["type"] == "rating" and mark == 3:
            neutral += 1
            continue
        label = mark >= 4 if question["type"] == "rating" else bool(mark)
        out.append(
            Feedback(
                prompt=record.prompt, completion=answer, label=label,
                id=f"{record.id}:{response.user_id}:{i}", source="alignkit-feedback",
                annotators=[response.user_id],
                metadata={"record_id": record.id, "response_id": response.id, "mark": mark},
            )
        )  # fmt: skip
    return out, neutral


def export(engine: Engine, dataset_id: str, user_id: str | None) -> Export:
    with engine.connect() as conn:
        ds = get_dataset(conn, dataset_id, user_id, manage=True)
        rows = conn.execute(
            select(RECORDS, RESPONSES.c.id.label("response_id"), RESPONSES.c.user_id,
                   RESPONSES.c.value)
            .join(RESPONSES, RESPONSES.c.record_id == RECORDS.c.id)
            .where(RECORDS.c.dataset_id == dataset_id, RESPONSES.c.status == "submitted")
            .order_by(RECORDS.c.position, RESPONSES.c.created_at)
        ).all()  # fmt: skip
    question, out, dropped = ds.question, [], {}
    for row in rows:
        response = _Response(row.response_id, row.user_id, row.value)
        if question["type"] in ("pairwise", "ranking"):
            pairs, why = _pairs(question, row, response)
            out += [asdict(p) for p in pairs]
            if why:
                dropped[why] = dropped.get(why, 0) + 1
        else:
            items, neutral = _kto(question, row, response)
            out += [asdict(f) for f in items]
            if neutral:
                dropped["neutral"] = dropped.get("neutral", 0) + neutral
    fmt = "pairs" if question["type"] in ("pairwise", "ranking") else "kto"
    return Export(fmt, out, dropped)


@dataclass(frozen=True)
class _Response:
    id: str
    user_id: str
    value: dict[str, Any]


def progress(engine: Engine, dataset_id: str, user_id: str | None, now: datetime) -> Progress:
    def count(status: str):
        return func.coalesce(func.sum(case((RESPONSES.c.status == status, 1), else_=0)), 0)

    with engine.connect() as conn:
        ds = get_dataset(conn, dataset_id, user_id, manage=True)
        in_ds = RECORDS.c.dataset_id == dataset_id
        records, completed = conn.execute(
            select(func.count(), func.coalesce(func.sum(
                case((RECORDS.c.submitted >= ds.min_submitted, 1), else_=0)), 0)).where(in_ds)
        ).one()  # fmt: skip
        by_user = conn.execute(
            select(RESPONSES.c.user_id, USERS.c.email, count("submitted"), count("draft"),
                   count("discarded"))
            .join(RECORDS, RECORDS.c.id == RESPONSES.c.record_id)
            .join(USERS, USERS.c.id == RESPONSES.c.user_id)
            .where(in_ds).group_by(RESPONSES.c.user_id, USERS.c.email).order_by(USERS.c.email)
        ).all()  # fmt: skip
        leased = conn.execute(
            select(func.count()).select_from(LEASES)
            .join(RECORDS, RECORDS.c.id == LEASES.c.record_id)
            .where(in_ds, LEASES.c.expires_at > now)
        ).scalar_one()  # fmt: skip
    annotators = [AnnotatorProgress(*map(_int_or_str, r)) for r in by_user]
    return Progress(
        records=records, completed=int(completed), leased=leased,
        responses=sum(a.submitted for a in annotators),
        drafts=sum(a.drafts for a in annotators),
        discarded=sum(a.discarded for a in annotators), annotators=annotators,
    )  # fmt: skip


def _int_or_str(v):
    return v if isinstance(v, str) else int(v)
