"""Reading an input file into rows.

JSON array, JSONL (`.jsonl`, `.ndjson`, or `.json` holding lines), CSV/TSV, Parquet, each of
them optionally gzipped, and a `datasets.save_to_disk` folder. Tabular files are read as one
polars frame (fast, columnar); when that fails on a malformed file, JSONL falls back to reading
line by line so that one bad line costs one row (dropped with its reason), not the file.

A reader consumes the whole file or fails: a CSV quote left open, a JSON object holding several
lists of records, a file cut short are errors, never a quietly shorter set. What was consumed
(bytes, last line) is recorded beside the file's size, and the ingest report carries both.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from alignkit.data import guards
from alignkit.data.schema import Drop
from alignkit.data.settings import DEFAULT_MAX_INPUT_MB
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
    # how much of the input the parser consumed: bytes of the file on disk, bytes parsed
    # (after decompression) and the number of lines parsed, so that a short read shows
    size_bytes: int | None = None
    parsed_bytes: int | None = None
    lines: int | None = None

    @property
    def n_rows(self) -> int:
        readable = self.frame.height if self.frame is not None else len(self.rows)
        return readable + len(self.unreadable)

    def sample(self, n: int = 200) -> list[dict[str, Any]]:
        if self.frame is not None:
            return self.frame.head(n).to_dicts()
        return [r for _, r in self.rows[:n]]

    def columns(self) -> set[str]:
        if self.frame is not None:
            return set(self.frame.columns)
        return set().union(*(row.keys() for _, row in self.rows))

    def iter_rows(self):
        if self.frame is not None:
            yield from enumerate(self.frame.iter_rows(named=True))
        else:
            yield from self.rows


def read_source(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_INPUT_MB << 20,
    allow_special: bool = False,
) -> Source:
    path = Path(path)
    if not path.exists():
        raise AlignkitError(f"input not found: {path}")
    if path.is_dir():
        return _read_saved_dataset(path)
    suffixes = [s.lower() for s in path.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    ext = (suffixes[-2] if gz and len(suffixes) > 1 else suffixes[-1] if suffixes else "") or ""
    if ext not in (".parquet", ".csv", ".tsv", ".jsonl", ".ndjson", ".json", ""):
        raise AlignkitError(
            f"unsupported input type '{ext}' for {path.name}: use JSON, JSONL, CSV, Parquet "
            "(optionally .gz) or a datasets folder"
        )
    data = guards.read_input_bytes(path, gz, max_bytes, allow_special)
    parsed = data if ext == ".parquet" else guards.as_utf8(data, path.name)
    source = _parse(parsed, ext, path)
    source.size_bytes = path.stat().st_size if path.is_file() else None
    source.parsed_bytes = len(data)
    return source


def _parse(data: bytes, ext: str, path: Path) -> Source:
    if ext == ".parquet":
        return _read_parquet(data, path)
    if ext in (".csv", ".tsv"):
        return _read_csv(data, separator="\t" if ext == ".tsv" else ",")
    if ext in (".jsonl", ".ndjson"):
        return _read_jsonl(data)
    return _read_json(data, path)


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


# pyarrow's JSON parser recurses per level and segfaults some thousands deep: a line that might
# nest past this (counting every bracket, so a bound) goes to the line-by-line reader instead
_ARROW_SAFE_OPENS = 512


def _read_jsonl(data: bytes) -> Source:
    import pyarrow as pa
    import pyarrow.json as pj

    data = guards.strip_bom(data)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    # Arrow's reader, not polars': polars silently turns a column that mixes strings and
    # lists into JSON text, while Arrow refuses, and the line-by-line path then keeps the
    # true values. New keys in later rows are added as columns, never dropped.
    if _objects_only(data) and guards.max_opens_per_line(data) <= _ARROW_SAFE_OPENS:
        try:
            table = pj.read_json(io.BytesIO(data), pj.ReadOptions(block_size=32 << 20))
            table.validate(full=True)  # Arrow does not check UTF-8 while parsing
            # every line starts with `{`, so each is one row: fewer rows is a short read
            if table.num_rows == lines and not any(_too_deep(f.type) for f in table.schema):
                return Source(frame=pl.from_arrow(table), lines=lines)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # malformed or mixed-type lines: read one line at a time
    source = _read_lines(data)
    source.lines = lines
    return source


def _read_lines(data: bytes) -> Source:
    source = Source()
    index = 0
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = _loads_lenient(line)
        except ValueError as exc:
            source.unreadable.append((index, Drop("invalid_json", f"line {number}: {exc}")))
        except RecursionError:
            detail = f"line {number}: nested deeper than {guards.MAX_DEPTH} levels"
            source.unreadable.append((index, Drop("too_deep", detail)))
        else:
            _add_row(source, index, value, f"line {number}")
        index += 1
    return source


def _add_row(source: Source, index: int, value: Any, where: str) -> None:
    if isinstance(value, dict) and guards.depth(value) > guards.MAX_DEPTH:
        # later steps (polars frames, orjson output) recurse per level and fail on such rows
        detail = f"{where}: nested deeper than {guards.MAX_DEPTH} levels"
        source.unreadable.append((index, Drop("too_deep", detail)))
    elif isinstance(value, dict):
        source.rows.append((index, value))
    else:
        kind = type(value).__name__
        source.unreadable.append((index, Drop("not_an_object", f"{where}: a {kind}")))


_WRAPPER_KEYS = ("data", "records", "rows", "examples", "items", "instances")
_SPLIT_KEYS = ("train", "validation", "valid", "eval", "dev", "test")


def _loads_lenient(data: bytes):
    """orjson, or the standard library for what Python itself writes: NaN reads as a missing
    value (null), as pandas writes it, ±Infinity as a float. The same rule for JSON and JSONL."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "depth limit" in str(exc):
            raise RecursionError(str(exc)) from None
        import json

        return json.loads(data, parse_constant=lambda c: None if c == "NaN" else float(c))


