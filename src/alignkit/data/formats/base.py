"""What one input format provides: detection, a per-row adapter, and optionally a columnar one.

A format is a plain value in the `FORMATS` dict (formats/__init__.py). The pipeline calls
`detect` on a sample of rows to pick the format, then `adapt` on every row. Formats whose rows
are flat strings may also give `adapt_frame`, a vectorised adapter over a whole polars frame
that the pipeline prefers when the file was read as a frame (this is what makes a million-row
ingest take seconds); it returns None to fall back to the per-row path. A format whose export
spreads one record over several rows (Label Studio's JSON-MIN and CSV: one row per annotation)
gives `group`, which joins those rows before `adapt` sees them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from alignkit.data.schema import Drop, Item, Kind
from alignkit.data.settings import RankingPairs

if TYPE_CHECKING:
    import polars as pl


@dataclass(frozen=True)
class AdaptContext:
    """Settings an adapter may need, taken from the ingest flags."""

    source: str = ""
    # --map target=column, e.g. {"prompt": "instruction", "a": "response1", "label": "annotator1"};
    # "label" may name several columns (several annotators), joined by commas.
    column_map: Mapping[str, str] = field(default_factory=dict)
    # --label-values a=1,b=2,tie=0: raw label value (as a string) -> pick
    label_values: Mapping[str, str] = field(default_factory=dict)
    # rankings -> pairs: best vs each worse, or every pair
    ranking_pairs: RankingPairs = "best"
    # conversational output for transcript formats (HH-RLHF, ShareGPT): messages instead of text
    as_messages: bool = False
    # Argilla: name of the question that holds the preference (auto when None)
    question: str | None = None


Adapted = list[Item] | Drop
Rows = Iterable[tuple[int, dict[str, Any]]]


@dataclass
class Grouped:
    """Rows joined by a format's `group`: each joined row keeps the index of its first input
    row, `merged` counts the input rows joined into an earlier one (the report's `merged`:
    kept + dropped == input rows + expanded - merged), `notes` become report warnings."""

    rows: list[tuple[int, dict[str, Any]]]
    merged: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    kind: Kind
    # sample rows (dicts, as read) -> does this format fit?
    detect: Callable[[list[dict[str, Any]], AdaptContext], bool]
    # one row -> records (one or more) or a Drop with the reason
    adapt: Callable[[dict[str, Any], AdaptContext], Adapted]
    # optional vectorised adapter: frame -> canonical frame, or None to use the per-row path
    adapt_frame: Callable[[pl.DataFrame, AdaptContext], pl.DataFrame | None] | None = None
    # lower runs first in auto-detection (specific formats before generic ones)
    priority: int = 50
    # optional: join the rows that make one record (see Grouped), before `adapt`
    group: Callable[[Rows, AdaptContext], Grouped] | None = None
