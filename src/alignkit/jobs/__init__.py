"""Jobs: every train/eval run is a row in the job store (store.py, over SQLite or PostgreSQL),
started by a worker as its own process (runner.py). `submit` and `Job` (api.py) load on first
use, so importing this package loads nothing heavy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alignkit.jobs.api import Job, submit

__all__ = ["Job", "submit"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from alignkit.jobs import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
