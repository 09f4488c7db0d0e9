"""The owners' and admins' pages of a workspace: a new feedback dataset (its question, its
guidelines with a preview through the sanitizer, min_submitted), a dataset's page (progress,
per-annotator counts, agreement and the conflicting records, the import of records from a
file, export + ingest as a job and the ingest jobs' status) and a record with every
annotator's answer. Each page checks the caller's role through the store (an annotator gets a
403, another workspace's dataset a 404) and every form carries the session's CSRF token;
every change goes through the REST API's own functions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from alignkit.errors import AlignkitError, http_status
from alignkit.jobs.records import TERMINAL
from alignkit.jobs.store import utcnow
from alignkit.server.deps import Store
from alignkit.server.feedback import agreement, auth, export, importers
from alignkit.server.feedback import store as fb
from alignkit.server.feedback.models import QUESTION_TYPES
from alignkit.server.ui import exports, imports, markdown
from alignkit.server.ui.web import FormSession, Posted, Session, UIRoute, page

router = APIRouter(route_class=UIRoute, include_in_schema=False, tags=["ui"])
BLANK = dict(name="", question_type="pairwise", answers="", factual_errors="", rationale="",
             guidelines="", min_submitted="1")  # fmt: skip


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _managed_workspace(engine, workspace_id: str, user_id: str) -> auth.WorkspaceRecord:
    """The workspace, if the caller owns or administers it (403; 404 outside it)."""
    auth.workspace_access(engine, workspace_id, user_id, manage=True)
    return next(w for w in auth.list_workspaces(engine, user_id) if w.id == workspace_id)


def _number(form: dict[str, str], key: str, label: str) -> int | None:
    text = form.get(key, "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise AlignkitError(f"{label}: a whole number, not {text!r}") from None


def _create(engine, workspace_id: str, form: dict[str, str]) -> fb.Dataset:
    name = form.get("name", "").strip()
    if not name or len(name) > 255:
        raise AlignkitError("name: 1 to 255 characters")
    question = {
        "type": form.get("question_type", ""), "answers": _number(form, "answers", "answers"),
        "factual_errors": bool(form.get("factual_errors")),
        "rationale": bool(form.get("rationale")),
    }  # fmt: skip
    least = _number(form, "min_submitted", "responses per record")
    if least is not None and least < 1:
        raise AlignkitError("responses per record: at least 1")
    return fb.create_dataset(
        engine, workspace_id, name, question, form.get("guidelines", ""), least or 1
    )


@router.get("/workspaces/{workspace_id}/datasets/new")
def new_dataset_form(request: Request, workspace_id: str, store: Store, session: Session):
    ws = _managed_workspace(store.engine, workspace_id, session.user.id)
    return page(request, "admin/new_dataset.html", session=session, ws=ws, form=BLANK,
                types=QUESTION_TYPES, preview=None, error=None)  # fmt: skip


@router.post("/workspaces/{workspace_id}/datasets/new")
def new_dataset(request: Request, workspace_id: str, store: Store, session: FormSession,
                form: Posted):  # fmt: skip
    """Preview (the guidelines rendered as annotators will see them) or create; a bad value
    shows the form again, as typed, with one line saying what is wrong."""
    ws = _managed_workspace(store.engine, workspace_id, session.user.id)
    typed = BLANK | {k: v for k, v in form.items() if k in BLANK}
    typed |= {k: form.get(k, "") for k in ("factual_errors", "rationale")}  # unticked: absent
    context = dict(session=session, ws=ws, form=typed, types=QUESTION_TYPES, error=None,
                   preview=markdown.render(typed["guidelines"]))  # fmt: skip
    if form.get("action") == "preview":
        return page(request, "admin/new_dataset.html", **context)
    try:
        ds = _create(store.engine, workspace_id, typed)
    except AlignkitError as exc:
        context["error"] = str(exc)
        return page(request, "admin/new_dataset.html", http_status(exc.code), **context)
    return _see_other(f"/datasets/{ds.id}/manage")


def _live(ingests: list[exports.Ingest]) -> bool:
    return any(i.job.status not in TERMINAL for i in ingests)


@router.get("/datasets/{dataset_id}/manage")
def manage(request: Request, dataset_id: str, store: Store, session: Session):
    engine, me = store.engine, session.user.id
    ds = fb.dataset(engine, dataset_id, me, manage=True)
    counts = export.progress(engine, dataset_id, me, utcnow())
    ingests = exports.ingests(store, dataset_id)
    return page(
        request, "admin/dataset.html", session=session, ds=ds, counts=counts,
        quality=agreement.agreement(engine, dataset_id, me), ingests=ingests, live=_live(ingests),
        needing=counts.records - counts.completed, extensions=", ".join(imports.EXTENSIONS),
        formats=importers.CHOICES,
    )  # fmt: skip


@router.post("/datasets/{dataset_id}/import")
async def import_records(request: Request, dataset_id: str, store: Store,
                         session: FormSession,
                         file: Annotated[UploadFile | None, File()] = None,
                         format: Annotated[str | None, Form()] = None,
                         column_map: Annotated[str | None, Form()] = None):  # fmt: skip
    """Records from a JSONL / CSV / Parquet file of prompts and answers (ui/imports.py), or
    from an export that `data ingest` reads (feedback/importers.py: `format` auto or a
    format's name, with an optional column map); the page lists every rejected row with its
    reason. A file that cannot be read is one line, nothing imported."""
    ds = await run_in_threadpool(fb.dataset, store.engine, dataset_id, session.user.id, True)
    if file is None or not file.filename:
        raise AlignkitError("choose a file to import")
    data = await file.read(imports.MAX_BYTES + 1)
    summary = await run_in_threadpool(
        importers.import_upload, store.engine, dataset_id, session.user.id, file.filename,
        data, format, column_map,
    )  # fmt: skip
    return page(request, "admin/imported.html", session=session, ds=ds, summary=summary)


@router.post("/datasets/{dataset_id}/ingest")
def ingest(dataset_id: str, store: Store, session: FormSession):
    """Export the responses and queue their `data:ingest` job; its status shows below."""
    exports.export_and_ingest(store, dataset_id, session.user.id)
    return _see_other(f"/datasets/{dataset_id}/manage#ingests")


@router.get("/datasets/{dataset_id}/ingests")
def ingest_status(request: Request, dataset_id: str, store: Store, session: Session):
    """The ingest jobs' table alone: the page polls it with htmx while a job is unfinished."""
    ds = fb.dataset(store.engine, dataset_id, session.user.id, manage=True)
    ingests = exports.ingests(store, dataset_id)
    return page(request, "admin/ingests.html", session=session, ds=ds, ingests=ingests,
                live=_live(ingests))  # fmt: skip


@router.get("/datasets/{dataset_id}/records/{record_id}")
def record_page(request: Request, dataset_id: str, record_id: str, store: Store,
                session: Session):  # fmt: skip
    """A record and each annotator's answer to it (where the conflicts link)."""
    engine, me = store.engine, session.user.id
    ds = fb.dataset(engine, dataset_id, me, manage=True)
    record, answers = agreement.record_responses(engine, dataset_id, record_id, me)
    return page(request, "admin/record.html", session=session, ds=ds, record=record,
                responses=answers)  # fmt: skip
