"""Replace an output folder as a whole: everything is written into a fresh sibling folder and
swapped in with one rename at the end, so the folder is always entirely the old result or
entirely the new one: a failed, killed or out-of-space ingest leaves the old one as it was.

The swap is `renameat2(RENAME_EXCHANGE)` (Linux): both names always exist, and the old
content ends up under the staging name, which is then deleted. Where the file system cannot
exchange, the old folder is renamed aside first and put back by the next run if a kill came
between the two renames. The caller holds the folder's lock (alignkit.locks).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False when this system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _siblings(target: Path, kind: str) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.{kind}-*"))


def recover(target: Path) -> None:
    """Undo what a killed run left: put back a folder renamed aside (fallback swap) and remove
    staging folders (each holds either an unfinished new result or an old one swapped out)."""
    aside = _siblings(target, "old")
    if aside and not target.exists():
        os.rename(aside[-1], target)
    for leftover in [*_siblings(target, "old"), *_siblings(target, "tmp")]:
        shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A fresh, empty sibling of `target` to write into; on a clean exit it replaces `target`."""
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    stage = target.parent / f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    stage.mkdir()
    try:
        yield stage
        _fsync_dir(stage)
        if not target.exists():
            os.rename(stage, target)
        elif not _exchange(stage, target):
            aside = target.parent / f".{target.name}.old-{os.getpid()}"
            os.rename(target, aside)
            os.rename(stage, target)
            shutil.rmtree(aside, ignore_errors=True)
        _fsync_dir(target.parent)
    finally:
        shutil.rmtree(stage, ignore_errors=True)  # after an exchange: the old content
