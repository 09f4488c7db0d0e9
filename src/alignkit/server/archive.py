"""A folder artifact (a checkpoint, the final model) downloaded as one tar stream. The stdlib's
tarfile writes each member whole into its output, which would hold a 500 MB weights file in
memory; here each header comes from tarfile (TarInfo.tobuf, ustar/PAX) and the file's bytes
follow in 1 MiB chunks, so memory stays flat whatever the folder's size.

Only regular files whose real path (symlinks resolved) lies inside the job's folders go in;
anything else is left out, as the files route answers 404 for it. So is a SQLite database and
its side files (is_database), which the files route does not serve either."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path

CHUNK = 1 << 20
BLOCK = tarfile.BLOCKSIZE  # 512
SQLITE = b"SQLite format 3\x00"
# a WAL file's magic (either byte order flag) and a rollback journal's
JOURNALS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83", b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7")


def _head(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read(16)
    except OSError:
        return None


def is_database(real: Path) -> bool:
    """A SQLite database, or its -wal / -shm / -journal file, is never served from a job's
    folders, whatever its name: the job store (users' password hashes, sessions' CSRF tokens,
    API keys, every workspace's feedback) lies in the data dir by default, which a member's
    job may name as its run folder (its `output`, inside the server's roots)."""
    head = _head(real)
    if head is None or head == SQLITE or head.startswith(JOURNALS):
        return True  # unreadable files are not served either
    for suffix in ("-wal", "-shm", "-journal"):
        if real.name.endswith(suffix):
            return _head(real.with_name(real.name[: -len(suffix)])) == SQLITE
    return False


def _inside(path: Path, bases: list[Path]) -> Path | None:
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_file() or not any(real.is_relative_to(b.resolve()) for b in bases):
        return None
    return None if is_database(real) else real


def members(folder: Path, bases: list[Path]) -> list[tuple[Path, str]]:
    """(real file, name in the archive) for each file the archive will hold, sorted."""
    out = []
    for path in sorted(folder.rglob("*")):
        real = _inside(path, bases)
        if real is not None:
            out.append((real, f"{folder.name}/{path.relative_to(folder).as_posix()}"))
    return out


def tar_stream(folder: Path, bases: list[Path]) -> Iterator[bytes]:
    for real, name in members(folder, bases):
        try:
            fh = open(real, "rb")  # noqa: SIM115 - closed below, after the last chunk
        except OSError:
            continue  # removed meanwhile (a rotated checkpoint)
        with fh:
            stat = real.stat()
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
            yield info.tobuf(format=tarfile.PAX_FORMAT)
            left = info.size
            while left > 0:
                block = fh.read(min(CHUNK, left))
                if not block:  # shrank while being read: keep the header's promise
                    block = b"\0" * min(CHUNK, left)
                left -= len(block)
                yield block
            if info.size % BLOCK:
                yield b"\0" * (BLOCK - info.size % BLOCK)
    yield b"\0" * (2 * BLOCK)  # the end-of-archive marker
