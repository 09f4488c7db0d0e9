"""Reading an input file into rows.

JSON array, JSONL (`.jsonl`, `.ndjson`, or `.json` holding lines), CSV/TSV, Parquet, each of
them optionally gzipped, and a `datasets.save_to_disk` folder. Tabular files are read as one
polars frame (fast, columnar); when that fails on a malformed file, JSONL falls back to reading
line by line so that one bad line costs one row (dropped with its reason), not the file.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from alignkit.data.schema import Drop
from alignkit.errors import AlignkitError


@dataclass
class Source:
    """What was read: a frame (tabular fast path) or rows (dicts), plus unreadable rows.

    Row indices count every input row, readable or not, from 0 in file order.
    """

    frame: pl.DataFrame | None = None
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    unreadable: list[tuple[int, Drop]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        readable = self.frame.height if self.frame is not None else len(self.rows)
        return readable + len(self.unreadable)

    def sample(self, n: int = 200) -> list[dict[str, Any]]:
        if self.frame is not None:
            return self.frame.head(n).to_dicts()
        return [r for _, r in self.rows[:n]]

    def iter_rows(self):
        if self.frame is not None:
            yield from enumerate(self.frame.iter_rows(named=True))
        else:
            yield from self.rows


def read_source(path: str | Path) -> Source:
    path = Path(path)
    if not path.exists():
        raise AlignkitError(f"input not found: {path}")
    if path.is_dir():
        return _read_saved_dataset(path)
    suffixes = [s.lower() for s in path.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    ext = (suffixes[-2] if gz and len(suffixes) > 1 else suffixes[-1] if suffixes else "") or ""
    if ext in (".jsonl", ".ndjson") and not gz:
        return _read_jsonl(path)
    try:
        data = gzip.open(path).read() if gz else path.read_bytes()
    except (OSError, EOFError) as exc:
        raise AlignkitError(f"cannot read {path}: {exc}") from None
    if ext == ".parquet":
        return _read_parquet(data, path)
    if ext in (".csv", ".tsv"):
        return _read_csv(data, separator="\t" if ext == ".tsv" else ",")
    if ext in (".jsonl", ".ndjson"):
        return _read_jsonl(data)
    if ext == ".json" or not ext:
        return _read_json(data, path)
    raise AlignkitError(
        f"unsupported input type '{ext}' for {path.name}: use JSON, JSONL, CSV, Parquet "
        "(optionally .gz) or a datasets folder"
    )


def _read_parquet(data: bytes, path: Path) -> Source:
    try:
        return Source(frame=pl.read_parquet(io.BytesIO(data)))
    except Exception as exc:  # noqa: BLE001 - any parse error is the user's file
        raise AlignkitError(f"{path.name} is not a readable Parquet file: {exc}") from None


def _read_saved_dataset(path: Path) -> Source:
    if not ((path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists()):
        raise AlignkitError(f"{path} is a folder but not a datasets.save_to_disk folder")
    import datasets

    loaded = datasets.load_from_disk(str(path))
    parts = loaded.values() if isinstance(loaded, datasets.DatasetDict) else [loaded]
    frames = [pl.from_arrow(part.with_format("arrow")[:]) for part in parts]
    source = Source(frame=pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame())
    if isinstance(loaded, datasets.DatasetDict):
        source.notes.append(
            "read splits " + ", ".join(f"{k} ({len(v)})" for k, v in loaded.items())
        )
    return source


def _read_jsonl(data: bytes | Path) -> Source:
    import pyarrow as pa
    import pyarrow.json as pj

    # Arrow's reader, not polars': polars silently turns a column that mixes strings and
    # lists into JSON text, while Arrow refuses, and the line-by-line path then keeps the
    # true values. New keys in later rows are added as columns, never dropped.
    options = pj.ReadOptions(block_size=32 << 20)
    try:
        table = pj.read_json(data if isinstance(data, Path) else io.BytesIO(data), options)
        return Source(frame=pl.from_arrow(table))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        pass  # malformed or mixed-type lines: read one line at a time
    if isinstance(data, Path):
        try:
            data = data.read_bytes()
        except OSError as exc:
            raise AlignkitError(f"cannot read {data}: {exc}") from None
    return _read_lines(data)


def _read_lines(data: bytes) -> Source:
    source = Source()
    index = 0
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            source.unreadable.append((index, Drop("invalid_json", f"line {number}: {exc}")))
        else:
            _add_row(source, index, value, f"line {number}")
        index += 1
    return source


def _add_row(source: Source, index: int, value: Any, where: str) -> None:
    if isinstance(value, dict):
        source.rows.append((index, value))
    else:
        kind = type(value).__name__
        source.unreadable.append((index, Drop("not_an_object", f"{where}: a {kind}")))


def _read_json(data: bytes, path: Path) -> Source:
    head = data.lstrip()[:1]
    if head == b"{":
        try:  # one object: a dataset wrapped under a key, or JSON lines with a .json name
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            return _read_jsonl(data)
        rows = next((v for v in value.values() if isinstance(v, list)), None)
        if rows is None or len(value) > 3:
            return _read_jsonl(data)
        value = rows
    else:
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise AlignkitError(f"{path.name} is not valid JSON: {exc}") from None
    if not isinstance(value, list):
        raise AlignkitError(f"{path.name}: expected a JSON array of records")
    source = Source()
    for index, item in enumerate(value):
        _add_row(source, index, item, f"item {index}")
    return source


def _read_csv(data: bytes, separator: str) -> Source:
    text = data.decode("utf-8", errors="replace")
    source = Source()
    if "\ufffd" in text:
        source.notes.append("invalid UTF-8 bytes in the CSV were replaced with U+FFFD")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = next(reader)
    except StopIteration:
        return source
    for index, values in enumerate(reader):
        if len(values) != len(header):
            detail = f"record {index + 1}: {len(values)} fields, header has {len(header)}"
            source.unreadable.append((index, Drop("bad_field_count", detail)))
            continue
        # empty CSV cells are missing values, as pandas and polars read them
        source.rows.append((index, {k: (v if v != "" else None) for k, v in zip(header, values)}))
    return source
