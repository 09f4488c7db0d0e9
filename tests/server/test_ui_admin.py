"""The owners' and admins' pages through FastAPI's TestClient: a new dataset (its question,
guidelines previewed through the sanitizer, min_submitted), the import of records from JSONL /
CSV / Parquet with every row accounted for, the progress and agreement page with its
conflicting records, export + ingest as a data:ingest job run by a worker; an annotator is
refused everywhere (403), another workspace's admin sees nothing (404), and every form needs
its CSRF token. On SQLite, and on PostgreSQL (marked postgres)."""

from __future__ import annotations

import html as html_lib
import io
import json
import re
from pathlib import Path

import pytest

from tests.server.feedback_env import env  # noqa: F401  (SQLite, then PostgreSQL)
from tests.server.test_ui import csrf, ui_login

PASSWORD = "correct horse"


class Team:
    """A workspace with an admin and two annotators, made through the store."""

    def __init__(self, client, store):
        from alignkit.server.feedback import auth

        self.client, self.store, engine = client, store, store.engine
        self.ws = auth.create_workspace(engine, "team")
        self.users = {}
        for email, role in (("boss@x.org", "admin"), ("ann@x.org", "annotator"),
                            ("bob@x.org", "annotator")):  # fmt: skip
            user = auth.create_user(engine, email, PASSWORD)
            auth.set_member(engine, self.ws.id, user.id, role)
            self.users[email] = user

    def login(self, email: str) -> str:
        """Log in through the form; the CSRF token of the session's pages."""
        self.client.cookies.clear()
        assert ui_login(self.client, email).status_code == 303
        return csrf(self.client.get("/").text)

    def dataset(self, question: dict, records: list[dict], min_submitted: int = 1, name="ds"):
        from alignkit.server.feedback import store as fb

        ds = fb.create_dataset(self.store.engine, self.ws.id, name, question, "", min_submitted)
        return ds, fb.add_records(self.store.engine, ds.id, None, records)

    def answer(self, email: str, record_id: str, value: dict) -> None:
        from alignkit.server.feedback import responses

        responses.respond(self.store.engine, record_id, self.users[email].id, value)


@pytest.fixture
def team(env) -> Team:  # noqa: F811
    made = Team(env.client, env.store)
    made.admin_key = env.admin
    return made


def records_of(store, dataset_id: str):
    from alignkit.server.feedback import store as fb

    return fb.list_records(store.engine, dataset_id, None, limit=1000)


def error_line(html: str) -> str:
    line = html_lib.unescape(re.search(r'class="error[^"]*"[^>]*>([^<]*)<', html).group(1))
    assert line and "\n" not in line
    return line


def prompts(n: int) -> list[dict]:
    # prompts of three words or more: the ingest drops shorter ones (min_prompt_toks)
    return [
        {"prompt": f"what comes after the number {i}?", "answers": [f"{i + 1} comes next",
                                                                   f"maybe {i - 1}"]}
        for i in range(n)
    ]  # fmt: skip


# -- a new dataset --------------------------------------------------------------------------


def test_create_a_dataset_with_a_guidelines_preview(team):
    from alignkit.server.feedback import store as fb

    c, token = team.client, team.login("boss@x.org")
    home = c.get("/")
    assert f'href="/workspaces/{team.ws.id}/datasets/new"' in home.text
    url = f"/workspaces/{team.ws.id}/datasets/new"
    assert c.get(url).status_code == 200
    guidelines = "# Rules\n\nPrefer **correct** answers.<script>alert(1)</script>"
    form = {"csrf_token": token, "name": "helpful", "question_type": "pairwise",
            "factual_errors": "on", "guidelines": guidelines, "min_submitted": "2"}  # fmt: skip
    preview = c.post(url, data=form | {"action": "preview"})
    assert preview.status_code == 200
    shown = preview.text.split('id="preview"')[1]
    assert "<h1>Rules</h1>" in shown and "<strong>correct</strong>" in shown
    assert "<script>alert(1)" not in preview.text  # sanitized, and escaped in the textarea
    assert 'value="helpful"' in preview.text and 'id="factual_errors" value="on" checked' in (
        preview.text
    )
    assert fb.list_datasets(team.store.engine, team.ws.id) == []  # a preview creates nothing
    bad = c.post(url, data=form | {"action": "create", "answers": "two"})
    assert bad.status_code == 422 and error_line(bad.text) == "answers: a whole number, not 'two'"
    bad = c.post(url, data=form | {"action": "create", "question_type": "pairwise", "answers": "3"})
    assert bad.status_code == 422 and "question.answers" in error_line(bad.text)
    made = c.post(url, data=form | {"action": "create"}, follow_redirects=False)
    assert made.status_code == 303
    (ds,) = fb.list_datasets(team.store.engine, team.ws.id)
    assert made.headers["location"] == f"/datasets/{ds.id}/manage"
    assert (ds.name, ds.min_submitted, ds.guidelines) == ("helpful", 2, guidelines)
    assert ds.question == {"type": "pairwise", "factual_errors": True, "rationale": False,
                           "answers": 2}  # fmt: skip
    again = c.post(url, data=form | {"action": "create"})
    assert again.status_code == 409 and "has a dataset named 'helpful'" in error_line(again.text)
    ranking = c.post(url, data=form | {"action": "create", "name": "order",
                                       "question_type": "ranking", "answers": "3"})  # fmt: skip
    assert ranking.status_code == 200  # followed to the new dataset's page
    assert fb.list_datasets(team.store.engine, team.ws.id)[1].question["answers"] == 3


