"""The preference-data layer: read any export, adapt it to canonical records, curate, split.

`ingest` and `IngestSettings` load on first use (PEP 562), so that importing a light module of
this package (its settings, for the CLI's options or a server's validation) does not pull in
polars."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alignkit.data.ingest import ingest
    from alignkit.data.settings import IngestSettings

__all__ = ["IngestSettings", "ingest"]


def __getattr__(name: str) -> Any:
    if name == "ingest":
        from alignkit.data.ingest import ingest

        # importing the submodule bound its name here to the module: bind the function instead
        globals()["ingest"] = ingest
        return ingest
    if name == "IngestSettings":
        from alignkit.data.settings import IngestSettings

        return IngestSettings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
