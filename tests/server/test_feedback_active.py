"""Active learning: a reward model attached to a feedback dataset orders its queue by the
model's uncertainty |σ(r_a - r_b) - ½|, smallest first. A tiny reward model trained here scores
the records through `feedback:score` (its stored scores are the model's own, as eval:rm scores
pairs), reruns add nothing, a half-done run resumes; next-record serves in ascending
uncertainty with the unscored records last, detaching restores the default order, and the lease
still gives every record exactly min_submitted responses; the pages say so; migration 0005
upgrades and downgrades. On SQLite, and on PostgreSQL (marked postgres)."""

from __future__ import annotations

import json
import math
import time
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
        # on PostgreSQL a pick skips the rows that another annotator's submit holds locked
        # (SKIP LOCKED): a 204 then means "nothing for you right now", so ask again, as a
        # reopened page does, and stop only after a few in a row
        statuses, url, empty = [], f"/api/feedback/datasets/{did}/next", 0
        while empty < 5:
            got = env.client.get(url, headers=who)
            statuses.append(got.status_code)
            if got.status_code == 204:
                empty += 1
                time.sleep(0.05)
                continue
            empty, rid = 0, got.json()["record"]["id"]
            r = env.client.post(f"/api/feedback/records/{rid}/responses",
                                json={"value": {"choice": "b"}}, headers=who)  # fmt: skip
            statuses.append(r.status_code)
        return statuses

    with ThreadPoolExecutor(len(users)) as pool:
        statuses = [s for done in pool.map(annotate, users) for s in done]
    assert set(statuses) <= {200, 201, 204} and statuses.count(201) == 36
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


# -- scoring with a real reward model -------------------------------------------------------


def _records() -> list[dict]:
    from tests.train.helpers import preference_rows

    rows = preference_rows(10, seed=3)
    # the polite answer first in some records and second in others
    return [{"prompt": r["prompt"], "answers": [r["chosen"], r["rejected"]][:: 1 if i % 3 else -1]}
            for i, r in enumerate(rows)]  # fmt: skip


def _own_scores(rm: Path, records: list[dict]) -> list[list[float]]:
    """The model's own scores of each record's answers, computed as `eval rm` scores pairs
    (tokenize_pairs, then models/scoring.score_ids), each answer as a pair's chosen side."""
    from datasets import Dataset

    from alignkit.models.inference import fit_tokenization, load_reward, run_config, tokenization
    from alignkit.models.scoring import score_ids
    from alignkit.models.tokenize import is_encoder, tokenize_pairs

    model, tokenizer = load_reward(str(rm))
    tok = fit_tokenization(tokenization(None, None, run_config(str(rm))), model, tokenizer,
                           str(rm))  # fmt: skip
    rows = [{"prompt": r["prompt"], "chosen": a, "rejected": a} for r in records
            for a in r["answers"]]  # fmt: skip
    encoded, _ = tokenize_pairs(Dataset.from_list(rows), tokenizer, tok["max_length"],
                                tok["truncation"], is_encoder(model))  # fmt: skip
    flat = [float(x) for x in score_ids(model, list(encoded["chosen_ids"]), tokenizer.pad_token_id)]
    out, start = [], 0
    for r in records:
        out.append(flat[start : start + len(r["answers"])])
        start += len(r["answers"])
    return out


def _stored(store, reward_model: str) -> dict:
    from alignkit.server.feedback.models import RecordScore

    with store.engine.connect() as conn:
        rows = conn.execute(select(RecordScore).where(RecordScore.reward_model == reward_model))
        return {r.record_id: r for r in rows}


