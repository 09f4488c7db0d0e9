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


_BOMS = (  # longest first: UTF-32-LE's mark starts with UTF-16-LE's
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _wide_encoding(head: bytes) -> str | None:
    """UTF-16/32 text without a byte-order mark, told by where its NUL bytes fall: JSON and CSV
    text in UTF-8 has none, while ASCII characters in wide encodings leave them in a pattern."""
    n = len(head) - len(head) % 4
    if n < 4 or b"\x00" not in head[:n]:
        return None
    zeros = [sum(b == 0 for b in head[i:n:4]) / (n // 4) for i in range(4)]
    if min(zeros[1:]) > 0.9 and zeros[0] < 0.1:
        return "utf-32-le"
    if min(zeros[:3]) > 0.9 and zeros[3] < 0.1:
        return "utf-32-be"
    if zeros[1] > 0.9 and zeros[3] > 0.9 and max(zeros[0], zeros[2]) < 0.5:
        return "utf-16-le"
    if zeros[0] > 0.9 and zeros[2] > 0.9 and max(zeros[1], zeros[3]) < 0.5:
        return "utf-16-be"
    return None


def as_utf8(data: bytes, name: str) -> bytes:
    """UTF-16/32 text (Excel's "Unicode text" export, PowerShell's default) re-encoded as
    UTF-8, told by its byte-order mark or, without one, by its NUL pattern; read as UTF-8 it
    would be NUL-riddled garbage rows."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    encoding = encoding or _wide_encoding(data[:4096])
    if encoding is None:
        return data
    try:
        return data.decode(encoding).encode("utf-8", "surrogatepass")
    except UnicodeDecodeError as exc:
        raise AlignkitError(f"{name} looks like {encoding} text but is not: {exc}") from None


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
