"""Llama Stack's post-training API (v1 routes, the shapes `llama-stack-client` 0.2.x sends and
reads) over alignkit's jobs: `preference_optimize` queues a `train:dpo` job and returns at once,
`supervised_fine_tune` a `train:sft` job; status, cancel and artifacts read the job store; the
datasets routes register the data they train on. The request mapping (and what is refused with
a 400) is in server/llama_stack_map.py. Auth is alignkit's API keys, which the client sends
as its `api_key` (`Authorization: Bearer ...`).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import orjson
from fastapi import APIRouter, Body, Response

from alignkit.errors import AlignkitError, NotFoundError
from alignkit.paths import data_dir
from alignkit.server import datasets
from alignkit.server import llama_stack_map as ls
from alignkit.server.deps import Key, Roots, Store, allowed_path, may_change
from alignkit.server.routers.jobs import validated

router = APIRouter(prefix="/v1", tags=["llama-stack"])
PROVIDER = "alignkit"
KINDS = ("train:dpo", "train:sft")
# a client's dataset_id names folders under the data dir (uploads/ID, datasets/ID): one plain
# name, so that `../x` or `/tmp/x` cannot write the rows (before any check) outside it
_DATASET_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def _dataset_dir(store, body: dict[str, Any]) -> str:
    data = (body.get("training_config") or {}).get("data_config") or {}
    dataset_id = data.get("dataset_id")
    if not dataset_id:
        raise AlignkitError("training_config.data_config.dataset_id: name a registered dataset")
    record = datasets.get(store, dataset_id)
    if record.status != "ready":
        raise AlignkitError(f"dataset {dataset_id} is {record.status}, not ready to train on")
    return record.path


def _output_dir(body: dict[str, Any], job_uuid: str) -> str:
    given = body.get("checkpoint_dir")
    return str(Path(given) if given else data_dir() / "post-training" / job_uuid)


def _job_uuid(body: dict[str, Any]) -> str:
    return str(body.get("job_uuid") or uuid.uuid4())


def _submit(store, key, roots, kind: str, settings: dict[str, Any], job_uuid: str) -> dict:
    job = store.submit(kind, validated(kind, settings, key, roots), user=key.id, job_id=job_uuid)
    return {"job_uuid": job.id}


@router.post("/post-training/preference-optimize")
def preference_optimize(
    store: Store,
    key: Key,
    roots: Roots,
    body: dict[str, Any] = Body(...),  # noqa: B008
):
    """Queue DPO (alignkit's `train dpo`) and return the job at once."""
    job_uuid = _job_uuid(body)
    settings = ls.dpo_settings(body, _dataset_dir(store, body), _output_dir(body, job_uuid))
    return _submit(store, key, roots, "train:dpo", settings, job_uuid)


@router.post("/post-training/supervised-fine-tune")
def supervised_fine_tune(
    store: Store,
    key: Key,
    roots: Roots,
    body: dict[str, Any] = Body(...),  # noqa: B008
):
    """Queue SFT (alignkit's `train sft`) and return the job at once."""
    job_uuid = _job_uuid(body)
    settings = ls.sft_settings(body, _dataset_dir(store, body), _output_dir(body, job_uuid))
    return _submit(store, key, roots, "train:sft", settings, job_uuid)


def _post_training_job(store, job_uuid: str):
    job = store.get(job_uuid)
    if job.kind not in KINDS:  # the native API's other jobs are not post-training jobs
        raise NotFoundError(f"no post-training job with id {job_uuid!r}")
    return job


def _model_name(job) -> str:
    return str(job.settings.get("policy_model", "model"))


@router.get("/post-training/jobs")
def list_jobs(store: Store, key: Key):
    jobs = [j for kind in KINDS for j in store.list(kind=kind, limit=1000)]
    return {"data": [{"job_uuid": j.id} for j in sorted(jobs, key=lambda j: j.created_at)]}


@router.get("/post-training/job/status")
def job_status(store: Store, key: Key, job_uuid: str):
    job = _post_training_job(store, job_uuid)
    return ls.status(job, store.artifacts(job.id), _model_name(job))


@router.get("/post-training/job/artifacts")
def job_artifacts(store: Store, key: Key, job_uuid: str):
    job = _post_training_job(store, job_uuid)
    return {
        "job_uuid": job.id,
        "checkpoints": ls.checkpoints(job, store.artifacts(job.id), _model_name(job)),
    }


@router.post("/post-training/job/cancel")
def job_cancel(store: Store, key: Key, body: dict[str, Any] = Body(...)):  # noqa: B008
    job = _post_training_job(store, str(body.get("job_uuid", "")))
    may_change(key, job)
    store.request_cancel(job.id)
    return Response(status_code=200)


# -- datasets: what a client registers before it trains -----------------------------------


def _dataset_public(record, purpose: str, source: dict, metadata: dict) -> dict:
    return {
        "identifier": record.id,
        "provider_id": PROVIDER,
        "provider_resource_id": record.path,
        "purpose": purpose,
        "source": source,
        "metadata": {**metadata, "status": record.status, "path": record.path},
        "type": "dataset",
    }


def _file_path(uri: str) -> Path:
    if uri.startswith("file://"):
        return Path(uri.removeprefix("file://"))
    if uri.startswith("/"):
        return Path(uri)
    raise AlignkitError(
        f"source.uri {uri!r}: alignkit reads files on the server (file:///path), not URLs"
    )


@router.post("/datasets")
def register_dataset(
    store: Store,
    key: Key,
    roots: Roots,
    body: dict[str, Any] = Body(...),  # noqa: B008
):
    """A `uri` source naming an ingested folder is registered as it is; one naming an export
    file, or `rows`, is queued as a `data:ingest` job (the dataset is ready when it is done)."""
    source = body.get("source") or {}
    purpose = body.get("purpose", "post-training/messages")
    metadata = body.get("metadata") or {}
    dataset_id = str(body.get("dataset_id") or uuid.uuid4())
    if not _DATASET_ID.fullmatch(dataset_id):
        raise AlignkitError(
            f"dataset_id {dataset_id[:80]!r}: up to 128 letters, digits, '.', '_', ':' or '-',"
            " starting with a letter or digit (it names a folder on the server)"
        )
    if source.get("type") == "uri":
        path = allowed_path(key, roots, "source.uri", _file_path(str(source.get("uri", ""))))
        if path.is_dir():
            record = datasets.register(
                store, path, name=dataset_id, user=key.id, dataset_id=dataset_id
            )
            return _dataset_public(record, purpose, source, metadata)
        export = path
    elif source.get("type") == "rows":
        rows = source.get("rows") or []
        if not rows:
            raise AlignkitError("source.rows is empty")
        folder = data_dir() / "uploads" / dataset_id
        folder.mkdir(parents=True, exist_ok=True)
        export = folder / "rows.jsonl"
        export.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    else:
        raise AlignkitError("source.type must be uri or rows")
    output = data_dir() / "datasets" / dataset_id
    ingest = validated("data:ingest", {"input": str(export), "output": str(output)}, key, roots)
    job = store.submit("data:ingest", ingest, user=key.id, tags=["llama-stack"])
    record = datasets.register(
        store, output, name=dataset_id, source="upload", job_id=job.id, user=key.id,
        dataset_id=dataset_id,
    )  # fmt: skip
    return _dataset_public(record, purpose, source, metadata)


@router.get("/datasets")
def list_datasets(store: Store, key: Key):
    found = datasets.list_all(store, limit=1000)
    return {
        "data": [
            _dataset_public(r, "post-training/messages", {"type": "uri", "uri": r.path}, {})
            for r in found
        ]
    }


@router.get("/datasets/{dataset_id}")
def get_dataset(store: Store, key: Key, dataset_id: str):
    record = datasets.get(store, dataset_id)
    return _dataset_public(
        record, "post-training/messages", {"type": "uri", "uri": record.path}, {}
    )
