"""TRL's own dataset formats: preference (`prompt, chosen, rejected`, text or conversational,
with or without an explicit prompt) and unpaired (`prompt, completion, label`).

https://huggingface.co/docs/trl/dataset_formats. Extra columns known to alignkit (id, source,
h_chosen, h_rejected, margin, metadata, annotators, votes) are kept; others go to metadata.
AIXpert's factuality flags `h_w` / `h_l` (Factual-DPO data) are read as h_chosen / h_rejected.
"""

from __future__ import annotations

from typing import Any

from alignkit.data.formats._util import (
    FLAG_COLUMNS,
    FLAG_NAMES,
    extra_metadata,
    factuality_flags,
    is_messages,
    optional_bool,
    optional_float,
    optional_id,
    require_text,
)
from alignkit.data.formats.base import AdaptContext, Adapted, Format
from alignkit.data.schema import Drop, Feedback, PreferencePair

_PAIR_KNOWN = {"prompt", "chosen", "rejected", "id", "source", *FLAG_COLUMNS}
_PAIR_KNOWN |= {"margin", "score", "metadata", "annotators", "votes"}
_UNPAIRED_KNOWN = {"prompt", "completion", "label", "id", "source", "metadata", "annotators"}


def _split_implicit_prompt(chosen: list, rejected: list) -> tuple[list, list, list] | None:
    """TRL's implicit-prompt conversational form: the shared leading messages are the prompt."""
    n = 0
    while n < min(len(chosen), len(rejected)) - 1 and chosen[n] == rejected[n]:
        n += 1
    if n == 0:
        return None
    return chosen[:n], chosen[n:], rejected[n:]


def detect_preference(rows: list[dict[str, Any]], ctx: AdaptContext) -> bool:
    keys = set().union(*(r.keys() for r in rows)) if rows else set()
    if not {"chosen", "rejected"} <= keys:
        return False
    # without a prompt column, TRL's implicit-prompt form needs chat messages
    return "prompt" in keys or all(is_messages(r.get("chosen")) for r in rows)


def adapt_preference(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    chosen = require_text(row, "chosen")
    if isinstance(chosen, Drop):
        return chosen
    rejected = require_text(row, "rejected")
    if isinstance(rejected, Drop):
        return rejected
    if row.get("prompt") is None and is_messages(chosen) and is_messages(rejected):
        split = _split_implicit_prompt(chosen, rejected)
        if split is None:
            return Drop("missing_prompt", "no 'prompt' and no shared leading messages")
        prompt, chosen, rejected = split
    else:
        prompt = require_text(row, "prompt")
        if isinstance(prompt, Drop):
            return prompt
    annotators = row.get("annotators")
    votes = row.get("votes")
    return [
        PreferencePair(
            prompt=prompt,
            chosen=chosen,
            rejected=rejected,
            id=optional_id(row),
            source=row.get("source") if isinstance(row.get("source"), str) else ctx.source,
            annotators=[str(a) for a in annotators] if isinstance(annotators, list) else None,
            votes=[str(v) for v in votes] if isinstance(votes, list) else None,
            **factuality_flags(row),
            margin=optional_float(row.get("margin", row.get("score"))),
            metadata=extra_metadata(row, _PAIR_KNOWN),
        )
    ]


def adapt_preference_frame(df, ctx: AdaptContext):
    """Vectorised path for the common case: prompt/chosen/rejected are all plain strings and
    there is nothing nested to carry along. Anything else goes through the per-row adapter."""
    import polars as pl

    texts = ("prompt", "chosen", "rejected")
    if not all(c in df.columns and df.schema[c] in (pl.String, pl.Null) for c in texts):
        return None
    flags = {*FLAG_COLUMNS, "margin", "score"}
    extra = [c for c in df.columns if c not in texts and c not in flags and c != "id"]
    if extra:  # other columns go to metadata, which the per-row path builds
        return None
    numeric = {c for c in flags & set(df.columns) if df.schema[c].is_numeric()}
    if (flags & set(df.columns)) - numeric:
        return None
    if "id" in df.columns and not (df.schema["id"] == pl.String or df.schema["id"].is_integer()):
        return None  # an odd id type: the per-row path keeps it as text
    cols = [pl.col(c).cast(pl.String) for c in texts]
    if "id" in df.columns:
        cols.append(pl.col("id").cast(pl.String))
    cols.append(pl.lit(ctx.source).alias("source"))
    for target, names in FLAG_NAMES.items():
        # not is_in([0, 1]): polars 2.1 refuses an int list against a float column
        readable = [
            pl.when((pl.col(n) == 0) | (pl.col(n) == 1)).then(pl.col(n).cast(pl.Int8))
            for n in names
            if n in numeric
        ]
        if readable:  # the first readable name, as factuality_flags does per row
            cols.append(pl.coalesce(readable).alias(target))
    margin = "margin" if "margin" in numeric else "score" if "score" in numeric else None
    if margin:
        cols.append(pl.col(margin).cast(pl.Float64).fill_nan(None).alias("margin"))
    return df.select(cols)


def detect_unpaired(rows: list[dict[str, Any]], ctx: AdaptContext) -> bool:
    keys = set().union(*(r.keys() for r in rows)) if rows else set()
    return {"completion", "label"} <= keys


def adapt_unpaired(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    completion = require_text(row, "completion")
    if isinstance(completion, Drop):
        return completion
    prompt = require_text(row, "prompt")
    if isinstance(prompt, Drop):
        return prompt
    label = optional_bool(row.get("label"))
    if label is None:
        return Drop("bad_label", f"label {row.get('label')!r} is not a boolean")
    return [
        Feedback(
            prompt=prompt,
            completion=completion,
            label=label,
            id=optional_id(row),
            source=ctx.source,
            metadata=extra_metadata(row, _UNPAIRED_KNOWN),
        )
    ]


TRL_PREFERENCE = Format(
    name="trl",
    description="TRL preference: prompt, chosen, rejected (text or chat messages)",
    kind="preference",
    detect=detect_preference,
    adapt=adapt_preference,
    adapt_frame=adapt_preference_frame,
    priority=40,
)
TRL_UNPAIRED = Format(
    name="trl-unpaired",
    description="TRL unpaired (KTO): prompt, completion, label",
    kind="unpaired",
    detect=detect_unpaired,
    adapt=adapt_unpaired,
    priority=40,
)
