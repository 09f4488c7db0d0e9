"""The ingest pipeline: read -> adapt -> (anonymize) -> validate -> dedup -> split -> write.

The CLI, the Python API and the server all call `ingest`. Every input row is accounted for:
it is kept, or dropped with exactly one reason (dropped.jsonl lists them), and
`kept + dropped == input rows + expanded - merged` where `expanded` counts the extra pairs that
a ranking row yields beyond its first, and `merged` the rows joined into an earlier row's
record (a Label Studio JSON-MIN or CSV export has one row per annotation of a task).

The output folder is locked for the whole ingest (a second ingest into it exits 1) and replaced
as a whole at the end (data/stage.py): a failed or killed ingest leaves the old result intact.
An ingest that keeps no record exits 1 (NothingKept) after writing its outputs, so that
dropped.jsonl says why; over a folder whose earlier ingest kept records it writes nothing.
Each written file's rows and digest go into the report, which training checks.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
import polars as pl

from alignkit.data import integrity
from alignkit.data import report as rep
from alignkit.data.adapt import Adapted, adapt_source
from alignkit.data.dedup import contradictions, duplicate_mask
from alignkit.data.formats import pick
from alignkit.data.formats.base import AdaptContext
from alignkit.data.formats.columns import check_map_columns
from alignkit.data.readers import read_source
from alignkit.data.schema import JSON_COLUMNS
from alignkit.data.settings import IngestSettings
from alignkit.data.split import SPLITS, assign
from alignkit.data.stage import staged_folder
from alignkit.data.validate import CHARS_PER_TOKEN, Rules, measure, reasons
from alignkit.data.write import write_jsonl, write_split
from alignkit.errors import AlignkitError
from alignkit.io import write_json
from alignkit.locks import folder_lock

REPORT_NAME = integrity.REPORT_NAME
VALID_SHARE_WARNING = 0.95
# what an ingest writes into its folder; anything else there is the user's, and the folder
# is replaced as a whole, so such a folder is refused rather than emptied
OWN_FILES = frozenset({*integrity.SPLIT_FILES, "dropped.jsonl", REPORT_NAME})


def _context(s: IngestSettings) -> AdaptContext:
    return AdaptContext(
        source=s.source or s.input.name,
        column_map=s.column_map,
        label_values=s.label_values,
        ranking_pairs=s.ranking_pairs,
        as_messages=s.as_messages,
        question=s.question,
    )


def _anonymize(adapted: Adapted, s: IngestSettings) -> dict:
    from alignkit.data.anonymize import scrub_frame

    c = adapted.canonical
    result = scrub_frame(c.frame, c.text_columns, engine=s.anonymize_engine)
    c.frame = result.frame
    return {"engine": result.engine, "replaced": result.counts}


def _write_dropped(dropped: pl.DataFrame, adapted: Adapted, path: Path, json_cols) -> None:
    early = pl.DataFrame(
        {
            "_row": [r for r, _ in adapted.drops],
            "reason": [d.reason for _, d in adapted.drops],
            "detail": [d.detail for _, d in adapted.drops],
        },
        schema={"_row": pl.Int64, "reason": pl.String, "detail": pl.String},
    )
    late = dropped.select(pl.all().exclude("^_(len|tok)_.*$")).rename({"_reason": "reason"})
    both = pl.concat([early, late], how="diagonal_relaxed").sort("_row", maintain_order=True)
    write_jsonl(both.rename({"_row": "row"}), path, json_cols)


def _check_output(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise AlignkitError(f"--output {output} is a file, not a folder")
    if not output.is_dir():
        return
    foreign = sorted(
        p.name for p in output.iterdir() if p.name not in OWN_FILES and ".tmp-" not in p.name
    )
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise AlignkitError(
            f"--output {output} holds files that an ingest did not write ({shown}); an ingest "
            "replaces its folder as a whole: choose a new or empty folder"
        )


class NothingKept(AlignkitError):
    """Every record was dropped (a wrong --format, a --map typo, an export with no votes); the
    exit is 1. The outputs are written all the same, so that dropped.jsonl says why, unless
    the folder holds an earlier ingest that kept records: that one is left as it was."""

    exit_code = 1


def _kept_before(output: Path) -> int:
    """How many records the ingest already in `output` kept (0 when there is none)."""
    try:
        kept = orjson.loads((output / REPORT_NAME).read_bytes()).get("kept")
    except (OSError, ValueError, AttributeError):
        return 0
    return kept if isinstance(kept, int) else 0


def _nothing_kept(s: IngestSettings, adapted: Adapted, frame: pl.DataFrame, before: int) -> str:
    """The one line for an ingest that kept nothing: the commonest reasons, the first detail,
    and where to look."""
    every = [d.reason for _, d in adapted.drops] + frame["_reason"].to_list()
    top = ", ".join(f"{r} {n}" for r, n in list(rep.reason_counts(every).items())[:3])
    first = adapted.drops[0][1].detail if adapted.drops else None
    if before:
        where = (
            f"{s.output} holds an earlier ingest ({before} kept) and was left as it was; "
            "ingest into a new folder to get dropped.jsonl"
        )
    else:
        where = f"see {s.output / 'dropped.jsonl'}" if s.write_dropped else f"see {s.output}"
    return (
        f"no record of {s.input.name} was kept ({top or 'no rows'}"
        f"{f'; first: {first}' if first else ''}); check --format and --map; {where}"
    )


def _option_notes(s: IngestSettings, fmt_name: str) -> list[str]:
    """Flags that the detected format has no use for: say so instead of ignoring them."""
    notes = []
    if s.question and not fmt_name.startswith("argilla"):
        notes.append(f"--question is ignored: it applies to Argilla exports, not {fmt_name}")
    if s.as_messages and fmt_name != "hh-rlhf":
        notes.append(f"--messages is ignored: it applies to HH-RLHF transcripts, not {fmt_name}")
    return notes


def ingest(settings: IngestSettings | None = None, /, **kwargs) -> dict:
    """Ingest one export into train/eval/test files and `schema_report.json`; returns the
    report. Pass an IngestSettings, or its fields as keyword arguments."""
    s = settings or IngestSettings(**kwargs)
    with folder_lock(s.output, "data ingest"):
        _check_output(s.output)
        before = _kept_before(s.output)
        with staged_folder(s.output) as stage:
            report, nothing_kept = _ingest_into(s, stage, before)
            if nothing_kept and before:  # raised inside: the stage is discarded (issue 8)
                raise NothingKept(nothing_kept)
    if nothing_kept:
        raise NothingKept(nothing_kept)
    return report


def _ingest_into(s: IngestSettings, stage: Path, before: int = 0) -> tuple[dict, str | None]:
    """Write the splits, dropped.jsonl and the report into `stage`; returns the report and,
    when nothing was kept, the error line that the ingest ends with (`before`: what the
    folder's earlier ingest kept)."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    source = read_source(
        s.input, max_bytes=s.max_input_mb << 20, allow_special=s.allow_special_files
    )
    lap("read")
    ctx = _context(s)
    fmt = pick(s.format, source.sample(), ctx)
    if fmt.name == "columns" and s.column_map:
        check_map_columns(s.column_map, source.columns())
    adapted = adapt_source(source, fmt, ctx, s.aggregate, s.keep_ties)
    c = adapted.canonical
    lap("adapt")
    anonymized = _anonymize(adapted, s) if s.anonymize else None
    lap("anonymize")
    rules = Rules(s.min_prompt_toks, s.max_prompt_toks, s.max_response_toks, s.tokenizer)
    frame = measure(c, rules)
    frame = frame.with_columns(reasons(c, rules).alias("_reason"))
    valid = frame["_reason"].is_null()
    dup = duplicate_mask(frame, valid, s.dedup_by, c.kind)
    frame = frame.with_columns(
        pl.when(dup).then(pl.lit("duplicate")).otherwise(pl.col("_reason")).alias("_reason")
    )
    lap("validate")
    kept = frame.filter(pl.col("_reason").is_null())
    nothing_kept = _nothing_kept(s, adapted, frame, before) if kept.height == 0 else None
    split_names, prompts = assign(kept["prompt"], s.ratios, s.shuffle_seed)
    kept = kept.with_columns(split_names.alias("_split"))
    lap("split")

    public = [
        col
        for col in c.frame.columns
        if not col.startswith("_")
        and (col in c.text_columns or kept[col].null_count() < kept.height)
    ]
    json_cols = [*JSON_COLUMNS, *(c.text_columns if c.conversational else ())]
    ext = "parquet" if s.output_format == "parquet" else "jsonl"
    files, written = {}, {}
    for split in SPLITS:
        name = f"{split}.{ext}"
        part = kept.filter(pl.col("_split") == split).select(public)
        write_split(part, stage / name, s.output_format, json_cols)
        written[name] = integrity.file_record(stage / name)
        if written[name]["rows"] != part.height:  # a writer that lost rows must not pass
            raise AlignkitError(f"wrote {written[name]['rows']} of {part.height} rows to {name}")
        files[split] = str(s.output / name)
    dropped = frame.filter(pl.col("_reason").is_not_null())
    if s.write_dropped:
        files["dropped"] = str(s.output / "dropped.jsonl")
        _write_dropped(dropped, adapted, stage / "dropped.jsonl", json_cols)
    lap("write")

    reasons_all = [d.reason for _, d in adapted.drops] + dropped["_reason"].to_list()
    candidates = source.n_rows + adapted.expanded - adapted.merged
    if kept.height + len(reasons_all) != candidates:  # every row kept or dropped, once
        raise AlignkitError(
            f"internal accounting error: {candidates} records but {kept.height} kept + "
            f"{len(reasons_all)} dropped; please report it"
        )
    rows = rep.split_counts(kept)
    warnings = [*source.notes, *adapted.notes, *_option_notes(s, fmt.name)]
    share = kept.height / candidates if candidates else 0.0
    if share < VALID_SHARE_WARNING:
        warnings.append(f"only {share:.1%} of records are valid (kept); see dropped.jsonl")
    unit = "tokens" if s.tokenizer else f"approx. tokens, chars/{CHARS_PER_TOKEN}"
    report = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "input": {
            "path": str(s.input),
            "format": fmt.name,
            "kind": c.kind,
            "conversational": c.conversational,
            "rows": source.n_rows,
            "adapter": adapted.path,
            # the whole file was consumed: its size, the bytes parsed (after decompression)
            # and the lines parsed, so that a short read would show here
            "size_bytes": source.size_bytes,
            "parsed_bytes": source.parsed_bytes,
            "lines": source.lines,
        },
        "records": candidates,
        "expanded": adapted.expanded,
        "merged": adapted.merged,
        "kept": kept.height,
        "dropped_total": len(reasons_all),
        "dropped": rep.reason_counts(reasons_all),
        "valid_share": round(share, 4),
        "splits": rows,
        "split_prompts": prompts,
        "columns": public,
        "lengths": {"unit": unit, **rep.length_stats(kept, c.text_columns)},
        "length_bias": rep.length_bias(kept) if c.kind == "preference" else None,
        "contradictions": contradictions(kept) if c.kind == "preference" else None,
        "agreement": adapted.agreement,
        "anonymize": anonymized,
        "warnings": warnings,
        "files": files,
        "integrity": {"files": written, "digest": integrity.folder_digest(written)},
        "settings": s.to_dict(),
        "timings_s": timings,
    }
    lap("report")
    report["timings_s"]["total"] = round(sum(timings.values()), 3)
    write_json(report, stage / REPORT_NAME)
    return report, nothing_kept