# -- roles and CSRF -------------------------------------------------------------------------


def test_annotators_and_other_workspaces_are_refused(team):
    from alignkit.server.feedback import auth

    ds, ids = team.dataset({"type": "pairwise"}, prompts(1))
    pages = [f"/workspaces/{team.ws.id}/datasets/new", f"/datasets/{ds.id}/manage",
             f"/datasets/{ds.id}/ingests", f"/datasets/{ds.id}/records/{ids[0]}"]  # fmt: skip
    forms = [f"/workspaces/{team.ws.id}/datasets/new", f"/datasets/{ds.id}/ingest"]
    c = team.client
    assert c.get(pages[1], follow_redirects=False).headers["location"] == "/login"
    token = team.login("ann@x.org")
    assert "New dataset" not in c.get("/").text and "/manage" not in c.get("/").text
    for url in pages:
        assert c.get(url).status_code == 403, url
    for url in forms:
        r = c.post(url, data={"csrf_token": token, "name": "x", "action": "create"})
        assert r.status_code == 403, url
    upload = {"file": ("r.jsonl", json.dumps(prompts(1)[0]).encode())}
    r = c.post(f"/datasets/{ds.id}/import", data={"csrf_token": token}, files=upload)
    assert r.status_code == 403 and "owners and admins" in error_line(r.text)
    # an admin of another workspace is not told that the dataset exists
    other = auth.create_user(team.store.engine, "eve@x.org", PASSWORD)
    auth.set_member(team.store.engine, auth.create_workspace(team.store.engine, "other").id,
                    other.id, "owner")  # fmt: skip
    token = team.login("eve@x.org")
    for url in pages:
        assert c.get(url).status_code == 404, url
    r = c.post(f"/datasets/{ds.id}/import", data={"csrf_token": token}, files=upload)
    assert r.status_code == 404
    assert len(records_of(team.store, ds.id)) == 1 and team.store.list() == []


def test_forms_need_the_csrf_token(team):
    from alignkit.server.feedback import store as fb

    ds, ids = team.dataset({"type": "pairwise"}, prompts(1))
    team.answer("ann@x.org", ids[0], {"choice": "a"})
    team.login("boss@x.org")
    c = team.client
    new = {"name": "x", "question_type": "pairwise", "action": "create"}
    for data in (new, new | {"csrf_token": "x" * 43}):
        assert c.post(f"/workspaces/{team.ws.id}/datasets/new", data=data).status_code == 403
    upload = {"file": ("r.jsonl", json.dumps(prompts(1)[0]).encode())}
    r = c.post(f"/datasets/{ds.id}/import", files=upload)
    assert r.status_code == 403 and "stale" in error_line(r.text)
    assert c.post(f"/datasets/{ds.id}/ingest", data={}).status_code == 403
    assert len(fb.list_datasets(team.store.engine, team.ws.id)) == 1
    assert len(records_of(team.store, ds.id)) == 1 and team.store.list() == []


# -- importing records ----------------------------------------------------------------------


def upload(team, dataset_id: str, name: str, data: bytes):
    token = team.login("boss@x.org")
    return team.client.post(
        f"/datasets/{dataset_id}/import", data={"csrf_token": token}, files={"file": (name, data)}
    )


