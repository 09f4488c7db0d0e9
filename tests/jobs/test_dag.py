"""A pipeline's edges in the job store, on SQLite and PostgreSQL: a job is claimed only once
all it needs has completed; a failed, cancelled or lost need fails what is downstream of it
(and nothing beside it); resuming the need brings those back; node keys find earlier jobs."""

from __future__ import annotations

import pytest

from alignkit.jobs.records import JobNotFound, JobStateError
from tests.jobs.test_store import WORKER, age


def claim(store):
    return store.claim(WORKER, free_cpus=64, free_gpus=8)


def run_one(store, status="completed"):
    job = claim(store)
    assert job is not None
    store.finish(job.id, status, exit_code=0 if status == "completed" else 1)
    return job


def diamond(store):
    """a -> (b, c) -> d, and e beside them."""
    a = store.submit("data:ingest", {"n": "a"}, priority=0)
    b = store.submit("train:sft", {"n": "b"}, needs=[a.id])
    c = store.submit("train:rm", {"n": "c"}, needs=[a.id])
    d = store.submit("eval:policy", {"n": "d"}, needs=[b.id, c.id], priority=9)
    e = store.submit("report", {"n": "e"})
    return a, b, c, d, e


def test_a_job_starts_only_when_everything_it_needs_completed(store):
    a, b, c, d, e = diamond(store)
    assert store.needs(d.id) == sorted([b.id, c.id])
    # d has the highest priority but waits; a and e are free
    assert {claim(store).id, claim(store).id} == {a.id, e.id}
    assert claim(store) is None  # b, c wait for a
    store.finish(a.id, "completed", exit_code=0)
    store.finish(e.id, "completed", exit_code=0)
    first = claim(store)
    assert first.id in (b.id, c.id)
    assert claim(store).id in (b.id, c.id)
    assert claim(store) is None  # d waits for both
    store.finish(first.id, "completed", exit_code=0)
    assert claim(store) is None
    store.finish(({b.id, c.id} - {first.id}).pop(), "completed", exit_code=0)
    assert claim(store).id == d.id


def test_a_failed_need_fails_what_is_downstream_only(store):
    a, b, c, d, e = diamond(store)
    assert run_one(store).id == a.id
    assert {claim(store).id, claim(store).id} == {b.id, c.id}  # older than e
    store.finish(b.id, "failed", exit_code=1, error="boom")
    got = store.get(d.id)
    assert got.status == "failed" and got.error == f"needs job {b.id}, which failed"
    assert store.get(c.id).status == "in_progress"  # beside the failure: still running
    store.finish(c.id, "completed", exit_code=0)
    assert claim(store).id == e.id  # d stays failed
    assert claim(store) is None


def test_cascade_through_a_chain_and_on_cancel(store):
    a = store.submit("data:ingest", {"n": 1})
    b = store.submit("train:sft", {"n": 2}, needs=[a.id])
    c = store.submit("train:dpo", {"n": 3}, needs=[b.id])
    other = store.submit("train:dpo", {"n": 4})
    store.request_cancel(a.id)  # scheduled: cancelled at once
    assert store.get(b.id).error == f"needs job {a.id}, which cancelled"
    assert store.get(c.id).error == f"needs job {b.id}, which failed"
    assert (store.get(b.id).status, store.get(c.id).status) == ("failed", "failed")
    assert store.get(other.id).status == "scheduled"


def test_resuming_the_need_brings_its_dependents_back(store):
    a = store.submit("data:ingest", {"n": 1})
    b = store.submit("train:sft", {"n": 2}, needs=[a.id])
    c = store.submit("train:dpo", {"n": 3}, needs=[b.id])
    run_one(store, "failed")
    assert store.get(c.id).status == "failed"
    # resuming a dependent while its need is failed would wait forever: refused
    with pytest.raises(JobStateError, match=f"needs job {a.id}, which failed"):
        store.requeue(b.id)
    store.requeue(a.id)
    assert [store.get(i).status for i in (a.id, b.id, c.id)] == ["scheduled"] * 3
    assert store.get(b.id).error is None
    for expected in (a, b, c):
        assert run_one(store).id == expected.id
    assert store.get(c.id).status == "completed"


def test_a_lost_need_fails_its_dependents(store):
    a = store.submit("data:ingest", {"n": 1})
    b = store.submit("train:sft", {"n": 2}, needs=[a.id])
    assert claim(store).id == a.id
    age(store, a.id, 120)
    assert store.reap_lost(60) == [a.id]
    assert store.get(b.id).status == "failed"
    assert store.get(b.id).error == f"needs job {a.id}, which failed"


def test_submitting_after_a_need_failed_fails_at_once(store):
    a = store.submit("data:ingest", {"n": 1})
    run_one(store, "failed")
    b = store.submit("train:sft", {"n": 2}, needs=[a.id])
    assert b.status == "failed" and b.error == f"needs job {a.id}, which failed"
    done = store.submit("data:ingest", {"n": 3})
    run_one(store)
    ok = store.submit("train:sft", {"n": 4}, needs=[done.id])
    assert ok.status == "scheduled" and claim(store).id == ok.id


def test_an_unknown_need_is_refused_and_nothing_is_queued(store):
    with pytest.raises(JobNotFound):
        store.submit("train:sft", {"n": 1}, needs=["00000000-0000-0000-0000-000000000000"])
    assert store.list() == []


def test_deleting_a_need_frees_nothing_by_accident(store):
    a = store.submit("data:ingest", {"n": 1})
    b = store.submit("train:sft", {"n": 2}, needs=[a.id])
    store.delete(b.id)  # the edge goes with it
    store.delete(a.id)
    assert store.list() == []


def test_node_keys_find_earlier_jobs_newest_first(store):
    first = store.submit("train:dpo", {"beta": 0.1}, node_key="k1")
    second = store.submit("train:dpo", {"beta": 0.1}, node_key="k1")
    store.submit("train:dpo", {"beta": 0.2}, node_key="k2")
    assert [j.id for j in store.by_node_key("k1")] == [second.id, first.id]
    assert store.get(first.id).node_key == "k1"
    assert store.by_node_key("nope") == []
