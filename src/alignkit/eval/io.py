"""Writing evaluation outputs atomically (a killed evaluation leaves the old file or none)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any


def write_rows(rows: Iterable[dict[str, Any]], path: Path) -> int:
    """JSON Lines, one object per row, via a temporary file renamed into place; NaN becomes
    null (orjson). Returns the number of rows."""
    import orjson

    from alignkit.data.write import atomic_path

    count = 0
    with atomic_path(Path(path)) as tmp, open(tmp, "wb") as fh:
        for row in rows:
            fh.write(orjson.dumps(row, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n")
            count += 1
    return count
