"""A folder artifact (a checkpoint, the final model) downloaded as one tar stream. The stdlib's
tarfile writes each member whole into its output, which would hold a 500 MB weights file in
memory; here each header comes from tarfile (TarInfo.tobuf, ustar/PAX) and the file's bytes
follow in 1 MiB chunks, so memory stays flat whatever the folder's size.

Only regular files whose real path (symlinks resolved) lies inside the job's folders go in;
anything else is left out, as the files route answers 404 for it."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path

CHUNK = 1 << 20
BLOCK = tarfile.BLOCKSIZE  # 512


def _inside(path: Path, bases: list[Path]) -> Path | None:
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_file():
        return None
    return real if any(real.is_relative_to(b.resolve()) for b in bases) else None


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
