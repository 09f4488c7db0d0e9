"""Users, sessions and roles of the feedback domain: password login for an HttpOnly cookie,
logout and expiry, CSRF on cookie changes (none for API keys), and workspace isolation."""

from __future__ import annotations

from sqlalchemy import update

from tests.server.conftest import assert_error, bearer
from tests.server.feedback_env import PASSWORD, headers, pairs
from tests.server.feedback_env import env as env  # noqa: F401  (the fixture)

PAIRWISE = {"type": "pairwise"}


def test_login_me_logout_and_expiry(env):
    from alignkit.server.feedback.models import Session

    c = env.client
    made = c.post("/api/feedback/users", json={"email": "Ann@x.org", "password": PASSWORD},
                  headers=env.admin)  # fmt: skip
    assert made.status_code == 201 and "password" not in str(made.json())
    assert_error(c.post("/api/auth/login", json={"email": "ann@x.org", "password": "nope-nope"}),
                 401, "AK-AUTH")  # fmt: skip
    assert_error(c.post("/api/auth/login", json={"email": "who@x.org", "password": PASSWORD}),
                 401, "AK-AUTH")  # fmt: skip
    r = c.post("/api/auth/login", json={"email": "ann@x.org", "password": PASSWORD})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"].lower()
    assert "alignkit_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    csrf = r.json()["csrf_token"]
    me = c.get("/api/auth/me")  # the cookie from the jar
    assert me.status_code == 200 and me.json()["user"]["email"] == "ann@x.org"
    assert_error(c.post("/api/auth/logout"), 403, "AK-CSRF")
    assert c.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    token = r.cookies["alignkit_session"]
    gone = c.get("/api/auth/me", headers={"Cookie": f"alignkit_session={token}"})
    assert_error(gone, 401, "AK-AUTH")  # the row is deleted: the old cookie is dead
    # expiry
    user = env.login("ann@x.org")
    assert c.get("/api/auth/me", headers=user).status_code == 200
    from alignkit.jobs.store import utcnow

    with env.store.engine.begin() as conn:
        conn.execute(update(Session).values(expires_at=utcnow()))
    assert_error(c.get("/api/auth/me", headers=user), 401, "AK-AUTH")


def test_csrf_for_cookies_only(env):
    ann = env.user("ann@x.org")
    wid = env.workspace("w", {"ann": (ann, "admin")})
    body = {"name": "d", "question": PAIRWISE}
    url = f"/api/feedback/workspaces/{wid}/datasets"
    no_token = {"Cookie": ann["Cookie"]}
    assert_error(env.client.post(url, json=body, headers=no_token), 403, "AK-CSRF")
    wrong = no_token | {"X-CSRF-Token": "x" * 43}
    assert_error(env.client.post(url, json=body, headers=wrong), 403, "AK-CSRF")
    assert env.client.get(url, headers=no_token).status_code == 200  # reads need none
    assert env.client.post(url, json=body, headers=headers(ann)).status_code == 201
    # an API key needs no CSRF token; a member key is not enough for the feedback routes
    assert env.client.post(url, json=body | {"name": "e"}, headers=env.admin).status_code == 201
    member = bearer(env.store, "member", "m")
    assert_error(env.client.get(url, headers=member), 403, "AK-FORBIDDEN")
    assert_error(env.client.get(url), 401, "AK-AUTH")


def test_roles_and_workspace_isolation(env):
    c = env.client
    owner, ann, other = env.user("o@x.org"), env.user("a@x.org"), env.user("z@x.org")
    w1 = env.workspace("one", {"o": (owner, "owner"), "a": (ann, "annotator")})
    w2 = env.workspace("two", {"z": (other, "annotator")})
    d1, r1 = env.dataset(w1, PAIRWISE, pairs(1))
    d2, r2 = env.dataset(w2, PAIRWISE, pairs(1))
    # an annotator sees their workspace's datasets, not another's (404, not 403)
    listed = c.get("/api/feedback/workspaces", headers=ann).json()
    assert [(w["name"], w["role"]) for w in listed] == [("one", "annotator")]
    assert c.get(f"/api/feedback/datasets/{d1}", headers=ann).status_code == 200
    assert_error(c.get(f"/api/feedback/datasets/{d2}", headers=ann), 404, "AK-NOT-FOUND")
    assert_error(c.get(f"/api/feedback/workspaces/{w2}/datasets", headers=ann), 404,
                 "AK-NOT-FOUND")  # fmt: skip
    assert_error(c.get(f"/api/feedback/datasets/{d2}/next", headers=ann), 404, "AK-NOT-FOUND")
    value = {"value": {"choice": "a"}}
    assert_error(c.post(f"/api/feedback/records/{r2[0]}/responses", json=value, headers=ann),
                 404, "AK-NOT-FOUND")  # fmt: skip
    # an annotator may not manage: new datasets, records, members, export are the managers'
    ds = {"name": "x", "question": PAIRWISE}
    assert_error(c.post(f"/api/feedback/workspaces/{w1}/datasets", json=ds, headers=ann), 403,
                 "AK-FORBIDDEN")  # fmt: skip
    assert_error(c.post(f"/api/feedback/datasets/{d1}/records", json={"records": pairs(1)},
                        headers=ann), 403, "AK-FORBIDDEN")  # fmt: skip
    assert_error(c.put(f"/api/feedback/workspaces/{w1}/members/{other['id']}",
                       json={"role": "annotator"}, headers=ann), 403, "AK-FORBIDDEN")  # fmt: skip
    assert_error(c.get(f"/api/feedback/datasets/{d1}/export", headers=ann), 403, "AK-FORBIDDEN")
    # the owner manages their workspace, and only theirs
    made = c.post(f"/api/feedback/workspaces/{w1}/datasets", json=ds, headers=owner)
    assert made.status_code == 201
    added = c.put(f"/api/feedback/workspaces/{w1}/members/{other['id']}",
                  json={"role": "annotator"}, headers=owner)  # fmt: skip
    assert added.status_code == 200
    assert c.get(f"/api/feedback/datasets/{d1}", headers=other).status_code == 200
    assert_error(c.get(f"/api/feedback/datasets/{d2}/export", headers=owner), 404, "AK-NOT-FOUND")
    # users and their listing are the admin key's
    assert_error(c.get("/api/feedback/users", headers=owner), 403, "AK-FORBIDDEN")
    assert len(c.get("/api/feedback/users", headers=env.admin).json()) == 3
    again = c.post("/api/feedback/users", json={"email": "a@x.org", "password": PASSWORD},
                   headers=env.admin)  # fmt: skip
    assert_error(again, 409, "AK-CONFLICT")
    assert_error(c.post("/api/feedback/workspaces", json={"name": "one"}, headers=env.admin),
                 409, "AK-CONFLICT")  # fmt: skip


def test_every_feedback_route_needs_a_login_or_key(client):
    spec = client.get("/openapi.json").json()["paths"]
    routes = [
        (method.upper(), path.replace("{", "").replace("}", ""))
        for path, ops in spec.items()
        if path.startswith(("/api/feedback", "/api/auth")) and path != "/api/auth/login"
        for method in ops
    ]
    assert len(routes) >= 20
    for method, path in routes:
        assert_error(client.request(method, path), 401, "AK-AUTH")
