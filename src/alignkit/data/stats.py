"""`alignkit data stats DIR`: an ingest's schema_report.json, read back (no polars: this is also
the registry's lightest command, which the job benchmark runs)."""

from __future__ import annotations

import orjson

from alignkit.data.settings import StatsSettings
from alignkit.errors import AlignkitError


def read_report(settings: StatsSettings) -> dict:
    directory = settings.directory
    path = directory / "schema_report.json" if directory.is_dir() else directory
    try:
        return orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise AlignkitError(f"no schema_report.json in {directory}") from None
    except orjson.JSONDecodeError as exc:
        raise AlignkitError(f"{path} is not valid JSON: {exc}") from None
