"""Small helpers for data tests: write rows, read outputs back."""

from __future__ import annotations

import json
from pathlib import Path


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def read_splits(out: Path) -> dict[str, list[dict]]:
    return {s: read_jsonl(out / f"{s}.jsonl") for s in ("train", "eval", "test")}
