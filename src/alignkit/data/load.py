"""Reading the splits that `alignkit data ingest` wrote, as `datasets.Dataset`s.

Every method (and evaluation) reads through `load_split`, which first checks the folder:
its files must match the digests in the ingest's schema_report.json, and no unfinished write
may have left temp files there. A folder made by hand (no report) still trains, but only after
its rows pass the rules that an ingest would have applied, and with one line saying so."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from alignkit.data.integrity import REPORT_NAME, SPLIT_FILES, DatasetCheck, check_dataset
from alignkit.errors import AlignkitError
from alignkit.launch import is_main_process

log = logging.getLogger("alignkit.data")
TEXT_COLUMNS = ("prompt", "chosen", "rejected", "completion")
# folders already checked in this process, by the size and mtime of every file that matters:
# execute() checks before the run starts, then each load_split would hash the files again
_checked: dict[tuple, DatasetCheck] = {}


def split_path(dataset_dir: Path, split: str) -> Path | None:
    for ext in ("jsonl", "parquet"):
        path = Path(dataset_dir) / f"{split}.{ext}"
        if path.exists():
            return path
    return None


def _signature(folder: Path) -> tuple:
    stats = []
    for name in (*SPLIT_FILES, REPORT_NAME):
        try:
            st = (folder / name).stat()
        except OSError:
            continue
        stats.append((name, st.st_size, st.st_mtime_ns))
    temps = tuple(sorted(p.name for p in folder.glob(".*.tmp-*")))
    return (str(folder.resolve()), tuple(stats), temps)


def verify_dataset(dataset_dir: Path) -> DatasetCheck:
    """The folder's integrity check (see alignkit.data.integrity), plus row validation when no
    ingest report vouches for the files. Raises a one-line AlignkitError."""
    folder = Path(dataset_dir)
    key = _signature(folder)
    if key in _checked:
        return _checked[key]
    check = check_dataset(folder)
    if not check.from_ingest and check.files:
        for name in sorted(check.files):
            validate_rows(folder / name)
        note(
            f"note: {folder} is not an alignkit ingest (no {REPORT_NAME}): its rows were "
            "validated here; `alignkit data ingest` also dedups and splits by prompt"
        )
    if len(_checked) > 32:
        _checked.clear()
    _checked[key] = check
    return check


def note(message: str) -> None:
    """One line for the user on stderr (info, not warning, for the log: logging's last-resort
    handler would print a warning a second time when no handler is set up yet)."""
    log.info(message)
    if is_main_process():
        print(message, file=sys.stderr)


def _rows(path: Path):
    """(row number, row) for a split file; JSONL rows are numbered by line."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise AlignkitError(f"{path} is not a readable Parquet file: {exc}") from None
        yield from enumerate(table.to_pylist(), start=1)
        return
    import orjson

    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield number, orjson.loads(line)
            except orjson.JSONDecodeError:
                raise AlignkitError(f"{path} line {number} is not valid JSON") from None


def _text_problem(value: Any) -> str | None:
    """Why a prompt/response value is unusable, or None: a non-empty string, or a non-empty
    list of chat messages ({role, content} with string content)."""
    if value is None:
        return "is missing"
    if isinstance(value, str):
        return None if value.strip() else "is empty"
    if isinstance(value, list):
        if not value:
            return "is an empty message list"
        for m in value:
            if not (isinstance(m, dict) and isinstance(m.get("role"), str)):
                return "is a list but not of chat messages ({role, content})"
            if not isinstance(m.get("content"), str):
                return "has a message without string content"
        return None
    return f"is a {type(value).__name__}, not text or chat messages"


def _plain(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def row_problem(row: Any) -> str | None:
    """The first rule a hand-made row breaks, or None (the ingest's rules, in its order)."""
    if not isinstance(row, dict):
        return "is not a JSON object"
    if "chosen" in row or "rejected" in row:
        needed = ("prompt", "chosen", "rejected")
    elif "completion" in row:
        needed = ("prompt", "completion")
    else:
        return "has neither chosen/rejected (pairs) nor completion (feedback) columns"
    for column in needed:
        problem = _text_problem(row.get(column))
        if problem:
            return f"{column} {problem}"
    if "chosen" in row and _plain(row["chosen"]) == _plain(row["rejected"]):
        return "chosen and rejected are identical"
    label = row.get("label")
    if label is not None and not (isinstance(label, bool) or label in (0, 1)):
        return f"label {label!r} is not true/false"
    return None


def validate_rows(path: Path) -> int:
    """Check every row of a hand-made split file; the first bad one is a one-line error."""
    count = 0
    for number, row in _rows(path):
        problem = row_problem(row)
        if problem:
            where = "line" if path.suffix == ".jsonl" else "row"
            raise AlignkitError(f"{path} {where} {number}: {problem}")
        count += 1
    return count


def load_split(dataset_dir: Path, split: str, columns: tuple[str, ...], required: bool = True):
    """The split as a Dataset, or None when it is absent/empty and not required."""
    import datasets

    verify_dataset(dataset_dir)
    path = split_path(dataset_dir, split)
    if path is None or path.stat().st_size == 0:
        if required:
            raise AlignkitError(
                f"no {split} split in {dataset_dir} (run `alignkit data ingest` to make one)"
            )
        return None
    kind = "json" if path.suffix == ".jsonl" else "parquet"
    ds = datasets.load_dataset(kind, data_files=str(path), split="train")
    missing = [c for c in columns if c not in ds.column_names]
    if missing:
        raise AlignkitError(f"{path} lacks column(s) {', '.join(missing)} for this method")
    return ds