def rejected(html: str) -> dict[int, str]:
    body = html.split('id="rejected"')[1] if 'id="rejected"' in html else ""
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td>", body)
    return {int(n): html_lib.unescape(why) for n, why in rows}


def test_import_a_csv_with_answer_columns_every_row_accounted_for(team):
    ds, _ = team.dataset({"type": "ranking", "answers": 3}, [])
    csv = (
        "prompt,answer_1,answer_2,answer_3,topic\n"
        'rank these,one,two,three,math\n'
        ',one,two,three,math\n'  # no prompt
        'only two,one,two,,math\n'  # two answers where the question wants three
        'a gap,one,,three,\n'
        '"a prompt, with a comma\nand a line",x,y,z,poetry\n'
    )  # fmt: skip
    r = upload(team, ds.id, "records.csv", csv.encode())
    assert r.status_code == 200, r.text
    assert re.search(r'id="imported">2<', r.text) and "of 5 rows" in r.text
    assert rejected(r.text) == {
        2: "prompt: missing or empty",
        3: "answers: 3 for a ranking question, not 2",
        4: "answer_2 is empty but a later answer is not",
    }
    got = records_of(team.store, ds.id)
    assert [(g.prompt, g.answers, g.meta) for g in got] == [
        ("rank these", ["one", "two", "three"], {"topic": "math"}),
        ("a prompt, with a comma\nand a line", ["x", "y", "z"], {"topic": "poetry"}),
    ]


def test_import_jsonl_and_parquet_with_an_answers_list(team):
    import polars as pl

    ds, _ = team.dataset({"type": "pairwise"}, [])
    lines = [
        json.dumps({"prompt": "first", "answers": ["a", "b"], "metadata": {"src": "x"}}),
        "",  # a blank line is no row
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"prompt": "three", "answers": ["a", "b", "c"]}),
        json.dumps({"prompt": "numbers", "answers": [1, 2]}),
        json.dumps({"prompt": "second", "answers": ["c", "d"], "lang": "en"}),
    ]
    r = upload(team, ds.id, "records.jsonl", "\n".join(lines).encode())
    assert r.status_code == 200 and re.search(r'id="imported">2<', r.text)
    why = rejected(r.text)
    assert set(why) == {3, 4, 5, 6} and why[3].startswith("not JSON")
    assert why[4] == "not a JSON object" and why[6] == "answers: a list of texts"
    assert why[5] == "answers: 2 for a pairwise question, not 3"
    frame = pl.DataFrame({"prompt": ["p1", "p2", ""], "answers": [["x", "y"], ["z"], ["u", "v"]],
                          "n": [1, 2, 3]})  # fmt: skip
    buf = io.BytesIO()
    frame.write_parquet(buf)
    r = upload(team, ds.id, "records.parquet", buf.getvalue())
    assert re.search(r'id="imported">1<', r.text)
    assert rejected(r.text) == {2: "answers: 2 for a pairwise question, not 1",
                                3: "prompt: missing or empty"}  # fmt: skip
    got = records_of(team.store, ds.id)
    assert [(g.prompt, g.answers, g.meta) for g in got] == [
        ("first", ["a", "b"], {"src": "x"}), ("second", ["c", "d"], {"lang": "en"}),
        ("p1", ["x", "y"], {"n": 1}),
    ]  # fmt: skip
    # a CSV's answers column holds a JSON array
    r = upload(team, ds.id, "more.csv", b'prompt,answers\nq,"[""yes"", ""no""]"\nr,yes\n')
    assert re.search(r'id="imported">1<', r.text)
    assert rejected(r.text) == {2: 'answers: a JSON array of texts, such as ["first", "second"]'}
    assert records_of(team.store, ds.id)[-1].answers == ["yes", "no"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("records.txt", b"prompt,answers\n", "records.txt: a .jsonl, .csv or .parquet file"),
        ("records.csv", b"question,answer_1\nq,a\n", "the file has no prompt column"),
        ("records.csv", b"prompt,reply\nq,a\n", "neither an answers column nor answer_1"),
        ("records.csv", b"prompt,answer_1\n\xff\xfe,a\n", "the CSV is not UTF-8 text"),
        ("records.parquet", b"PAR1 not really", "could not read the parquet file"),
        ("records.jsonl", b"\n\n", "records.jsonl is empty"),
    ],
)
def test_a_bad_upload_is_one_line_and_imports_nothing(team, name, data, message):
    ds, _ = team.dataset({"type": "pairwise"}, [])
    r = upload(team, ds.id, name, data)
    assert r.status_code == 422 and message in error_line(r.text)
    assert records_of(team.store, ds.id) == []


