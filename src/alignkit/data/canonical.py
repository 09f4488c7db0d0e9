"""Records -> the canonical polars frame that validation, dedup, split and the writers share.

The frame has one row per candidate record and `_row`, the index of the input row it came
from. Texts are strings; when any record of the set is conversational, every text is a chat
message list stored as JSON text (TRL needs one form per dataset), and `_len_<col>` holds the
length of its content so validation does not parse JSON again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import polars as pl

from alignkit.data.schema import (
    JSON_COLUMNS,
    PREFERENCE_COLUMNS,
    TEXT_COLUMNS,
    UNPAIRED_COLUMNS,
    Feedback,
    Kind,
    PreferencePair,
)
from alignkit.messages import as_text

_DTYPES: dict[str, Any] = {
    "agreement": pl.Float64,
    "tie": pl.Boolean,
    "h_chosen": pl.Int8,
    "h_rejected": pl.Int8,
    "margin": pl.Float64,
    "label": pl.Boolean,
}
# a plain-text turn becomes this role when the set has to be conversational
_ROLE = {
    "prompt": "user",
    "chosen": "assistant",
    "rejected": "assistant",
    "completion": "assistant",
}


@dataclass
class Canonical:
    frame: pl.DataFrame
    kind: Kind
    conversational: bool

    @property
    def text_columns(self) -> tuple[str, ...]:
        return TEXT_COLUMNS[self.kind]


def _as_messages(value: Any, column: str) -> list:
    return value if isinstance(value, list) else [{"role": _ROLE[column], "content": value}]


def _json_default(value: Any) -> Any:
    """Values JSON has no type for (Parquet binary, decimal, duration...), kept losslessly."""
    import base64
    import datetime as dt
    import decimal

    if isinstance(value, bytes | bytearray | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return orjson.dumps(value, default=_json_default, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def from_records(records: Sequence[tuple[int, PreferencePair | Feedback]], kind: Kind) -> Canonical:
    """Build the canonical frame from adapted records (the per-row path)."""
    columns = PREFERENCE_COLUMNS if kind == "preference" else UNPAIRED_COLUMNS
    texts = TEXT_COLUMNS[kind]
    conversational = any(not isinstance(getattr(r, c), str) for _, r in records for c in texts)
    data: dict[str, list] = {c: [] for c in ("_row", *columns)}
    lengths: dict[str, list] = {c: [] for c in texts}
    for row, record in records:
        data["_row"].append(row)
        for c in columns:
            value = getattr(record, c)
            if c in texts:
                lengths[c].append(len(as_text(value).strip()))
                if conversational:
                    value = _json(_as_messages(value, c))
            elif c in JSON_COLUMNS:
                value = _json(value)
            data[c].append(value)
    schema = {c: _DTYPES.get(c, pl.String) for c in columns}
    frame = pl.DataFrame(data, schema={"_row": pl.Int64, **schema}, strict=False)
    if conversational:
        frame = frame.with_columns(
            pl.Series(f"_len_{c}", lengths[c], dtype=pl.Int64) for c in texts
        )
    return Canonical(frame, kind, conversational)


def from_frame(frame: pl.DataFrame, kind: Kind) -> Canonical:
    """Complete a frame from a vectorised adapter: row index and every canonical column."""
    columns = PREFERENCE_COLUMNS if kind == "preference" else UNPAIRED_COLUMNS
    missing = [
        pl.lit(None, dtype=_DTYPES.get(c, pl.String)).alias(c)
        for c in columns
        if c not in frame.columns
    ]
    frame = frame.with_row_index("_row").with_columns(pl.col("_row").cast(pl.Int64), *missing)
    return Canonical(frame.select("_row", *columns), kind, conversational=False)
