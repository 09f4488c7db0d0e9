"""An ingest of files that are already split (`--input train.jsonl --eval-input eval.jsonl`
[`--test-input test.jsonl`]): each file is ingested whole into its own split, as given, not
re-split by prompt. Every file goes through the same read -> adapt -> validate -> dedup as a
single-file ingest (dedup within each file, not across files), so every row is kept in its
split or dropped with its reason (dropped.jsonl rows name their `split`). The folder has one
schema_report.json: counts summed over the files, `given_splits` with each file's own counts,
and the digests of the files written, like any ingest."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path

import orjson

from alignkit.data import integrity
from alignkit.data.settings import IngestSettings
from alignkit.data.split import SPLITS
from alignkit.data.stage import staged_folder
from alignkit.locks import folder_lock

RATIOS = {"train": (1.0, 0.0, 0.0), "eval": (0.0, 1.0, 0.0), "test": (0.0, 0.0, 1.0)}
SUMMED = ("records", "expanded", "merged", "kept", "dropped_total")

Run = Callable[[IngestSettings, Path], tuple[dict, str | None]]


def ingest(settings: IngestSettings | None = None, /, **kwargs) -> dict:
    """`data:ingest`: the ingest of one export (data/pipeline.py), or of files already split
    when --eval-input or --test-input is given; returns the report."""
    from alignkit.data import pipeline

    s = settings or IngestSettings(**kwargs)
    if not given(s).keys() - {"train"}:
        return pipeline.ingest(s)
    with folder_lock(s.output, "data ingest"):
        pipeline._check_output(s.output)
        before = pipeline._kept_before(s.output)
        with staged_folder(s.output) as stage:
            report, nothing_kept = ingest_into(s, stage, pipeline._ingest_into)
            if nothing_kept and before:  # the earlier ingest's folder is left as it was
                raise pipeline.NothingKept(nothing_kept)
    if nothing_kept:
        raise pipeline.NothingKept(nothing_kept)
    return report


def given(s: IngestSettings) -> dict[str, Path]:
    """The file of each given split (train is --input)."""
    files = {"train": s.input, "eval": s.eval_input, "test": s.test_input}
    return {k: Path(v) for k, v in files.items() if v is not None}


def ingest_into(s: IngestSettings, stage: Path, run: Run) -> tuple[dict, str | None]:
    """Ingest each given file into its split inside `stage` (`run`: the single-file ingest)."""
    files = given(s)
    ext = "parquet" if s.output_format == "parquet" else "jsonl"
    work = stage / ".presplit.tmp-parts"
    reports: dict[str, dict] = {}
    empty: dict[str, str | None] = {}
    try:
        for split, path in files.items():
            train, eval_, test = RATIOS[split]
            one = dataclasses.replace(
                s, input=path, eval_input=None, test_input=None,
                train_ratio=train, eval_ratio=eval_, test_ratio=test,
            )  # fmt: skip
            part = work / split
            part.mkdir(parents=True)
            reports[split], empty[split] = run(one, part)
        for split in SPLITS:  # a split without a file: the train ingest's empty one
            source = work / (split if split in files else "train") / f"{split}.{ext}"
            shutil.copyfile(source, stage / f"{split}.{ext}")
        if s.write_dropped:
            with open(stage / "dropped.jsonl", "wb") as out:
                for split in files:
                    for line in (work / split / "dropped.jsonl").read_bytes().splitlines():
                        if line.strip():
                            out.write(orjson.dumps({"split": split, **orjson.loads(line)}))
                            out.write(b"\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    written = {n: integrity.file_record(stage / n) for n in (f"{k}.{ext}" for k in SPLITS)}
    report = _merge(s, reports, files, ext, written)
    (stage / integrity.REPORT_NAME).write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    nothing = empty["train"] if report["kept"] == 0 else None
    return report, nothing


def _merge(
    s: IngestSettings, reports: dict[str, dict], files: dict[str, Path], ext: str, written: dict
) -> dict:
    report = dict(reports["train"])  # lengths, length bias, contradictions: the train file's
    for key in SUMMED:
        report[key] = sum(r[key] for r in reports.values())
    report["input"] = {**report["input"], "rows": sum(r["input"]["rows"] for r in reports.values())}
    dropped: dict[str, int] = {}
    for r in reports.values():
        for reason, n in r["dropped"].items():
            dropped[reason] = dropped.get(reason, 0) + n
    report["dropped"] = dict(sorted(dropped.items(), key=lambda kv: (-kv[1], kv[0])))
    records = report["records"]
    report["valid_share"] = round(report["kept"] / records, 4) if records else 0.0
    report["splits"] = {k: reports[k]["splits"][k] if k in reports else 0 for k in SPLITS}
    report["split_prompts"] = {
        k: reports[k]["split_prompts"][k] if k in reports else 0 for k in SPLITS
    }
    report["given_splits"] = {
        k: {"input": r["input"], **{key: r[key] for key in SUMMED}, "dropped": r["dropped"]}
        for k, r in reports.items()
    }
    report["warnings"] = [f"{k}: {w}" for k, r in reports.items() for w in r["warnings"]]
    for k in files:
        if reports[k]["kept"] == 0:
            report["warnings"].append(f"{k}: nothing kept from {files[k]}")
    out = Path(s.output)
    names = [f"{k}.{ext}" for k in SPLITS]
    report["files"] = {k: str(out / n) for k, n in zip(SPLITS, names, strict=True)}
    if s.write_dropped:
        report["files"]["dropped"] = str(out / "dropped.jsonl")
    report["integrity"] = {"files": written, "digest": integrity.folder_digest(written)}
    report["settings"] = s.to_dict()
    report["timings_s"] = {k: r["timings_s"] for k, r in reports.items()}
    return report
