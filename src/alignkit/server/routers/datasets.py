"""/api/datasets: register an ingested folder (checked against its schema_report.json, which
the answer carries), or upload an export that a `data:ingest` job turns into a dataset."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Annotated

import orjson
from fastapi import APIRouter, File, Form, UploadFile, status

from alignkit.errors import AlignkitError
from alignkit.paths import data_dir
from alignkit.server import datasets
from alignkit.server.deps import Key, Roots, Store, allowed_path
from alignkit.server.routers.jobs import validated
from alignkit.server.schemas import DatasetCreate, DatasetPublic

router = APIRouter(prefix="/api/datasets", tags=["datasets"])
CHUNK = 1 << 20


class TooLarge(AlignkitError):
    code = "AK-TOO-LARGE"


def max_upload_bytes() -> int:
    return int(os.environ.get("ALIGNKIT_MAX_UPLOAD_MB", "4096")) << 20


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DatasetPublic)
def register(body: DatasetCreate, store: Store, key: Key, roots: Roots):
    """Register a folder that `alignkit data ingest` wrote (on the server's disk; for a member
    key, inside the server's folders)."""
    path = allowed_path(key, roots, "path", body.path)
    return datasets.register(store, path, name=body.name, user=key.id)


def _save(upload: UploadFile, folder: Path) -> Path:
    name = Path(upload.filename or "").name
    if name in ("", ".", ".."):
        raise AlignkitError("the upload needs a file name (its extension picks the format)")
    folder.mkdir(parents=True, exist_ok=True)
    target, total, limit = folder / name, 0, max_upload_bytes()
    with open(target, "wb") as out:
        while block := upload.file.read(CHUNK):
            total += len(block)
            if total > limit:
                out.close()
                target.unlink()
                raise TooLarge(f"the upload is over {limit >> 20} MB (ALIGNKIT_MAX_UPLOAD_MB)")
            out.write(block)
    return target


@router.post("/upload", status_code=status.HTTP_202_ACCEPTED, response_model=DatasetPublic)
def upload(
    store: Store,
    key: Key,
    roots: Roots,
    file: Annotated[UploadFile, File(description="An export: Argilla, Label Studio, JSONL...")],
    name: Annotated[str | None, Form()] = None,
    settings: Annotated[
        str | None, Form(description="JSON object of more `data ingest` settings.")
    ] = None,
):
    """Save an export under the data dir and queue a `data:ingest` job for it; the dataset's
    status follows the job, and its report appears when the job completes."""
    try:
        extra = orjson.loads(settings) if settings else {}
    except ValueError:
        raise AlignkitError("settings must be a JSON object of ingest settings") from None
    if not isinstance(extra, dict):
        raise AlignkitError("settings must be a JSON object of ingest settings")
    dataset_id = str(uuid.uuid4())
    source = _save(file, data_dir() / "uploads" / dataset_id)
    output = data_dir() / "datasets" / dataset_id
    ingest = validated(
        "data:ingest", {**extra, "input": str(source), "output": str(output)}, key, roots
    )
    job = store.submit("data:ingest", ingest, user=key.id, tags=["upload"])
    return datasets.register(
        store, output, name=name, source="upload", job_id=job.id, user=key.id,
        dataset_id=dataset_id,
    )  # fmt: skip


@router.get("", response_model=list[DatasetPublic])
def list_datasets(store: Store, _: Key, limit: int = 100):
    return datasets.list_all(store, limit=max(1, min(limit, 1000)))


@router.get("/{dataset_id}", response_model=DatasetPublic)
def get_dataset(dataset_id: str, store: Store, _: Key):
    return datasets.get(store, dataset_id)
