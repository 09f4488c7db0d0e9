"""Active learning: a reward model attached to a feedback dataset orders its queue by the
model's uncertainty |σ(r_a - r_b) - ½|, smallest first (scores written here by hand):
next-record serves in ascending uncertainty with the unscored records last, detaching restores
the default order, and the lease still gives every record exactly min_submitted responses; the
pages say so; migration 0005 upgrades and downgrades. On SQLite, and on PostgreSQL (marked
postgres)."""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, insert, inspect, select

from tests.jobs.conftest import fresh_db_url as fresh_db_url  # noqa: F401  (a fixture)
from tests.server.conftest import run_by_hand
from tests.server.feedback_env import env as env  # noqa: F401  (SQLite, then PostgreSQL)
from tests.server.feedback_env import headers, pairs
from tests.server.test_ui_admin import prompts
from tests.server.test_ui_admin import team as team  # noqa: F401  (a fixture)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def fake_rm(folder: Path) -> Path:
    """What the attach check reads of a reward model's run: run.json (method rm) and model/;
    for the tests of the order, whose scores are written by hand."""
    (folder / "model").mkdir(parents=True)
    (folder / "run.json").write_text(json.dumps({"method": "rm", "status": "succeeded"}))
    return folder


def put_scores(store, reward_model: Path, uncertainties: dict[str, float]) -> None:
    from alignkit.jobs.store import utcnow
    from alignkit.server.feedback.models import RecordScore

    folder, now = str(reward_model.resolve()), utcnow()
    rows = [dict(record_id=rid, reward_model=folder, scores=[u, 0.0], uncertainty=u,
                 scored_at=now) for rid, u in uncertainties.items()]  # fmt: skip
    with store.engine.begin() as conn:
        conn.execute(insert(RecordScore), rows)


def attach(env, did: str, reward_model, who=None):
    body = {"reward_model": None if reward_model is None else str(reward_model)}
    return env.client.patch(f"/api/feedback/datasets/{did}", json=body, headers=who or env.admin)


def served_order(env, did: str, who: dict) -> list[str]:
    """The records `who` is served, one after another, each answered before the next."""
    order, url = [], f"/api/feedback/datasets/{did}/next"
    while (got := env.client.get(url, headers=who)).status_code == 200:
        rid = got.json()["record"]["id"]
        order.append(rid)
        r = env.client.post(f"/api/feedback/records/{rid}/responses",
                            json={"value": {"choice": "a"}}, headers=who)  # fmt: skip
        assert r.status_code == 201, r.json()
    assert got.status_code == 204
    return order


def test_uncertainty_is_that_of_the_two_closest_answers():
    from alignkit.server.feedback.active import uncertainty

    assert uncertainty([1.5, -0.5]) == pytest.approx(abs(sigmoid(2.0) - 0.5))
    assert uncertainty([-0.5, 1.5]) == uncertainty([1.5, -0.5])  # the pair's order: no matter
    assert uncertainty([0.3, 0.3]) == 0.0  # a tie: the model cannot tell them apart
    # a ranking: its closest adjacent pair (3.0 and 3.5), wherever it sits
    assert uncertainty([10.0, 0.0, 3.5, 3.0]) == pytest.approx(abs(sigmoid(0.5) - 0.5))
    assert 0.0 <= uncertainty([40.0, -40.0]) <= 0.5


# -- the order ------------------------------------------------------------------------------


def test_the_queue_follows_the_attached_models_uncertainty(env, tmp_path):
    ann = [env.user(f"a{i}@x.org") for i in range(3)]
    wid = env.workspace("al", {f"a{i}": (u, "annotator") for i, u in enumerate(ann)})
    did, ids = env.dataset(wid, {"type": "pairwise"}, pairs(8), min_submitted=3)
    rm_a, rm_b = fake_rm(tmp_path / "rm-a"), fake_rm(tmp_path / "rm-b")
    u_a = dict(zip(ids[:6], [0.3, 0.05, 0.2, 0.05, 0.45, 0.1], strict=True))  # 6, 7: unscored
    u_b = dict(zip(ids, [0.4, 0.3, 0.2, 0.1, 0.0, 0.35, 0.25, 0.15], strict=True))
    put_scores(env.store, rm_a, u_a)
    put_scores(env.store, rm_b, u_b)

    r = attach(env, did, rm_a)
    assert r.status_code == 200, r.json()
    assert r.json()["reward_model"] == str(rm_a.resolve())
    assert env.client.get(f"/api/feedback/datasets/{did}", headers=env.admin).json()[
        "reward_model"
    ] == str(rm_a.resolve())
    # least certain first, ties in import order, then the unscored records in import order;
    # model B's scores of the same records play no part
    expected = sorted(ids, key=lambda i: (i not in u_a, u_a.get(i, 0), ids.index(i)))
    assert expected == [ids[1], ids[3], ids[5], ids[2], ids[0], ids[4], ids[6], ids[7]]
    assert served_order(env, did, headers(ann[0])) == expected

    r = attach(env, did, None)  # detached: the default order (import order, all at 1 response)
    assert r.status_code == 200 and r.json()["reward_model"] is None
    assert served_order(env, did, headers(ann[1])) == ids

    assert attach(env, did, rm_b).status_code == 200  # re-attached: B's scores are still there
    assert served_order(env, did, headers(ann[2])) == sorted(ids, key=u_b.get)
    counts = env.client.get(f"/api/feedback/datasets/{did}/progress", headers=env.admin).json()
    assert (counts["records"], counts["completed"], counts["responses"]) == (8, 8, 24)