@pytest.mark.slow
def test_feedback_score_stores_the_models_own_scores(env, tmp_path, any_db_url, monkeypatch):
    from typer.testing import CliRunner

    from alignkit.cli import app
    from alignkit.errors import AlignkitError
    from alignkit.feedback.score import score
    from alignkit.server.feedback import active
    from alignkit.server.feedback.active_settings import ScoreSettings
    from alignkit.server.feedback.models import RecordScore
    from tests.train.helpers import make_dataset, tiny_rm_run

    monkeypatch.setenv("ALIGNKIT_DATABASE_URL", any_db_url)  # the server's, for the job
    rm = tiny_rm_run(make_dataset(tmp_path, n=24), tmp_path / "rm")
    boss = env.user("boss@x.org")
    wid = env.workspace("w", {"b": (boss, "admin")})
    records = _records()
    did, ids = env.dataset(wid, {"type": "pairwise"}, records)
    with pytest.raises(AlignkitError, match="has no reward model attached"):
        score(ScoreSettings(dataset=did))
    assert attach(env, did, rm, headers(boss)).status_code == 200
    folder = str(rm.resolve())

    # the job as the worker runs it: `alignkit feedback score --config settings.json`, the
    # settings the dataset page's button queues, on the server's database (its environment)
    job = active.submit(env.store, did, boss["id"])
    assert job.kind == "feedback:score" and active.tag(did) in job.tags
    (cfg := tmp_path / "settings.json").write_text(json.dumps(job.settings))
    assert "database" not in job.settings  # no setting names one: a job writes to no other
    ran = CliRunner().invoke(app, ["feedback", "score", "--config", str(cfg)])
    assert ran.exit_code == 0, ran.output
    assert f"feedback:score {did}: 10 records, 10 scored, 0 scored before" in ran.output

    stored = _stored(env.store, folder)
    own = _own_scores(rm, records)
    assert sorted(stored) == sorted(ids)
    for i, rid in enumerate(ids):
        (r_a, r_b), row = own[i], stored[rid]
        assert row.scores == pytest.approx([r_a, r_b], abs=1e-5)
        assert row.uncertainty == pytest.approx(abs(sigmoid(r_a - r_b) - 0.5), abs=1e-6)
    assert len({round(r.uncertainty, 6) for r in stored.values()}) > 1  # the model tells apart

    # a rerun adds nothing and rewrites nothing
    again = score(ScoreSettings(dataset=did))
    assert (again.scored, again.already, again.records) == (0, 10, 10)
    assert {k: tuple(v) for k, v in _stored(env.store, folder).items()} == {
        k: tuple(v) for k, v in stored.items()
    }
    # a run stopped half-way (4 records' scores missing): the rerun scores those 4, the same
    with env.store.engine.begin() as conn:
        conn.execute(RecordScore.__table__.delete().where(RecordScore.record_id.in_(ids[:4])))
    resumed = score(ScoreSettings(dataset=did))
    assert (resumed.scored, resumed.already) == (4, 6)
    for rid, row in _stored(env.store, folder).items():
        assert row.scores == pytest.approx(stored[rid].scores, abs=1e-6)

    # the queue serves them least certain first
    ann = env.user("ann@x.org")
    env.client.put(f"/api/feedback/workspaces/{wid}/members/{ann['id']}",
                   json={"role": "annotator"}, headers=env.admin)  # fmt: skip
    expected = sorted(ids, key=lambda rid: (stored[rid].uncertainty, ids.index(rid)))
    assert served_order(env, did, headers(ann)) == expected

    # a ranking: every answer scored, the uncertainty of its two closest answers
    ranked = [{"prompt": r["prompt"], "answers": [*r["answers"], "Fine. " + r["answers"][0]]}
              for r in records[:4]]  # fmt: skip
    ranking, ranking_ids = env.dataset(wid, {"type": "ranking", "answers": 3}, ranked,
                                       name="ranked")  # fmt: skip
    done = score(ScoreSettings(dataset=ranking, reward_model=str(rm)))
    assert (done.scored, done.records, done.reward_model) == (4, 4, folder)
    rows = _stored(env.store, folder)
    for rid, mine in zip(ranking_ids, _own_scores(rm, ranked), strict=True):
        assert rows[rid].scores == pytest.approx(mine, abs=1e-5)
        s = sorted(mine)
        closest = min(abs(sigmoid(y - x) - 0.5) for x, y in zip(s, s[1:]))
        assert rows[rid].uncertainty == pytest.approx(closest, abs=1e-6)

    # a rating dataset is refused in one line, before any model loads
    rating, _ = env.dataset(wid, {"type": "rating"}, [{"prompt": "p", "answers": ["x"]}],
                            name="rated")  # fmt: skip
    bad = CliRunner().invoke(app, ["feedback", "score", "--dataset", rating,
                                   "--reward-model", folder])  # fmt: skip
    assert bad.exit_code != 0 and isinstance(bad.exception, AlignkitError)
    assert "rating question" in str(bad.exception) and "\n" not in str(bad.exception)


