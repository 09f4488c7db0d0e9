"""Argilla 1.x FeedbackDataset as `dataset.format_as("datasets")` writes it (also what
`push_to_huggingface` uploads).

Shape, from argilla-io/argilla `src/argilla/client/feedback/integrations/huggingface/dataset.py`
(`HuggingFaceDatasetMixin._huggingface_format`): one column per field (string), and per question

    "<q>": [{"user_id": str, "value": ..., "status": "submitted" | "draft" | "discarded"}],
    "<q>-suggestion": value,
    "<q>-suggestion-metadata": {"type": ..., "score": ..., "agent": ...},

plus `external_id` and `metadata` (a JSON string, or `{}` when the record has none). A
RankingQuestion value is `Sequence({"rank", "value"})`, which `datasets`/Parquet hand back as a
dict of lists (`{"rank": [1, 2], "value": ["r1", "r2"]}`); read as JSON it is a list of
`{rank, value}`; the response list itself may likewise come as a dict of lists. Unannotated
records have `[]`. Only `submitted` responses count; suggestions go to metadata.
"""

from __future__ import annotations

import json
from typing import Any

from alignkit.data.formats._argilla_common import (
    Answer,
    ArgRecord,
    adapt_record,
    as_items,
    str_or_none,
)
from alignkit.data.formats.base import AdaptContext, Adapted, Format

_SUGG = "-suggestion"
_SUGG_META = "-suggestion-metadata"
_RESERVED = ("external_id", "metadata")


def _looks_like_responses(value: Any) -> bool:
    if isinstance(value, dict):
        return {"user_id", "value"} <= value.keys()
    items = as_items(value)
    return bool(items) and all({"user_id", "value"} <= i.keys() for i in items)


def _questions(row: dict[str, Any]) -> set[str]:
    named = {k[: -len(_SUGG_META)] for k in row if k.endswith(_SUGG_META)}
    named |= {k[: -len(_SUGG)] for k in row if k.endswith(_SUGG)}
    named = {q for q in named if q in row}
    return named | {k for k, v in row.items() if _looks_like_responses(v)}


def detect(rows: list[dict[str, Any]], ctx: AdaptContext) -> bool:
    if not rows or any("fields" in r or "annotations" in r for r in rows):
        return False
    keys = set().union(*(r.keys() for r in rows))
    if any(k.endswith(_SUGG_META) and k[: -len(_SUGG_META)] in keys for k in keys):
        return True
    return "external_id" in keys and any(_questions(r) for r in rows)


def _metadata(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str) and value.strip():
        try:
            parsed = json.loads(value)
        except ValueError:
            return {"metadata": value}
        return parsed if isinstance(parsed, dict) else {"metadata": parsed}
    return {}


def to_record(row: dict[str, Any]) -> ArgRecord:
    questions = _questions(row)
    fields = {
        k: v
        for k, v in row.items()
        if k not in questions
        and k not in _RESERVED
        and not k.endswith(_SUGG)
        and not k.endswith(_SUGG_META)
    }
    answers = {
        q: [
            Answer(str_or_none(i.get("user_id")), i["value"], str_or_none(i.get("status")))
            for i in as_items(row.get(q))
            if i.get("value") is not None
        ]
        for q in questions
    }
    suggestions = {}
    for q in questions:
        if row.get(q + _SUGG) is not None:
            extra = row.get(q + _SUGG_META)
            suggestions[q] = {"value": row[q + _SUGG], **(extra if isinstance(extra, dict) else {})}
    rid = str_or_none(row.get("external_id"))
    return ArgRecord(rid, fields, answers, suggestions, _metadata(row.get("metadata")))


def adapt(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    return adapt_record(to_record(row), ctx)


ARGILLA1 = Format(
    name="argilla1",
    description='Argilla 1.x FeedbackDataset, format_as("datasets") / push_to_huggingface',
    kind="preference",
    detect=detect,
    adapt=adapt,
    priority=20,
)
