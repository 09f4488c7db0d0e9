"""The annotator's web UI through FastAPI's TestClient: login with the form's CSRF token,
the pages' CSP, escaped model text, idempotent submits, drafts across a reload, discards and
the arrow keys' records, and workspace isolation (another workspace's dataset is a 404), on
pairwise questions (the other types: test_ui_questions.py)."""

from __future__ import annotations

import re

import pytest

from tests.server.feedback_env import PASSWORD, Env

PAIRWISE = {"type": "pairwise", "factual_errors": True, "rationale": True}
XSS = "<script>alert(1)</script>"


@pytest.fixture
def env(client, store, admin) -> Env:
    return Env(client, store, admin)


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def field(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def ui_login(client, email: str, password: str = PASSWORD):
    form = client.get("/login")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf(form.text)},
        follow_redirects=False,
    )  # fmt: skip


def annotator(env: Env, records: list[dict], email: str = "ann@x.org", **question):
    """A user in a workspace with one pairwise dataset, logged in through the form."""
    user = env.user(email)
    wid = env.workspace("team", {email: (user, "annotator")})
    did, ids = env.dataset(wid, PAIRWISE | question, records, name="helpful")
    assert ui_login(env.client, email).status_code == 303
    return user, did, ids


def pairs(n: int) -> list[dict]:
    return [{"prompt": f"question {i}", "answers": [f"first {i}", f"second {i}"]} for i in range(n)]


