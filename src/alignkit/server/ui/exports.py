"""Export + ingest from the dataset's page: the submitted responses, exported by the REST
API's code (feedback/export.py), are written as TRL-shaped JSON Lines under the server's data
dir, and a `data:ingest` job is queued for them through the job store, so the worker runs it
as it runs every job (nothing is ingested inside the web process). Its output folder is
registered as a server dataset (server/datasets.py, as /api/datasets/upload does), whose status
follows the job and whose report appears when the job completes.

Files: DATA_DIR/uploads/ID/feedback-DATASET.jsonl (the export) and DATA_DIR/datasets/ID (the
ingested splits and schema_report.json), ID being the server dataset's id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from alignkit.errors import AlignkitError, NotFoundError
from alignkit.io import write_rows
from alignkit.jobs.api import resolved
from alignkit.jobs.records import JobRecord
from alignkit.jobs.store import JobStore, workspace_tag
from alignkit.paths import data_dir
from alignkit.server import datasets
from alignkit.server.datasets import DatasetRecord
from alignkit.server.feedback import export
from alignkit.server.feedback import store as fb

KIND = "data:ingest"
FORMATS = {"pairs": "trl", "kto": "trl-unpaired"}  # the export's format -> the ingest's


def tag(dataset_id: str) -> str:
    """The tag that ties an ingest job to its feedback dataset."""
    return f"feedback:{dataset_id}"


@dataclass(frozen=True)
class Ingest:
    job: JobRecord
    dataset: DatasetRecord | None  # None once its registration was removed

    @property
    def output(self) -> str:
        return self.job.settings["output"]


def export_and_ingest(store: JobStore, dataset_id: str, user_id: str | None) -> Ingest:
    """Export the dataset's submitted responses and queue their ingest (managers only)."""
    engine = store.engine
    ds = fb.dataset(engine, dataset_id, user_id, manage=True)
    out = export.export(engine, dataset_id, user_id)
    if not out.rows:
        left = ", ".join(f"{n} {why}" for why, n in sorted(out.dropped.items()))
        raise AlignkitError(
            "nothing to ingest: no submitted response makes a training row yet"
            + (f" ({left} left out)" if left else "")
        )
    ident = str(uuid.uuid4())
    source = data_dir() / "uploads" / ident / f"feedback-{ds.id}.jsonl"
    source.parent.mkdir(parents=True, exist_ok=True)
    write_rows(out.rows, source)
    output = data_dir() / "datasets" / ident
    # the command's own dataclass checks the settings, as POST /api/jobs does; the export's
    # rows are TRL's columns: prompt/chosen/rejected (pairs) or prompt/completion/label (KTO)
    fmt = FORMATS[out.format]
    settings = resolved(KIND, {"input": str(source), "output": str(output), "format": fmt})
    # the dataset's workspace: its managers see the job on the dashboard (ui/runs.py)
    tags = ["feedback", tag(ds.id), workspace_tag(ds.workspace_id)]
    job = store.submit(KIND, settings, tags=tags)
    record = datasets.register(
        store, output, name=f"{ds.name} (feedback)", source="upload", job_id=job.id,
        dataset_id=ident,
    )  # fmt: skip
    return Ingest(job, record)


def ingests(store: JobStore, dataset_id: str, limit: int = 20) -> list[Ingest]:
    """The dataset's ingest jobs, newest first, each with its server dataset (whose report
    is read once its job completed)."""
    # tags are a JSON list, which SQLite and PostgreSQL search differently: the newest ingest
    # jobs are filtered here (a dataset's older ones drop off past the 1000 newest ingests)
    jobs = [j for j in store.list(kind=KIND, limit=1000) if tag(dataset_id) in j.tags][:limit]
    out = []
    for job in jobs:
        try:
            record = datasets.get(store, Path(job.settings["output"]).name)
        except NotFoundError:
            record = None
        out.append(Ingest(job, record))
    return out
