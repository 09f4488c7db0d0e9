"""Atomic writes, below every layer: a file is written under a temporary name in the same
folder, flushed to disk, then renamed over the target, so a killed process leaves the old file
or none, never half of one (an ingest's splits, a run's run.json, an evaluation, a report)."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator
from functools import cache
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


def file_digest(path: Path) -> str:
    """blake2b-128 of a file's content, computed once per (path, size, mtime) in a process: a
    model's weights are hashed by the reference cache and the merge cache alike, and rereading
    half a gigabyte for each lookup would cost more than what the caches save."""
    stat = Path(path).stat()
    return _content_digest(str(path), stat.st_size, stat.st_mtime_ns)


@cache
def _content_digest(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 24), b""):
            h.update(block)
    return h.hexdigest()
