"""The dashboard's jobs: the list (status, kind, times; filtered by status) that refreshes
itself with htmx while a job is unfinished, its cancel and resume buttons (the store's own
request_cancel / requeue, CSRF-checked forms), and a run's page: status, live metric charts fed
by Server-Sent Events (the REST stream's own loop, job_files.metric_events, behind the session
instead of an API key), the log's tail, and the artifacts with their downloads (through
job_files.artifact_response, held inside the job's folders).

Jobs are scoped to workspaces: a job launched from the web app carries its workspace's tag
(jobs/store.workspace_tag), and a manager sees, cancels, resumes and downloads only the jobs of
the workspaces they own or administer, and the server-wide jobs (those without a workspace:
submitted with an API key or from the CLI, the server operator's). Another workspace's job is
a 404, as a job that does not exist."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
from fastapi import APIRouter, Header, Request
from fastapi.responses import FileResponse, RedirectResponse
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from alignkit.errors import AlignkitError, NotFoundError
from alignkit.jobs.records import STATUSES, TERMINAL, JobNotFound, JobRecord
from alignkit.jobs.store import JobStore, workspace_of
from alignkit.runfolder import RUN_FILE
from alignkit.server import files
from alignkit.server.deps import Store
from alignkit.server.feedback import auth
from alignkit.server.routers.job_files import artifact_response, metric_events
from alignkit.server.ui.web import Manager, ManagerForm, UIRoute, page

router = APIRouter(route_class=UIRoute, include_in_schema=False, tags=["ui"])
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
MAX_JSON = 1 << 20  # a result file larger than this is not summarised on the page
LOG_TAIL = 16 << 10  # bytes of the log shown: its end is what a user watches
CAN_CANCEL = ("scheduled", "in_progress")
CAN_RESUME = ("failed", "cancelled")


def managed(store: JobStore, user_id: str) -> list[str]:
    """The ids of the workspaces the user owns or administers, in the order of their names."""
    return [w.id for w in auth.list_workspaces(store.engine, user_id) if w.role in auth.MANAGERS]


def visible_job(store: JobStore, user_id: str, job_id: str) -> JobRecord:
    """The job, if it is the user's workspaces' or the server's; another workspace's is
    not found, as a job that does not exist."""
    job = store.get(job_id)
    workspace = workspace_of(job)
    if workspace is not None and workspace not in managed(store, user_id):
        raise JobNotFound(job_id)
    return job


def job_list(store: JobStore, status: str | None, user_id: str, limit: int = 50) -> dict:
    jobs = store.list(status, limit=limit, workspaces=managed(store, user_id))
    live = any(j.status not in TERMINAL for j in jobs) or status in CAN_CANCEL
    return dict(jobs=jobs, shown_status=status, statuses=STATUSES, live=live,
                can_cancel=CAN_CANCEL, can_resume=CAN_RESUME)  # fmt: skip


def _filter(status: str | None) -> str | None:
    return status if status in STATUSES else None


@router.get("/dashboard/jobs")
def jobs(request: Request, store: Store, session: Manager, status: str | None = None):
    """The job table alone: the dashboard polls it while a job is unfinished."""
    return page(request, "dashboard/jobs.html", session=session,
                **job_list(store, _filter(status), session.user.id))  # fmt: skip


def _back(request: Request) -> RedirectResponse:
    # back to the page the button was on (the run page, or the list with its filter)
    to = request.query_params.get("next", "")
    url = to if to.startswith("/dashboard") and "//" not in to else "/dashboard"
    return RedirectResponse(url, status_code=303)


@router.post("/dashboard/jobs/{job_id}/cancel")
def cancel(request: Request, job_id: str, store: Store, session: ManagerForm):
    """A scheduled job is cancelled at once; a running one is stopped by its worker."""
    visible_job(store, session.user.id, job_id)
    store.request_cancel(job_id)
    return _back(request)


@router.post("/dashboard/jobs/{job_id}/resume")
def resume(request: Request, job_id: str, store: Store, session: ManagerForm):
    """Queue a failed or cancelled job again: training continues from its last checkpoint."""
    visible_job(store, session.user.id, job_id)
    store.requeue(job_id)
    return _back(request)


# -- a run's page ---------------------------------------------------------------------------


def _log_tail(job: JobRecord) -> tuple[str, bool]:
    """The log's last LOG_TAIL bytes as text, and whether its start was cut."""
    path = Path(job.log_path) if job.log_path else None
    size = files.size_of(path)
    start = max(0, size - LOG_TAIL)
    data = files.read_bytes(path, start, size)
    if start:  # begin at a whole line
        data = data[data.find(b"\n") + 1 :]
    return data.decode("utf-8", "replace"), start > 0


