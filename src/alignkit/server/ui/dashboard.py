"""The Alignment dashboard, for the owners and admins of a workspace (an annotator gets a 403):
/dashboard shows a card per registered dataset, read from its schema_report.json (counts,
dropped rows by reason, splits, length bias, agreement), with re-ingest and a records browser;
the quick-run forms for a reward model and a DPO policy (ui/quickrun.py); and the job list
(ui/runs.py, which also has the run pages). Every job goes through the job store, as POST
/api/jobs does; nothing trains in the web process. A job launched here carries a workspace
the user manages (ui/runs.py: the managers of other workspaces do not see it): the one the
quick-run form names, else the first of the user's (by name); a re-ingest keeps the workspace
of the dataset's own ingest job when the user manages it."""

from __future__ import annotations

import uuid
from pathlib import Path

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from alignkit.errors import AlignkitError, NotFoundError, http_status
from alignkit.jobs.api import resolved
from alignkit.jobs.records import STATUSES, JobNotFound
from alignkit.jobs.store import workspace_of, workspace_tag
from alignkit.paths import data_dir
from alignkit.server import datasets
from alignkit.server.deps import Store
from alignkit.server.feedback import auth
from alignkit.server.ui import pipelines, quickrun, runs
from alignkit.server.ui.web import Manager, ManagerForm, Posted, UIRoute, page

router = APIRouter(route_class=UIRoute, include_in_schema=False, tags=["ui"])
router.include_router(runs.router)  # the job list and the run pages
router.include_router(pipelines.router)  # the pipelines and their nodes' jobs
PAGE_ROWS = 20
SPLITS = ("train", "eval", "test")


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def launch_workspace(store, user_id: str, chosen: str | None = None) -> str:
    """The workspace a job launched by the user belongs to: `chosen` if they manage it (a
    404 otherwise, as for a workspace that does not exist), else the first they manage."""
    mine = runs.managed(store, user_id)
    if chosen:
        if chosen not in mine:
            raise NotFoundError(f"no workspace with id {chosen!r}")
        return chosen
    if not mine:  # the Manager dependency lets no one else in
        raise NotFoundError("you manage no workspace")
    return mine[0]


@router.get("/dashboard")
def dashboard(request: Request, store: Store, session: Manager, status: str | None = None):
    shown = status if status in STATUSES else None
    return page(
        request, "dashboard/index.html", session=session,
        datasets=datasets.list_all(store, limit=100), methods=quickrun.TITLES,
        **runs.job_list(store, shown, session.user.id),
    )  # fmt: skip


# -- datasets -------------------------------------------------------------------------------


def _split_file(record: datasets.DatasetRecord, split: str) -> Path:
    fmt = ((record.report or {}).get("settings") or {}).get("output_format", "jsonl")
    return Path(record.path) / f"{split}.{'parquet' if fmt == 'parquet' else 'jsonl'}"


def read_rows(path: Path, offset: int, limit: int) -> list[dict]:
    """Rows offset..offset+limit of a split file, reading no further than it needs."""
    if not path.is_file():
        raise NotFoundError(f"the dataset has no {path.name}")
    if path.suffix == ".parquet":
        import polars as pl

        return pl.scan_parquet(path).slice(offset, limit).collect().to_dicts()
    rows = []
    with open(path, "rb") as fh:
        for i, line in enumerate(fh):
            if i >= offset + limit:
                break
            if i >= offset and line.strip():
                rows.append(orjson.loads(line))
    return rows


def _text(value) -> str:
    """A cell as text: a conversation's messages as JSON (rendered escaped either way)."""
    if isinstance(value, str):
        return value
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()