def test_the_lease_still_gives_every_record_exactly_min_submitted(env, tmp_path):
    """The race of test_feedback_lease, smaller, with a reward model ordering the queue (its
    scores on half the records): under the new order the lease's guarantee holds."""
    from alignkit.server.feedback.models import FeedbackRecord, Response
    from tests.server.test_feedback_lease import _annotators

    wid = env.workspace("race")
    did, ids = env.dataset(wid, {"type": "pairwise"}, pairs(12), min_submitted=3)
    rm = fake_rm(tmp_path / "rm")
    put_scores(env.store, rm, {rid: 0.5 - i / 20 for i, rid in enumerate(ids[:6])})
    assert attach(env, did, rm).status_code == 200
    users = _annotators(env, wid)[:12]

    def annotate(who: dict) -> list[int]:
        statuses, url = [], f"/api/feedback/datasets/{did}/next"
        while (got := env.client.get(url, headers=who)).status_code == 200:
            rid = got.json()["record"]["id"]
            r = env.client.post(f"/api/feedback/records/{rid}/responses",
                                json={"value": {"choice": "b"}}, headers=who)  # fmt: skip
            statuses.append(r.status_code)
        return statuses + [got.status_code]

    with ThreadPoolExecutor(len(users)) as pool:
        statuses = [s for done in pool.map(annotate, users) for s in done]
    assert set(statuses) <= {201, 204} and statuses.count(201) == 36
    with env.store.engine.connect() as conn:
        submitted = dict(conn.execute(select(FeedbackRecord.id, FeedbackRecord.submitted)).all())
        responses = conn.execute(select(func.count()).select_from(Response)).scalar()
    assert submitted == dict.fromkeys(ids, 3) and responses == 36


# -- attaching ------------------------------------------------------------------------------


def test_attach_is_checked(env, tmp_path, tmp_path_factory):
    boss, ann = env.user("boss@x.org"), env.user("ann@x.org")
    wid = env.workspace("w", {"b": (boss, "admin"), "a": (ann, "annotator")})
    did, _ids = env.dataset(wid, {"type": "pairwise"}, pairs(2))
    rating, _ = env.dataset(wid, {"type": "rating"}, [{"prompt": "p", "answers": ["x"]}],
                            name="rated")  # fmt: skip
    rm = fake_rm(tmp_path / "rm")
    policy = tmp_path / "dpo"
    (policy / "model").mkdir(parents=True)
    (policy / "run.json").write_text(json.dumps({"method": "dpo"}))

    def line(r, status: int) -> str:
        body = r.json()
        assert r.status_code == status, body
        assert "\n" not in body["message"]
        return body["message"]

    assert "not a training run's folder" in line(attach(env, did, tmp_path / "nothing"), 422)
    assert "not a reward model's run (dpo run)" in line(attach(env, did, policy), 422)
    assert "rating question" in line(attach(env, rating, rm), 422)
    assert line(attach(env, did, rm, headers(ann)), 403)  # an annotator changes nothing
    # a user's login names only folders inside the server's (tmp_path, the data dir); an
    # admin key any
    outside = fake_rm(tmp_path_factory.mktemp("elsewhere") / "rm")
    assert "outside the server's folders" in line(attach(env, did, outside, headers(boss)), 403)
    assert attach(env, did, outside).status_code == 200
    r = attach(env, did, rm / "model", headers(boss))  # the run's model/ names its run
    assert r.status_code == 200 and r.json()["reward_model"] == str(rm.resolve())
    # an update without the field leaves the model attached
    r = env.client.patch(f"/api/feedback/datasets/{did}", json={"guidelines": "new"},
                         headers=env.admin)  # fmt: skip
    assert r.status_code == 200 and r.json()["reward_model"] == str(rm.resolve())


# -- the pages ------------------------------------------------------------------------------


def _completed_rm_job(store, run: Path) -> str:
    job = store.submit("train:rm", {"output_dir": str(run)})
    run_by_hand(store, job.id, run)
    store.finish(job.id, "completed", exit_code=0)
    return job.id