def _json_in(job: JobRecord, path: Path) -> dict | None:
    """A JSON object among the job's files (held inside its folders), or None."""
    try:
        value = orjson.loads(files.contained(job, path).read_bytes()[:MAX_JSON])
    except (AlignkitError, OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _figures(values: dict | None) -> list[tuple[str, float]]:
    """The top-level numbers of a result file (final metrics, eval_rm.json...)."""
    numbers = ((k, v) for k, v in (values or {}).items() if isinstance(v, int | float))
    return sorted((k, v) for k, v in numbers if not isinstance(v, bool))


def tracking_links(run: dict | None) -> list[tuple[str, str]]:
    """(tracker, URL) for the trackers run.json names with an address a browser can open:
    W&B online runs, MLflow runs on an http(s) server."""
    tracking = (run or {}).get("tracking") or {}
    links = []
    wandb = tracking.get("wandb") or {}
    if str(wandb.get("url") or "").startswith("https://"):
        links.append(("W&B", wandb["url"]))
    mlflow = tracking.get("mlflow") or {}
    uri = str(mlflow.get("tracking_uri") or "")
    if uri.startswith(("http://", "https://")) and mlflow.get("run_id"):
        experiment = mlflow.get("experiment_id", "0")
        links.append(("MLflow", f"{uri.rstrip('/')}/#/experiments/{experiment}/runs/"
                                f"{mlflow['run_id']}"))  # fmt: skip
    return links


def _live_context(store: JobStore, job_id: str, user_id: str) -> dict:
    job = visible_job(store, user_id, job_id)
    log, cut = _log_tail(job)
    artifacts = [(a, Path(a.path).exists()) for a in store.artifacts(job_id)]
    run = _json_in(job, Path(job.run_dir) / RUN_FILE) if job.run_dir else None
    evals = [(a, _figures(_json_in(job, Path(a.path))))
             for a, present in artifacts if present and a.kind == "eval"]  # fmt: skip
    return dict(
        job=job, log=log, log_cut=cut, artifacts=artifacts, run=run or {}, evals=evals,
        final=_figures((run or {}).get("final_metrics")), links=tracking_links(run),
        can_cancel=CAN_CANCEL, can_resume=CAN_RESUME,
    )  # fmt: skip


@router.get("/dashboard/runs/{job_id}")
def run_page(request: Request, job_id: str, store: Store, session: Manager):
    context = _live_context(store, job_id, session.user.id)
    return page(request, "dashboard/run.html", session=session, **context)


@router.get("/dashboard/runs/{job_id}/live")
def run_live(request: Request, job_id: str, store: Store, session: Manager):
    """Status, log tail and artifacts alone: the run page polls them until the job is done."""
    context = _live_context(store, job_id, session.user.id)
    return page(request, "dashboard/live.html", session=session, **context)


@router.get("/dashboard/runs/{job_id}/metrics/stream", response_class=EventSourceResponse)
async def run_metrics(job_id: str, request: Request, store: Store, session: Manager,
                      last_event_id: Annotated[str | None, Header()] = None):  # fmt: skip
    """GET /api/jobs/{id}/metrics/stream for a logged-in manager: the same events, from the
    same loop (a reconnecting EventSource sends Last-Event-ID and continues there)."""
    # a 404 before the stream starts
    await run_in_threadpool(visible_job, store, session.user.id, job_id)
    start = int(last_event_id) if (last_event_id or "").isdigit() else 0
    events = metric_events(store, job_id, start, request.app.state.poll_s)
    return EventSourceResponse(events, ping=15)


@router.get("/dashboard/runs/{job_id}/artifacts/{artifact_id}")
def run_artifact(job_id: str, artifact_id: str, store: Store, session: Manager):
    visible_job(store, session.user.id, job_id)
    return artifact_response(store, job_id, artifact_id)


@router.get("/dashboard/runs/{job_id}/artifacts/{artifact_id}/view")
def view_report(job_id: str, artifact_id: str, store: Store, session: Manager):
    """A report artifact (report.html) shown in the browser. The report carries its own
    inline styles and SVG and no script: its page gets a policy of its own that allows those
    styles, sandboxed, with nothing else loaded (UIRoute keeps a route's own policy)."""
    job = visible_job(store, session.user.id, job_id)
    artifact = next((a for a in store.artifacts(job_id) if a.id == artifact_id), None)
    if artifact is None or artifact.kind != "report" or Path(artifact.path).suffix != ".html":
        raise NotFoundError(f"job {job_id} has no report {artifact_id!r}")
    return FileResponse(files.contained(job, artifact.path), media_type="text/html",
                        headers={"Content-Security-Policy": REPORT_CSP})  # fmt: skip
