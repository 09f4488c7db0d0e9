"""The input formats alignkit reads, by name. Auto-detection tries them in priority order."""

from __future__ import annotations

from typing import Any

from alignkit.data.formats.argilla1 import ARGILLA1
from alignkit.data.formats.argilla2 import ARGILLA2
from alignkit.data.formats.argilla2_flat import ARGILLA2_FLAT
from alignkit.data.formats.base import AdaptContext, Format
from alignkit.data.formats.columns import COLUMNS
from alignkit.data.formats.hh_rlhf import HH_RLHF
from alignkit.data.formats.labelstudio import LABELSTUDIO
from alignkit.data.formats.sharegpt import SHAREGPT, SHAREGPT_KTO
from alignkit.data.formats.trl import TRL_PREFERENCE, TRL_UNPAIRED
from alignkit.errors import AlignkitError

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        COLUMNS,
        ARGILLA2,
        ARGILLA2_FLAT,
        ARGILLA1,
        HH_RLHF,
        LABELSTUDIO,
        SHAREGPT,
        SHAREGPT_KTO,
        TRL_PREFERENCE,
        TRL_UNPAIRED,
    )
}


def pick(name: str, sample: list[dict[str, Any]], ctx: AdaptContext) -> Format:
    """The format named, or the first whose detector accepts the sample."""
    if name != "auto":
        if name not in FORMATS:
            raise AlignkitError(
                f"unknown --format '{name}'; choose one of: auto, {', '.join(FORMATS)}"
            )
        return FORMATS[name]
    if not sample:
        raise AlignkitError("the input holds no readable records")
    for fmt in sorted(FORMATS.values(), key=lambda f: f.priority):
        try:
            if fmt.detect(sample, ctx):
                return fmt
        except Exception:  # noqa: BLE001 - a detector tripping on odd rows just means "no"
            continue
    keys = sorted(set().union(*(r.keys() for r in sample[:20])))[:12]
    raise AlignkitError(
        f"cannot detect the input format (keys: {', '.join(map(str, keys))}); "
        "pass --format or a column map (--map prompt=... --map chosen=... --map rejected=...)"
    )
