"""The annotator's pages: /login, / (their workspaces and datasets with progress) and
/datasets/ID/annotate (the dataset's question, pairwise, ranking, rating or thumbs, on the
record leased to them), and the forms they post (ui/answers.py reads them). Every change goes
through the REST API's own functions (feedback/auth.py, store.py, responses.py): the lease, the
idempotent submit, drafts and discards are theirs."""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from alignkit.errors import AuthError, NotFoundError
from alignkit.jobs.store import utcnow
from alignkit.server.deps import Store
from alignkit.server.feedback import auth, export, responses
from alignkit.server.feedback import store as fb
from alignkit.server.feedback.auth import CsrfError
from alignkit.server.ui import admin, answers, dashboard, queries
from alignkit.server.ui.web import (
    LOGIN_CSRF_COOKIE,
    STATIC_TYPES,
    FormSession,
    Posted,
    Session,
    UIRoute,
    page,
    same_token,
    static_file,
)

router = APIRouter(route_class=UIRoute, include_in_schema=False, tags=["ui"])
router.include_router(admin.router)  # the owners' and admins' pages (ui/admin.py)
router.include_router(dashboard.router)  # the Alignment dashboard (ui/dashboard.py, ui/runs.py)
Text = Annotated[str | None, Form()]


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/static/{name}")
async def static(name: str) -> Response:
    path = static_file(name)
    if path is None:
        raise NotFoundError(f"no static file {name!r}")
    media = STATIC_TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=3600"})


# -- login and logout -----------------------------------------------------------------------


def _login_page(request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", status, csrf=token, error=error)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login",
        secure=request.url.scheme == "https",
    )  # fmt: skip
    return response


@router.get("/login")
async def login_form(request: Request):
    return _login_page(request)


