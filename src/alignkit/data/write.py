"""The ingest's split writers (JSONL, Parquet), atomic through alignkit.io: a killed ingest
never leaves a half-written split."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import orjson
import polars as pl

from alignkit.data.settings import OutputFormat
from alignkit.io import atomic_path


def _jsonl_rows(frame: pl.DataFrame, json_columns: Sequence[str]) -> Iterator[bytes]:
    """Rows with JSON-text columns embedded as JSON values, not as strings."""
    names = frame.columns
    embed = [n in json_columns for n in names]
    for values in frame.iter_rows():
        row = {
            n: (orjson.Fragment(v) if e and v is not None else v)
            for n, v, e in zip(names, values, embed)
        }
        yield orjson.dumps(row) + b"\n"


def write_jsonl(frame: pl.DataFrame, path: Path, json_columns: Sequence[str] = ()) -> None:
    json_columns = [c for c in json_columns if c in frame.columns]
    with atomic_path(path) as tmp:
        if not json_columns:  # all flat: polars' writer is an order of magnitude faster
            frame.write_ndjson(tmp)
            return
        with open(tmp, "wb") as fh:
            fh.writelines(_jsonl_rows(frame, json_columns))


def write_parquet(frame: pl.DataFrame, path: Path, json_columns: Sequence[str] = ()) -> None:
    """Parquet with real nested columns (chat messages as list<struct>), as TRL expects."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = frame.drop([c for c in json_columns if c in frame.columns]).to_arrow()
    for c in json_columns:
        if c in frame.columns:
            values = [None if v is None else orjson.loads(v) for v in frame[c].to_list()]
            try:
                column = pa.array(values)
            except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. metadata of mixed types
                column = pa.array(frame[c].to_list(), type=pa.string())
            table = table.append_column(c, column)
    table = table.select(frame.columns)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def write_split(
    frame: pl.DataFrame, path: Path, fmt: OutputFormat, json_columns: Sequence[str]
) -> None:
    if fmt == "parquet":
        write_parquet(frame, path, json_columns)
    else:
        write_jsonl(frame, path, json_columns)
