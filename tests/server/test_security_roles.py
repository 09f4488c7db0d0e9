"""Every route of the app checked for its role (issue 12, security), swept from the app's own
route table, so that a route added later is checked without anyone listing it here. A route is
classified by the auth dependency it declares (deps.py, feedback/deps.py, ui/web.py) and then:

- no credentials: 401 AK-AUTH on the API, a 303 to /login on the UI (public: /health, the
  docs, the login page and form, the static files);
- a member key: 403 on admin-key routes and on the feedback routes (which take an admin key
  or a user's login); an admin key: never a 401 or 403, but for the routes that need a user;
- a user's cookie on a state-changing API route without X-CSRF-Token, a UI form without its
  csrf_token: 403; an annotator on a manager's route: 403 (their workspace) or 404 (another's);
  a user outside the workspace: 404 on everything of it.

A route that declares none of these dependencies, or a feedback route missing from the
manager/annotator lists below, fails test_every_route_is_classified with its name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.server.feedback_env import PASSWORD

ZERO = "00000000-0000-0000-0000-000000000000"
# routes that answer without credentials (the login form has its own double-submit token)
PUBLIC = {
    ("GET", "/health"), ("GET", "/openapi.json"), ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"), ("GET", "/redoc"), ("GET", "/login"), ("POST", "/login"),
    ("GET", "/static/{name}"), ("POST", "/api/auth/login"),
}  # fmt: skip
# the auth dependency (module.function) that classifies a route, most specific first
DEPENDENCIES = [
    ("alignkit.server.ui.web.manager_form", "ui-manager-form"),
    ("alignkit.server.ui.web.manager_session", "ui-manager"),
    ("alignkit.server.ui.web.form_session", "ui-form"),
    ("alignkit.server.ui.web.page_session", "ui-page"),
    ("alignkit.server.deps.admin_key", "admin-key"),
    ("alignkit.server.deps.current_key", "key"),
    ("alignkit.server.feedback.deps.admin_caller", "admin-caller"),
    ("alignkit.server.feedback.deps.current_actor", "caller"),
]
# the owners' and admins' UI pages check the role inside the route (ui/admin.py)
MANAGER_UI_MODULES = {"alignkit.server.ui.admin"}
# feedback API routes an annotator of the workspace may not use (403) / may use
MANAGER_API = {
    ("POST", "/api/feedback/workspaces/{workspace_id}/datasets"),
    ("PATCH", "/api/feedback/datasets/{dataset_id}"),
    ("POST", "/api/feedback/datasets/{dataset_id}/records"),
    ("POST", "/api/feedback/datasets/{dataset_id}/import"),
    ("GET", "/api/feedback/datasets/{dataset_id}/export"),
    ("GET", "/api/feedback/datasets/{dataset_id}/progress"),
    ("GET", "/api/feedback/workspaces/{workspace_id}/members"),
    ("PUT", "/api/feedback/workspaces/{workspace_id}/members/{user_id}"),
    ("DELETE", "/api/feedback/workspaces/{workspace_id}/members/{user_id}"),
}
ANNOTATOR_API = {
    ("POST", "/api/auth/logout"), ("GET", "/api/auth/me"),
    ("POST", "/api/feedback/workspaces"), ("GET", "/api/feedback/workspaces"),
    ("GET", "/api/feedback/workspaces/{workspace_id}/datasets"),
    ("GET", "/api/feedback/datasets/{dataset_id}"),
    ("GET", "/api/feedback/datasets/{dataset_id}/records"),
    ("GET", "/api/feedback/datasets/{dataset_id}/next"),
    ("PUT", "/api/feedback/records/{record_id}/lease"),
    ("DELETE", "/api/feedback/records/{record_id}/lease"),
    ("POST", "/api/feedback/records/{record_id}/responses"),
    ("GET", "/api/feedback/records/{record_id}/response"),
    ("POST", "/api/feedback/records/{record_id}/discard"),
    ("PUT", "/api/feedback/responses/{response_id}"),
    ("GET", "/api/feedback/responses/{response_id}/history"),
}  # fmt: skip
SAFE = ("GET", "HEAD", "OPTIONS")
# bodies that validate, so that a feedback route's own check answers (not the body's 422)
BODIES = {
    ("POST", "/api/feedback/workspaces/{workspace_id}/datasets"): {
        "name": "new", "question": {"type": "pairwise"},
    },
    ("POST", "/api/feedback/datasets/{dataset_id}/records"): {
        "records": [{"prompt": "p", "answers": ["a", "b"]}],
    },
    ("PUT", "/api/feedback/workspaces/{workspace_id}/members/{user_id}"): {"role": "admin"},
    ("POST", "/api/feedback/records/{record_id}/responses"): {"value": {"choice": "a"}},
    ("PUT", "/api/feedback/responses/{response_id}"): {"value": {"choice": "b"}},
    ("POST", "/api/feedback/workspaces"): {"name": "mine"},
}  # fmt: skip
LOGOUT = ("POST", "/api/auth/logout")  # ends the session: swept last


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    kind: str | None  # None: not classified
    module: str
    name: str

    @property
    def api(self) -> bool:
        return self.kind is not None and not self.kind.startswith("ui")

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.module}.{self.name})"


def _calls(dependant) -> set[str]:
    out: set[str] = set()
    for sub in dependant.dependencies:
        call = sub.call
        if call is not None:
            out.add(f"{getattr(call, '__module__', '')}.{getattr(call, '__qualname__', '')}")
        out |= _calls(sub)
    return out


def _route_table(app) -> list[tuple[str, set[str], Any]]:
    """(full path, methods, the APIRoute) of every route: FastAPI >= 0.16x keeps included
    routers as branches (fastapi.routing.iter_route_contexts walks them), older ones flat."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:
        return [(r.path, set(r.methods or ()), r) for r in app.routes if hasattr(r, "methods")]
    out = []
    for context in iter_route_contexts(app.routes):
        original = getattr(context, "original_route", context)
        methods = getattr(context, "methods", None) or getattr(original, "methods", None)
        if methods:
            out.append((context.path, set(methods), original))
    return out


