"""The datasets the server knows: an ingested folder registered as it is (checked against its
schema_report.json), or an uploaded export that a `data:ingest` job turns into one. A dataset's
status follows its ingest job; its report is read from the folder once the job is done."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import insert, select, update

from alignkit.errors import AlignkitError, NotFoundError
from alignkit.jobs.db import writer
from alignkit.jobs.models import Dataset
from alignkit.jobs.records import DatasetSource, JobNotFound
from alignkit.jobs.store import JobStore, utcnow

DATASETS = Dataset.__table__
REPORT = "schema_report.json"


@dataclass(frozen=True)
class DatasetRecord:
    id: str
    name: str | None
    path: str
    source: DatasetSource
    created_at: datetime
    job_id: str | None = None
    report: dict[str, Any] | None = None
    digest: str | None = None
    user: str | None = None
    # "ready" once the folder holds a checked report; else its ingest job's status
    status: str = "ready"


def _read_report(folder: Path) -> dict[str, Any] | None:
    try:
        value = orjson.loads((folder / REPORT).read_bytes())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def check_folder(path: str | Path) -> tuple[str, dict[str, Any] | None]:
    """The folder's digest and schema report, after alignkit.data.integrity.check_dataset."""
    from alignkit.data.integrity import check_dataset

    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise AlignkitError(f"dataset folder not found: {folder}")
    check = check_dataset(folder)
    if not check.files:
        raise AlignkitError(f"{folder} holds no train/eval/test split files")
    return check.digest, _read_report(folder) if check.from_ingest else None


def register(
    store: JobStore,
    path: str | Path,
    *,
    name: str | None = None,
    source: DatasetSource = "folder",
    job_id: str | None = None,
    user: str | None = None,
    dataset_id: str | None = None,
) -> DatasetRecord:
    digest, report = check_folder(path) if source == "folder" else (None, None)
    values = dict(
        id=dataset_id or str(uuid.uuid4()),
        name=name,
        path=str(Path(path).expanduser().absolute()),
        source=source,
        job_id=job_id,
        report=report,
        digest=digest,
        user=user,
        created_at=utcnow(),
    )
    with writer(store.engine).begin() as conn:
        row = conn.execute(insert(DATASETS).values(values).returning(*DATASETS.c)).one()
    return _with_status(store, DatasetRecord(**row._mapping))


def get(store: JobStore, dataset_id: str) -> DatasetRecord:
    with store.engine.connect() as conn:
        row = conn.execute(select(DATASETS).where(DATASETS.c.id == dataset_id)).first()
    if row is None:
        raise NotFoundError(f"no dataset with id {dataset_id!r}")
    return _with_status(store, DatasetRecord(**row._mapping))


def list_all(store: JobStore, limit: int = 100) -> list[DatasetRecord]:
    query = select(DATASETS).order_by(DATASETS.c.created_at.desc(), DATASETS.c.id).limit(limit)
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [_with_status(store, DatasetRecord(**row._mapping)) for row in rows]


def _with_status(store: JobStore, record: DatasetRecord) -> DatasetRecord:
    if record.report is not None or record.job_id is None:
        return record
    try:
        job = store.get(record.job_id)
    except JobNotFound:  # the job's row was removed; the folder tells
        job = None
    if job is not None and job.status != "completed":
        return replace(record, status=job.status)
    # the ingest finished: keep its report (checked) so later reads need no job
    try:
        digest, report = check_folder(record.path)
    except AlignkitError:
        return replace(record, status="failed" if job is None else job.status)
    if report is None:
        return replace(record, status="failed")
    with writer(store.engine).begin() as conn:
        conn.execute(
            update(DATASETS).where(DATASETS.c.id == record.id).values(report=report, digest=digest)
        )
    return replace(record, report=report, digest=digest)