def test_the_pages_attach_score_and_say_so(team, tmp_path):
    from alignkit.server.feedback import active
    from alignkit.server.feedback import store as fb

    ds, _ids = team.dataset({"type": "pairwise"}, prompts(4))
    run = fake_rm(tmp_path / "rm-run")
    _completed_rm_job(team.store, run)
    c, token = team.client, team.login("boss@x.org")
    manage = f"/datasets/{ds.id}/manage"
    page = c.get(manage).text
    assert 'id="active-off"' in page and f'<option value="{run.resolve()}"' in page
    url = f"/datasets/{ds.id}/reward-model"
    assert c.post(url, data={"reward_model": str(run)}).status_code == 403  # no CSRF token
    bad = c.post(url, data={"csrf_token": token, "reward_model": str(tmp_path)})
    assert bad.status_code == 422 and "pick one of the reward models offered" in bad.text
    made = c.post(url, data={"csrf_token": token, "reward_model": str(run.resolve()),
                             "action": "attach"}, follow_redirects=False)  # fmt: skip
    assert made.status_code == 303
    assert fb.dataset(team.store.engine, ds.id, None).reward_model == str(run.resolve())
    page = c.get(manage).text
    assert active.NOTICE in page and 'id="scored-count">0 / 4<' in page

    assert c.post(f"/datasets/{ds.id}/score", data={}).status_code == 403
    ann_token = team.login("ann@x.org")  # the annotator's page says so; their forms: refused
    assert active.NOTICE in c.get(f"/datasets/{ds.id}/annotate").text
    refused = c.post(url, data={"csrf_token": ann_token, "action": "detach"})
    assert refused.status_code == 403
    assert c.post(f"/datasets/{ds.id}/score", data={"csrf_token": ann_token}).status_code == 403

    token = team.login("boss@x.org")
    gone = c.post(url, data={"csrf_token": token, "action": "detach"}, follow_redirects=False)
    assert gone.status_code == 303
    assert fb.dataset(team.store.engine, ds.id, None).reward_model is None
    assert 'id="active-off"' in c.get(manage).text
    team.login("ann@x.org")
    assert active.NOTICE not in c.get(f"/datasets/{ds.id}/annotate").text
    assert "Served by reward-model" not in c.get(f"/datasets/{ds.id}/annotate").text


def test_a_rating_dataset_offers_no_reward_model(team):
    ds, _ = team.dataset({"type": "rating"}, [{"prompt": "p", "answers": ["x"]}])
    team.login("boss@x.org")
    page = team.client.get(f"/datasets/{ds.id}/manage").text
    assert "orders only pairwise and ranking datasets" in page and 'id="reward-model"' not in page


# -- migration 0005 -------------------------------------------------------------------------


def _downgrade(engine, revision: str) -> None:
    from alembic import command

    from alignkit.jobs import db

    with db.writer(engine).begin() as conn:
        command.downgrade(db._alembic_config(conn), revision)


def test_migration_0005_upgrades_and_downgrades_keeping_the_data(fresh_db_url):
    from alignkit.jobs import db
    from alignkit.jobs.store import utcnow
    from alignkit.server.feedback import auth
    from alignkit.server.feedback import store as fb
    from tests.jobs.test_migrations import differences

    engine = db.make_engine(fresh_db_url)
    try:
        assert db.upgrade(engine) == "0005" == db.head()
        ws = auth.create_workspace(engine, "w")
        ds = fb.create_dataset(engine, ws.id, "d", {"type": "pairwise"})
        ids = fb.add_records(engine, ds.id, None, pairs(3))
        fb.update_dataset(engine, ds.id, None, guidelines="kept")
        with db.writer(engine).begin() as conn:
            conn.execute(fb.DATASETS.update().values(reward_model="/runs/rm"))
            conn.execute(insert(fb.SCORES).values(record_id=ids[0], reward_model="/runs/rm",
                                                  scores=[1.0, 0.5], uncertainty=0.12,
                                                  scored_at=utcnow()))  # fmt: skip

        _downgrade(engine, "0004")
        assert db.current(engine) == "0004"
        assert "feedback_record_scores" not in inspect(engine).get_table_names()
        columns = {c["name"] for c in inspect(engine).get_columns("feedback_datasets")}
        assert "reward_model" not in columns and "min_submitted" in columns
        with engine.connect() as conn:  # a downgrade keeps the datasets, records, responses
            assert conn.execute(select(func.count()).select_from(fb.RECORDS)).scalar() == 3
            guidelines = conn.execute(select(fb.DATASETS.c.guidelines)).scalar()
        assert guidelines == "kept"

        assert db.upgrade(engine) == "0005"
        assert differences(engine) == []
        with engine.connect() as conn:
            assert conn.execute(select(fb.DATASETS.c.reward_model)).scalar() is None
            assert conn.execute(select(func.count()).select_from(fb.SCORES)).scalar() == 0
            assert conn.execute(select(func.count()).select_from(fb.RECORDS)).scalar() == 3
    finally:
        engine.dispose()


def test_a_dataset_deleted_takes_its_scores(env, tmp_path):
    """The scores hang off their records (ON DELETE CASCADE), as the responses do."""
    from alignkit.server.feedback import store as fb

    wid = env.workspace("w")
    did, ids = env.dataset(wid, {"type": "pairwise"}, pairs(2))
    put_scores(env.store, fake_rm(tmp_path / "rm"), {ids[0]: 0.1, ids[1]: 0.2})
    with env.store.engine.begin() as conn:
        conn.execute(fb.DATASETS.delete().where(fb.DATASETS.c.id == did))
    with env.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(fb.SCORES)).scalar() == 0
