"""/api/jobs/{id}/...: a job's log (byte ranges), metrics (a list, or Server-Sent Events that
tail metrics.jsonl while it grows and end when the job is done), artifacts and files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import anyio
import orjson
from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import FileResponse, StreamingResponse
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from alignkit.errors import AlignkitError, NotFoundError
from alignkit.jobs.records import JobNotFound
from alignkit.jobs.store import JobStore
from alignkit.server import archive, files
from alignkit.server.deps import Key, Store
from alignkit.server.schemas import ArtifactPublic

router = APIRouter(prefix="/api/jobs/{job_id}", tags=["job files"])
TEXT = "text/plain; charset=utf-8"


@router.get("/logs", response_class=Response, responses={206: {"description": "A byte range"}})
def logs(
    job_id: str,
    store: Store,
    _: Key,
    offset: int | None = None,
    range: Annotated[str | None, Header()] = None,
) -> Response:
    """The job's log: whole, from `?offset=N`, or one `Range: bytes=a-b` (206). `X-Log-Size`
    is the log's size now; a tailing client asks again from where it got to."""
    job = store.get(job_id)
    path = Path(job.log_path) if job.log_path else None
    size = files.size_of(path)
    headers = {"Accept-Ranges": "bytes", "X-Log-Size": str(size)}
    span = files.byte_range(range, size)
    if span is not None:
        data = files.read_bytes(path, *span)
        headers["Content-Range"] = f"bytes {span[0]}-{span[0] + len(data) - 1}/{size}"
        return Response(data, status_code=206, media_type=TEXT, headers=headers)
    if offset is not None and offset < 0:
        raise AlignkitError(f"offset must be >= 0, got {offset}")
    return Response(files.read_bytes(path, offset or 0, None), media_type=TEXT, headers=headers)


@router.get("/metrics")
def metrics(job_id: str, store: Store, _: Key) -> list:
    """metrics.jsonl of the job's run folder as far as it is written (one record per line)."""
    records, _offset = files.read_metrics(files.metrics_path(store.get(job_id)))
    return [record for _end, record in records]


@router.get("/metrics/stream", response_class=EventSourceResponse)
async def metrics_stream(
    job_id: str,
    request: Request,
    store: Store,
    _: Key,
    last_event_id: Annotated[str | None, Header()] = None,
):
    """Server-Sent Events: one `metric` event per metrics.jsonl line (its id is the byte offset
    after it: a reconnecting client sends Last-Event-ID and continues there), then one `end`
    event with the job's final status once it is completed, failed or cancelled."""
    await run_in_threadpool(store.get, job_id)  # a 404 before the stream starts
    start = int(last_event_id) if (last_event_id or "").isdigit() else 0
    return EventSourceResponse(
        metric_events(store, job_id, start, request.app.state.poll_s), ping=15
    )


async def metric_events(store: JobStore, job_id: str, start: int, poll_s: float):
    """The stream's events from byte `start` of metrics.jsonl: every route that streams a
    job's metrics (this one, the dashboard's run page) tails the file with this one loop."""
    offset = start
    while True:
        try:
            job = await run_in_threadpool(store.get, job_id)
        except JobNotFound:
            yield {"event": "end", "data": orjson.dumps({"status": "deleted"}).decode()}
            return
        # read after the status: a job seen done has written its last line already
        path = files.metrics_path(job)
        records, offset = await run_in_threadpool(files.read_metrics, path, offset)
        for end, record in records:
            yield {"event": "metric", "id": str(end), "data": orjson.dumps(record).decode()}
        if job.done:
            yield {"event": "end", "data": orjson.dumps({"status": job.status}).decode()}
            return
        await anyio.sleep(poll_s)


@router.get("/artifacts", response_model=list[ArtifactPublic])
def artifacts(job_id: str, store: Store, _: Key, request: Request):
    """Checkpoints (step, epoch, metrics), the final model, evaluations, report and log."""
    out = []
    for artifact in store.artifacts(job_id):
        public = ArtifactPublic.model_validate(artifact)
        if Path(artifact.path).exists():  # a folder comes as one tar stream
            public.download_url = str(
                request.url_for("download", job_id=job_id, artifact_id=artifact.id).path
            )
        out.append(public)
    return out


@router.get("/artifacts/{artifact_id}/download", name="download", response_class=FileResponse)
def download(job_id: str, artifact_id: str, store: Store, _: Key):
    """An artifact: a file as it is, a folder (a checkpoint, the model) as one tar stream of
    its files (`tar -x` unpacks it; one file: /files/{path})."""
    return artifact_response(store, job_id, artifact_id)


def artifact_response(store: JobStore, job_id: str, artifact_id: str) -> Response:
    """The download of one of the job's artifacts, held inside the job's folders (404 for
    anything else); the dashboard's download links answer with it too."""
    job = store.get(job_id)
    for artifact in store.artifacts(job_id):
        if artifact.id != artifact_id:
            continue
        folder = Path(artifact.path)
        if folder.is_dir() and files.contained_folder(job, folder):
            name = f"{job.id[:8]}-{folder.name}.tar"
            return StreamingResponse(
                archive.tar_stream(folder, files.roots(job)),
                media_type="application/x-tar",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        return FileResponse(files.contained(job, artifact.path))
    raise NotFoundError(f"job {job_id} has no artifact {artifact_id!r}")


@router.get("/files/{path:path}", response_class=FileResponse)
def job_file(job_id: str, path: str, store: Store, _: Key):
    """A file of the job's run folder (or of its job dir: settings.json, job.log), by its
    path relative to that folder; only files inside them, after resolving symlinks."""
    return FileResponse(files.job_file(store.get(job_id), path))
