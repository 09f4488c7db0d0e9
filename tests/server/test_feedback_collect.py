"""Collecting answers: next-record and its lease, drafts, idempotent submits, one response per
(record, annotator), edits with history, discards, the export and the progress counts."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from tests.server.conftest import assert_error
from tests.server.feedback_env import env as env  # noqa: F401  (the fixture)
from tests.server.feedback_env import headers, pairs

PAIRWISE = {"type": "pairwise", "factual_errors": True, "rationale": True}


def _team(env, n: int):
    users = [env.user(f"a{i}@x.org") for i in range(n)]
    wid = env.workspace("w", {str(i): (u, "annotator") for i, u in enumerate(users)})
    return wid, [headers(u) for u in users], users


def test_lease_drafts_idempotency_and_history(env):
    from alignkit.server.feedback.models import Response

    c = env.client
    wid, (a, b, z), users = _team(env, 3)
    did, ids = env.dataset(wid, PAIRWISE, pairs(2), min_submitted=2)
    got = c.get(f"/api/feedback/datasets/{did}/next", headers=a)
    assert got.status_code == 200 and got.json()["record"]["id"] == ids[0]
    assert got.json()["response"] is None
    # the same annotator asking again keeps their record (the page reloaded)
    assert c.get(f"/api/feedback/datasets/{did}/next", headers=a).json()["record"]["id"] == ids[0]
    # a draft is saved and comes back with the record and on its own
    url = f"/api/feedback/records/{ids[0]}/responses"
    draft = c.post(url, json={"value": {"choice": "b"}, "status": "draft"}, headers=a)
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    again = c.get(f"/api/feedback/datasets/{did}/next", headers=a).json()
    assert again["response"]["value"] == {"choice": "b"}
    assert (
        c.get(f"/api/feedback/records/{ids[0]}/response", headers=a).json()["id"]
        == (draft.json()["id"])
    )
    assert c.put(f"/api/feedback/records/{ids[0]}/lease", headers=a).status_code == 200
    # submit with an idempotency key; the retry is the first response, 200, not a second
    answer = {"choice": "a", "factual_error": {"a": False, "b": True}, "rationale": "b is wrong"}
    key = {"Idempotency-Key": "k-1"}
    first = c.post(url, json={"value": answer}, headers=a | key)
    assert first.status_code == 201 and first.json()["id"] == draft.json()["id"]
    retry = c.post(url, json={"value": {"choice": "b"}}, headers=a | key)
    assert retry.status_code == 200 and retry.json() == first.json()
    body_key = c.post(url, json={"value": answer, "idempotency_key": "k-1"}, headers=a)
    assert body_key.status_code == 200 and body_key.json()["id"] == first.json()["id"]
    # a second submit (another key) is a conflict: an edit is a PUT
    assert_error(c.post(url, json={"value": answer}, headers=a | {"Idempotency-Key": "k-2"}),
                 409, "AK-CONFLICT")  # fmt: skip
    # a bad answer is a 422 naming the field
    bad = c.post(f"/api/feedback/records/{ids[1]}/responses", json={"value": {"choice": "c"}},
                 headers=a)  # fmt: skip
    assert_error(bad, 422, "AK-INPUT")
    # edit: the history keeps the draft and the first submit
    rid = first.json()["id"]
    edited = c.put(f"/api/feedback/responses/{rid}", json={"value": {"choice": "tie"}}, headers=a)
    assert edited.status_code == 200 and edited.json()["value"] == {"choice": "tie"}
    hist = c.get(f"/api/feedback/responses/{rid}/history", headers=a).json()
    assert [(h["status"], h["value"]) for h in hist] == [
        ("draft", {"choice": "b"}), ("submitted", answer),
    ]  # fmt: skip
    assert_error(c.get(f"/api/feedback/responses/{rid}/history", headers=b), 404, "AK-NOT-FOUND")
    assert_error(c.put(f"/api/feedback/responses/{rid}", json={"value": answer}, headers=b), 404,
                 "AK-NOT-FOUND")  # fmt: skip
    # the database holds one response per (record, annotator) whatever the API does
    with pytest.raises(IntegrityError), env.store.engine.begin() as conn:
        conn.execute(
            Response.__table__.insert().values(
                id="dup", record_id=ids[0], user_id=users[0]["id"], status="draft", value={},
                created_at=first_time(first), updated_at=first_time(first),
            )
        )  # fmt: skip
    # record 0 needs one more: b leases it, so it is full and z is handed record 1
    assert c.get(f"/api/feedback/datasets/{did}/next", headers=b).json()["record"]["id"] == ids[0]
    assert c.get(f"/api/feedback/datasets/{did}/next", headers=z).json()["record"]["id"] == ids[1]
    r1 = c.get(f"/api/feedback/datasets/{did}/next", headers=a)  # a answered 0: gets 1
    assert r1.json()["record"]["id"] == ids[1]
    assert c.post(url, json={"value": {"choice": "b"}}, headers=b).status_code == 201
    # z has no lease on record 0 and it has all its responses
    assert_error(c.post(url, json={"value": {"choice": "b"}}, headers=z), 409, "AK-CONFLICT")
    assert_error(c.put(f"/api/feedback/records/{ids[0]}/lease", headers=z), 409, "AK-CONFLICT")
    # an expired lease frees its place
    from alignkit.jobs.store import utcnow
    from alignkit.server.feedback.models import Lease

    with env.store.engine.begin() as conn:
        conn.execute(update(Lease).values(expires_at=utcnow()))
    assert c.get(f"/api/feedback/datasets/{did}/next", headers=z).json()["record"]["id"] == ids[1]
    # discard: z skips record 1 and is not offered it again
    assert c.post(f"/api/feedback/records/{ids[1]}/discard", headers=z).json()["status"] == (
        "discarded"
    )
    assert c.get(f"/api/feedback/datasets/{did}/next", headers=z).status_code == 204
    # an admin key reads and manages but does not answer
    assert_error(c.get(f"/api/feedback/datasets/{did}/next", headers=env.admin), 403,
                 "AK-FORBIDDEN")  # fmt: skip
    progress = c.get(f"/api/feedback/datasets/{did}/progress", headers=env.admin).json()
    assert {k: progress[k] for k in ("records", "completed", "responses", "drafts",
                                     "discarded", "leased")} == {
        "records": 2, "completed": 1, "responses": 2, "drafts": 0, "discarded": 1, "leased": 0,
    }  # fmt: skip
    per = {p["email"]: (p["submitted"], p["drafts"], p["discarded"]) for p in
           progress["annotators"]}  # fmt: skip
    assert per == {"a0@x.org": (1, 0, 0), "a1@x.org": (1, 0, 0), "a2@x.org": (0, 0, 1)}


def first_time(response):
    from datetime import datetime

    return datetime.fromisoformat(response.json()["created_at"])


def _submit_all(env, did, ids, annotators, values):
    for who, value_of in zip(annotators, values, strict=True):
        for i, rid in enumerate(ids):
            r = env.client.post(f"/api/feedback/records/{rid}/responses",
                                json={"value": value_of(i)}, headers=who)  # fmt: skip
            assert r.status_code == 201, r.json()


def test_export_pairwise(env):
    wid, (a, b), users = _team(env, 2)
    did, ids = env.dataset(wid, PAIRWISE, pairs(3), min_submitted=2)
    choices = {0: "a", 1: "b", 2: "tie"}
    _submit_all(env, did, ids, [a, b], [
        lambda i: {"choice": choices[i], "factual_error": {"a": False, "b": i == 0}},
        lambda i: {"choice": "a"},
    ])  # fmt: skip
    out = env.client.get(f"/api/feedback/datasets/{did}/export", headers=env.admin).json()
    assert out["format"] == "pairs" and out["dropped"] == {"tie": 1}
    got = [(r["prompt"], r["chosen"], r["rejected"], r["h_chosen"], r["h_rejected"])
           for r in out["rows"]]  # fmt: skip
    assert got == [
        ("q0", "good 0", "bad 0", 0, 1), ("q0", "good 0", "bad 0", 0, 0),
        ("q1", "bad 1", "good 1", 0, 0), ("q1", "good 1", "bad 1", 0, 0),
        ("q2", "good 2", "bad 2", 0, 0),
    ]  # fmt: skip
    assert out["rows"][0]["annotators"] == [users[0]["id"]]
    # the rows are alignkit's canonical pairs
    from alignkit.data.schema import PreferencePair

    PreferencePair(**out["rows"][0])


def test_export_ranking_and_kto(env):
    wid, (a,), _users = _team(env, 1)
    three = [{"prompt": "p", "answers": ["x", "y", "z"]}]
    did, ids = env.dataset(wid, {"type": "ranking"}, three, name="rank")
    _submit_all(env, did, ids, [a], [lambda i: {"ranking": [2, 0, 1]}])
    out = env.client.get(f"/api/feedback/datasets/{did}/export", headers=env.admin).json()
    assert [(r["chosen"], r["rejected"]) for r in out["rows"]] == [
        ("z", "x"), ("z", "y"), ("x", "y"),
    ]  # fmt: skip
    did, ids = env.dataset(wid, {"type": "rating"}, three, name="rate")
    _submit_all(env, did, ids, [a], [lambda i: {"ratings": [5, 3, 1]}])
    out = env.client.get(f"/api/feedback/datasets/{did}/export", headers=env.admin).json()
    assert out["format"] == "kto" and out["dropped"] == {"neutral": 1}
    assert [(r["prompt"], r["completion"], r["label"]) for r in out["rows"]] == [
        ("p", "x", True), ("p", "z", False),
    ]  # fmt: skip
    did, ids = env.dataset(wid, {"type": "thumbs"}, three, name="thumbs")
    _submit_all(env, did, ids, [a], [lambda i: {"thumbs": [False, True, True]}])
    out = env.client.get(f"/api/feedback/datasets/{did}/export", headers=env.admin).json()
    assert [r["label"] for r in out["rows"]] == [False, True, True]
    bad = env.client.post(f"/api/feedback/datasets/{did}/records",
                          json={"records": [{"prompt": "p", "answers": []}]},
                          headers=env.admin)  # fmt: skip
    assert_error(bad, 422, "AK-INPUT")


def test_a_draft_and_its_submit_may_share_a_key(env):
    wid, (a,), _users = _team(env, 1)
    did, ids = env.dataset(wid, {"type": "thumbs"}, [{"prompt": "p", "answers": ["x"]}])
    url, key = f"/api/feedback/records/{ids[0]}/responses", {"Idempotency-Key": "same"}
    draft = env.client.post(url, json={"value": {}, "status": "draft"}, headers=a | key)
    submit = env.client.post(url, json={"value": {"thumbs": [True]}}, headers=a | key)
    assert (draft.status_code, submit.status_code) == (201, 201)
    assert submit.json()["status"] == "submitted" and submit.json()["id"] == draft.json()["id"]
    retry = env.client.post(url, json={"value": {"thumbs": [False]}}, headers=a | key)
    assert retry.status_code == 200 and retry.json() == submit.json()
