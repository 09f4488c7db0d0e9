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


_MAX_NESTING = 32  # deeper Arrow types are not worth the risk (polars crashes on some)


def _too_deep(dtype, limit: int = _MAX_NESTING) -> bool:
    import pyarrow as pa

    if limit < 0:
        return True
    if pa.types.is_struct(dtype):
        return any(_too_deep(dtype.field(i).type, limit - 1) for i in range(dtype.num_fields))
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
        return _too_deep(dtype.value_type, limit - 1)
    return False


def _objects_only(data: bytes) -> bool:
    """Every line starts with `{` (no blank, `null` or array lines): the fast reader's input.

    Arrow reads a `null` line as a row of nulls and crashes on a leading one, so anything
    else goes through the line-by-line reader, which gives each odd line its own reason."""
    import numpy as np

    buf = np.frombuffer(data, dtype=np.uint8)
    if buf.size == 0 or buf[0] != ord("{"):
        return False
    starts = np.flatnonzero(buf[:-1] == ord("\n")) + 1
    return bool((buf[starts] == ord("{")).all())


def _read_jsonl(data: bytes) -> Source:
    import pyarrow as pa
    import pyarrow.json as pj

    # Arrow's reader, not polars': polars silently turns a column that mixes strings and
    # lists into JSON text, while Arrow refuses, and the line-by-line path then keeps the
    # true values. New keys in later rows are added as columns, never dropped.
    if _objects_only(data):
        try:
            table = pj.read_json(io.BytesIO(data), pj.ReadOptions(block_size=32 << 20))
            table.validate(full=True)  # Arrow does not check UTF-8 while parsing
            if not any(_too_deep(f.type) for f in table.schema):
                return Source(frame=pl.from_arrow(table))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # malformed or mixed-type lines: read one line at a time
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


_WRAPPER_KEYS = ("data", "records", "rows", "examples", "items", "instances", "train")


def _loads_lenient(data: bytes):
    """orjson, or the standard library for what Python itself writes (NaN, Infinity)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        import json

        return json.loads(data)


def _read_json(data: bytes, path: Path) -> Source:
    try:
        value = _loads_lenient(data)
    except (ValueError, RecursionError):
        if data.lstrip()[:1] == b"{":  # JSON lines under a .json name
            return _read_jsonl(data)
        raise AlignkitError(f"{path.name} is not valid JSON or JSON lines") from None
    if isinstance(value, dict):
        # a dataset wrapped under a known key, or else a single record
        key = next((k for k in _WRAPPER_KEYS if isinstance(value.get(k), list)), None)
        value = value[key] if key else [value]
    if not isinstance(value, list):
        raise AlignkitError(f"{path.name}: expected a JSON array of records")
    source = Source()
    for index, item in enumerate(value):
        _add_row(source, index, item, f"item {index}")
    return source


def _read_csv(data: bytes, separator: str) -> Source:
    # utf-8-sig: spreadsheet exports start with a byte-order mark
    text = data.decode("utf-8-sig", errors="replace")
    csv.field_size_limit(1 << 30)  # long responses are normal here; the default is 128 KiB
    source = Source()
    if "\ufffd" in text:
        source.notes.append("invalid UTF-8 bytes in the CSV were replaced with U+FFFD")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = next(reader)
    except StopIteration:
        return source
    except csv.Error as exc:
        raise AlignkitError(f"unreadable CSV header: {exc}") from None
    for index, values in enumerate(_csv_records(reader)):
        if len(values) != len(header):
            detail = f"record {index + 1}: {len(values)} fields, header has {len(header)}"
            source.unreadable.append((index, Drop("bad_field_count", detail)))
            continue
        # empty CSV cells are missing values, as pandas and polars read them
        source.rows.append((index, {k: (v if v != "" else None) for k, v in zip(header, values)}))
    return source


def _csv_records(reader):
    try:
        yield from reader
    except csv.Error as exc:  # the csv module cannot resume after a broken record
        raise AlignkitError(f"unreadable CSV at line {reader.line_num}: {exc}") from None
