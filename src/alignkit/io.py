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
    """blake2b-128 of a file's content, computed once per (path, size, mtime, inode): a model's
    weights are hashed by the reference cache and the merge cache alike, and rereading half a
    gigabyte for each lookup would cost more than what the caches save. Within a process the
    answer is kept in memory; for a large file it is also kept on disk (the cache dir's
    digests/), so that the next process, a sweep's next member say, does not reread it either.
    The file's size, mtime (ns) and inode are the key, as make's and rsync's quick checks are:
    rewriting a file, or replacing it by a rename, changes them."""
    path = Path(path).absolute()
    stat = path.stat()
    return _content_digest(str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)


DIGEST_ON_DISK_BYTES = 32 << 20  # below this, hashing is quicker than the bookkeeping


@cache
def _content_digest(path: str, size: int, mtime_ns: int, inode: int) -> str:
    key = {"path": path, "size": size, "mtime_ns": mtime_ns, "inode": inode}
    record = _digest_record(path) if size >= DIGEST_ON_DISK_BYTES else None
    if record is not None:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            saved = orjson.loads(record.read_bytes())
            if {k: saved[k] for k in key} == key:
                return saved["digest"]
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 24), b""):
            h.update(block)
    digest = h.hexdigest()
    if record is not None:
        with contextlib.suppress(OSError):  # a read-only cache only costs the next rehash
            write_json({**key, "digest": digest}, record)
    return digest


def _digest_record(path: str) -> Path:
    from alignkit.paths import cache_dir

    name = hashlib.blake2b(path.encode(), digest_size=16).hexdigest()
    return cache_dir() / "digests" / f"{name}.json"
