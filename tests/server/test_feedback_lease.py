"""The lease under concurrency: 30 annotators race over 20 records that each need 3 responses,
a fifth of their submits retried with the same idempotency key. Every record ends with exactly
3 submitted responses, none duplicated or lost, and no request answers 5xx."""

from __future__ import annotations

import random
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, insert, select

from tests.server.feedback_env import env as env  # noqa: F401  (the fixture)
from tests.server.feedback_env import pairs

ANNOTATORS, RECORDS, NEEDED = 30, 20, 3


def _annotators(env, wid: str) -> list[dict[str, str]]:
    """30 users with sessions, made in the store (one argon2 hash, not 30 logins)."""
    from alignkit.jobs.store import utcnow
    from alignkit.server.feedback import auth
    from alignkit.server.feedback.models import Member, User

    out = []
    with env.store.engine.begin() as conn:
        rows = [dict(id=str(uuid.uuid4()), email=f"r{i}@x.org", name=None, password_hash="-",
                     created_at=utcnow()) for i in range(ANNOTATORS)]  # fmt: skip
        conn.execute(insert(User), rows)
        conn.execute(
            insert(Member),
            [dict(workspace_id=wid, user_id=r["id"], role="annotator") for r in rows],
        )
    for row in rows:
        user = auth.UserRecord(row["id"], row["email"], None, row["created_at"])
        record, token = auth.start_session(env.store.engine, user)
        out.append({"Cookie": f"{auth.COOKIE}={token}", "X-CSRF-Token": record.csrf_token})
    return out


def test_every_record_gets_exactly_min_submitted(env):
    from alignkit.server.feedback.models import FeedbackRecord, Response

    wid = env.workspace("race")
    did, ids = env.dataset(wid, {"type": "pairwise"}, pairs(RECORDS), min_submitted=NEEDED)
    users = _annotators(env, wid)
    statuses: list[int] = []
    lock = threading.Lock()
    made: dict[str, str] = {}  # response id -> record id, from first answers and retries alike

    def annotate(n: int) -> int:
        rng, who, done = random.Random(n), users[n], 0
        while True:
            got = env.client.get(f"/api/feedback/datasets/{did}/next", headers=who)
            with lock:
                statuses.append(got.status_code)
            if got.status_code == 204:
                return done
            assert got.status_code == 200, got.json()
            record = got.json()["record"]["id"]
            key = {"Idempotency-Key": uuid.uuid4().hex}
            body = {"value": {"choice": rng.choice("ab")}}
            url = f"/api/feedback/records/{record}/responses"
            tries = 2 if rng.random() < 0.2 else 1  # a retry: the first answer was "lost"
            ids_seen = set()
            for attempt in range(tries):
                r = env.client.post(url, json=body, headers=who | key)
                with lock:
                    statuses.append(r.status_code)
                assert r.status_code == (201 if attempt == 0 else 200), r.json()
                ids_seen.add(r.json()["id"])
            assert len(ids_seen) == 1
            with lock:
                made[ids_seen.pop()] = record
            done += 1

    with ThreadPoolExecutor(ANNOTATORS) as pool:
        answered = list(pool.map(annotate, range(ANNOTATORS)))

    assert not [s for s in statuses if s >= 500]
    assert sum(answered) == RECORDS * NEEDED == len(made)
    with env.store.engine.connect() as conn:
        per_record = dict(
            conn.execute(
                select(Response.record_id, func.count())
                .where(Response.status == "submitted")
                .group_by(Response.record_id)
            ).all()
        )
        counters = dict(conn.execute(select(FeedbackRecord.id, FeedbackRecord.submitted)).all())
        rows = conn.execute(select(func.count()).select_from(Response)).scalar_one()
    assert per_record == {rid: NEEDED for rid in ids}  # exactly 3 each: none lost, none extra
    assert counters == per_record and rows == len(made)
    progress = env.client.get(f"/api/feedback/datasets/{did}/progress", headers=env.admin).json()
    assert (progress["records"], progress["completed"], progress["responses"]) == (20, 20, 60)
    assert sorted(a["submitted"] for a in progress["annotators"]) == sorted(
        n for n in answered if n
    )
