"""The preference-data layer: read any export, adapt it to canonical records, curate, split.

`ingest` (the pipeline, data/pipeline.py) and `IngestSettings` load on first use (PEP 562), so
that importing a light module of this package (its settings, for the CLI's options or a
server's validation) does not pull in polars. No submodule is named `ingest`: importing one
would rebind `alignkit.data.ingest` to the module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alignkit.data.pipeline import ingest
    from alignkit.data.settings import IngestSettings

__all__ = ["IngestSettings", "ingest"]


def __getattr__(name: str) -> Any:
    if name == "ingest":
        from alignkit.data.pipeline import ingest

        return ingest
    if name == "IngestSettings":
        from alignkit.data.settings import IngestSettings

        return IngestSettings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
