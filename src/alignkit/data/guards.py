"""Limits checked before a parser sees the input, so that a hostile or broken file ends in one
line instead of a hang (a FIFO with no writer), memory running out (`/dev/zero`, a gzip bomb)
or a crash inside a C parser (JSON nested thousands deep segfaults pyarrow)."""

from __future__ import annotations

import gzip
import stat
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from alignkit.errors import AlignkitError

DEFAULT_MAX_INPUT_MB = 4096
# A preference record nests a handful of levels (record -> messages -> message -> content
# parts -> part); anything past this is not a record, and deep input is what crashes parsers.
MAX_DEPTH = 64
BOM = b"\xef\xbb\xbf"


def read_input_bytes(path: Path, gz: bool, max_bytes: int, allow_special: bool) -> bytes:
    """The file's bytes (decompressed when gzipped), refusing what is not a regular file unless
    asked and anything larger than `max_bytes` after decompression."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise AlignkitError(f"cannot read {path}: {exc.strerror}") from None
    if not stat.S_ISREG(mode) and not allow_special:
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) else "special"
        raise AlignkitError(
            f"{path} is not a regular file ({kind}); pass --allow-special-files to read it"
        )
    limit = f"the input limit of {max_bytes >> 20} MB (raise it with --max-input-mb)"
    try:
        with open(path, "rb") as raw:
            if gz:
                return _gunzip(raw, max_bytes, path, limit)
            data = raw.read(max_bytes + 1)
    except OSError as exc:
        raise AlignkitError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise AlignkitError(f"{path.name} is larger than {limit}")
    return data


def _gunzip(raw, max_bytes: int, path: Path, limit: str) -> bytes:
    try:
        with gzip.GzipFile(fileobj=raw) as fh:
            data = fh.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise AlignkitError(f"{path.name} decompresses to more than {limit}")
            return data
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise AlignkitError(f"cannot read {path}: {exc}") from None


def as_utf8(data: bytes, name: str) -> bytes:
    """UTF-16 text (Excel's "Unicode text" export, PowerShell's default) re-encoded as UTF-8,
    recognised by its byte-order mark; read as UTF-8 it would be NUL-riddled garbage rows."""
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data
    try:
        return data.decode("utf-16").encode("utf-8", "surrogatepass")
    except UnicodeDecodeError as exc:
        raise AlignkitError(f"{name} starts as UTF-16 but is not valid UTF-16: {exc}") from None


def strip_bom(data: bytes) -> bytes:
    """Editors on Windows start UTF-8 text with a byte-order mark; no JSON parser wants it."""
    return data[len(BOM) :] if data.startswith(BOM) else data


def max_opens_per_line(data: bytes) -> int:
    """An upper bound on the nesting depth of any line: its count of `[` and `{` (brackets inside
    strings count too, so this only ever over-estimates). Vectorised: a JSONL file of a million
    records is checked in a fraction of a second."""
    buf = np.frombuffer(data, dtype=np.uint8)
    if buf.size == 0:
        return 0
    opens = (buf == ord("[")) | (buf == ord("{"))
    starts = np.concatenate(([0], np.flatnonzero(buf == ord("\n")) + 1))
    starts = starts[starts < buf.size]
    return int(np.add.reduceat(opens, starts, dtype=np.int64).max())


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of a parsed value, counting no further than `limit + 1`."""
    if limit < 0 or not isinstance(value, dict | list):
        return 0
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((depth(v, limit - 1) for v in items), default=0)
