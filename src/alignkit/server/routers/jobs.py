"""/api/jobs: submit any registered command as a job, list, read, cancel, resume, delete.
Settings are validated by the command's own dataclass (jobs.api.resolved), the same check the
CLI makes, so a bad setting is a 422 AK-INPUT carrying the CLI's one-line message; nothing
trains here, a worker runs the job in its own process.

API keys are server-wide (server/keys.py has no workspace scope): every key sees every job,
those the web app's users launched for a workspace (tagged `workspace:ID`, jobs/store.py)
included. Only an admin key may tag a job into a workspace: its managers then see it and may
cancel it, which a member key's job must not grant."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from alignkit.commands import get as get_command
from alignkit.errors import AlignkitError, ForbiddenError
from alignkit.jobs.api import resolved
from alignkit.jobs.records import Status
from alignkit.jobs.store import WORKSPACE_TAG
from alignkit.server.deps import Key, Roots, Store, confined, may_change
from alignkit.server.keys import KeyRecord
from alignkit.server.schemas import JobCreate, JobPublic

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


def validated(kind: str, settings: dict, key: KeyRecord, roots: list) -> dict:
    """The settings a job stores: checked by the command's dataclass, and a member's paths
    held inside the server's roots (403 otherwise). A `feedback:*` job writes into any
    workspace's feedback dataset (and names the database it opens): an admin key only, as the
    feedback routes themselves."""
    get_command(kind)
    if not key.admin and kind.partition(":")[0] == "feedback":
        raise ForbiddenError(f"{kind} writes feedback datasets: it takes an admin API key")
    try:
        checked = resolved(kind, settings)
    except (TypeError, ValueError) as exc:  # a __post_init__ comparing a str with an int...
        raise AlignkitError(f"bad settings for {kind}: {exc}") from None
    return confined(key, roots, kind, checked)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=JobPublic)
def submit(body: JobCreate, store: Store, key: Key, roots: Roots):
    """Queue a job; it runs when a worker has the CPUs and GPUs it asks for. A member key's
    job reads and writes only inside the server's folders (`alignkit serve --root`)."""
    if not key.admin and any(t.startswith(WORKSPACE_TAG) for t in body.tags):
        raise ForbiddenError(f"only an admin key may tag a job {WORKSPACE_TAG}ID")
    settings = validated(body.kind, body.settings, key, roots)
    return store.submit(
        body.kind,
        settings,
        priority=body.priority,
        cpus=body.cpus,
        gpus=body.gpus,
        tags=body.tags,
        user=key.id,
        resume_on_lost=body.resume_on_lost,
    )


@router.get("", response_model=list[JobPublic])
def list_jobs(
    store: Store, _: Key, status: Status | None = None, kind: str | None = None, limit: int = 100
):
    """Newest first."""
    return store.list(status, kind=kind, limit=max(1, min(limit, 1000)))


@router.get("/{job_id}", response_model=JobPublic)
def get_job(job_id: str, store: Store, _: Key):
    return store.get(job_id)


@router.post("/{job_id}/cancel", response_model=JobPublic)
def cancel(job_id: str, store: Store, key: Key):
    """A scheduled job is cancelled at once; a running one is stopped by its worker (SIGTERM,
    a training run saves a checkpoint), so it reads in_progress with cancel_requested first."""
    may_change(key, store.get(job_id))
    return store.request_cancel(job_id)


@router.post("/{job_id}/resume", response_model=JobPublic)
def resume(job_id: str, store: Store, key: Key):
    """Queue a failed or cancelled job again; training continues from its last checkpoint."""
    may_change(key, store.get(job_id))
    return store.requeue(job_id)


@router.delete("/{job_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete(job_id: str, store: Store, key: Key) -> Response:
    """Remove a job that is not running (its files stay)."""
    may_change(key, store.get(job_id))
    store.delete(job_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