def routes(app) -> list[Route]:
    out = []
    for path, methods, route in _route_table(app):
        endpoint = getattr(route, "endpoint", None)
        module = getattr(endpoint, "__module__", "?")
        name = getattr(endpoint, "__name__", "?")
        calls = _calls(route.dependant) if hasattr(route, "dependant") else set()
        for method in sorted(methods - {"HEAD"}):
            kind = "public" if (method, path) in PUBLIC else None
            if kind is None:
                kind = next((k for dep, k in DEPENDENCIES if dep in calls), None)
            if kind in ("ui-page", "ui-form") and module in MANAGER_UI_MODULES:
                kind = "ui-manager-form" if kind == "ui-form" else "ui-manager"
            out.append(Route(method, path, kind, module, name))
    return out


@pytest.fixture
def world(client, store):
    """A workspace with an annotator, its owner and a dataset with a record the annotator
    answered; a user of no workspace; each user's API cookie and CSRF token."""
    from alignkit.server.feedback import auth, responses
    from alignkit.server.feedback import store as fb

    engine = store.engine
    ws = auth.create_workspace(engine, "team")
    users = {}
    for email, role in (("owner@x.org", "owner"), ("ann@x.org", "annotator"),
                        ("out@x.org", None)):  # fmt: skip
        users[email] = auth.create_user(engine, email, PASSWORD)
        if role:
            auth.set_member(engine, ws.id, users[email].id, role)
    ds = fb.create_dataset(engine, ws.id, "ds", {"type": "pairwise"}, "", 2)
    record_ids = fb.add_records(engine, ds.id, None, [
        {"prompt": f"q{i}", "answers": ["a", "b"]} for i in range(3)
    ])  # fmt: skip
    answered, _ = responses.respond(engine, record_ids[0], users["ann@x.org"].id, {"choice": "a"})
    ids = dict(workspace_id=ws.id, dataset_id=ds.id, record_id=record_ids[1],
               response_id=answered.id, user_id=users["ann@x.org"].id)  # fmt: skip
    sessions = {}
    for email in users:
        r = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        sessions[email] = (r.cookies.get(auth.COOKIE), r.json()["csrf_token"])
    client.cookies.clear()
    return ids, sessions


def url(route: Route, ids: dict[str, str] | None = None) -> str:
    """The route's path with its parameters filled: the world's ids where it has them."""
    import re

    ids = ids or {}

    def value(match) -> str:
        name = match.group(1).split(":")[0]
        return {"path": "x.txt", "name": "x"}.get(name) or ids.get(name, ZERO)

    return re.sub(r"\{([^}]+)\}", value, route.path)