# -- the pages ------------------------------------------------------------------------------


def _completed_rm_job(store, run: Path, *tags: str) -> str:
    job = store.submit("train:rm", {"output_dir": str(run)}, tags=tags)
    run_by_hand(store, job.id, run)
    store.finish(job.id, "completed", exit_code=0)
    return job.id


def test_the_pages_attach_score_and_say_so(team, tmp_path):
    from alignkit.jobs.store import workspace_tag
    from alignkit.server.feedback import active
    from alignkit.server.feedback import store as fb

    ds, _ids = team.dataset({"type": "pairwise"}, prompts(4))
    run, theirs = fake_rm(tmp_path / "rm-run"), fake_rm(tmp_path / "rm-theirs")
    _completed_rm_job(team.store, run)  # a server-wide job (an API key's, the CLI's)
    _completed_rm_job(team.store, theirs, workspace_tag("another-workspace"))
    c, token = team.client, team.login("boss@x.org")
    manage = f"/datasets/{ds.id}/manage"
    page = c.get(manage).text
    assert 'id="active-off"' in page and f'<option value="{run.resolve()}"' in page
    assert str(theirs) not in page  # another workspace's run is neither shown nor attachable
    bad = c.post(f"/datasets/{ds.id}/reward-model",
                 data={"csrf_token": token, "reward_model": str(theirs.resolve())})  # fmt: skip
    assert bad.status_code == 422
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
    queued = c.post(f"/datasets/{ds.id}/score", data={"csrf_token": token},
                    follow_redirects=False)  # fmt: skip
    assert queued.status_code == 303
    (job,) = team.store.list(kind="feedback:score")
    assert job.settings["dataset"] == ds.id and job.settings["reward_model"] == str(run.resolve())
    assert job.user == f"ui:{team.users['boss@x.org'].id}"
    assert workspace_tag(team.ws.id) in job.tags  # its workspace's managers see it
    assert 'class="score-job" data-status="scheduled"' in c.get(manage).text

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


@pytest.mark.slow
def test_the_score_button_queues_a_job_that_a_worker_runs(team, tmp_path, any_db_url,
                                                          monkeypatch):  # fmt: skip
    """The whole loop as a team runs it: a trained reward model's job, attached on the page,
    the Score button, a worker that runs the job as its own process (the server's database
    from the environment, as `alignkit serve` gives its worker), the queue then in its order."""
    from alignkit.jobs.runner import LocalWorker, WorkerSettings
    from alignkit.server.feedback import active
    from tests.train.helpers import make_dataset, tiny_rm_run

    monkeypatch.setenv("ALIGNKIT_DATABASE_URL", any_db_url)
    rm = tiny_rm_run(make_dataset(tmp_path, n=24), tmp_path / "rm")
    _completed_rm_job(team.store, rm)
    ds, ids = team.dataset({"type": "pairwise"}, _records()[:6])
    c, token = team.client, team.login("boss@x.org")
    attached = c.post(f"/datasets/{ds.id}/reward-model",
                      data={"csrf_token": token, "reward_model": str(rm.resolve())})  # fmt: skip
    assert attached.status_code == 200 and active.NOTICE in attached.text
    assert c.post(f"/datasets/{ds.id}/score", data={"csrf_token": token}).status_code == 200
    (job,) = team.store.list(kind="feedback:score")
    LocalWorker(team.store, WorkerSettings(exit_when_idle=True, poll_s=0.05)).run()
    done = team.store.get(job.id)
    assert done.status == "completed", done.error
    page = c.get(f"/datasets/{ds.id}/manage").text
    assert 'id="scored-count">6 / 6<' in page and 'data-status="completed"' in page
    stored = _stored(team.store, str(rm.resolve()))
    assert sorted(stored) == sorted(ids)
    team.login("ann@x.org")
    first = c.get(f"/datasets/{ds.id}/annotate").text
    assert active.NOTICE in first
    least = min(ids, key=lambda rid: (stored[rid].uncertainty, ids.index(rid)))
    assert f"/datasets/{ds.id}/records/{least}" in first  # the least certain pair comes first