# -- progress, agreement, conflicts ---------------------------------------------------------


def test_progress_agreement_and_conflicting_records(team):
    from alignkit.server.feedback import agreement

    ds, ids = team.dataset({"type": "pairwise", "rationale": True}, prompts(5), min_submitted=2)
    both = [("a", "a"), ("a", "a"), ("b", "b"), ("a", "b")]  # they disagree on record 4
    for rid, (ann, bob) in zip(ids, both, strict=False):
        team.answer("ann@x.org", rid, {"choice": ann})
        team.answer("bob@x.org", rid, {"choice": bob, "rationale": "<b>mine</b>"})
    team.login("boss@x.org")
    page = team.client.get(f"/datasets/{ds.id}/manage")
    assert page.status_code == 200
    text = page.text
    assert re.search(r'id="done-count">4 / 5<', text) and re.search(r'id="needing">1<', text)
    assert "<td>ann@x.org</td><td>4</td>" in text and "<td>bob@x.org</td><td>4</td>" in text
    # by hand: 3 of 4 records agree; nominal alpha over units [2,0] [2,0] [0,2] [1,1]:
    # D_o = 2/8, D_e = 2*5*3/(8*7), alpha = 1 - (2/8)/(30/56) = 8/15
    assert re.search(r'id="percent-agreement">75.0%<', text)
    assert re.search(r'id="alpha">0.533<', text)
    conflicts = text.split('id="conflicts"')[1]
    link = f"/datasets/{ds.id}/records/{ids[3]}"
    assert f'href="{link}">4<' in conflicts and "ann@x.org: A" in conflicts
    assert "bob@x.org: B" in conflicts and ids[0] not in conflicts
    record = team.client.get(link)
    assert record.status_code == 200 and "what comes after the number 3?" in record.text
    assert "&lt;b&gt;mine&lt;/b&gt;" in record.text  # an annotator's text is escaped
    assert team.client.get(f"/datasets/{ds.id}/records/nope").status_code == 404
    figures = agreement.agreement(team.store.engine, ds.id, None)
    assert figures.percent_agreement == 0.75 and figures.krippendorff_alpha == round(8 / 15, 4)


def test_agreement_items_of_each_question_type(team):
    from alignkit.server.feedback import agreement

    assert agreement.picks("ranking", {"ranking": [2, 0, 1]}, 3) == {
        (0, 1): "a", (0, 2): "b", (1, 2): "b"
    }  # fmt: skip
    assert agreement.picks("rating", {"ratings": [5, 3, 1]}, 3) == {0: "a", 1: "tie", 2: "b"}
    flagged = {"choice": "b", "factual_error": {"a": True, "b": False}}
    assert agreement.summary("pairwise", flagged) == "B (factual error in A)"
    answers = [{"prompt": "rate these two", "answers": ["x", "y"]}]
    rated, (rid,) = team.dataset({"type": "rating"}, answers, 2, name="rated")
    team.answer("ann@x.org", rid, {"ratings": [5, 2]})
    team.answer("bob@x.org", rid, {"ratings": [4, 3]})  # 5 and 4 are both good; 2 vs 3 is not
    got = agreement.agreement(team.store.engine, rated.id, None)
    assert got.percent_agreement == 0.5 and got.items_multi_annotated == 2
    assert [(o.email, o.summary) for o in got.conflicts[0].opinions] == [
        ("ann@x.org", "5, 2"), ("bob@x.org", "4, 3")
    ]  # fmt: skip
    thumbs, (tid,) = team.dataset({"type": "thumbs"}, answers, 2, name="thumbs")
    team.answer("ann@x.org", tid, {"thumbs": [True, False]})
    team.answer("bob@x.org", tid, {"thumbs": [True, False]})
    same = agreement.agreement(team.store.engine, thumbs.id, None)
    assert same.percent_agreement == 1.0 and same.conflicts == []
    assert same.krippendorff_alpha == 1.0


# -- export and ingest ----------------------------------------------------------------------


