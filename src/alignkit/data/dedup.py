"""Exact de-duplication among the rows that passed validation; the first occurrence stays.

`--dedup-by prompt+chosen+rejected` (default) drops repeated pairs; `prompt` keeps one pair per
prompt; `none` keeps everything. For unpaired feedback the pair key is prompt+completion+label.
Rows are matched by a 64-bit hash first (fast), and every hash match is then confirmed on the
values themselves, so a hash collision can never drop a row.
"""

from __future__ import annotations

import polars as pl

from alignkit.data.schema import Kind
from alignkit.data.settings import DedupBy


def key_columns(dedup_by: DedupBy, kind: Kind) -> list[str]:
    if dedup_by == "none":
        return []
    if dedup_by == "prompt":
        return ["prompt"]
    if kind == "preference":
        return ["prompt", "chosen", "rejected"]
    return ["prompt", "completion", "label"]


def _key(columns: list[str]) -> pl.Expr:
    return pl.struct(columns) if len(columns) > 1 else pl.col(columns[0])


def _hash(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    """A 64-bit key per row: each column hashed alone, then the fixed-width hashes combined
    (several times cheaper than hashing a struct of long strings)."""
    hashed = frame.select(pl.col(c).hash(seed=0).alias(str(i)) for i, c in enumerate(columns))
    return hashed.select(pl.struct(hashed.columns).hash(seed=0)).to_series()


def _repeats(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    """True for rows whose key values already appeared in an earlier row."""
    hashed = _hash(frame, columns)
    suspects = ~hashed.is_first_distinct()
    if not suspects.any():
        return suspects
    # confirm on the values, among the rows that share a hash with a suspect only
    shared = hashed.is_in(hashed.filter(suspects).implode())
    exact = frame.filter(shared).select(~_key(columns).is_first_distinct())
    out = pl.Series([False] * frame.height, dtype=pl.Boolean)
    return out.scatter(shared.arg_true(), exact.to_series())


def duplicate_mask(
    frame: pl.DataFrame, valid: pl.Series, dedup_by: DedupBy, kind: Kind
) -> pl.Series:
    """True for valid rows that repeat an earlier valid row's key."""
    columns = key_columns(dedup_by, kind)
    out = pl.Series([False] * frame.height, dtype=pl.Boolean)
    if not columns or not valid.any():
        return out
    # invalid rows must not take the "first" slot of a key
    index = valid.arg_true()
    return out.scatter(index, _repeats(frame.filter(valid), columns))


def contradictions(frame: pl.DataFrame) -> int:
    """Pairs whose swap (same prompt, chosen and rejected exchanged) is also in the set."""
    pairs = ["prompt", "chosen", "rejected"]
    suspects = _hash(frame, pairs).is_in(_hash(frame, ["prompt", "rejected", "chosen"]).implode())
    if not suspects.any():
        return 0
    found = frame.filter(suspects).select(pairs).unique()
    swapped = found.rename({"chosen": "rejected", "rejected": "chosen"})
    return found.join(swapped, on=pairs, how="semi").height
