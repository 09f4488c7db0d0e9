"""Small helpers shared by the format adapters."""

from __future__ import annotations

import math
from typing import Any

from alignkit.data.schema import Drop

DETECT_SHARE = 0.9


def mostly(rows: list, predicate) -> bool:
    """Detection over a sample: at least 90% of rows fit. One malformed record must not stop
    a whole export from being recognised (it is dropped later with its own reason)."""
    if not rows:
        return False
    return sum(1 for r in rows if predicate(r)) >= DETECT_SHARE * len(rows)


def is_text(value: Any) -> bool:
    """A usable text: a string, or a non-empty list of chat messages."""
    if isinstance(value, str):
        return True
    return is_messages(value)


def is_messages(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(m, dict) and "role" in m and "content" in m for m in value)
    )


def missing(value: Any) -> bool:
    """None, NaN, or an empty string/list: the value is absent."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str | list | dict) and len(value) == 0


def require_text(row: dict[str, Any], key: str) -> Any | Drop:
    """row[key] if it is a text, else a Drop naming what is wrong with it."""
    value = row.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Drop(f"missing_{key}", f"no '{key}' value")
    if missing(value):
        return Drop(f"empty_{key}", f"'{key}' is empty")
    if not is_text(value):
        return Drop(f"bad_type_{key}", f"'{key}' is {type(value).__name__}, not text or messages")
    return value


def optional_flag(value: Any) -> int | None:
    """A 0/1 factuality flag from bools, ints, floats or strings; None when absent/unreadable."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float) and value in (0, 1):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false"):
        return int(value.strip().lower() in ("1", "true"))
    return None


# Factuality flags (1 = the response has a factual error) under alignkit's names and under
# AIXpert's (Factual-DPO's data files: `h_w` for the preferred answer, `h_l` for the other).
FLAG_NAMES = {"h_chosen": ("h_chosen", "h_w"), "h_rejected": ("h_rejected", "h_l")}
FLAG_COLUMNS = frozenset(name for names in FLAG_NAMES.values() for name in names)


def factuality_flags(row: dict[str, Any]) -> dict[str, int | None]:
    """{"h_chosen": ..., "h_rejected": ...} from whichever of the names a row carries (the
    first readable one); None where it carries none."""
    out: dict[str, int | None] = {}
    for target, names in FLAG_NAMES.items():
        flags = (optional_flag(row.get(name)) for name in names)
        out[target] = next((f for f in flags if f is not None), None)
    return out


def optional_bool(value: Any) -> bool | None:
    """A boolean label from bools, 0/1 numbers or "true"/"false"/"1"/"0"; None otherwise."""
    flag = optional_flag(value)
    return None if flag is None else bool(flag)


def optional_id(row: dict[str, Any]) -> str | None:
    value = row.get("id")
    return None if value is None else str(value)


def extra_metadata(row: dict[str, Any], known: set[str]) -> dict[str, Any] | None:
    """The row's own `metadata` dict plus every column the format does not use."""
    meta = dict(row["metadata"]) if isinstance(row.get("metadata"), dict) else {}
    meta.update({k: v for k, v in row.items() if k not in known and v is not None})
    return meta or None


def optional_float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) or math.isinf(out) else out