def call(client, route: Route, ids=None, headers=None, cookie=None, data=None):
    client.cookies.clear()
    if cookie:
        client.cookies.set("alignkit_session", cookie)
    kwargs: dict[str, Any] = {"headers": headers or {}, "follow_redirects": False}
    if route.method not in SAFE:
        if route.api:
            kwargs["json"] = BODIES.get((route.method, route.path), {})
        else:
            kwargs["data"] = data or {}
    try:
        return client.request(route.method, url(route, ids), **kwargs)
    finally:
        client.cookies.clear()


def _where(route: Route, response) -> str:
    return f"{route}: {response.status_code} {response.text[:200]}"


def test_every_route_is_classified(client):
    found = routes(client.app)
    assert len(found) > 60
    unclassified = [str(r) for r in found if r.kind is None]
    assert not unclassified, (
        "routes with no auth dependency this sweep knows (deps.Key/AdminKey, feedback Caller/"
        "AdminCaller, ui Session/FormSession/Manager/ManagerForm) and not in PUBLIC: "
        + "; ".join(unclassified)
    )
    feedback = {(r.method, r.path) for r in found if r.kind == "caller"}
    missing = feedback - MANAGER_API - ANNOTATOR_API
    assert not missing, (
        "feedback routes to add to MANAGER_API or ANNOTATOR_API (is an annotator allowed?): "
        + "; ".join(f"{m} {p}" for m, p in sorted(missing))
    )
    stale = (MANAGER_API | ANNOTATOR_API) - feedback
    assert not stale, f"listed feedback routes the app no longer has: {sorted(stale)}"


def test_without_credentials_only_public_routes_answer(client):
    found = routes(client.app)
    for route in found:
        for headers in ({}, {"Authorization": "Bearer ak_not-a-key"}):
            response = call(client, route, headers=headers)
            if route.kind == "public":
                if route.method == "GET" and "{" not in route.path:
                    assert response.status_code == 200, _where(route, response)
                continue
            if route.api:
                assert response.status_code == 401, _where(route, response)
                assert response.json()["code"] == "AK-AUTH", _where(route, response)
                assert response.headers.get("www-authenticate") == "Bearer"
            else:  # a page: the login form (a Bearer header is no session)
                assert response.status_code == 303, _where(route, response)
                assert response.headers["location"] == "/login", _where(route, response)
    assert client.get("/static/ui.css").status_code == 200


def test_a_member_key_is_refused_on_admin_and_feedback_routes(client, member):
    for route in routes(client.app):
        if not route.api or route.kind == "public":
            continue
        response = call(client, route, headers=member)
        if route.kind in ("admin-key", "admin-caller", "caller"):
            assert response.status_code == 403, _where(route, response)
            assert response.json()["code"] == "AK-FORBIDDEN", _where(route, response)
        else:
            assert response.status_code not in (401, 403), _where(route, response)


def test_an_admin_key_passes_every_api_route(client, admin):
    for route in routes(client.app):
        if not route.api or route.kind == "public":
            continue
        response = call(client, route, headers=admin)
        assert response.status_code != 401, _where(route, response)
        if response.status_code == 403:  # answering and /me are a user's, not a key's
            message = response.json()["message"]
            assert "user's login" in message or "no session" in message, _where(route, response)
        assert response.status_code < 500, _where(route, response)


def test_an_annotator_session_on_the_api(client, world):
    ids, sessions = world
    cookie, token = sessions["ann@x.org"]
    swept = sorted(routes(client.app), key=lambda r: (r.method, r.path) == LOGOUT)
    for route in swept:
        if route.kind not in ("caller", "admin-caller"):
            if route.api and route.kind != "public":  # a cookie is not an API key
                response = call(client, route, ids, cookie=cookie)
                assert response.status_code == 401, _where(route, response)
            continue
        if route.method not in SAFE:
            for wrong in ({}, {"X-CSRF-Token": "x" * 43}):
                response = call(client, route, ids, headers=wrong, cookie=cookie)
                assert response.status_code == 403, _where(route, response)
                assert response.json()["code"] == "AK-CSRF", _where(route, response)
        response = call(client, route, ids, headers={"X-CSRF-Token": token}, cookie=cookie)
        key = (route.method, route.path)
        if route.kind == "admin-caller" or key in MANAGER_API:
            assert response.status_code == 403, _where(route, response)
            assert response.json()["code"] == "AK-FORBIDDEN", _where(route, response)
        else:
            assert response.status_code not in (401, 403), _where(route, response)
            assert response.status_code < 500, _where(route, response)
    # logged out by the last call: the cookie is dead
    me = call(client, Route("GET", "/api/auth/me", "caller", "", ""), cookie=cookie)
    assert me.status_code == 401, me.text


