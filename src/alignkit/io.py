"""Atomic writes, below every layer: a file is written under a temporary name in the same
folder, flushed to disk, then renamed over the target, so a killed process leaves the old file
or none, never half of one (an ingest's splits, a run's run.json, an evaluation, a report)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path to write; renamed over `path` when the block ends without an error,
    removed when it does not."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(value: object, path: Path) -> None:
    """Indented JSON and a final newline, atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n")


def write_rows(rows: Iterable[dict[str, Any]], path: Path) -> int:
    """JSON Lines, one object per row, atomically; NaN becomes null (orjson). Returns the
    number of rows."""
    count = 0
    with atomic_path(Path(path)) as tmp, open(tmp, "wb") as fh:
        for row in rows:
            fh.write(orjson.dumps(row, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n")
            count += 1
    return count
