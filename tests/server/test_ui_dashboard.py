"""The Alignment dashboard through FastAPI's TestClient: dataset cards read from a real
ingest's schema_report.json, the records browser, re-ingest as a data:ingest job with the same
settings; quick runs that queue train:rm / train:dpo jobs with the settings typed (a bad one:
the form again with one line, no job); the job list with cancel and resume through the store;
the run page's SSE route tailing metrics.jsonl until the job ends, its log tail and artifact
downloads. An annotator is refused (403), no session is sent to /login, every form needs its
CSRF token."""

from __future__ import annotations

import html as html_lib
import re
import threading
import time
from pathlib import Path

import orjson
import pytest

from tests.server.conftest import run_by_hand
from tests.server.test_ui import csrf, ui_login

ARGILLA = Path(__file__).parents[1] / "assets" / "argilla" / "preference-export.jsonl"
PASSWORD = "correct horse"


def ingest(source: Path, output: Path, **settings) -> Path:
    """A real ingest, by the command's own function (what a data:ingest job runs)."""
    from alignkit.commands import COMMANDS
    from alignkit.config import load_settings

    command = COMMANDS["data:ingest"]
    values = {"input": str(source), "output": str(output), **settings}
    command(load_settings(command.settings_class(), None, values))
    return output


def pairs_file(path: Path, n: int) -> Path:
    rows = [{"prompt": f"what comes after the number {i} today?",
             "chosen": f"{i + 1} comes next, " * (1 + i % 3), "rejected": f"maybe {i - 1}"}
            for i in range(n)]  # fmt: skip
    rows[0]["prompt"] = "<script>alert(1)</script> what is two plus two?"
    rows.append({"prompt": "hi", "chosen": "a", "rejected": "b"})  # too short: dropped
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


class Team:
    def __init__(self, client, store):
        from alignkit.server.feedback import auth

        self.client, self.store = client, store
        self.ws = auth.create_workspace(store.engine, "team")
        self.users = {}
        for email, role in (("boss@x.org", "admin"), ("ann@x.org", "annotator")):
            self.users[email] = auth.create_user(store.engine, email, PASSWORD)
            auth.set_member(store.engine, self.ws.id, self.users[email].id, role)

    def login(self, email: str = "boss@x.org") -> str:
        self.client.cookies.clear()
        assert ui_login(self.client, email).status_code == 303
        return csrf(self.client.get("/").text)


@pytest.fixture
def team(client, store) -> Team:
    return Team(client, store)


@pytest.fixture
def pairs(tmp_path, store):
    """An ingested, registered preference dataset of 45 kept pairs (one row dropped)."""
    from alignkit.server import datasets

    out = ingest(pairs_file(tmp_path / "pairs.jsonl", 45), tmp_path / "ds")
    return datasets.register(store, out, name="numbers")


def error_line(text: str) -> str:
    line = html_lib.unescape(re.search(r'class="error"[^>]*>([^<]*)<', text).group(1))
    assert line and "\n" not in line
    return line


# -- datasets -------------------------------------------------------------------------------


def test_cards_show_the_ingest_report(team, pairs, tmp_path):
    from alignkit.server import datasets

    voted = datasets.register(team.store, ingest(ARGILLA, tmp_path / "voted"), name="voted")
    team.login()
    home = team.client.get("/")
    assert 'id="nav-dashboard" href="/dashboard"' in home.text
    page = team.client.get("/dashboard")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    card = page.text.split(f'id="dataset-{pairs.id}"')[1].split("</article>")[0]
    report = pairs.report
    assert (report["kept"], report["dropped"]) == (45, {"prompt_too_short": 1})
    assert '<td class="kept">45 preference rows' in card
    assert 'class="reason">prompt_too_short 1<' in card
    s = report["splits"]
    assert f"{s['train']} train / {s['eval']} eval / {s['test']} test" in card
    bias = report["length_bias"]
    assert f"chosen longer in {bias['chosen_longer_share'] * 100:.0f}% of {bias['pairs']}" in card
    assert 'class="agreement"' not in card  # one answer per pair: no agreement to show
    card = page.text.split(f'id="dataset-{voted.id}"')[1].split("</article>")[0]
    agree = voted.report["agreement"]
    assert agree["percent_agreement"] is not None
    assert f"{agree['percent_agreement'] * 100:.1f}%, α {agree['krippendorff_alpha']:.3f}" in card
    assert "no_majority 1" in card and "no_submitted_responses 1" in card


