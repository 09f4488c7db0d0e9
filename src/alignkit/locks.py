"""An exclusive lock on an output folder (an ingest's output, a run folder), so that two
processes never write one folder at once and end up with half of each other's files.

The lock is a file beside the folder (`.NAME.lock`), so that it survives the folder being
swapped for a new one by a rename. Exclusion comes from `flock`: the kernel drops it when the
holder dies, so a lock left by a killed process is simply taken over. The file's content (pid,
host, command, time) is only there to say who holds a live lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson

from alignkit.errors import BusyError


def lock_path(folder: Path) -> Path:
    folder = Path(folder).absolute()
    return folder.parent / f".{folder.name}.lock"


def _holder(fd: int) -> str:
    # the holder writes its name just after it takes the lock: give it a moment to appear
    for _ in range(20):
        try:
            info = orjson.loads(os.pread(fd, 4096, 0))
            return f"pid {info['pid']} on {info['host']} since {info['since']}"
        except (OSError, ValueError, KeyError, TypeError):
            time.sleep(0.025)
    return "another process"


@contextlib.contextmanager
def folder_lock(folder: Path, what: str = "writing") -> Iterator[Path]:
    """Hold the lock of `folder` for the block; a live holder makes this raise BusyError."""
    path = lock_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError(
                f"{folder} is locked by {_holder(fd)} ({what}); wait for it to finish "
                "or choose another folder"
            ) from None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "argv": sys.argv[:8],
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, orjson.dumps(info), 0)
        yield path
    finally:
        # the file stays: unlinking it would let a third process lock a new inode while a
        # second one still waits on the old
        os.close(fd)
