"""Reference log-probs, computed once and reused across runs.

The reference forward pass is a quarter to a third of DPO's compute and does not depend on
beta, lambda, seed, learning rate or output folder. The key is a fingerprint of what it does
depend on: the reference weights (file contents), the tokenized pairs, max length, truncation,
the compute dtype and the TRL version. TRL's own precompute cache keys on the dataset's
transformation history, which misses on unrelated config changes; this one does not.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

import numpy as np
import orjson

from alignkit.paths import cache_dir


@cache
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 24), b""):
            h.update(block)
    return h.hexdigest()


def weights_digest(model_dir: Path) -> str:
    """A digest of a model folder's weight files (content, not names or dates)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(model_dir).glob("*.safetensors")):
        stat = path.stat()
        h.update(_file_digest(str(path), stat.st_size, stat.st_mtime_ns).encode())
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


def load(key: str) -> tuple[np.ndarray, np.ndarray] | None:
    path = _path(key)
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as data:
        return data["chosen"], data["rejected"]


def store(key: str, chosen: np.ndarray, rejected: np.ndarray) -> None:
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}.npz")
    np.savez(tmp, chosen=chosen, rejected=rejected)
    os.replace(tmp, path)