def test_login_logout_and_home(env):
    c = env.client
    env.user("ann@x.org")
    assert c.get("/", follow_redirects=False).headers["location"] == "/login"
    bad = ui_login(c, "ann@x.org", "wrong password")
    assert bad.status_code == 401 and "wrong email or password" in bad.text
    assert "alignkit_session" not in c.cookies
    good = ui_login(c, "ann@x.org")
    assert good.status_code == 303 and good.headers["location"] == "/"
    cookie = good.headers["set-cookie"].lower()
    assert "alignkit_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    home = c.get("/")
    assert home.status_code == 200 and "not in any workspace" in home.text
    out = c.post("/logout", data={"csrf_token": csrf(home.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert c.get("/", follow_redirects=False).status_code == 303  # the session is gone


def test_forms_need_the_csrf_token(env):
    c = env.client
    _user, did, ids = annotator(env, pairs(1))
    page = c.get(f"/datasets/{did}/annotate")
    url = f"/datasets/{did}/records/{ids[0]}/submit"
    body = {"choice": "a", "idempotency_key": field(page.text, "idempotency_key")}
    assert c.post(url, data=body).status_code == 403
    assert c.post(url, data=body | {"csrf_token": "x" * 43}).status_code == 403
    assert c.post("/logout", data={}).status_code == 403
    assert c.post(f"/datasets/{did}/records/{ids[0]}/draft", data=body).status_code == 403
    # the login form's token is checked against its cookie
    assert c.post("/login", data={"email": "ann@x.org", "password": PASSWORD}).status_code == 403
    assert c.get(f"/api/feedback/records/{ids[0]}/response").status_code == 404  # nothing saved
    ok = c.post(url, data=body | {"csrf_token": csrf(page.text)}, follow_redirects=False)
    assert ok.status_code == 303


def test_annotate_page_escapes_model_text_under_a_csp(env):
    records = [{"prompt": f"say {XSS}", "answers": ['<img src=x onerror="alert(2)">', "b & c"]}]
    _user, did, _ids = annotator(env, records)
    page = env.client.get(f"/datasets/{did}/annotate")
    assert page.status_code == 200
    assert "say &lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page.text and "b &amp; c" in page.text
    assert XSS not in page.text and "<img" not in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    # every script is a packaged file: none inline, none from another host
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, flags=re.S)
    assert scripts and all(re.search(r'src="/static/', a) and not body for a, body in scripts)
    assert "Guidelines" in page.text and "<h1>Be kind</h1>" in page.text  # sanitized markdown
    for name in ("htmx.min.js", "ui.js", "ui.css", "htmx.LICENSE"):
        assert env.client.get(f"/static/{name}").status_code == 200
    assert env.client.get("/static/web.py").status_code == 404


def test_submit_twice_with_one_key_is_one_response(env):
    from sqlalchemy import func, select

    from alignkit.server.feedback.models import FeedbackRecord, Response

    c = env.client
    user, did, ids = annotator(env, pairs(2))
    page = c.get(f"/datasets/{did}/annotate")
    assert "question 0" in page.text
    url = f"/datasets/{did}/records/{ids[0]}/submit"
    body = {"csrf_token": csrf(page.text), "idempotency_key": field(page.text, "idempotency_key"),
            "choice": "b", "factual_error_a": "on", "rationale": "A is wrong"}  # fmt: skip
    for _ in range(2):  # a retried POST (double click, a resent request)
        r = c.post(url, data=body, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/datasets/{did}/annotate"
    with env.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Response)).scalar_one() == 1
        submitted = conn.execute(
            select(FeedbackRecord.submitted).where(FeedbackRecord.id == ids[0])
        ).scalar_one()
    assert submitted == 1
    mine = c.get(f"/api/feedback/records/{ids[0]}/response").json()
    assert mine["status"] == "submitted" and mine["value"] == {
        "choice": "b", "factual_error": {"a": True, "b": False}, "rationale": "A is wrong",
    }  # fmt: skip
    nxt = c.get(f"/datasets/{did}/annotate")
    assert "question 1" in nxt.text and f"?record={ids[0]}" in nxt.text  # the previous one
    home = c.get("/")
    assert "helpful" in home.text and "1 / 2" in home.text and "1 submitted" in home.text


def test_draft_survives_a_reload(env):
    c = env.client
    _user, did, ids = annotator(env, pairs(2))
    page = c.get(f"/datasets/{did}/annotate")
    body = {"csrf_token": csrf(page.text), "choice": "b", "factual_error_b": "on",
            "rationale": "half done"}  # fmt: skip
    saved = c.post(f"/datasets/{did}/records/{ids[0]}/draft", data=body,
                   headers={"HX-Request": "true"})  # fmt: skip
    assert saved.status_code == 200 and saved.text.startswith('<span id="draft-status"')
    again = c.get(f"/datasets/{did}/annotate")
    assert "question 0" in again.text and "Your draft is restored" in again.text
    assert re.search(r'value="b" id="choice-b" checked', again.text)
    assert re.search(r'id="flag-b" checked', again.text)
    assert not re.search(r'id="flag-a" checked', again.text)
    assert ">half done</textarea>" in again.text
    # a second save replaces the first (drafts carry no idempotency key)
    c.post(f"/datasets/{did}/records/{ids[0]}/draft", data=body | {"choice": "tie"})
    reloaded = c.get(f"/datasets/{did}/annotate").text
    assert re.search(r'value="tie" id="choice-tie" checked', reloaded)


def test_discard_and_walking_back_to_edit(env):
    c = env.client
    _user, did, ids = annotator(env, pairs(3))
    page = c.get(f"/datasets/{did}/annotate")
    token = csrf(page.text)
    r = c.post(f"/datasets/{did}/records/{ids[0]}/discard", data={"csrf_token": token},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    page = c.get(f"/datasets/{did}/annotate")
    assert "question 1" in page.text
    c.post(f"/datasets/{did}/records/{ids[1]}/submit", data={
        "csrf_token": token, "idempotency_key": field(page.text, "idempotency_key"),
        "choice": "a"})  # fmt: skip
    # the previous records, by position: the skipped one, then the submitted one
    back = c.get(f"/datasets/{did}/annotate?record={ids[1]}")
    assert "question 1" in back.text and "You submitted this record" in back.text
    assert f"?record={ids[0]}" in back.text and 'id="next"' in back.text
    assert re.search(r'value="a" id="choice-a" checked', back.text)
    assert "You skipped this record" in c.get(f"/datasets/{did}/annotate?record={ids[0]}").text
    # submitting a submitted record edits it (its history keeps the first answer)
    edit = c.post(f"/datasets/{did}/records/{ids[1]}/submit", data={
        "csrf_token": token, "idempotency_key": field(back.text, "idempotency_key"),
        "choice": "tie"}, follow_redirects=False)  # fmt: skip
    assert edit.status_code == 303
    mine = c.get(f"/api/feedback/records/{ids[1]}/response").json()
    assert mine["value"]["choice"] == "tie"
    history = c.get(f"/api/feedback/responses/{mine['id']}/history").json()
    assert [h["value"]["choice"] for h in history] == ["a"]
    # a submit without a choice is the store's 422, as an error page
    bad = c.post(f"/datasets/{did}/records/{ids[2]}/submit", data={"csrf_token": token})
    assert bad.status_code == 422 and "choice" in bad.text
    c.post(f"/datasets/{did}/records/{ids[2]}/submit", data={"csrf_token": token, "choice": "b"})
    done = c.get(f"/datasets/{did}/annotate")
    assert 'id="done"' in done.text and f"?record={ids[2]}" in done.text  # left arrow: back


def test_another_workspaces_dataset_is_a_404(env):
    c = env.client
    other = env.user("bob@x.org")  # (an API login clears the client's cookies: first)
    wid = env.workspace("others", {"bob": (other, "annotator")})
    theirs, their_ids = env.dataset(wid, PAIRWISE, pairs(1), name="secret")
    _user, _did, _ids = annotator(env, pairs(1))
    token = csrf(c.get("/").text)
    assert "secret" not in c.get("/").text
    page = c.get(f"/datasets/{theirs}/annotate")
    assert page.status_code == 404 and "content-security-policy" in page.headers
    assert 'id="logout"' in page.text  # the error page keeps the user's header
    assert c.get(f"/datasets/{_did}/annotate?record={their_ids[0]}").status_code == 404
    submit = c.post(f"/datasets/{theirs}/records/{their_ids[0]}/submit",
                    data={"csrf_token": token, "choice": "a"})  # fmt: skip
    assert submit.status_code == 404
    assert c.get("/datasets/nope/annotate").status_code == 404
