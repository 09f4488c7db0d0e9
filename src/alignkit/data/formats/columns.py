"""Any table with a column map from the CLI (`--map target=column`, repeatable).

Targets:
  prompt                  the prompt; `a+b` joins several columns with a blank line
                          (e.g. `prompt=instruction+input`)
  chosen, rejected        an already-oriented pair
  a, b                    two responses, oriented by
  label                   one column per annotator (`label=annotator1,annotator2,annotator3`),
                          whose values map to a/b/tie by `--label-values a=1,b=2,tie=0`; or by
  score_a, score_b        ratings of a and b (higher is better; the difference is the margin)
  responses, ranks        `responses=r1,r2,r3` and `ranks=k1,k2,k3` (rank per response, 1 best),
                          or `ranking=col` holding the response column names best first
  completion, label       unpaired feedback (KTO) when there is no `a`/`chosen`
  id, h_a, h_b, h_chosen, h_rejected, margin     optional
Unmapped columns go to metadata.
"""

from __future__ import annotations

from typing import Any

from alignkit.data.formats._util import missing, optional_flag, optional_float, require_text
from alignkit.data.formats.base import AdaptContext, Adapted, Format
from alignkit.data.rankings import ranking_comparisons
from alignkit.data.schema import Comparison, Drop, Feedback, PreferencePair, Vote

DEFAULT_LABEL_VALUES = {
    **dict.fromkeys(["a", "1", "left", "response1", "response_a", "first", "A"], "a"),
    **dict.fromkeys(["b", "2", "right", "response2", "response_b", "second", "B"], "b"),
    **dict.fromkeys(["tie", "0", "equal", "both", "same", "draw", "none"], "tie"),
}


def _columns(ctx: AdaptContext, target: str) -> list[str]:
    spec = ctx.column_map.get(target)
    return [c.strip() for c in spec.replace("+", ",").split(",") if c.strip()] if spec else []


def _get(row: dict[str, Any], ctx: AdaptContext, target: str) -> Any:
    cols = _columns(ctx, target)
    if len(cols) <= 1:
        return row.get(cols[0]) if cols else None
    parts = [row.get(c) for c in cols]
    texts = [p for p in parts if isinstance(p, str) and p.strip()]
    return "\n\n".join(texts) if texts else None


def _text(row: dict[str, Any], ctx: AdaptContext, target: str) -> Any:
    return require_text({target: _get(row, ctx, target)}, target)