def test_export_and_ingest_runs_as_a_job(team):
    from alignkit.jobs.runner import LocalWorker, WorkerSettings
    from alignkit.paths import data_dir
    from alignkit.server.feedback import export

    ds, ids = team.dataset({"type": "pairwise", "factual_errors": True}, prompts(12), 1)
    for i, rid in enumerate(ids[:10]):  # 10 pairs, one tie left out by the export
        value = {"choice": "tie"} if i == 9 else {"choice": "a" if i % 3 else "b"}
        team.answer("ann@x.org" if i % 2 else "bob@x.org", rid, value)
    token = team.login("boss@x.org")
    c = team.client
    r = c.post(f"/datasets/{ds.id}/ingest", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/datasets/{ds.id}/manage#ingests"
    (job,) = team.store.list()
    assert (job.kind, job.status, job.tags) == ("data:ingest", "scheduled",
                                                ("feedback", f"feedback:{ds.id}",
                                                 f"workspace:{team.ws.id}"))  # fmt: skip
    source, output = Path(job.settings["input"]), Path(job.settings["output"])
    assert job.settings["format"] == "trl" and source.parent.parent == data_dir() / "uploads"
    assert output.parent == data_dir() / "datasets" and not output.exists()
    rows = [json.loads(line) for line in source.read_text().splitlines()]
    assert rows == json.loads(json.dumps(export.export(team.store.engine, ds.id, None).rows))
    assert len(rows) == 9
    page = c.get(f"/datasets/{ds.id}/manage")
    assert 'data-status="scheduled"' in page.text and 'hx-trigger="every 2s"' in page.text
    LocalWorker(team.store, WorkerSettings(exit_when_idle=True, poll_s=0.05)).run()
    assert team.store.get(job.id).status == "completed"
    split = {name: [json.loads(x) for x in (output / f"{name}.jsonl").read_text().splitlines()]
             for name in ("train", "eval", "test")}  # fmt: skip
    ingested = [row for part in split.values() for row in part]
    assert len(ingested) == 9
    want = {(r["prompt"], r["chosen"], r["rejected"], r["h_chosen"]) for r in rows}
    assert {(r["prompt"], r["chosen"], r["rejected"], r["h_chosen"]) for r in ingested} == want
    status = c.get(f"/datasets/{ds.id}/ingests")
    assert 'data-status="completed"' in status.text and "9 kept" in status.text
    assert "every 2s" not in status.text  # nothing left to poll
    # the ingested folder is a server dataset, ready for training jobs
    listed = c.get("/api/datasets", headers=team.admin_key).json()
    assert [(d["status"], d["path"]) for d in listed] == [("ready", str(output))]


def test_nothing_to_ingest_is_one_line(team):
    ds, ids = team.dataset({"type": "pairwise"}, prompts(2))
    team.answer("ann@x.org", ids[0], {"choice": "tie"})
    token = team.login("boss@x.org")
    r = team.client.post(f"/datasets/{ds.id}/ingest", data={"csrf_token": token})
    assert r.status_code == 422
    assert error_line(r.text) == (
        "nothing to ingest: no submitted response makes a training row yet (1 tie left out)"
    )
    assert team.store.list() == []


def test_a_rating_dataset_ingests_as_kto_rows(team):
    """The export of ratings is unpaired feedback; the job's own function ingests it (the
    worker's path is the test above)."""
    from alignkit.commands import COMMANDS
    from alignkit.config import load_settings

    ds, ids = team.dataset({"type": "rating", "answers": 2}, prompts(6), name="rated")
    marks = [[5, 1], [4, 2], [3, 5], [1, 1], [5, 4], [2, 3]]  # two 3s: neutral, left out
    for rid, ratings in zip(ids, marks, strict=True):
        team.answer("ann@x.org", rid, {"ratings": ratings})
    token = team.login("boss@x.org")
    r = team.client.post(f"/datasets/{ds.id}/ingest", data={"csrf_token": token})
    assert r.status_code == 200  # followed to the dataset's page
    (job,) = team.store.list()
    command = COMMANDS[job.kind]
    report = command(load_settings(command.settings_class(), None, job.settings))
    assert job.settings["format"] == "trl-unpaired"
    assert report["kept"] == 10 and report["input"]["kind"] == "unpaired"
    output = Path(job.settings["output"])
    rows = [json.loads(x) for name in ("train", "eval", "test")
            for x in (output / f"{name}.jsonl").read_text().splitlines()]  # fmt: skip
    by_prompt = {(row["prompt"], row["completion"]): row["label"] for row in rows}
    want = {
        (rec["prompt"], answer): mark >= 4
        for rec, ratings in zip(prompts(6), marks, strict=True)
        for answer, mark in zip(rec["answers"], ratings, strict=True) if mark != 3
    }  # fmt: skip
    assert by_prompt == want
