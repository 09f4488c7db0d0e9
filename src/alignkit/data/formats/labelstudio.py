"""Label Studio exports of a pairwise-comparison project (the `<Pairwise>` tag).

JSON export: one task per row, `{id, data: {prompt, answer1, answer2}, annotations: [...]}`, each
annotation holding a `{"type": "pairwise", "value": {"selected": "left"|"right"}}` result. Every
non-cancelled annotation becomes one Vote ("left" = response `a`); aggregation happens later.

JSON-MIN export: one flat row per annotation, `{id, prompt, answer1, answer2, <pairwise name>:
{"selected": ...}, annotator, annotation_id, ...}`; each row becomes a one-vote Comparison and
the aggregator merges nothing across rows, so prefer the full JSON export for several
annotators per task.

Model `predictions` and `drafts` are not human votes and are ignored.
"""

from __future__ import annotations

from typing import Any

from alignkit.data.formats._util import mostly
from alignkit.data.formats.base import AdaptContext, Adapted, Format
from alignkit.data.schema import Comparison, Drop, Vote

_PICKS = {"left": "a", "right": "b"}
_PROMPT_KEYS = ("prompt", "instruction", "question")
# The answer pair when the export does not name it (the Label Studio RLHF template's names).
_DEFAULT_PAIRS = (("answer1", "answer2"), ("response1", "response2"), ("left", "right"))
_MIN_META = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time"}


def _prompt_key(data: dict[str, Any]) -> str | None:
    return next((k for k in _PROMPT_KEYS if isinstance(data.get(k), str)), None)


def _answer_keys(data: dict[str, Any], to_name: Any, skip: set[str]) -> tuple[str, str] | None:
    """The data keys shown left and right: the Pairwise tag's `toName` when the export carries
    it ("answer1,answer2"), else a known pair, else the remaining text fields in order."""
    if isinstance(to_name, str) and "," in to_name:
        names = [n.strip() for n in to_name.split(",")]
        if len(names) == 2 and all(isinstance(data.get(n), str) for n in names):
            return names[0], names[1]
    for left, right in _DEFAULT_PAIRS:
        if isinstance(data.get(left), str) and isinstance(data.get(right), str):
            return left, right
    rest = [k for k, v in data.items() if k not in skip and isinstance(v, str)]
    return (rest[0], rest[1]) if len(rest) == 2 else None


def _annotator(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("email") or value.get("id")
    if value is None or isinstance(value, bool):
        return None
    return str(value)


def _pairwise(result: Any) -> dict[str, Any] | None:
    """The first pairwise result of an annotation with a readable choice."""
    if not isinstance(result, list):
        return None
    for item in result:
        if not isinstance(item, dict) or item.get("type") != "pairwise":
            continue
        value = item.get("value")
        if isinstance(value, dict) and value.get("selected") in _PICKS:
            return item
    return None


def _is_task(row: dict[str, Any]) -> bool:
    return isinstance(row.get("data"), dict) and isinstance(row.get("annotations"), list)


def _min_choice(row: dict[str, Any]) -> tuple[str, str] | None:
    """(key, pick) of the JSON-MIN pairwise column, `{"selected": "left"}`."""
    for key, value in row.items():
        if isinstance(value, dict) and value.get("selected") in _PICKS:
            return key, _PICKS[value["selected"]]
    return None


def _is_min(row: dict[str, Any]) -> bool:
    return (
        "annotations" not in row
        and "data" not in row
        and _prompt_key(row) is not None
        and _min_choice(row) is not None
    )


def detect(rows: list[dict[str, Any]], ctx: AdaptContext) -> bool:
    if not rows:
        return False
    if mostly(rows, _is_task):
        # a pairwise project: some annotation in the sample has a pairwise result
        return any(
            _pairwise(a.get("result")) is not None
            for r in rows
            if _is_task(r)
            for a in r["annotations"]
            if isinstance(a, dict)
        )
    return mostly(rows, _is_min)


def _adapt_task(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    data = row["data"]
    prompt_key = _prompt_key(data)
    if prompt_key is None:
        return Drop("missing_prompt", f"no text prompt among data keys {sorted(data)}")
    votes: list[Vote] = []
    annotation_ids: list[Any] = []
    to_name = None
    for ann in row["annotations"]:
        if not isinstance(ann, dict) or ann.get("was_cancelled") is True:
            continue
        item = _pairwise(ann.get("result"))
        if item is None:
            continue
        to_name = to_name or item.get("to_name")
        votes.append(Vote(_annotator(ann.get("completed_by")), _PICKS[item["value"]["selected"]]))
        annotation_ids.append(ann.get("id"))
    if not votes:
        return Drop("no_annotations", "no non-cancelled annotation with a pairwise choice")
    keys = _answer_keys(data, to_name, {prompt_key})
    if keys is None:
        return Drop("missing_responses", f"cannot tell the two answers among {sorted(data)}")
    left, right = keys
    meta: dict[str, Any] = {"annotation_ids": annotation_ids}
    meta.update({k: v for k, v in data.items() if k not in (prompt_key, left, right)})
    if row.get("meta"):
        meta["meta"] = row["meta"]
    return [
        Comparison(
            prompt=data[prompt_key],
            a=data[left],
            b=data[right],
            votes=votes,
            id=None if row.get("id") is None else str(row["id"]),
            source=ctx.source,
            metadata=meta,
        )
    ]


def _adapt_min(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    prompt_key = _prompt_key(row)
    choice = _min_choice(row)
    if prompt_key is None or choice is None:
        return Drop("no_annotations", "JSON-MIN row without a prompt and a pairwise choice")
    choice_key, pick = choice
    skip = {prompt_key, choice_key} | _MIN_META
    keys = _answer_keys(row, None, skip)
    if keys is None:
        return Drop("missing_responses", f"cannot tell the two answers among {sorted(row)}")
    left, right = keys
    meta = {k: v for k, v in row.items() if k not in skip | {left, right} and v is not None}
    if row.get("annotation_id") is not None:
        meta["annotation_ids"] = [row["annotation_id"]]
    return [
        Comparison(
            prompt=row[prompt_key],
            a=row[left],
            b=row[right],
            votes=[Vote(_annotator(row.get("annotator")), pick)],
            id=None if row.get("id") is None else str(row["id"]),
            source=ctx.source,
            metadata=meta or None,
        )
    ]


def adapt(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    if _is_task(row):
        return _adapt_task(row, ctx)
    if isinstance(row, dict) and _min_choice(row) is not None:
        return _adapt_min(row, ctx)
    return Drop("not_a_task", "row has neither data+annotations nor a pairwise choice")


LABELSTUDIO = Format(
    name="labelstudio",
    description="Label Studio pairwise project export (JSON or JSON-MIN): votes per annotation",
    kind="preference",
    detect=detect,
    adapt=adapt,
    priority=15,
)
