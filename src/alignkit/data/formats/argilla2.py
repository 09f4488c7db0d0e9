"""Argilla 2.x records, nested: `dataset.records.to_json(path)` (one JSON array) or
`dataset.records.to_list(flatten=False)`.

Shape, from argilla-io/argilla `argilla/src/argilla/records/_resource.py` (`Record.to_dict`) and
`records/_io/_json.py` / `_io/_generic.py`:

    {"id": "<external id>", "_server_id": "<uuid>", "status": "completed" | "pending",
     "fields": {"prompt": ..., "response1": ..., "response2": ...},
     "metadata": {...}, "vectors": {...},
     "responses": {"<question>": [{"value": ..., "user_id": "<uuid>"}, ...]},
     "suggestions": {"<question>": {"value": ..., "score": ..., "agent": ...}}}

`RecordResponses.to_dict` writes no per-response status, so this export cannot tell a draft
from a submitted answer: a response with no `status` counts, one with a status counts only when
it is `submitted` (hand-made or later exports do carry it). Suggestions are model output and go
to metadata, never votes. Ranking answers in 2.x are the option names in order, best first.
"""

from __future__ import annotations

from typing import Any

from alignkit.data.formats._argilla_common import (
    Answer,
    ArgRecord,
    adapt_record,
    as_items,
    str_or_none,
)
from alignkit.data.formats._util import mostly
from alignkit.data.formats.base import AdaptContext, Adapted, Format
from alignkit.data.schema import Drop

_MARKERS = ("suggestions", "_server_id", "vectors", "metadata")


def _is_nested(row: dict[str, Any]) -> bool:
    return (
        isinstance(row.get("fields"), dict)
        and "responses" in row
        and isinstance(row["responses"], dict | type(None))
        and any(k in row for k in _MARKERS)
        and "annotations" not in row
    )


def detect(rows: list[dict[str, Any]], ctx: AdaptContext) -> bool:
    return mostly(rows, _is_nested)


def to_record(row: dict[str, Any]) -> ArgRecord:
    answers: dict[str, list[Answer]] = {}
    for question, items in (row.get("responses") or {}).items():
        answers[question] = [
            Answer(str_or_none(i.get("user_id")), i["value"], str_or_none(i.get("status")))
            for i in as_items(items)
            if i.get("value") is not None
        ]
    suggestions = {
        q: s
        for q, s in (row.get("suggestions") or {}).items()
        if isinstance(s, dict) and s.get("value") is not None
    }
    raw_meta = row.get("metadata")
    # Parquet pads a struct column with nulls for keys other records have
    meta = (
        {k: v for k, v in raw_meta.items() if v is not None} if isinstance(raw_meta, dict) else {}
    )
    if isinstance(row.get("status"), str):
        meta["argilla_status"] = row["status"]
    rid = str_or_none(row.get("id")) or str_or_none(row.get("_server_id"))
    return ArgRecord(rid, dict(row["fields"]), answers, suggestions, meta)


def adapt(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    if not isinstance(row.get("fields"), dict):
        return Drop("missing_fields", "record has no 'fields' object")
    return adapt_record(to_record(row), ctx)


ARGILLA2 = Format(
    name="argilla2",
    description="Argilla 2.x records, nested (records.to_json / to_list(flatten=False))",
    kind="preference",
    detect=detect,
    adapt=adapt,
    priority=20,
)