@router.post("/login")
async def login(request: Request, store: Store, email: Text = "", password: Text = "",
                csrf_token: Text = None):  # fmt: skip
    """The form's token must match its cookie (no session yet: a double-submit token)."""
    if not same_token(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        raise CsrfError("the login form's token is missing or stale")
    try:
        _record, token = await run_in_threadpool(
            auth.login, store.engine, email or "", password or ""
        )
    except AuthError as exc:
        return _login_page(request, str(exc), status=401)
    response = _see_other("/")
    response.set_cookie(
        auth.COOKIE, token, httponly=True, samesite="lax", path="/",
        secure=request.url.scheme == "https", max_age=int(auth.SESSION_TTL.total_seconds()),
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, store: Store, _: FormSession):
    auth.logout(store.engine, request.cookies.get(auth.COOKIE, ""))
    response = _see_other("/login")
    response.delete_cookie(auth.COOKIE, path="/")
    return response


# -- the annotator's datasets ---------------------------------------------------------------


@router.get("/")
def home(request: Request, store: Store, session: Session):
    """Their workspaces' datasets with the dataset's counts and their own."""
    engine, me, now = store.engine, session.user.id, utcnow()
    workspaces = []
    for ws in auth.list_workspaces(engine, me):
        rows = []
        for ds in fb.list_datasets(engine, ws.id):
            # the workspace is theirs (list_workspaces): the counts are read as an admin
            # would, since progress() is a managers' call; only totals and their own row show
            counts = export.progress(engine, ds.id, None, now)
            mine = next((a for a in counts.annotators if a.user_id == me), None)
            rows.append((ds, counts, mine))
        workspaces.append((ws, rows))
    return page(request, "home.html", session=session, workspaces=workspaces)


def _nav(history: list[queries.Answered], current: str, in_queue: bool, base: str):
    """(previous, next) URLs: the arrow keys walk the caller's answered records by position;
    past the last one is the queue."""
    ids = [h.record.id for h in history]
    if current not in ids:
        return (f"{base}?record={ids[-1]}" if ids else None), None
    i = ids.index(current)
    prev = f"{base}?record={ids[i - 1]}" if i > 0 else None
    nxt = f"{base}?record={ids[i + 1]}" if i + 1 < len(ids) else (None if in_queue else base)
    return prev, nxt


@router.get("/datasets/{dataset_id}/annotate")
def annotate(request: Request, dataset_id: str, store: Store, session: Session,
             record: str | None = None):  # fmt: skip
    """The next record of the caller's queue, leased to them (the page renews the lease while
    it is open); `?record=ID` one they answered before (a draft's lease is taken again). One
    frame (annotate.html) for every question type, its controls from questions/TYPE.html."""
    engine, me = store.engine, session.user.id
    ds = fb.dataset(engine, dataset_id, me)  # another workspace's: 404
    history = queries.answered(engine, dataset_id, me)
    base = f"/datasets/{dataset_id}/annotate"
    context = dict(session=session, ds=ds, record=None, response=None, leased=False,
                   prev_url=None, next_url=None, key=uuid.uuid4().hex,
                   submitted=sum(h.response.status == "submitted" for h in history))  # fmt: skip
    if record is not None:
        done = next((h for h in history if h.record.id == record), None)
        if done is None or done.response.status == "draft":
            got = fb.renew_lease(engine, record, me)
            if got.record.dataset_id != dataset_id:  # another dataset's: hand it back
                fb.release_lease(engine, record, me)
                raise NotFoundError(f"no record with id {record!r} in this dataset")
            current, response, leased = got.record, got.response, True
        else:
            current, response, leased = done.record, done.response, False
    else:
        got = fb.next_record(engine, dataset_id, me)
        current = got.record if got else None
        response, leased = (got.response if got else None), got is not None
    context |= dict(record=current, response=response, leased=leased,
                    n=len(current.answers) if current else 0)  # fmt: skip
    if current is not None:
        context["prev_url"], context["next_url"] = _nav(history, current.id, record is None, base)
        value = response.value if response and response.status != "discarded" else {}
        context |= dict(
            url=f"/datasets/{dataset_id}/records/{current.id}",
            view=answers.shown(ds.question, len(current.answers), value),
            can_draft=response is None or response.status != "submitted",
        )
    elif history:
        context["prev_url"] = f"{base}?record={history[-1].record.id}"
    return page(request, f"questions/{ds.question_type}.html", **context)


def _value(engine, ds, record_id: str, form: dict[str, str], submit: bool) -> dict:
    """The response value the form posts (404 for a record that is not the dataset's, whose
    visibility the caller checked)."""
    n = len(queries.record(engine, ds.id, record_id).answers)
    return answers.from_form(ds.question, n, form, submit)


def _mine(engine, record_id: str, me: str):
    try:
        return responses.my_response(engine, record_id, me)
    except NotFoundError:
        return None


@router.post("/datasets/{dataset_id}/records/{record_id}/submit")
def submit(dataset_id: str, record_id: str, store: Store, session: FormSession, form: Posted,
           idempotency_key: Text = None):  # fmt: skip
    """responses.respond with the page's idempotency key (a retried POST returns the first
    response); an answer submitted before is edited (its old version goes to its history)."""
    engine, me = store.engine, session.user.id
    ds = fb.dataset(engine, dataset_id, me)
    value = _value(engine, ds, record_id, form, submit=True)
    own = _mine(engine, record_id, me)
    retry = bool(idempotency_key) and own is not None and own.idempotency_key == idempotency_key
    if retry and own.status == "submitted":
        # a retried POST: the first response stands, whatever this one carries
        return _see_other(f"/datasets/{dataset_id}/annotate")
    if own is not None and own.status == "submitted":
        if own.value != value:
            responses.edit_response(engine, own.id, me, value)
        return _see_other(f"/datasets/{dataset_id}/annotate?record={record_id}")
    responses.respond(engine, record_id, me, value, "submitted", idempotency_key)
    return _see_other(f"/datasets/{dataset_id}/annotate")


@router.post("/datasets/{dataset_id}/records/{record_id}/draft")
def save_draft(request: Request, dataset_id: str, record_id: str, store: Store,
               session: FormSession, form: Posted):  # fmt: skip
    """A draft (no idempotency key: each save replaces the last); htmx gets a status line."""
    engine, me = store.engine, session.user.id
    ds = fb.dataset(engine, dataset_id, me)
    value = _value(engine, ds, record_id, form, submit=False)
    saved, _made = responses.respond(engine, record_id, me, value, "draft", None)
    if request.headers.get("HX-Request"):
        return page(request, "draft_status.html", saved=saved)
    return _see_other(f"/datasets/{dataset_id}/annotate?record={record_id}")


@router.post("/datasets/{dataset_id}/records/{record_id}/discard")
def discard(dataset_id: str, record_id: str, store: Store, session: FormSession):
    """Skip the record: it is not offered to the caller again."""
    fb.dataset(store.engine, dataset_id, session.user.id)
    queries.record(store.engine, dataset_id, record_id)  # the dataset's own record, or 404
    responses.discard(store.engine, record_id, session.user.id)
    return _see_other(f"/datasets/{dataset_id}/annotate")
