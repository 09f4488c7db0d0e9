"""Running a format's adapter over every row read, with aggregation of annotator votes.

Every input row ends as records or as one Drop; an adapter that raises on a row it did not
foresee costs that row (reason `adapter_error`), never the ingest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alignkit.data import canonical
from alignkit.data.aggregate import AggregateMode, agreement_stats, resolve
from alignkit.data.formats.base import AdaptContext, Format
from alignkit.data.readers import Source
from alignkit.data.schema import Comparison, Drop, Feedback, PreferencePair, Vote
from alignkit.errors import AlignkitError


@dataclass
class Adapted:
    canonical: canonical.Canonical
    drops: list[tuple[int, Drop]] = field(default_factory=list)
    expanded: int = 0  # records beyond one per row (rankings give several pairs)
    merged: int = 0  # rows joined into an earlier row's record (formats/base.py Grouped)
    notes: list[str] = field(default_factory=list)
    agreement: dict | None = None
    path: str = "rows"  # "frame" when the vectorised adapter ran


def adapt_source(
    source: Source, fmt: Format, ctx: AdaptContext, mode: AggregateMode, keep_ties: bool
) -> Adapted:
    if source.frame is not None and fmt.adapt_frame is not None:
        frame = fmt.adapt_frame(source.frame, ctx)
        if frame is not None:
            return Adapted(canonical.from_frame(frame, fmt.kind), path="frame")
    records: list[tuple[int, PreferencePair | Feedback]] = []
    drops = list(source.unreadable)
    votes: list[list[Vote]] = []
    expanded = 0
    rows = source.iter_rows()
    grouped = fmt.group(rows, ctx) if fmt.group is not None else None
    if grouped is not None:
        rows = grouped.rows
    for row, values in rows:
        try:
            items = fmt.adapt(values, ctx)
        except Exception as exc:  # noqa: BLE001 - see module docstring
            items = Drop("adapter_error", f"{type(exc).__name__}: {exc}"[:300])
        if isinstance(items, Drop):
            drops.append((row, items))
            continue
        if not items:
            drops.append((row, Drop("no_records", "the row holds no pair")))
            continue
        expanded += len(items) - 1
        for item in items:
            if isinstance(item, Comparison):
                votes.append(item.votes)
                item = resolve(item, mode, keep_ties)
            if isinstance(item, Drop):
                drops.append((row, item))
            else:
                records.append((row, item))
    kinds = {type(r) for _, r in records}
    if len(kinds) > 1:
        raise AlignkitError("the input mixes paired preferences and unpaired feedback")
    kind = "unpaired" if kinds == {Feedback} else "preference" if kinds else fmt.kind
    return Adapted(
        canonical.from_records(records, kind),
        drops=drops,
        expanded=expanded,
        agreement=agreement_stats(votes) if any(votes) else None,
        merged=grouped.merged if grouped else 0,
        notes=grouped.notes if grouped else [],
    )
