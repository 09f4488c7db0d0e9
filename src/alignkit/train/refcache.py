"""Reference log-probs, computed once and reused across runs.

The reference forward pass is a quarter to a third of DPO's compute and does not depend on
beta, lambda, seed, learning rate or output folder. The key is a fingerprint of what it does
depend on: the reference weights (file contents), the tokenized pairs, max length, truncation,
the compute dtype and the TRL version. TRL's own precompute cache keys on the dataset's
transformation history, which misses on unrelated config changes; this one does not.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from pathlib import Path

import numpy as np
import orjson

from alignkit.io import file_digest
from alignkit.paths import cache_dir

log = logging.getLogger(__name__)


def weights_digest(model_dir: Path) -> str:
    """A digest of a model folder's weight files (content, not names or dates)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(model_dir).glob("*.safetensors")):
        h.update(file_digest(path).encode())
    return h.hexdigest()


def dataset_digest(
    dataset, columns: tuple[str, ...] = ("prompt_ids", "chosen_ids", "rejected_ids")
) -> str:
    present = [c for c in columns if c in dataset.column_names]
    if not present:
        # hashing nothing would give every dataset the same key and reuse wrong log-probs
        raise RuntimeError(f"no tokenized columns {columns} to fingerprint; TRL changed them?")
    h = hashlib.blake2b(digest_size=16)
    for column in present:
        h.update(column.encode())
        h.update(orjson.dumps(dataset[column][:]))
    return h.hexdigest()


def fingerprint(**parts: str | int | None) -> str:
    return hashlib.blake2b(
        orjson.dumps(parts, option=orjson.OPT_SORT_KEYS), digest_size=16
    ).hexdigest()


def _path(key: str) -> Path:
    return cache_dir() / "reference_logps" / f"{key}.npz"


@contextlib.contextmanager
def computing(key: str, poll_s: float = 0.5):
    """Held while one process computes the entry for `key`: the members of a sweep that run
    side by side share one reference pass (the others wait here, then find the entry) instead
    of each computing it. flock: a holder that dies frees it. A cache folder that cannot hold
    the lock file (read-only) only costs the sharing."""
    import fcntl
    import time

    # beside the entries' folder, not in it: that folder holds entries only (and a lock file
    # is never removed: unlinking a flock file lets two processes hold "the" lock)
    path = _path(key).parent.with_name("reference_logps.locks") / f"{key}.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        told = False
        while True:  # polled, not blocking: a SIGTERM (cancel) is handled between tries
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    log.info("another run is computing the same reference log-probs: waiting")
                    told = True
                time.sleep(poll_s)
        yield
    finally:
        os.close(fd)  # releases the lock


def load(key: str, rows: int | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """The cached (chosen, rejected) log-probs for `key`, or None on a miss. An entry that
    cannot be read whole (a torn copy, a full disk, a bit flip) or whose length is not `rows`
    is discarded with a warning, so that the reference is recomputed and stored again: left in
    place it would fail every later run with that fingerprint."""
    path = _path(key)
    try:
        with np.load(path, allow_pickle=False) as data:
            chosen, rejected = np.asarray(data["chosen"]), np.asarray(data["rejected"])
        problem = _shape_problem(chosen, rejected, rows)
    except FileNotFoundError:
        return None
    except PermissionError as exc:  # not ours to delete; a miss, and store() will say more
        log.warning("cannot read the reference cache entry %s (%s); recomputing", path, exc)
        return None
    except Exception as exc:  # zipfile, zlib, numpy and the OS raise a dozen kinds for this
        problem = f"{type(exc).__name__}: {exc}"
    if problem is None:
        return chosen, rejected
    log.warning(
        "reference cache entry %s is unreadable (%s); discarding it and recomputing", path, problem
    )
    with contextlib.suppress(OSError):
        path.unlink()
    return None


def _shape_problem(chosen: np.ndarray, rejected: np.ndarray, rows: int | None) -> str | None:
    if chosen.ndim != 1 or chosen.shape != rejected.shape:
        return f"arrays of shapes {chosen.shape} and {rejected.shape}"
    if rows is not None and len(chosen) != rows:
        return f"{len(chosen)} rows for a dataset of {rows}"
    if not (
        np.issubdtype(chosen.dtype, np.floating) and np.issubdtype(rejected.dtype, np.floating)
    ):
        return f"dtypes {chosen.dtype} and {rejected.dtype}"
    return None


def store(key: str, chosen: np.ndarray, rejected: np.ndarray) -> bool:
    """Write the entry for `key` atomically (temp file, fsync, rename, fsync of the folder), so
    a reader or a crash sees the old state or the whole new entry. False, with a warning, when
    the cache cannot be written (read-only, full, not a folder): the caller keeps the log-probs
    it has in memory and trains on; only the reuse by later runs is lost."""
    path = _path(key)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            np.savez(fh, chosen=chosen, rejected=rejected)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        log.warning(
            "cannot write the reference cache in %s (%s); training with the log-probs in memory, "
            "later runs will compute them again (set ALIGNKIT_CACHE_DIR to a writable folder)",
            path.parent,
            exc,
        )
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    return True


def _fsync_dir(folder: Path) -> None:
    # makes the rename itself durable; some platforms and filesystems cannot open a folder
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