def test_a_user_outside_the_workspace_finds_none_of_it(client, world):
    ids, sessions = world
    cookie, token = sessions["out@x.org"]
    for route in routes(client.app):
        takes_ids = any(f"{{{n}}}" in route.path for n in ids)
        if route.kind != "caller" or not takes_ids:
            continue
        response = call(client, route, ids, headers={"X-CSRF-Token": token}, cookie=cookie)
        assert response.status_code == 404, _where(route, response)


def _ui_token(client, cookie: str) -> str:
    from tests.server.test_ui import csrf

    client.cookies.set("alignkit_session", cookie)
    try:
        return csrf(client.get("/").text)
    finally:
        client.cookies.clear()


def test_ui_forms_need_their_csrf_token(client, world):
    ids, sessions = world
    for email in ("ann@x.org", "owner@x.org"):
        cookie, _ = sessions[email]
        for route in routes(client.app):
            if route.kind not in ("ui-form", "ui-manager-form"):
                continue
            for data in ({}, {"csrf_token": "x" * 43}):
                response = call(client, route, ids, cookie=cookie, data=data)
                assert response.status_code == 403, (email, _where(route, response))
                assert "stale" in response.text, _where(route, response)
    # the login form: its token must match its cookie
    form = client.post("/login", data={"email": "ann@x.org", "password": PASSWORD})
    assert form.status_code == 403


def test_an_annotator_on_manager_pages(client, world):
    """403 in their own workspace (the dashboard: a manager of none), 404 for another's."""
    from alignkit.server.feedback import auth
    from alignkit.server.feedback import store as fb

    ids, sessions = world
    cookie, _ = sessions["ann@x.org"]
    token = _ui_token(client, cookie)
    other_ws = auth.create_workspace(client.app.state.store.engine, "others")
    other = fb.create_dataset(client.app.state.store.engine, other_ws.id, "x", {"type": "pairwise"})
    elsewhere = ids | {"workspace_id": other_ws.id, "dataset_id": other.id}
    checked = 0
    for route in routes(client.app):
        if route.kind not in ("ui-manager", "ui-manager-form"):
            continue
        data = {"csrf_token": token}
        response = call(client, route, ids, cookie=cookie, data=data)
        assert response.status_code == 403, _where(route, response)
        response = call(client, route, elsewhere, cookie=cookie, data=data)
        assert response.status_code in (403, 404), _where(route, response)
        if route.module in MANAGER_UI_MODULES:
            assert response.status_code == 404, _where(route, response)
        checked += 1
    assert checked >= 7
    # and their own pages answer
    assert call(client, Route("GET", "/", "ui-page", "", ""), ids, cookie=cookie).status_code == 200


def test_a_user_outside_the_workspace_on_its_ui_pages(client, world):
    ids, sessions = world
    cookie, _ = sessions["out@x.org"]
    token = _ui_token(client, cookie)
    for route in routes(client.app):
        if not route.kind or not route.kind.startswith("ui"):
            continue
        if "{dataset_id}" not in route.path and "{workspace_id}" not in route.path:
            continue
        if route.module not in MANAGER_UI_MODULES and route.module != "alignkit.server.ui.router":
            continue  # the dashboard's own ids are jobs and server datasets, not a workspace's
        response = call(client, route, ids, cookie=cookie, data={"csrf_token": token})
        assert response.status_code == 404, _where(route, response)


def test_a_route_without_auth_is_named(store, tmp_path):
    """The sweep's own check: a router added without an auth dependency is unclassified."""
    from fastapi import APIRouter

    from alignkit.server.app import create_app

    extra = APIRouter()

    @extra.get("/api/leak")
    def leak() -> dict:
        return {}

    found = routes(create_app(store, routers=[extra], roots=[tmp_path]))
    (unclassified,) = [r for r in found if r.kind is None]
    assert str(unclassified).startswith("GET /api/leak (")
