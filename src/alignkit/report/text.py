"""Text that goes into the report: escaping, cleaning and number formatting.

Everything shown comes from files a user (or a model) wrote: generations are arbitrary model
output with control characters and half-tokens, prompts can hold markup. Markup is built only
from `Safe` strings; anything else passes through `esc` first, so forgetting to escape a value
shows it escaped twice instead of running it."""

from __future__ import annotations

import html
import math
import re
from datetime import datetime
from typing import Any

# C0 controls other than tab/newline/CR, DEL and C1: invalid in XML (the SVG fragments) and
# invisible in HTML. They are shown as their Unicode "control picture" (U+2400 + code) or U+FFFD,
# so a reader still sees that the model produced them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # json.loads keeps a lone "\ud83d"; UTF-8 cannot


class Safe(str):
    """A string that is already HTML: it is inserted as is."""


def _picture(m: re.Match) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


def clean(value: Any) -> str:
    """`value` as text that is safe to encode and valid in XML."""
    text = value if isinstance(value, str) else str(value)
    return _SURROGATE.sub("\ufffd", _CONTROL.sub(_picture, text))


def esc(value: Any) -> Safe:
    if isinstance(value, Safe):
        return value
    return Safe(html.escape(clean(value), quote=True))


def join(parts: list[Any], sep: str = "") -> Safe:
    return Safe(sep.join(esc(p) for p in parts if p))


def fmt_num(value: Any) -> str:
    """A metric for a table: thousands separators for counts, four significant-looking digits
    for floats (0.5833, 3.324, -145.0), "—" for missing and "nan" for NaN."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        if value == 0:
            return "0"
        a = abs(value)
        if a >= 1000:
            return f"{value:,.0f}"
        if a >= 100:
            return f"{value:.1f}"
        if a >= 1:
            return f"{value:.3f}"
        if a >= 1e-3:
            return f"{value:.4f}"
        return f"{value:.2e}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(fmt_num(v) for v in value) + "]"
    return clean(value)


def fmt_setting(value: Any) -> str:
    """A setting as given (0.1, 5e-07), not rounded to a metric's digits."""
    if isinstance(value, float) and not isinstance(value, bool):
        return f"{value:g}"
    return fmt_num(value)


def fmt_time(value: Any) -> str | None:
    """An ISO timestamp from run.json as "2026-11-22 07:12 UTC"; anything else as given."""
    if not isinstance(value, str):
        return None if value is None else clean(value)
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        return clean(value)
    utc = t.utcoffset() is not None and not t.utcoffset()
    return t.strftime("%Y-%m-%d %H:%M") + (" UTC" if utc else t.strftime(" %z").rstrip())


def fmt_pct(value: Any, digits: int = 1) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "—"
    if math.isnan(value):
        return "nan"
    return f"{value:.{digits}%}"


def fmt_duration(seconds: Any) -> str:
    if not isinstance(seconds, int | float) or not math.isfinite(seconds):
        return "—"
    if seconds < 90:
        return f"{seconds:.1f} s"
    minutes, s = divmod(round(seconds), 60)
    if minutes < 90:
        return f"{minutes} min {s} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def shorten(text: str, limit: int) -> tuple[str, int]:
    """`text` cut to `limit` characters, and how many were cut."""
    if len(text) <= limit:
        return text, 0
    return text[:limit], len(text) - limit
