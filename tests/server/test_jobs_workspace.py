"""Jobs scoped to a workspace (issue 12): a job launched from the web app carries its
workspace's tag; the dashboard shows a workspace's managers only that workspace's jobs and the
server-wide ones (API keys, the CLI), and another workspace's job is a 404 on every page and
action of it (run page, live part, SSE, cancel, resume, artifact download, report view), as a
job that does not exist. API keys are server-wide and keep seeing every job. SQLite, then
PostgreSQL (marked postgres)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.server.conftest import bearer, ingest_job, run_by_hand
from tests.server.test_ui import csrf, ui_login

PASSWORD = "correct horse"


@dataclass
class World:
    client: object
    store: object
    tmp: Path
    ws: dict[str, str] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    jobs: dict[str, object] = field(default_factory=dict)
    artifacts: dict[str, object] = field(default_factory=dict)

    def login(self, email: str) -> str:
        self.client.cookies.clear()
        assert ui_login(self.client, email, PASSWORD).status_code == 303
        return csrf(self.client.get("/").text)

    def finished(self, name: str, tags: list[str]) -> None:
        """A job run by hand to completion: a log, an eval artifact and a report."""
        job = self.store.submit(**ingest_job(self.tmp), tags=tags)
        run_dir = self.tmp / f"run-{name}"
        run_by_hand(self.store, job.id, run_dir, log=f"the log of {name}\n".encode())
        (run_dir / "eval_rm.json").write_text(json.dumps({"auc": 0.5}))
        (run_dir / "report.html").write_text(f"<h1>report of {name}</h1>")
        self.store.finish(job.id, "completed", exit_code=0)
        self.jobs[name] = job
        self.artifacts[name] = self.store.add_artifact(job.id, "eval", run_dir / "eval_rm.json")
        self.artifacts[f"{name}-report"] = self.store.add_artifact(
            job.id, "report", run_dir / "report.html"
        )


@pytest.fixture
def world(any_db_url, tmp_path):
    from fastapi.testclient import TestClient

    from alignkit.jobs.store import JobStore, workspace_tag
    from alignkit.server.app import create_app
    from alignkit.server.feedback import auth

    store = JobStore.open(any_db_url)
    try:
        with TestClient(create_app(store, poll_s=0.02, roots=[tmp_path])) as client:
            w = World(client, store, tmp_path)
            for name in ("one", "two"):
                w.ws[name] = auth.create_workspace(store.engine, name).id
            members = (("a1@x.org", {"one": "admin"}), ("a2@x.org", {"two": "owner"}),
                       ("both@x.org", {"one": "admin", "two": "admin"}))  # fmt: skip
            for email, memberships in members:
                user = auth.create_user(store.engine, email, PASSWORD)
                for ws, role in memberships.items():
                    auth.set_member(store.engine, w.ws[ws], user.id, role)
                w.users[email] = user
            w.finished("one", ["dashboard", workspace_tag(w.ws["one"])])
            w.finished("two", ["dashboard", workspace_tag(w.ws["two"])])
            w.finished("server", ["upload"])  # an API key's job: no workspace
            for name in ("one", "two"):  # one queued job each, to cancel
                w.jobs[f"queued-{name}"] = store.submit(
                    **ingest_job(tmp_path), tags=[workspace_tag(w.ws[name])]
                )
            yield w
    finally:
        store.engine.dispose()


def _listed(html: str) -> set[str]:
    return set(re.findall(r'data-job="([^"]+)"', html))


def _pages(w: World, name: str) -> list[str]:
    job, artifact, report = w.jobs[name], w.artifacts[name], w.artifacts[f"{name}-report"]
    base = f"/dashboard/runs/{job.id}"
    return [base, f"{base}/live", f"{base}/metrics/stream", f"{base}/artifacts/{artifact.id}",
            f"{base}/artifacts/{report.id}/view"]  # fmt: skip


@pytest.mark.parametrize(("me", "mine", "theirs"), [("a1@x.org", "one", "two"),
                                                    ("a2@x.org", "two", "one")])  # fmt: skip
def test_each_admin_sees_only_their_workspace_and_the_server_jobs(world, me, mine, theirs):
    w, c = world, world.client
    token = w.login(me)
    own = {w.jobs[mine].id, w.jobs[f"queued-{mine}"].id, w.jobs["server"].id}
    for url in ("/dashboard", "/dashboard/jobs", "/dashboard/jobs?status=completed"):
        listed = _listed(c.get(url).text)
        assert listed <= own and w.jobs[theirs].id not in listed, url
    assert _listed(c.get("/dashboard").text) == own
    # their own job: the run page with its log, the live part, SSE, downloads, the report
    page = c.get(f"/dashboard/runs/{w.jobs[mine].id}")
    assert page.status_code == 200 and f"the log of {mine}" in page.text
    got = c.get(f"/dashboard/runs/{w.jobs[mine].id}/artifacts/{w.artifacts[mine].id}")
    assert got.status_code == 200 and got.json() == {"auc": 0.5}
    view = c.get(_pages(w, mine)[4])
    assert view.status_code == 200 and f"report of {mine}" in view.text
    with c.stream("GET", _pages(w, mine)[2]) as stream:
        body = "".join(stream.iter_text())
    assert "event: end" in body and "completed" in body
    # the other workspace's: 404 everywhere, its log and files never shown
    for url in _pages(w, theirs):
        r = c.get(url)
        assert r.status_code == 404, url
        assert f"the log of {theirs}" not in r.text and f"report of {theirs}" not in r.text
    queued = w.jobs[f"queued-{theirs}"]
    for action in ("cancel", "resume"):
        r = c.post(f"/dashboard/jobs/{queued.id}/{action}", data={"csrf_token": token})
        assert r.status_code == 404, action
    assert w.store.get(queued.id).status == "scheduled"
    r = c.post(f"/dashboard/jobs/{w.jobs[theirs].id}/resume", data={"csrf_token": token})
    assert r.status_code == 404 and w.store.get(w.jobs[theirs].id).status == "completed"
    # a job that does not exist answers the same
    missing = c.get("/dashboard/runs/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == r.status_code == 404
    # their own queued job they cancel
    r = c.post(f"/dashboard/jobs/{w.jobs[f'queued-{mine}'].id}/cancel",
               data={"csrf_token": token}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert w.store.get(w.jobs[f"queued-{mine}"].id).status == "cancelled"
    # the server-wide job stays visible to every manager
    assert c.get(f"/dashboard/runs/{w.jobs['server'].id}").status_code == 200
    w.client.cookies.clear()


def test_a_manager_of_both_sees_both_and_api_keys_see_all(world):
    w, c = world, world.client
    w.login("both@x.org")
    every = {j.id for j in w.jobs.values()}
    assert _listed(c.get("/dashboard").text) == every
    for name in ("one", "two"):
        assert c.get(f"/dashboard/runs/{w.jobs[name].id}").status_code == 200
    c.cookies.clear()
    for role in ("admin", "member"):  # API keys are server-wide
        key = bearer(w.store, role, role)
        listed = {j["id"] for j in c.get("/api/jobs", headers=key).json()}
        assert listed == every
        for name in ("one", "two"):
            job = w.jobs[name]
            assert c.get(f"/api/jobs/{job.id}", headers=key).status_code == 200
            logs = c.get(f"/api/jobs/{job.id}/logs", headers=key)
            assert logs.status_code == 200 and f"the log of {name}" in logs.text


def test_jobs_launched_from_the_web_app_carry_their_workspace(world):
    from alignkit.jobs.store import workspace_of
    from alignkit.server.feedback import responses
    from alignkit.server.feedback import store as fb

    w, c = world, world.client
    before = {j.id for j in w.store.list(limit=1000)}
    # export + ingest of a feedback dataset: the dataset's workspace
    ds = fb.create_dataset(w.store.engine, w.ws["two"], "prefs", {"type": "pairwise"})
    (rid,) = fb.add_records(w.store.engine, ds.id, None, [
        {"prompt": "what is two plus two?", "answers": ["four", "five"]}])  # fmt: skip
    responses.respond(w.store.engine, rid, w.users["a2@x.org"].id, {"choice": "a"})
    token = w.login("a2@x.org")
    r = c.post(f"/datasets/{ds.id}/ingest", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    (made,) = [j for j in w.store.list(limit=1000) if j.id not in before]
    assert workspace_of(made) == w.ws["two"]
    assert made.id in _listed(c.get("/dashboard").text)
    w.login("a1@x.org")
    assert made.id not in _listed(c.get("/dashboard").text)
    assert c.get(f"/dashboard/runs/{made.id}").status_code == 404
    c.cookies.clear()


def test_a_quick_run_takes_the_workspace_chosen(world, tmp_path):
    from alignkit.jobs.store import workspace_of
    from alignkit.server import datasets
    from tests.server.test_ui_dashboard import ingest, pairs_file

    w, c = world, world.client
    out = ingest(pairs_file(tmp_path / "pairs.jsonl", 12), tmp_path / "ds")
    pairs = datasets.register(w.store, out, name="numbers")
    form = {"dataset": pairs.id, "model": "tiny-llama", "ref_model": "", "loss_type": "ipo",
            "beta": "0.25", "epochs": "1", "max_steps": "3", "lr": "1e-4", "batch_size": "2",
            "logging_steps": "1", "precision": "fp32", "lora": "on", "lora_r": "4"}  # fmt: skip

    def launch(email: str, **extra) -> object:
        token = w.login(email)
        before = {j.id for j in w.store.list(limit=1000)}
        r = c.post("/dashboard/quick/dpo", data=form | extra | {"csrf_token": token},
                   follow_redirects=False)  # fmt: skip
        made = [j for j in w.store.list(limit=1000) if j.id not in before]
        return r, made

    r, (job,) = launch("a1@x.org")  # one workspace: that one
    assert r.status_code == 303 and workspace_of(job) == w.ws["one"]
    w.login("both@x.org")
    page = c.get(f"/dashboard/quick/dpo?dataset={pairs.id}").text
    assert 'name="workspace"' in page and w.ws["two"] in page
    r, (job,) = launch("both@x.org", workspace=w.ws["two"])
    assert r.status_code == 303 and workspace_of(job) == w.ws["two"]
    r, made = launch("a1@x.org", workspace=w.ws["two"])  # not theirs: as if it did not exist
    assert r.status_code == 404 and made == []
    c.cookies.clear()


def test_store_lists_by_workspace(world):
    from alignkit.jobs.store import workspace_tag

    w, store = world, world.store
    one, two = w.ws["one"], w.ws["two"]
    # a tag that only looks like a workspace's is no workspace
    odd = store.submit(**ingest_job(w.tmp), tags=[f'x"{workspace_tag(one)}', "workspace"])
    ids = {name: j.id for name, j in w.jobs.items()} | {"odd": odd.id}
    server = {ids["server"], ids["odd"]}
    got = {j.id for j in store.list(limit=1000, workspaces=[one])}
    assert got == {ids["one"], ids["queued-one"]} | server
    got = {j.id for j in store.list(limit=1000, workspaces=[one, two])}
    assert got == set(ids.values())
    assert {j.id for j in store.list(limit=1000, workspaces=[])} == server
    assert {j.id for j in store.list("scheduled", limit=1000, workspaces=[two])} == {
        ids["queued-two"],
        ids["odd"],
    }
    assert len(store.list(limit=1000)) == len(ids)
    newest = store.list(limit=2, workspaces=[two])  # the limit counts the visible jobs only
    assert [j.id for j in newest] == [ids["odd"], ids["queued-two"]]


def test_only_an_admin_key_tags_a_job_into_a_workspace(world):
    from alignkit.jobs.store import workspace_tag

    w, c = world, world.client
    body = ingest_job(w.tmp) | {"tags": [workspace_tag(w.ws["one"])]}
    member = bearer(w.store, "member", "m")
    r = c.post("/api/jobs", json=body, headers=member)
    assert r.status_code == 403 and "admin key" in r.json()["message"]
    r = c.post("/api/jobs", json=body, headers=bearer(w.store, "admin", "ops"))
    assert r.status_code == 201
    w.login("a1@x.org")
    assert r.json()["id"] in _listed(c.get("/dashboard").text)
    w.login("a2@x.org")
    assert c.get(f"/dashboard/runs/{r.json()['id']}").status_code == 404
    c.cookies.clear()
