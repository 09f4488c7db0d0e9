"""Label Studio exports of a pairwise-comparison project (the `<Pairwise>` tag): JSON, JSON-MIN
and CSV (or TSV) give the same records.

JSON export: one task per row, `{id, data: {prompt, answer1, answer2}, annotations: [...]}`, each
annotation holding a `{"type": "pairwise", "value": {"selected": "left"|"right"}}` result. Every
non-cancelled annotation becomes one Vote ("left" = response `a`); aggregation happens later.

JSON-MIN and CSV exports (label_studio_sdk converter: `convert_to_json_min`, exports/csv2.py):
one flat row per non-cancelled annotation, the task's data keys beside `id` (the task's),
`annotator`, `annotation_id`, `created_at`, `updated_at`, `lead_time`, and the Pairwise tag's
name holding `[{"selected": "left"}]` (in CSV as that JSON text; a data key that collides with a
tag name is written `_data_<key>`). `group` joins the rows of one task into one JSON-shaped
task, so its annotators vote together exactly as in the JSON export; the report counts the
joined rows as `merged`. Those exports hold nothing of a cancelled (skipped) annotation, nor of
a task whose every annotation was skipped (the converter leaves it out), so such a task is
dropped as `no_annotations` from the JSON export and is absent from the other two.

Model `predictions` and `drafts` are not human votes and are ignored.
"""

from __future__ import annotations

import json
from typing import Any

from alignkit.data.formats._util import mostly
from alignkit.data.formats.base import AdaptContext, Adapted, Format, Grouped, Rows
from alignkit.data.schema import Comparison, Drop, Vote

_PICKS = {"left": "a", "right": "b"}
_PROMPT_KEYS = ("prompt", "instruction", "question")
# The answer pair when the export does not name it (the Label Studio RLHF template's names).
_DEFAULT_PAIRS = (("answer1", "answer2"), ("response1", "response2"), ("left", "right"))
# the keys that the JSON-MIN / CSV converter adds beside the task's data
_MIN_META = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time"}
_MIN_META |= {"history", "was_cancelled"}
_MIN_MARKERS = {"annotator", "annotation_id"}  # always written, None on an unannotated task
_MIN_NOTE = (
    "a Label Studio JSON-MIN or CSV export leaves out skipped (cancelled) annotations and the "
    "tasks with only skipped ones; the JSON export holds them"
)


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


def _choice_value(value: Any) -> str | None:
    """The pick of a JSON-MIN pairwise cell: `[{"selected": "left"}]` as Label Studio writes
    it, a bare `{"selected": ...}`, or either as JSON text (a CSV cell)."""
    if isinstance(value, str) and value[:1] in ("[", "{") and "selected" in value:
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict) and value.get("selected") in _PICKS:
        return _PICKS[value["selected"]]
    return None


def _min_choice(row: dict[str, Any]) -> tuple[str, str] | None:
    """(key, pick) of the JSON-MIN pairwise column."""
    for key, value in row.items():
        pick = _choice_value(value)
        if pick is not None:
            return key, pick
    return None


def _is_min(row: dict[str, Any]) -> bool:
    """A JSON-MIN / CSV row: the converter's own keys (present even on an unannotated task's
    row), or a prompt beside a pairwise choice."""
    if not isinstance(row, dict) or "annotations" in row or "data" in row:
        return False
    if _MIN_MARKERS <= row.keys() and "id" in row:
        return True
    return _prompt_key(row) is not None and _min_choice(row) is not None


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
    return mostly(rows, _is_min) and any(_min_choice(r) is not None for r in rows)


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


def _int_or_text(value: Any) -> Any:
    """An id from CSV text ("12") as the JSON export has it (12)."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def _as_task(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON-export task that a task's JSON-MIN / CSV rows (one per annotation) came from.
    Annotations are ordered by id, as the JSON export lists them (the converter writes the
    newest first)."""
    first = rows[0]
    choice_keys = {c[0] for c in map(_min_choice, rows) if c is not None}
    data = {}
    for key, value in first.items():
        if key in _MIN_META or key in choice_keys or value is None:
            continue
        if key.startswith("_data_") and key[len("_data_") :] in choice_keys:
            key = key[len("_data_") :]  # csv2.py renames a data key that collides with a tag
        data[key] = value
    annotations = []
    for row in rows:
        choice = _min_choice({k: row.get(k) for k in choice_keys})
        if choice is None:
            continue  # an unannotated task's row: the task, no vote
        key, pick = choice
        side = "left" if pick == "a" else "right"
        annotations.append(
            {
                "id": _int_or_text(row.get("annotation_id")),
                "completed_by": row.get("annotator"),
                "result": [{"type": "pairwise", "from_name": key, "value": {"selected": side}}],
            }
        )
    annotations.sort(key=lambda a: (not isinstance(a["id"], int), a["id"] or 0))
    return {"id": _int_or_text(first.get("id")), "data": data, "annotations": annotations}


def group(rows: Rows, ctx: AdaptContext) -> Grouped:
    """JSON-MIN / CSV rows of one task id -> one task (see the module docstring); JSON tasks
    and rows without an id pass through."""
    out: list[tuple[int, dict[str, Any]]] = []
    tasks: dict[str, list[dict[str, Any]]] = {}
    merged, flat = 0, False
    for index, row in rows:
        if not _is_min(row):
            out.append((index, row))
            continue
        flat = True
        if row.get("id") is None:
            out.append((index, {"_min_rows": [row]}))
            continue
        key = str(row["id"])
        if key in tasks:
            tasks[key].append(row)
            merged += 1
            continue
        tasks[key] = [row]
        out.append((index, {"_min_rows": tasks[key]}))
    return Grouped(out, merged, [_MIN_NOTE] if flat else [])


def adapt(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    if isinstance(row, dict) and isinstance(row.get("_min_rows"), list):  # joined by `group`
        row = _as_task(row["_min_rows"])
    elif isinstance(row, dict) and _is_min(row):  # a JSON-MIN row adapted on its own
        row = _as_task([row])
    if _is_task(row):
        return _adapt_task(row, ctx)
    return Drop("not_a_task", "row has neither data+annotations nor a pairwise choice")


LABELSTUDIO = Format(
    name="labelstudio",
    description="Label Studio pairwise export (JSON, JSON-MIN or CSV): votes per annotation",
    kind="preference",
    detect=detect,
    adapt=adapt,
    priority=15,
    group=group,
)
