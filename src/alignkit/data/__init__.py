"""The preference-data layer: read any export, adapt it to canonical records, curate, split."""

from alignkit.data.ingest import ingest
from alignkit.data.settings import IngestSettings

__all__ = ["IngestSettings", "ingest"]