def _label_value(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _votes(row: dict[str, Any], ctx: AdaptContext) -> list[Vote] | Drop:
    mapping = ctx.label_values or DEFAULT_LABEL_VALUES
    votes = []
    for col in _columns(ctx, "label"):
        raw = row.get(col)
        if missing(raw):
            continue  # this annotator did not judge the item
        pick = mapping.get(_label_value(raw))
        if pick is None:
            return Drop("unknown_label_value", f"{col}={raw!r} is not in the label values")
        votes.append(Vote(col, pick))
    return votes


def _metadata(row: dict[str, Any], ctx: AdaptContext) -> dict[str, Any] | None:
    used = {c for t in ctx.column_map for c in _columns(ctx, t)}
    meta = {k: v for k, v in row.items() if k not in used and not missing(v)}
    return meta or None


def _common(row: dict[str, Any], ctx: AdaptContext) -> dict[str, Any]:
    raw_id = _get(row, ctx, "id")
    return {
        "id": None if raw_id is None else str(raw_id),
        "source": ctx.source,
        "metadata": _metadata(row, ctx),
    }


def _ranked(row: dict[str, Any], ctx: AdaptContext, prompt: Any) -> Adapted:
    names = _columns(ctx, "responses")
    responses = {n: row.get(n) for n in names if isinstance(row.get(n), str) and row.get(n)}
    if "ranking" in ctx.column_map:
        order = row.get(ctx.column_map["ranking"])
        if not isinstance(order, list) or not order:
            return Drop("bad_ranking", f"ranking {order!r} is not a list of response columns")
        ranks = {str(n): float(i) for i, n in enumerate(order)}
    else:
        values = [optional_float(row.get(c)) for c in _columns(ctx, "ranks")]
        ranks = {n: r for n, r in zip(names, values) if r is not None}
    out = ranking_comparisons(
        prompt, responses, [(None, ranks)], ctx.ranking_pairs, **_common(row, ctx)
    )
    return out or Drop("bad_ranking", "fewer than two ranked responses")


def adapt(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    prompt = _text(row, ctx, "prompt")
    if isinstance(prompt, Drop):
        return prompt
    if "responses" in ctx.column_map:
        return _ranked(row, ctx, prompt)
    if "chosen" in ctx.column_map:
        chosen, rejected = _text(row, ctx, "chosen"), _text(row, ctx, "rejected")
        bad = next((x for x in (chosen, rejected) if isinstance(x, Drop)), None)
        return bad or [
            PreferencePair(
                prompt,
                chosen,
                rejected,
                h_chosen=optional_flag(_get(row, ctx, "h_chosen")),
                h_rejected=optional_flag(_get(row, ctx, "h_rejected")),
                margin=optional_float(_get(row, ctx, "margin")),
                **_common(row, ctx),
            )
        ]
    if "completion" in ctx.column_map:
        completion = _text(row, ctx, "completion")
        if isinstance(completion, Drop):
            return completion
        label = (ctx.label_values or {"true": "a", "1": "a", "false": "b", "0": "b"}).get(
            _label_value(_get(row, ctx, "label")).lower()
        )
        if label is None:
            return Drop("bad_label", f"label {_get(row, ctx, 'label')!r} is not a boolean")
        return [Feedback(prompt, completion, label == "a", **_common(row, ctx))]
    a, b = _text(row, ctx, "a"), _text(row, ctx, "b")
    bad = next((x for x in (a, b) if isinstance(x, Drop)), None)
    if bad:
        return bad
    votes = _votes(row, ctx) if "label" in ctx.column_map else []
    if isinstance(votes, Drop):
        return votes
    return [
        Comparison(
            prompt,
            a,
            b,
            votes=votes,
            h_a=optional_flag(_get(row, ctx, "h_a")),
            h_b=optional_flag(_get(row, ctx, "h_b")),
            score_a=optional_float(_get(row, ctx, "score_a")),
            score_b=optional_float(_get(row, ctx, "score_b")),
            **_common(row, ctx),
        )
    ]


def detect(rows: list[dict[str, Any]], ctx: AdaptContext) -> bool:
    return bool(ctx.column_map)


def check_map(column_map: dict[str, str]) -> None:
    """Reject a column map that cannot make records, before reading any data."""
    from alignkit.errors import AlignkitError

    targets = set(column_map)
    known = {"prompt", "chosen", "rejected", "a", "b", "label", "score_a", "score_b"}
    known |= {"responses", "ranks", "ranking", "completion", "id", "h_a", "h_b"}
    known |= {"h_chosen", "h_rejected", "margin"}
    if targets - known:
        raise AlignkitError(f"unknown --map target(s): {', '.join(sorted(targets - known))}")
    if "prompt" not in targets:
        raise AlignkitError("--map needs prompt=COLUMN")
    shapes = [
        {"chosen", "rejected"} <= targets,
        {"a", "b"} <= targets and bool(targets & {"label", "score_a"}),
        "responses" in targets and bool(targets & {"ranks", "ranking"}),
        {"completion", "label"} <= targets,
    ]
    if not any(shapes):
        raise AlignkitError(
            "--map needs chosen+rejected, a+b with label or score_a+score_b, "
            "responses with ranks or ranking, or completion+label"
        )
    if {"score_a"} <= targets and "score_b" not in targets:
        raise AlignkitError("--map score_a needs score_b too")


COLUMNS = Format(
    name="columns",
    description="any table with a column map (--map target=column)",
    kind="preference",
    detect=detect,
    adapt=adapt,
    priority=0,
)


def check_map_columns(column_map: dict[str, str], present: set[str]) -> None:
    """Reject a --map naming a column the input lacks (a typo would drop every row)."""
    from alignkit.errors import AlignkitError

    ctx = AdaptContext(source="", column_map=column_map)
    absent = sorted({c for t in column_map for c in _columns(ctx, t)} - present)
    if absent:
        shown = ", ".join(sorted(present)[:12]) + (", ..." if len(present) > 12 else "")
        raise AlignkitError(
            f"--map names column(s) not in the input: {', '.join(absent)} (it has: {shown})"
        )
