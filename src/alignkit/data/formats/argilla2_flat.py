"""Argilla 2.x records, flattened: `dataset.records.to_list(flatten=True)`,
`dataset.records.to_datasets()` and the Parquet that `dataset.to_hub()` pushes.

Shape, from argilla-io/argilla `argilla/src/argilla/records/_io/_generic.py`
(`GenericIO._record_to_dict(flatten=True)`) and `_io/_datasets.py`: `id`, `status`,
`_server_id`, then the record's fields, metadata and vectors as top-level keys, and per
question

    "<q>.responses": [value, ...], "<q>.responses.users": ["<uuid>", ...],
    "<q>.responses.status": ["submitted" | "draft" | "discarded", ...],
    "<q>.suggestion": value, "<q>.suggestion.score": float, "<q>.suggestion.agent": str

`to_list` fills keys another record has with None, so an unannotated record has
`<q>.responses: null`. Only `submitted` responses count; suggestions are model output, kept in
metadata. Fields and metadata share the top level, so unused scalars all go to metadata.
"""

from __future__ import annotations

from typing import Any

from alignkit.data.formats._argilla_common import (
    Answer,
    ArgRecord,
    adapt_record,
    as_list,
    str_or_none,
)
from alignkit.data.formats.base import AdaptContext, Adapted, Format

# longest first, so "<q>.responses.users" is not read as "<q>.responses" of question "<q>.responses"
_PARTS = (
    ".responses.status",
    ".responses.users",
    ".suggestion.score",
    ".suggestion.agent",
    ".responses",
    ".suggestion",
)
_MARKS = (".responses", ".responses.users", ".suggestion")
_RESERVED = ("id", "status", "_server_id")


def _split(key: str) -> tuple[str, str] | None:
    for part in _PARTS:
        if key.endswith(part) and len(key) > len(part):
            return key[: -len(part)], part[1:]
    return None


def detect(rows: list[dict[str, Any]], ctx: AdaptContext) -> bool:
    if not rows or any(isinstance(r.get("fields"), dict) for r in rows):
        return False
    keys = set().union(*(r.keys() for r in rows))
    return any(k.endswith(m) and len(k) > len(m) for k in keys for m in _MARKS)


def to_record(row: dict[str, Any]) -> ArgRecord:
    parts: dict[str, dict[str, Any]] = {}
    fields: dict[str, Any] = {}
    for key, value in row.items():
        split = _split(key)
        if split:
            parts.setdefault(split[0], {})[split[1]] = value
        elif key not in _RESERVED:
            fields[key] = value
    answers: dict[str, list[Answer]] = {}
    suggestions: dict[str, Any] = {}
    for question, p in parts.items():
        values = as_list(p.get("responses")) or []
        users = as_list(p.get("responses.users")) or []
        status = as_list(p.get("responses.status")) or []
        answers[question] = [
            Answer(
                str_or_none(users[i]) if i < len(users) else None,
                value,
                str_or_none(status[i]) if i < len(status) else None,
            )
            for i, value in enumerate(values)
            if value is not None
        ]
        if p.get("suggestion") is not None:
            suggestions[question] = {
                "value": p["suggestion"],
                "score": p.get("suggestion.score"),
                "agent": p.get("suggestion.agent"),
            }
    meta = {"argilla_status": row["status"]} if isinstance(row.get("status"), str) else {}
    rid = str_or_none(row.get("id")) or str_or_none(row.get("_server_id"))
    return ArgRecord(rid, fields, answers, suggestions, meta)


def adapt(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    return adapt_record(to_record(row), ctx)


ARGILLA2_FLAT = Format(
    name="argilla2-flat",
    description="Argilla 2.x records, flattened (to_list(flatten=True), to_datasets, hub Parquet)",
    kind="preference",
    detect=detect,
    adapt=adapt,
    priority=20,
)
