"""Reading a job's files for the API: only files inside the job's run folder or its job dir
(settings.json, job.log), after resolving symlinks; anything else (`..`, an absolute path, a
symlink that leads out) is the same 404 as a missing file, so that the answer says nothing
about the rest of the disk; so is a SQLite database in them (the job store may lie in a run
folder: archive.is_database). Byte ranges for logs, and metrics.jsonl read from an offset."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from alignkit.errors import AlignkitError, NotFoundError
from alignkit.jobs.records import JobRecord
from alignkit.jobs.runner import job_dir
from alignkit.runfolder import METRICS_FILE
from alignkit.server.archive import is_database

MAX_READ = 8 << 20  # bytes one log request returns at most
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeError(AlignkitError):
    code = "AK-RANGE"


def roots(job: JobRecord) -> list[Path]:
    found = [Path(job.run_dir)] if job.run_dir else []
    return found + [job_dir(job.id)]


def _inside(target: Path, bases: list[Path]) -> Path | None:
    try:
        target = target.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return None
    for base in bases:
        try:
            if target.is_relative_to(base.resolve()) and target.is_file():
                return None if is_database(target) else target
        except OSError:
            continue
    return None


def job_file(job: JobRecord, relative: str) -> Path:
    """The file `relative` names inside the job's folders."""
    missing = NotFoundError(f"no file {relative!r} in job {job.id}'s folders")
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or ".." in parts or "\x00" in relative:
        raise missing
    for base in roots(job):
        found = _inside(base / relative, [base])
        if found is not None:
            return found
    raise missing


def contained(job: JobRecord, path: str | Path) -> Path:
    """An artifact's file, if it lies inside the job's folders."""
    found = _inside(Path(path), roots(job))
    if found is None:
        raise NotFoundError(
            f"artifact file {Path(path).name!r} is not a file in job {job.id}'s folders"
        )
    return found


def contained_folder(job: JobRecord, folder: Path) -> bool:
    """A folder artifact lies inside the job's folders (symlinks resolved)."""
    try:
        real = folder.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return any(real.is_relative_to(base.resolve()) for base in roots(job))


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """`Range: bytes=a-b` (one range, b inclusive; `a-` to the end, `-n` the last n) as a
    half-open (start, stop); None when absent or not of that form (RFC 9110: then the whole
    file). Raises RangeError (416) when it starts past the end."""
    match = _RANGE.match((header or "").strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # a suffix: the last n bytes
        return max(size - int(last), 0), size
    start = int(first)
    stop = size if not last else min(int(last) + 1, size)
    if start >= size or stop <= start:
        error = RangeError(f"bytes {start}- is outside the log ({size} bytes)")
        error.detail = {"size": size}
        raise error
    return start, stop


def read_bytes(path: Path | None, start: int, stop: int | None) -> bytes:
    if path is None:
        return b""
    try:
        with open(path, "rb") as fh:
            fh.seek(start)
            want = MAX_READ if stop is None else min(stop - start, MAX_READ)
            return fh.read(max(want, 0))
    except FileNotFoundError:
        return b""


def size_of(path: Path | None) -> int:
    try:
        return path.stat().st_size if path else 0
    except FileNotFoundError:
        return 0


def metrics_path(job: JobRecord) -> Path | None:
    return Path(job.run_dir) / METRICS_FILE if job.run_dir else None


def read_metrics(path: Path | None, offset: int = 0) -> tuple[list[tuple[int, Any]], int]:
    """Whole lines of metrics.jsonl from `offset`: [(offset after the line, record)], and the
    offset to read from next (a line being written waits for its newline)."""
    if path is None:
        return [], offset
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read()
    except FileNotFoundError:
        return [], offset
    out = []
    end = data.rfind(b"\n") + 1
    position = offset
    for line in data[:end].splitlines(keepends=True):
        position += len(line)
        try:
            out.append((position, orjson.loads(line)))
        except ValueError:  # a torn or foreign line: skipped, as Job.metrics does
            continue
    return out, offset + end
