"""The annotate page for ranking, rating and thumbs questions through FastAPI's TestClient:
one frame for every type, each answer's control, a submit retried with its idempotency key
is one response, a bad or incomplete form is one line (422) and saves nothing, a partial
draft comes back after a reload, a skip, and an edit of a submitted answer keeps its history;
the values are the store's shapes (its export reads them). On SQLite and on PostgreSQL
(marked postgres)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import pytest

from tests.server.feedback_env import Env
from tests.server.feedback_env import env as env  # noqa: F401 (SQLite, then PostgreSQL)
from tests.server.test_ui import csrf, field, ui_login


@dataclass
class Case:
    question: dict
    answers: list[str]
    good: dict[str, str]  # a complete form
    value: dict  # what it saves
    edit: dict[str, str]  # another complete form
    partial: dict[str, str]  # a draft's
    restored: list[str]  # what the reloaded page must show for the draft (regexes)
    bad: list[tuple[dict[str, str], str]]  # a form and its error's words (for a submit)
    wrong: dict[str, str]  # a value no draft may hold either


CASES = {
    "ranking": Case(
        {"type": "ranking"},
        ["alpha", "beta", "gamma"],
        good={"rank_0": "2", "rank_1": "3", "rank_2": "1"},
        value={"ranking": [2, 0, 1]},
        edit={"rank_0": "1", "rank_1": "2", "rank_2": "3"},
        partial={"rank_0": "2", "rank_1": ""},
        restored=[
            r'id="rank-0">\s*<option value="">[^<]*</option>\s*<option value="1">'
            r'[^<]*</option>\s*<option value="2" selected>',
            r'<output id="order">1</output>',
        ],
        bad=[
            ({"rank_0": "1", "rank_1": "1", "rank_2": "2"}, "its own rank from 1 to 3"),
            ({"rank_0": "1", "rank_1": "2"}, "its own rank from 1 to 3"),
            ({"rank_0": "1", "rank_1": "2", "rank_2": "4"}, "rank of answer 3: a whole number"),
            ({"rank_0": "x", "rank_1": "2", "rank_2": "3"}, "rank of answer 1"),
        ],
        wrong={"rank_2": "4"},
    ),  # fmt: skip
    "rating": Case(
        {"type": "rating"},
        ["short", "long"],
        good={"rating_0": "5", "rating_1": "2"},
        value={"ratings": [5, 2]},
        edit={"rating_0": "4", "rating_1": "2"},
        partial={"rating_1": "4"},
        restored=[r'value="4" id="rating-1-4" checked'],
        bad=[
            ({"rating_0": "7", "rating_1": "2"}, "rating of answer 1: a whole number from 1 to 5"),
            ({"rating_0": "0", "rating_1": "2"}, "rating of answer 1"),
            ({"rating_0": "3"}, "rate each of the 2 answers"),
            ({"rating_0": "three", "rating_1": "2"}, "not 'three'"),
        ],
        wrong={"rating_0": "6"},
    ),  # fmt: skip
    "thumbs": Case(
        {"type": "thumbs"},
        ["kind", "rude"],
        good={"thumb_0": "up", "thumb_1": "down"},
        value={"thumbs": [True, False]},
        edit={"thumb_0": "up", "thumb_1": "up"},
        partial={"thumb_0": "down"},
        restored=[r'value="down" id="thumb-0-down" checked'],
        bad=[
            ({"thumb_0": "sideways", "thumb_1": "up"}, "thumb of answer 1: up or down"),
            ({"thumb_1": "up"}, "give each of the 2 answers a thumb"),
        ],
        wrong={"thumb_1": "maybe"},
    ),  # fmt: skip
}


def error_line(html: str) -> str:
    line = re.search(r'<p class="error" role="alert">(.*?)</p>', html, flags=re.S).group(1)
    return unescape(line)


def setup(env: Env, case: Case, n: int = 2):
    user = env.user("ann@x.org")
    wid = env.workspace("team", {"ann": (user, "annotator")})
    records = [{"prompt": f"prompt {i}", "answers": case.answers} for i in range(n)]
    did, ids = env.dataset(wid, case.question, records, name=case.question["type"])
    assert ui_login(env.client, "ann@x.org").status_code == 303
    return user, did, ids


def responses_of(store) -> list[tuple[str, str, dict]]:
    from sqlalchemy import select

    from alignkit.server.feedback.models import Response

    with store.engine.connect() as conn:
        rows = conn.execute(select(Response.record_id, Response.status, Response.value))
        return sorted((r.record_id, r.status, r.value) for r in rows)


@pytest.mark.parametrize("kind", CASES)
def test_submit_retry_and_bad_values(env, kind):
    case, c = CASES[kind], env.client
    _user, did, ids = setup(env, case)
    page = c.get(f"/datasets/{did}/annotate")
    assert page.status_code == 200 and f'data-question="{kind}"' in page.text
    for i, text in enumerate(case.answers):  # every answer, with its own control
        assert f'id="answer-{i}"' in page.text and f">{text}</div>" in page.text
    base = {"csrf_token": csrf(page.text), "idempotency_key": field(page.text, "idempotency_key")}
    url = f"/datasets/{did}/records/{ids[0]}/submit"
    for form, words in case.bad:
        bad = c.post(url, data=base | form)
        assert bad.status_code == 422, (form, bad.text)
        line = error_line(bad.text)
        assert words in line and "\n" not in line, line
    assert responses_of(env.store) == []  # nothing saved by a bad form
    for _ in range(2):  # a retried POST returns the first response
        r = c.post(url, data=base | case.good, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/datasets/{did}/annotate"
    assert responses_of(env.store) == [(ids[0], "submitted", case.value)]
    # a retry carrying something else still returns the first: the key decides
    c.post(url, data=base | case.edit)
    assert responses_of(env.store) == [(ids[0], "submitted", case.value)]
    nxt = c.get(f"/datasets/{did}/annotate")
    assert "prompt 1" in nxt.text and f"?record={ids[0]}" in nxt.text
    # the store's export reads what the page saved: pairs for a ranking, KTO rows otherwise
    exported = c.get(f"/api/feedback/datasets/{did}/export", headers=env.admin).json()
    if kind == "ranking":
        got = [(row["chosen"], row["rejected"]) for row in exported["rows"]]
        assert sorted(got) == sorted([("gamma", "alpha"), ("gamma", "beta"), ("alpha", "beta")])
    else:
        assert [(row["completion"], row["label"]) for row in exported["rows"]] == [
            (case.answers[0], True), (case.answers[1], False),
        ]  # fmt: skip


@pytest.mark.parametrize("kind", CASES)
def test_partial_draft_survives_a_reload(env, kind):
    case, c = CASES[kind], env.client
    _user, did, ids = setup(env, case)
    page = c.get(f"/datasets/{did}/annotate")
    token = csrf(page.text)
    saved = c.post(f"/datasets/{did}/records/{ids[0]}/draft", data={"csrf_token": token}
                   | case.partial, headers={"HX-Request": "true"})  # fmt: skip
    assert saved.status_code == 200 and "Draft saved" in saved.text
    again = c.get(f"/datasets/{did}/annotate")
    assert "prompt 0" in again.text and "Your draft is restored" in again.text
    for pattern in case.restored:
        assert re.search(pattern, again.text), pattern
    assert responses_of(env.store)[0][1] == "draft"
    # a draft may be partial, not wrong: a bad value is refused and the draft stays
    bad = c.post(f"/datasets/{did}/records/{ids[0]}/draft", data={"csrf_token": token}
                 | case.wrong)  # fmt: skip
    assert bad.status_code == 422 and "\n" not in error_line(bad.text)
    assert re.search(case.restored[0], c.get(f"/datasets/{did}/annotate").text)
    # the restored draft, completed and submitted
    r = c.post(f"/datasets/{did}/records/{ids[0]}/submit", follow_redirects=False, data={
        "csrf_token": token, "idempotency_key": field(again.text, "idempotency_key")
    } | case.good)  # fmt: skip
    assert r.status_code == 303
    assert responses_of(env.store)[0][1:] == ("submitted", case.value)


@pytest.mark.parametrize("kind", CASES)
def test_skip_walk_back_and_edit_keeps_history(env, kind):
    case, c = CASES[kind], env.client
    _user, did, ids = setup(env, case, n=3)
    page = c.get(f"/datasets/{did}/annotate")
    token = csrf(page.text)
    c.post(f"/datasets/{did}/records/{ids[0]}/discard", data={"csrf_token": token})
    page = c.get(f"/datasets/{did}/annotate")
    assert "prompt 1" in page.text
    c.post(f"/datasets/{did}/records/{ids[1]}/submit", data={
        "csrf_token": token, "idempotency_key": field(page.text, "idempotency_key")
    } | case.good)  # fmt: skip
    back = c.get(f"/datasets/{did}/annotate?record={ids[1]}")
    assert "You submitted this record" in back.text and 'id="save-draft"' not in back.text
    assert "hx-post" not in re.search(r'<form id="answer"[^>]*>', back.text).group(0)  # no autosave
    assert "You skipped this record" in c.get(f"/datasets/{did}/annotate?record={ids[0]}").text
    edit = c.post(f"/datasets/{did}/records/{ids[1]}/submit", follow_redirects=False, data={
        "csrf_token": token, "idempotency_key": field(back.text, "idempotency_key")
    } | case.edit)  # fmt: skip
    assert edit.status_code == 303
    mine = c.get(f"/api/feedback/records/{ids[1]}/response").json()
    assert mine["status"] == "submitted" and mine["value"] != case.value
    history = c.get(f"/api/feedback/responses/{mine['id']}/history").json()
    assert [h["value"] for h in history] == [case.value]
    # the last record answered: the done page, whose left arrow walks back
    last = c.get(f"/datasets/{did}/annotate")
    c.post(f"/datasets/{did}/records/{ids[2]}/submit", data={
        "csrf_token": token, "idempotency_key": field(last.text, "idempotency_key")
    } | case.good)  # fmt: skip
    done = c.get(f"/datasets/{did}/annotate")
    assert done.status_code == 200 and 'id="done"' in done.text
    assert f"?record={ids[2]}" in done.text and 'id="answer"' not in done.text
    # another dataset's record under this dataset's URL is a 404, and saves nothing
    theirs = [{"prompt": "x", "answers": case.answers}]
    _other, other_ids = env.dataset(env.workspace("other"), case.question, theirs, name="o")
    stray = c.post(f"/datasets/{did}/records/{other_ids[0]}/submit",
                   data={"csrf_token": token} | case.good)  # fmt: skip
    assert stray.status_code == 404
    assert all(rid != other_ids[0] for rid, _s, _v in responses_of(env.store))


def test_one_answer_rating_in_the_shared_frame(env):
    user = env.user("ann@x.org")
    wid = env.workspace("team", {"ann": (user, "annotator")})
    did, _ids = env.dataset(wid, {"type": "rating"}, [{"prompt": "p", "answers": ["only"]}])
    ui_login(env.client, "ann@x.org")
    page = env.client.get(f"/datasets/{did}/annotate").text
    assert "<h2>Answer</h2>" in page and 'id="rating-0-5"' in page and 'id="rating-1-1"' not in page
    # the frame is shared: the same header, nav, actions and lease on every type
    for part in ('id="prompt"', 'id="submit"', 'id="save-draft"', 'id="discard"', 'id="lease"'):
        assert part in page