@router.get("/dashboard/datasets/{dataset_id}/records")
def records(request: Request, dataset_id: str, store: Store, session: Manager,
            split: str = "train", page_no: int = 1):  # fmt: skip
    """The split's rows, PAGE_ROWS a page, as text."""
    record = datasets.get(store, dataset_id)
    if record.report is None:
        raise AlignkitError(f"dataset {dataset_id} has no ingest report yet ({record.status})")
    if split not in SPLITS:
        raise AlignkitError(f"split: one of {', '.join(SPLITS)}")
    total = int((record.report.get("splits") or {}).get(split, 0))
    pages = max(1, -(-total // PAGE_ROWS))
    page_no = min(max(page_no, 1), pages)
    rows = read_rows(_split_file(record, split), (page_no - 1) * PAGE_ROWS, PAGE_ROWS)
    columns = [c for c in ("prompt", "chosen", "rejected", "completion", "label") if any(
        c in r for r in rows)]  # fmt: skip
    shown = [[_text(r.get(c, "")) for c in columns] for r in rows]
    return page(
        request, "dashboard/records.html", session=session, ds=record, split=split,
        splits=SPLITS, columns=columns, rows=shown, page_no=page_no, pages=pages, total=total,
        first=(page_no - 1) * PAGE_ROWS + 1,
    )  # fmt: skip


def _job_workspace(store, job_id: str | None, user_id: str) -> str | None:
    """The workspace of a dataset's ingest job, when the user manages it."""
    try:
        workspace = workspace_of(store.get(job_id)) if job_id else None
    except JobNotFound:
        return None
    return workspace if workspace in runs.managed(store, user_id) else None


@router.post("/dashboard/datasets/{dataset_id}/reingest")
def reingest(dataset_id: str, store: Store, session: ManagerForm):
    """A data:ingest job with the dataset's own settings (from its report) into a new folder
    under the data dir, registered as a new dataset; the old folder stays as it is."""
    record = datasets.get(store, dataset_id)
    settings = dict(((record.report or {}).get("settings")) or {})
    if not settings.get("input"):
        raise AlignkitError(f"dataset {dataset_id} has no ingest settings to run again")
    for key in ("input", "eval_input", "test_input"):
        if settings.get(key) and not Path(settings[key]).exists():
            raise AlignkitError(f"the ingest's {key} is gone: {settings[key]}")
    ident = str(uuid.uuid4())
    output = data_dir() / "datasets" / ident
    checked = resolved("data:ingest", settings | {"output": str(output)})
    workspace = launch_workspace(
        store, session.user.id, _job_workspace(store, record.job_id, session.user.id)
    )
    job = store.submit("data:ingest", checked, user=f"ui:{session.user.id}",
                       tags=["dashboard", "reingest", f"dataset:{dataset_id}",
                             workspace_tag(workspace)])  # fmt: skip
    datasets.register(store, output, name=f"{record.name or record.id[:8]} (re-ingest)",
                      source="upload", job_id=job.id, dataset_id=ident)  # fmt: skip
    return _see_other(f"/dashboard/runs/{job.id}")


# -- quick runs -----------------------------------------------------------------------------


def _quick_page(request, store, session, method: str, form: dict, error: str | None = None,
                status: int = 200):  # fmt: skip
    return page(
        request, "dashboard/quickrun.html", status, session=session, method=method,
        title=quickrun.TITLES[method], fields=quickrun.fields_of(method),
        choices=quickrun.choices(method), models=quickrun.models(store, method),
        datasets=quickrun.trainable(store), form=form, error=error,
        workspaces=[w for w in auth.list_workspaces(store.engine, session.user.id)
                    if w.role in auth.MANAGERS],
    )  # fmt: skip


@router.get("/dashboard/quick/{method}")
def quick_form(request: Request, method: str, store: Store, session: Manager,
               dataset: str = ""):  # fmt: skip
    quickrun.kind(method)  # an unknown method: one line
    form = quickrun.defaults(method) | {"dataset": dataset}
    return _quick_page(request, store, session, method, form)


@router.post("/dashboard/quick/{method}")
def quick_submit(request: Request, method: str, store: Store, session: ManagerForm,
                 form: Posted):  # fmt: skip
    """A bad value: the form again, as typed, with the one line that says what is wrong."""
    quickrun.kind(method)
    typed = {k: v for k, v in form.items() if k != "csrf_token"}
    try:
        workspace = launch_workspace(store, session.user.id, typed.get("workspace"))
        settings = {k: v for k, v in typed.items() if k != "workspace"}
        job = quickrun.submit(store, method, settings, session.user.id, workspace_tag(workspace))
    except AlignkitError as exc:
        return _quick_page(request, store, session, method, typed, str(exc), http_status(exc.code))
    return _see_other(f"/dashboard/runs/{job.id}")