def test_browse_records_in_pages(team, pairs):
    team.login()
    train = pairs.report["splits"]["train"]
    url = f"/dashboard/datasets/{pairs.id}/records"
    first = team.client.get(url)
    assert first.status_code == 200 and first.text.count('<tr class="row">') == 20
    assert f"{train} train rows" in first.text and "page 1 of 3" in first.text
    last = team.client.get(f"{url}?split=train&page_no=3")
    assert last.text.count('<tr class="row">') == train - 40
    rows = [orjson.loads(x) for x in (Path(pairs.path) / "train.jsonl").read_bytes().splitlines()]
    shown = re.findall(r'<tr class="row">\s*<td>(\d+)</td>\s*<td class="text clip">([^<]*)<',
                       first.text + last.text)  # fmt: skip
    numbered = {int(n): html_lib.unescape(p) for n, p in shown}
    assert numbered == {i + 1: r["prompt"] for i, r in enumerate(rows) if i < 20 or i >= 40}
    every = "".join(team.client.get(f"{url}?split={s}").text for s in ("train", "eval", "test"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in every and "<script>alert" not in every
    bad = team.client.get(f"{url}?split=dev")
    assert bad.status_code == 422 and error_line(bad.text) == "split: one of train, eval, test"


def test_reingest_queues_the_same_settings(team, pairs):
    from alignkit.paths import data_dir
    from alignkit.server import datasets

    token = team.login()
    r = team.client.post(f"/dashboard/datasets/{pairs.id}/reingest", data={"csrf_token": token},
                         follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    (job,) = team.store.list()
    assert r.headers["location"] == f"/dashboard/runs/{job.id}"
    old = pairs.report["settings"]
    assert job.kind == "data:ingest"
    assert {k: v for k, v in job.settings.items() if k != "output"} == {
        k: v for k, v in old.items() if k != "output"
    }
    output = Path(job.settings["output"])
    assert output.parent == data_dir() / "datasets" and output != Path(old["output"])
    made = datasets.get(team.store, output.name)
    assert (made.job_id, made.status) == (job.id, "scheduled")
    # the job's own command, run here as a worker would, makes the same dataset again
    run_by_hand(team.store, job.id, output)
    ingest(Path(job.settings["input"]), output)
    team.store.finish(job.id, "completed", exit_code=0)
    again = datasets.get(team.store, output.name)
    assert again.status == "ready" and again.report["splits"] == pairs.report["splits"]
    assert again.digest == pairs.digest


# -- quick runs -----------------------------------------------------------------------------


def test_quick_dpo_run_queues_its_settings(team, pairs):
    from alignkit.paths import data_dir

    token = team.login()
    form = team.client.get(f"/dashboard/quick/dpo?dataset={pairs.id}")
    assert form.status_code == 200
    assert f'<option value="{pairs.id}" selected>' in form.text
    assert '<option value="tiny-llama"' in form.text and '"minilm-l6"' not in form.text  # LMs
    assert 'id="beta" name="beta" value="0.1"' in form.text  # the dataclass's default
    typed = {"csrf_token": token, "dataset": pairs.id, "model": "tiny-llama",
             "ref_model": "", "loss_type": "ipo", "beta": "0.25", "epochs": "1",
             "max_steps": "3", "lr": "1e-4", "batch_size": "2", "logging_steps": "1",
             "precision": "fp32", "lora": "on", "lora_r": "4"}  # fmt: skip
    r = team.client.post("/dashboard/quick/dpo", data=typed, follow_redirects=False)
    assert r.status_code == 303
    (job,) = team.store.list()
    assert r.headers["location"] == f"/dashboard/runs/{job.id}"
    tags = ("dashboard", "dpo", f"workspace:{team.ws.id}")  # the launcher's workspace
    assert (job.kind, job.user, job.tags) == ("train:dpo", f"ui:{team.users['boss@x.org'].id}",
                                              tags)  # fmt: skip
    s = job.settings
    assert (s["policy_model"], s["ref_model"], s["dataset_dir"]) == ("tiny-llama", None, pairs.path)
    assert (s["loss_type"], s["beta"], s["lr"], s["max_steps"]) == ("ipo", 0.25, 1e-4, 3)
    assert (s["batch_size"], s["logging_steps"], s["precision"]) == (2, 1, "fp32")
    assert (s["lora"], s["lora_r"]) == (True, 4)
    assert Path(s["output_dir"]).parent == data_dir() / "runs"


def test_quick_rm_run_takes_any_backbone(team, pairs):
    token = team.login()
    form = team.client.get("/dashboard/quick/rm")
    assert '<option value="minilm-l6"' in form.text and '<option value="tiny-llama"' in form.text
    assert 'name="beta"' not in form.text
    typed = {"csrf_token": token, "dataset": pairs.id, "model": "tiny-bert", "epochs": "2",
             "max_steps": "-1", "lr": "3e-5", "batch_size": "4", "logging_steps": "5",
             "precision": "auto", "lora_r": "16"}  # fmt: skip
    assert team.client.post("/dashboard/quick/rm", data=typed).status_code == 200  # its page
    (job,) = team.store.list()
    s = job.settings
    assert job.kind == "train:rm" and (s["base_model"], s["epochs"], s["lora"]) == (
        "tiny-bert",
        2.0,
        False,
    )


@pytest.mark.parametrize(
    ("change", "line"),
    [
        ({"beta": "0"}, "--beta must be > 0"),
        ({"epochs": "abc"}, "epochs: a number, not 'abc'"),
        ({"batch_size": "1.5"}, "batch size: a whole number, not '1.5'"),
        ({"lora_r": "0"}, "--lora-r must be a positive integer, not 0"),
        ({"model": "/etc"}, "model: pick one of the models offered"),
        ({"dataset": "nope"}, "dataset: pick one of the ingested preference datasets"),
        ({"loss_type": "magic"}, "loss type: one of"),
    ],
)
def test_a_bad_setting_is_one_line_and_no_job(team, pairs, change, line):
    token = team.login()
    typed = {
        "csrf_token": token,
        "dataset": pairs.id,
        "model": "tiny-llama",
        "loss_type": "sigmoid",
        "beta": "0.1",
        "epochs": "1",
        "max_steps": "-1",
        "lr": "5e-6",
        "batch_size": "8",
        "logging_steps": "10",
        "precision": "auto",
        "lora_r": "16",
    }
    r = team.client.post("/dashboard/quick/dpo", data=typed | change)  # fmt: skip
    assert r.status_code == 422 and error_line(r.text).startswith(line)
    assert team.store.list() == []
    name, value = next(iter(change.items()))
    if name in ("beta", "epochs", "batch_size", "lora_r"):  # the form again, as typed
        assert f'id="{name}" name="{name}" value="{value}"' in r.text


# -- jobs -----------------------------------------------------------------------------------


def test_job_list_cancel_and_resume(team, tmp_path):
    from tests.server.conftest import ingest_job

    body = ingest_job(tmp_path)
    first = team.store.submit(body["kind"], body["settings"])
    second = team.store.submit(body["kind"], body["settings"])
    token = team.login()
    page = team.client.get("/dashboard")
    assert page.text.count('<tr class="job"') == 2 and 'hx-trigger="every 2s"' in page.text
    r = team.client.post(f"/dashboard/jobs/{first.id}/cancel?next=/dashboard%3Fstatus%3Dscheduled",
                         data={"csrf_token": token}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/dashboard?status=scheduled"
    assert team.store.get(first.id).status == "cancelled"
    listed = team.client.get("/dashboard/jobs?status=cancelled").text
    assert f'data-job="{first.id}" data-status="cancelled"' in listed
    assert second.id not in listed and 'class="resume"' in listed and "every 2s" not in listed
    r = team.client.post(f"/dashboard/jobs/{first.id}/resume", data={"csrf_token": token},
                         follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/dashboard"
    again = team.store.get(first.id)
    assert (again.status, again.attempts) == ("scheduled", 2)
    twice = team.client.post(f"/dashboard/jobs/{first.id}/resume", data={"csrf_token": token})
    assert twice.status_code == 409 and "scheduled" in error_line(twice.text)
    # a form without its token changes nothing
    r = team.client.post(f"/dashboard/jobs/{second.id}/cancel", data={})
    assert r.status_code == 403 and team.store.get(second.id).status == "scheduled"
    # an off-site next is not followed
    r = team.client.post(f"/dashboard/jobs/{second.id}/cancel?next=//evil.example/x",
                         data={"csrf_token": token}, follow_redirects=False)  # fmt: skip
    assert r.headers["location"] == "/dashboard"


def test_annotators_and_strangers_are_refused(team, pairs, tmp_path):
    from tests.server.conftest import ingest_job

    job = team.store.submit(**ingest_job(tmp_path))
    team.client.cookies.clear()
    r = team.client.get("/dashboard", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    token = team.login("ann@x.org")
    assert 'id="nav-dashboard"' not in team.client.get("/").text
    for url in ("/dashboard", "/dashboard/jobs", f"/dashboard/runs/{job.id}",
                f"/dashboard/runs/{job.id}/metrics/stream", "/dashboard/quick/dpo",
                "/dashboard/pipelines",
                f"/dashboard/datasets/{pairs.id}/records"):  # fmt: skip
        r = team.client.get(url)
        assert r.status_code == 403, url
        assert "owners and admins" in error_line(r.text)
    for url in (f"/dashboard/jobs/{job.id}/cancel", f"/dashboard/datasets/{pairs.id}/reingest",
                "/dashboard/quick/dpo", "/dashboard/pipelines/p/cancel"):  # fmt: skip
        assert team.client.post(url, data={"csrf_token": token}).status_code == 403, url
    assert [j.id for j in team.store.list()] == [job.id]
    assert team.store.get(job.id).status == "scheduled"


def test_csrf_is_required_for_launching(team, pairs):
    team.login()
    r = team.client.post("/dashboard/quick/rm", data={"dataset": pairs.id, "model": "tiny-bert"})
    assert r.status_code == 403 and "stale" in error_line(r.text)
    r = team.client.post(f"/dashboard/datasets/{pairs.id}/reingest", data={"csrf_token": "x"})
    assert r.status_code == 403
    assert team.store.list() == []


def sse_events(stream) -> list[dict]:
    events, event = [], {}
    for line in stream.iter_lines():
        if not line:
            if event:
                events.append(event)
            event = {}
            continue
        name, _, value = line.partition(":")
        event[name] = value.strip()
    return events


def test_run_page_streams_metrics_until_the_job_ends(team, tmp_path):
    from tests.server.conftest import ingest_job

    job = team.store.submit(**ingest_job(tmp_path))
    run_dir = tmp_path / "run"
    run_by_hand(team.store, job.id, run_dir, log=b"loading\n" + b"x" * 20000 + b"\nstep 1 done\n")
    metrics = run_dir / "metrics.jsonl"
    metrics.write_bytes(b'{"step": 1, "loss": 0.9}\n{"step": 2, "lo')
    team.login()
    page = team.client.get(f"/dashboard/runs/{job.id}")
    assert page.status_code == 200
    assert f'data-stream="/dashboard/runs/{job.id}/metrics/stream"' in page.text
    assert '<script src="/static/uPlot.iife.min.js" defer>' in page.text
    assert 'data-status="in_progress"' in page.text and 'hx-trigger="every 2s"' in page.text
    log = re.search(r'<pre id="log" class="log">([^<]*)</pre>', page.text).group(1)
    assert log.endswith("step 1 done\n") and "loading" not in log  # the tail, whole lines

    def later():  # the run writes on, then the job completes
        time.sleep(0.3)
        with open(metrics, "ab") as fh:
            fh.write(b'ss": 0.7, "rewards/margins": 0.1}\n{"step": 3, "loss": 0.5}\n')
        time.sleep(0.3)
        team.store.finish(job.id, "completed", exit_code=0)

    writer = threading.Thread(target=later)
    writer.start()
    with team.client.stream("GET", f"/dashboard/runs/{job.id}/metrics/stream") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = sse_events(stream)
    writer.join()
    got = [orjson.loads(e["data"]) for e in events if e.get("event") == "metric"]
    assert [m["step"] for m in got] == [1, 2, 3] and got[1]["rewards/margins"] == 0.1
    assert events[-1]["event"] == "end" and orjson.loads(events[-1]["data"]) == {
        "status": "completed"
    }
    done = team.client.get(f"/dashboard/runs/{job.id}/live")
    assert 'data-status="completed"' in done.text and "every 2s" not in done.text
    # a reconnecting EventSource continues after the last event it saw
    second = next(e for e in events if e.get("event") == "metric" and '"step":2' in e["data"])
    with team.client.stream("GET", f"/dashboard/runs/{job.id}/metrics/stream",
                            headers={"Last-Event-ID": second["id"]}) as stream:  # fmt: skip
        rest = sse_events(stream)
    assert [orjson.loads(e["data"])["step"] for e in rest if e["event"] == "metric"] == [3]


def test_artifacts_download_inside_the_run_only(team, tmp_path):
    from tests.server.conftest import ingest_job

    job = team.store.submit(**ingest_job(tmp_path))
    run_dir = tmp_path / "run"
    run_by_hand(team.store, job.id, run_dir)
    (run_dir / "eval_rm.json").write_text('{"auc": 0.75}')
    (tmp_path / "secret.json").write_text("secret")
    team.store.finish(job.id, "completed", exit_code=0)
    inside = team.store.add_artifact(job.id, "eval", run_dir / "eval_rm.json")
    outside = team.store.add_artifact(job.id, "eval", tmp_path / "secret.json")
    team.login()
    page = team.client.get(f"/dashboard/runs/{job.id}").text
    for artifact in (inside, outside):
        assert f'href="/dashboard/runs/{job.id}/artifacts/{artifact.id}"' in page
    got = team.client.get(f"/dashboard/runs/{job.id}/artifacts/{inside.id}")
    assert got.status_code == 200 and got.json() == {"auc": 0.75}
    assert team.client.get(f"/dashboard/runs/{job.id}/artifacts/{outside.id}").status_code == 404
    assert team.client.get(f"/dashboard/runs/{job.id}/artifacts/nope").status_code == 404


def test_static_chart_files_are_served(team):
    for name, kind in (("uPlot.iife.min.js", "text/javascript"), ("charts.js", "text/javascript"),
                       ("uPlot.min.css", "text/css"), ("uPlot.LICENSE", "text/plain")):  # fmt: skip
        r = team.client.get(f"/static/{name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind), name
    assert "MIT License" in team.client.get("/static/uPlot.LICENSE").text


def test_run_results_tracking_links_and_report_view(team, tmp_path):
    from tests.server.conftest import ingest_job

    job = team.store.submit(**ingest_job(tmp_path))
    run_dir = tmp_path / "run"
    run_by_hand(team.store, job.id, run_dir)
    run = {"precision": "fp32", "precision_reason": "no fast bf16 here", "steps": 12,
           "final_metrics": {"eval_loss": 0.41, "eval_rewards/accuracies": 0.75, "name": "x"},
           "tracking": {"wandb": {"url": "https://wandb.ai/team/p/runs/abc", "mode": "online"},
                        "mlflow": {"tracking_uri": "http://mlflow:5000", "experiment_id": "3",
                                   "run_id": "r1"},
                        "tensorboard": {"dir": str(run_dir / "tb")}}}  # fmt: skip
    (run_dir / "run.json").write_bytes(orjson.dumps(run))
    (run_dir / "eval_rm.json").write_text('{"auc": 0.875, "accuracy": 0.8, "histogram": [1, 2]}')
    report = run_dir / "report.html"
    report.write_text("<html><style>h1{color:red}</style><h1>Run report</h1></html>")
    team.store.finish(job.id, "completed", exit_code=0)
    team.store.add_artifact(job.id, "eval", run_dir / "eval_rm.json")
    made = team.store.add_artifact(job.id, "report", report)
    log = team.store.add_artifact(job.id, "log", run_dir / "eval_rm.json")
    team.login()
    page = team.client.get(f"/dashboard/runs/{job.id}").text
    results = page.split('id="results"')[1].split("</section>")[0]
    assert "Precision fp32: no fast bf16 here · 12 steps" in results
    final = re.findall(r"<tr><th>([^<]+)</th><td>([^<]+)</td></tr>",
                       results.split('id="final-metrics"')[1].split("</table>")[0])  # fmt: skip
    assert final == [("eval_loss", "0.41"), ("eval_rewards/accuracies", "0.75")]
    figures = results.split("eval_rm.json")[1].split("</table>")[0]
    assert "<th>auc</th><td>0.875</td>" in figures and "histogram" not in figures
    assert re.findall(r'class="tracking" href="([^"]+)"', results) == [
        "https://wandb.ai/team/p/runs/abc",
        "http://mlflow:5000/#/experiments/3/runs/r1",
    ]
    view = f"/dashboard/runs/{job.id}/artifacts/{made.id}/view"
    assert f'href="{view}"' in page
    shown = team.client.get(view)
    assert shown.status_code == 200 and "<h1>Run report</h1>" in shown.text
    assert shown.headers["content-type"].startswith("text/html")
    policy = shown.headers["content-security-policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script" not in policy
    # only a report is shown as a page; anything else downloads
    assert team.client.get(f"/dashboard/runs/{job.id}/artifacts/{log.id}/view").status_code == 404


def test_pipelines_page_shows_nodes_and_cancels(team, admin):
    from tests.server.test_pipelines_api import YAML

    made = team.client.post("/api/pipelines", headers=admin, json={"yaml": YAML})
    assert made.status_code == 201, made.json()
    ids = {s["node"]: s["job_id"] for s in made.json()["steps"]}
    token = team.login()
    assert 'href="/dashboard/pipelines" id="nav-pipelines"' in team.client.get("/dashboard").text
    page = team.client.get("/dashboard/pipelines").text
    section = page.split('id="pipeline-api-sweep"')[1].split("</section>")[0]
    rows = re.findall(r'<tr class="node" data-node="([^"]+)" data-status="([^"]+)">\s*'
                      r"<td>[^<]*</td>\s*<td>([^<]*)</td>", section)  # fmt: skip
    assert rows == [("data", "scheduled", ""), ("dpo_beta0.1", "scheduled", "data"),
                    ("dpo_beta0.2", "scheduled", "data"),
                    ("report", "scheduled", "dpo_beta0.1, dpo_beta0.2")]  # fmt: skip
    assert f'href="/dashboard/runs/{ids["report"]}"' in section and "every 2s" in page
    r = team.client.post("/dashboard/pipelines/api-sweep/cancel", data={"csrf_token": token},
                         follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/dashboard/pipelines"
    statuses = [team.store.get(ids[n]).status for n in ("data", "dpo_beta0.1", "report")]
    assert statuses == ["cancelled", "failed", "failed"]  # the rest failed with their need
    after = team.client.get("/dashboard/pipelines/table").text
    assert "every 2s" not in after and "cancel-pipeline" not in after
    missing = team.client.post("/dashboard/pipelines/nope/cancel", data={"csrf_token": token})
    assert missing.status_code == 404