def _records_of(value: dict, path: Path) -> tuple[list, str | None]:
    """The records of a top-level JSON object: the list under one wrapper key, the lists under
    split keys together (alignkit makes its own prompt-grouped split), or the object itself as
    one record. Several lists that are not all splits are refused: reading only the first
    would quietly drop the others."""
    known = (*_WRAPPER_KEYS, *_SPLIT_KEYS)
    lists = {k: v for k, v in value.items() if k in known and isinstance(v, list)}
    if not lists:
        return [value], None
    if len(lists) == 1:
        return next(iter(lists.values())), None
    if all(k in _SPLIT_KEYS for k in lists):
        note = "read splits " + ", ".join(f"{k} ({len(v)})" for k, v in lists.items())
        return [row for rows in lists.values() for row in rows], note
    raise AlignkitError(
        f"{path.name} holds several lists of records ({', '.join(lists)}); "
        "keep one (or only split names: train, validation, test) and ingest again"
    )


def _read_json(data: bytes, path: Path) -> Source:
    data = guards.strip_bom(data)
    try:
        value = _loads_lenient(data)
    except RecursionError:
        raise AlignkitError(
            f"{path.name} nests deeper than the JSON parser's limit; not a record file"
        ) from None
    except ValueError:
        if data.lstrip()[:1] == b"{":  # JSON lines under a .json name
            return _read_jsonl(data)
        raise AlignkitError(f"{path.name} is not valid JSON or JSON lines") from None
    note = None
    if isinstance(value, dict):
        value, note = _records_of(value, path)
    if not isinstance(value, list):
        raise AlignkitError(f"{path.name}: expected a JSON array of records")
    source = Source(lines=data.count(b"\n") + 1)
    if note:
        source.notes.append(note)
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
    # strict: a quote left open must be an error; the lenient reader reads the rest of the
    # file into that one field, and the set ends there without a word
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return source
    except csv.Error as exc:
        raise AlignkitError(f"unreadable CSV header: {exc}") from None
    # blank lines are no records (the csv module yields [] for them), as pandas and polars
    # skip them; a line of only separators is a record, with every field empty
    records = (values for values in _csv_records(reader) if values)
    for index, values in enumerate(records):
        if len(values) != len(header):
            detail = f"record {index + 1}: {len(values)} fields, header has {len(header)}"
            source.unreadable.append((index, Drop("bad_field_count", detail)))
            continue
        # empty CSV cells are missing values, as pandas and polars read them
        source.rows.append((index, {k: (v if v != "" else None) for k, v in zip(header, values)}))
    source.lines = reader.line_num
    return source


def _csv_records(reader):
    started = reader.line_num + 1  # the line where the record being read began
    try:
        for values in reader:
            yield values
            started = reader.line_num + 1
    except csv.Error as exc:  # the csv module cannot resume after a broken record
        if "end of data" in str(exc):
            raise AlignkitError(
                f"unreadable CSV: the record starting at line {started} opens a quote that is "
                f"never closed (it runs to the end of the file, line {reader.line_num})"
            ) from None
        raise AlignkitError(f"unreadable CSV at line {reader.line_num}: {exc}") from None
