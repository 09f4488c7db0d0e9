"""The UI's page machinery: the templates, `UIRoute` (every page gets the CSP header and an
error becomes an HTML page, a missing login a redirect), the session of a page and the CSRF
token its forms carry, and the packaged static files."""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Annotated

import jinja2
from fastapi import Depends, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.templating import Jinja2Templates

from alignkit.errors import AlignkitError, AuthError, ForbiddenError, http_status
from alignkit.server.deps import Store
from alignkit.server.feedback import auth
from alignkit.server.feedback.auth import CsrfError, SessionRecord
from alignkit.server.ui import markdown

HERE = Path(__file__).parent
STATIC = HERE / "static"
# no inline script or style anywhere: all JS is in static/, htmx's indicator style is off
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
LOGIN_CSRF_COOKIE = "alignkit_login_csrf"  # before a session exists: a double-submit token
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".LICENSE": "text/plain"}

templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every {{ }} is escaped: prompts and answers are model text
        undefined=jinja2.StrictUndefined,
    )
)
templates.env.filters["markdown"] = markdown.render  # guidelines: sanitized HTML


def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    context.setdefault("session", None)  # the header's user and logout form, when logged in
    if "can_launch" not in context:  # the header's dashboard link: for managers only
        user = context["session"].user.id if context["session"] else None
        context["can_launch"] = user is not None and can_launch(request.app.state.store, user)
    return templates.TemplateResponse(request, name, context, status_code=status)


class UIRoute(APIRoute):
    """An HTML route: the security headers on every answer; an error (raised by a route or a
    dependency) is a page with the error's status, no login a redirect to /login."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except AuthError:
                response = RedirectResponse("/login", status_code=303)
            except AlignkitError as exc:
                stale = isinstance(exc, CsrfError)  # its message speaks of a header
                message = "that form is stale: reload the page" if stale else str(exc)
                response = await _error(request, http_status(exc.code), message)
            except RequestValidationError as exc:
                first = (exc.errors() or [{"msg": "invalid form"}])[0]
                field = ".".join(str(p) for p in first.get("loc", ())[1:]) or "form"
                response = await _error(request, 422, f"{field}: {first['msg']}")
            for name, value in SECURITY_HEADERS.items():  # a route may set a stricter policy
                response.headers.setdefault(name, value)
            response.headers.setdefault("Cache-Control", "no-store")
            return response

        return route


async def _error(request: Request, status: int, message: str) -> HTMLResponse:
    """An error page, with the header's user and logout form when the caller is logged in."""
    try:
        session = await page_session(request, request.app.state.store)
    except AlignkitError:
        session = None
    return page(request, "error.html", status, message=message, session=session)


async def page_session(request: Request, store: Store) -> SessionRecord:
    """The logged-in user of a page (AuthError, hence /login, without a live session)."""
    token = request.cookies.get(auth.COOKIE)
    return await run_in_threadpool(auth.session, store.engine, token)


Session = Annotated[SessionRecord, Depends(page_session)]


async def form_session(
    session: Session, csrf_token: Annotated[str | None, Form()] = None
) -> SessionRecord:
    """A form POST's user: the form must carry the session's CSRF token (403 otherwise)."""
    auth.check_csrf(session, csrf_token)
    return session


FormSession = Annotated[SessionRecord, Depends(form_session)]


async def posted(request: Request) -> dict[str, str]:
    """A form's text fields, for the forms whose fields depend on the record (rank_0, ...);
    Starlette parses a request's form once (form_session's read is the same one)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


Posted = Annotated[dict[str, str], Depends(posted)]


def can_launch(store, user_id: str) -> bool:
    """An owner or admin of some workspace: they may see the dashboard, launch and cancel."""
    workspaces = auth.list_workspaces(store.engine, user_id)
    return any(w.role in auth.MANAGERS for w in workspaces)


def _manager(store, session: SessionRecord) -> SessionRecord:
    if not can_launch(store, session.user.id):
        raise ForbiddenError("the dashboard is for the owners and admins of a workspace")
    return session


async def manager_session(session: Session, store: Store) -> SessionRecord:
    return await run_in_threadpool(_manager, store, session)


async def manager_form(session: FormSession, store: Store) -> SessionRecord:
    return await run_in_threadpool(_manager, store, session)


Manager = Annotated[SessionRecord, Depends(manager_session)]  # a dashboard page's user
ManagerForm = Annotated[SessionRecord, Depends(manager_form)]  # ... and its form's, CSRF checked


def same_token(cookie: str | None, form: str | None) -> bool:
    return bool(cookie and form) and hmac.compare_digest(cookie.encode(), form.encode())


def static_file(name: str) -> Path | None:
    """A packaged static file by its bare name (no folders: nothing outside static/)."""
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        return None
    return path
