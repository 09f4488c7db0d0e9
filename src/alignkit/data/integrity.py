"""What an ingest wrote, as a record that a later reader can check: each file's rows, bytes and
content digest go into schema_report.json, and training refuses a folder whose files no
longer match it (a split copied in from another ingest, a truncated file, a leftover temp file).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import orjson

from alignkit.errors import AlignkitError

REPORT_NAME = "schema_report.json"
SPLIT_FILES = tuple(f"{s}.{e}" for s in ("train", "eval", "test") for e in ("jsonl", "parquet"))


def file_record(path: Path) -> dict:
    """Rows, bytes and blake2b digest of one written file."""
    h = hashlib.blake2b(digest_size=16)
    lines = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 24), b""):
            h.update(block)
            lines += block.count(b"\n")
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_metadata(path).num_rows
    else:
        rows = lines
    return {"rows": rows, "bytes": path.stat().st_size, "blake2b": h.hexdigest()}


def folder_digest(records: dict[str, dict]) -> str:
    """One digest for a folder's files (the name of each, and its content digest)."""
    parts = sorted((name, r["blake2b"]) for name, r in records.items())
    return hashlib.blake2b(orjson.dumps(parts), digest_size=16).hexdigest()


def temp_leftovers(folder: Path) -> list[str]:
    """Files a killed writer left behind (atomic writes go through `.NAME.tmp-PID`)."""
    return sorted(p.name for p in Path(folder).glob(".*.tmp-*"))


@dataclass
class DatasetCheck:
    digest: str  # folder_digest of the split files as they are now
    from_ingest: bool  # a schema_report.json vouches for them
    files: dict[str, dict]  # file name -> file_record


def check_dataset(folder: Path) -> DatasetCheck:
    """Verify a dataset folder against its schema_report.json; raise a one-line error when it
    does not match. A folder without a report (made by hand) passes with from_ingest=False:
    its rows are then the reader's to validate."""
    folder = Path(folder)
    leftovers = temp_leftovers(folder)
    if leftovers:
        raise AlignkitError(
            f"{folder} holds an unfinished write's temp files ({', '.join(leftovers[:3])}); "
            "run the ingest again"
        )
    present = {n: file_record(folder / n) for n in SPLIT_FILES if (folder / n).is_file()}
    report_path = folder / REPORT_NAME
    if not report_path.exists():
        return DatasetCheck(folder_digest(present), False, present)
    try:
        report = orjson.loads(report_path.read_bytes())
        expected = report["integrity"]["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise AlignkitError(
            f"{report_path} is unreadable or from an older alignkit (no file digests); "
            "run `alignkit data ingest` again"
        ) from None
    wrong = [
        n
        for n in sorted(set(present) | set(expected))
        if present.get(n, {}).get("blake2b") != expected.get(n, {}).get("blake2b")
    ]
    if wrong:
        raise AlignkitError(
            f"{folder}: {', '.join(wrong)} do not match its schema_report.json (changed, "
            "missing or from another ingest); run `alignkit data ingest` again"
        )
    return DatasetCheck(folder_digest(present), True, present)
