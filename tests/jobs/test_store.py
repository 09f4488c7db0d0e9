"""The job store's API and its transition rules, on SQLite and PostgreSQL (conftest.py)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from alignkit.errors import AlignkitError
from alignkit.jobs.models import Artifact, Job
from alignkit.jobs.records import STATUSES, TRANSITIONS, JobNotFound, JobStateError

WORKER = "w1"

# Written out by hand, not derived from TRANSITIONS: store operation -> {from: to}. A status
# missing from an operation's row is one it must refuse, changing nothing.
EXPECTED = {
    "set_running": {"in_progress": "in_progress"},
    "finish_completed": {"in_progress": "completed"},
    "finish_failed": {"in_progress": "failed"},
    "finish_cancelled": {"in_progress": "cancelled"},
    "request_cancel": {"scheduled": "cancelled", "in_progress": "in_progress"},
    "requeue": {"failed": "scheduled", "cancelled": "scheduled"},
    "delete": {s: None for s in ("scheduled", "completed", "failed", "cancelled")},
}

OPERATIONS = {
    "set_running": lambda s, i: s.set_running(i, pid=123, host="h", run_dir="/r", log_path="/l"),
    "finish_completed": lambda s, i: s.finish(i, "completed", exit_code=0),
    "finish_failed": lambda s, i: s.finish(i, "failed", exit_code=1, error="boom"),
    "finish_cancelled": lambda s, i: s.finish(i, "cancelled", exit_code=-15),
    "request_cancel": lambda s, i: s.request_cancel(i),
    "requeue": lambda s, i: s.requeue(i),
    "delete": lambda s, i: s.delete(i),
}


def job_in(store, status, **submit):
    """A job in `status`, reached through legal transitions only."""
    job = store.submit("train:dpo", {"beta": 0.1}, **submit)
    if status == "scheduled":
        return store.get(job.id)
    if status == "cancelled":
        store.request_cancel(job.id)
        return store.get(job.id)
    claimed = store.claim(WORKER, free_cpus=64, free_gpus=8)
    assert claimed is not None and claimed.id == job.id
    if status in ("completed", "failed"):
        store.finish(job.id, status, exit_code=0 if status == "completed" else 1)
    return store.get(job.id)


def age(store, job_id, seconds):
    """Push a running job's last heartbeat into the past, as a silent worker would leave it."""
    past = datetime.now(UTC) - timedelta(seconds=seconds)
    with store.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=past))


def test_submit_and_get_round_trip(store):
    job = store.submit(
        "train:dpo",
        {"beta": 0.1, "model": {"name": "tiny"}, "layers": [1, 2]},
        priority=3,
        cpus=2,
        gpus=1,
        tags=["sweep", "a"],
        user="ada",
        resume_on_lost=True,
    )
    got = store.get(job.id)
    assert got == job
    assert got.kind == "train:dpo" and got.status == "scheduled" and not got.done
    assert got.settings == {"beta": 0.1, "model": {"name": "tiny"}, "layers": [1, 2]}
    assert (got.priority, got.cpus, got.gpus, got.tags) == (3, 2, 1, ("sweep", "a"))
    assert (got.user, got.resume_on_lost, got.cancel_requested, got.attempts) == (
        "ada",
        True,
        False,
        1,
    )
    assert got.created_at.tzinfo is not None and got.created_at.utcoffset() == timedelta(0)
    assert abs(got.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert got.started_at is None and got.worker_id is None and got.pid is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.status = "failed"  # type: ignore[misc]


def test_defaults(store):
    job = store.submit("eval:policy", {})
    assert (job.priority, job.cpus, job.gpus, job.tags, job.user) == (0, 1, 0, (), None)


def test_unknown_job_is_one_line(store):
    with pytest.raises(JobNotFound, match="no job with id 'nope'") as info:
        store.get("nope")
    assert isinstance(info.value, AlignkitError) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    "settings, submit, message",
    [
        ({"path": object()}, {}, "settings must be plain JSON"),
        ({}, {"cpus": -1}, "cannot ask for -1 CPUs"),
        ({}, {"tags": [1]}, "tags must be strings"),
    ],
)
def test_submit_refuses_bad_input(store, settings, submit, message):
    with pytest.raises(AlignkitError, match=message):
        store.submit("train:dpo", settings, **submit)
    assert store.list() == []


def test_list_newest_first_with_filters(store):
    a = store.submit("train:dpo", {})
    b = store.submit("train:rm", {})
    c = store.submit("train:dpo", {})
    store.request_cancel(b.id)
    assert [j.id for j in store.list()] == [c.id, b.id, a.id]
    assert [j.id for j in store.list(limit=2)] == [c.id, b.id]
    assert [j.id for j in store.list(status="scheduled")] == [c.id, a.id]
    assert [j.id for j in store.list(status="cancelled")] == [b.id]
    assert [j.id for j in store.list(kind="train:rm")] == [b.id]
    with pytest.raises(AlignkitError, match="unknown job status 'running'"):
        store.list(status="running")  # type: ignore[arg-type]


def test_a_job_runs_start_to_finish(store):
    job = store.submit("train:dpo", {})
    claimed = store.claim(WORKER, free_cpus=1, free_gpus=0)
    assert claimed.id == job.id and claimed.status == "in_progress"
    assert claimed.worker_id == WORKER and claimed.started_at and claimed.heartbeat_at
    running = store.set_running(
        job.id, pid=4242, host="box", run_dir="/runs/a", log_path="/runs/a/log", worker_id=WORKER
    )
    assert (running.pid, running.host, running.run_dir, running.log_path) == (
        4242,
        "box",
        "/runs/a",
        "/runs/a/log",
    )
    reply = store.heartbeat(WORKER, [job.id])
    assert reply.cancel_requested == frozenset() and reply.not_owned == frozenset()
    done = store.finish(job.id, "completed", exit_code=0, worker_id=WORKER)
    assert done.status == "completed" and done.done and done.exit_code == 0
    assert done.started_at <= done.completed_at
    assert store.get(job.id) == done


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("operation", sorted(EXPECTED))
def test_transition_table(store, operation, status):
    job = job_in(store, status)
    target = EXPECTED[operation].get(status, "refused")
    if target == "refused":
        with pytest.raises(JobStateError, match=f"job {job.id} is {status}: cannot") as info:
            OPERATIONS[operation](store, job.id)
        assert "\n" not in str(info.value)
        assert store.get(job.id) == job  # nothing changed
    elif target is None:
        OPERATIONS[operation](store, job.id)
        with pytest.raises(JobNotFound):
            store.get(job.id)
    else:
        after = OPERATIONS[operation](store, job.id)
        assert after.status == target and store.get(job.id) == after


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_unknown_job_in_every_operation(store, operation):
    with pytest.raises(JobNotFound):
        OPERATIONS[operation](store, "missing")


def test_the_table_has_one_row_per_action():
    # every source state is a real status; only delete removes the row
    for action, rule in TRANSITIONS.items():
        assert rule.sources <= set(STATUSES), action
        assert (rule.target is None) == (action == "delete")
    assert TRANSITIONS["claim"].sources == {"scheduled"}
    assert TRANSITIONS["lost"].target == "failed"
    assert TRANSITIONS["lost_requeue"].target == "scheduled"


def test_claim_takes_only_scheduled_jobs(store):
    for status in ("in_progress", "completed", "failed", "cancelled"):
        job_in(store, status)
    assert store.claim("w2", free_cpus=64, free_gpus=8) is None


def test_finish_by_another_worker_is_refused(store):
    job = job_in(store, "in_progress")
    with pytest.raises(JobStateError, match="in_progress on another worker: cannot complete"):
        store.finish(job.id, "completed", exit_code=0, worker_id="intruder")
    with pytest.raises(JobStateError, match="on another worker: cannot set running"):
        store.set_running(job.id, pid=1, host="h", worker_id="intruder")
    assert store.get(job.id) == job


def test_finish_keeps_the_error_to_one_line(store):
    job = job_in(store, "in_progress")
    done = store.finish(
        job.id, "failed", 1, "Traceback:\n  boom\n\tValueError: x" + "y" * 900, traceback_path="/t"
    )
    assert done.error.startswith("Traceback: boom ValueError: x") and "\n" not in done.error
    assert len(done.error) <= 500 and done.traceback_path == "/t"
    with pytest.raises(AlignkitError, match="finishes as one of"):
        store.finish(job.id, "scheduled")  # type: ignore[arg-type]


def test_claim_order_is_priority_then_age(store):
    low = store.submit("k", {}, priority=0)
    high_old = store.submit("k", {}, priority=5)
    mid = store.submit("k", {}, priority=1)
    high_new = store.submit("k", {}, priority=5)
    negative = store.submit("k", {}, priority=-2)
    order = []
    while (job := store.claim(WORKER, free_cpus=8, free_gpus=0)) is not None:
        order.append(job.id)
    assert order == [high_old.id, high_new.id, mid.id, low.id, negative.id]


def test_claim_takes_only_jobs_that_fit(store):
    big = store.submit("k", {}, priority=9, cpus=2, gpus=2)
    gpu = store.submit("k", {}, priority=5, cpus=1, gpus=1)
    cpu = store.submit("k", {}, priority=1, cpus=4, gpus=0)
    free = store.submit("k", {}, priority=0, cpus=0, gpus=0)
    assert store.claim(WORKER, free_cpus=1, free_gpus=1).id == gpu.id
    assert store.claim(WORKER, free_cpus=3, free_gpus=1).id == free.id
    assert store.claim(WORKER, free_cpus=3, free_gpus=8).id == big.id
    assert store.claim(WORKER, free_cpus=3, free_gpus=8) is None  # cpu needs 4 CPUs
    assert store.claim(WORKER, free_cpus=4, free_gpus=0).id == cpu.id


def test_resource_filter_edges(store):
    big = store.submit("k", {}, priority=9, cpus=2, gpus=2)
    cpu = store.submit("k", {}, priority=1, cpus=4, gpus=0)
    assert store.claim(WORKER, free_cpus=0, free_gpus=8) is None
    assert store.claim(WORKER, free_cpus=4, free_gpus=1).id == cpu.id  # big needs 2 GPUs
    assert store.claim(WORKER, free_cpus=1, free_gpus=2) is None  # big needs 2 CPUs
    assert store.claim(WORKER, free_cpus=2, free_gpus=2).id == big.id


def test_cancel_a_scheduled_job(store):
    job = store.submit("k", {})
    cancelled = store.request_cancel(job.id)
    assert cancelled.status == "cancelled" and cancelled.completed_at is not None
    assert store.claim(WORKER, free_cpus=8, free_gpus=8) is None


def test_cancel_a_running_job_asks_its_worker(store):
    job = job_in(store, "in_progress")
    flagged = store.request_cancel(job.id)
    assert flagged.status == "in_progress" and flagged.cancel_requested
    assert store.request_cancel(job.id).cancel_requested  # asking twice is harmless
    reply = store.heartbeat(WORKER, [job.id])
    assert reply.cancel_requested == {job.id} and reply.not_owned == frozenset()
    done = store.finish(job.id, "cancelled", exit_code=-15, worker_id=WORKER)
    assert done.status == "cancelled" and done.completed_at is not None
    with pytest.raises(JobStateError, match="is cancelled: cannot cancel"):
        store.request_cancel(job.id)


def test_requeue_counts_attempts_and_forgets_the_last_run(store):
    job = job_in(store, "in_progress")
    store.set_running(job.id, pid=7, host="h", run_dir="/runs/x", log_path="/runs/x/log")
    store.finish(job.id, "failed", exit_code=1, error="boom", traceback_path="/runs/x/tb")
    again = store.requeue(job.id)
    assert again.status == "scheduled" and again.attempts == 2
    assert (again.worker_id, again.pid, again.host, again.exit_code, again.error) == (None,) * 5
    assert again.started_at is None and again.completed_at is None
    assert again.run_dir == "/runs/x"  # a resumed run continues in its folder
    store.claim(WORKER, free_cpus=1, free_gpus=0)
    store.request_cancel(job.id)
    store.finish(job.id, "cancelled")
    assert store.requeue(job.id).attempts == 3
    assert store.claim(WORKER, free_cpus=1, free_gpus=0).id == job.id


def test_reap_lost_fails_a_silent_workers_job(store):
    lost = job_in(store, "in_progress")
    alive = job_in(store, "in_progress")
    age(store, lost.id, 120)
    assert store.reap_lost(60) == [lost.id]
    failed = store.get(lost.id)
    assert failed.status == "failed" and failed.error == "worker lost"
    assert failed.completed_at is not None
    assert store.get(alive.id).status == "in_progress"
    assert store.reap_lost(60) == []  # reaped once
    # the old worker, if it was only slow, learns it no longer owns the job
    assert store.heartbeat(WORKER, [lost.id, alive.id]).not_owned == {lost.id}
    with pytest.raises(JobStateError):
        store.finish(lost.id, "completed", worker_id=WORKER)


def test_reap_lost_requeues_when_the_job_asked(store):
    job = job_in(store, "in_progress", resume_on_lost=True)
    cancelled = job_in(store, "in_progress", resume_on_lost=True)
    store.request_cancel(cancelled.id)
    age(store, job.id, 120)
    age(store, cancelled.id, 120)
    assert store.reap_lost(60) == sorted([job.id, cancelled.id])
    again = store.get(job.id)
    assert again.status == "scheduled" and again.attempts == 2 and again.worker_id is None
    # a user asked to stop it: it is not started again
    assert store.get(cancelled.id).status == "failed"
    claimed = store.claim("w2", free_cpus=1, free_gpus=0)
    assert claimed.id == job.id and claimed.worker_id == "w2"
    assert store.heartbeat(WORKER, [job.id]).not_owned == {job.id}


def test_heartbeat_keeps_jobs_alive(store):
    worker = store.register_worker(backend="local")
    other = store.register_worker(backend="ray", host="head", pid=1, worker_id="ray-1")
    mine = store.submit("k", {})
    theirs = store.submit("k", {})
    store.claim(worker.id, free_cpus=1, free_gpus=0)
    store.claim(other.id, free_cpus=1, free_gpus=0)
    age(store, mine.id, 120)
    reply = store.heartbeat(worker.id, [mine.id, theirs.id, "gone"])
    assert reply.not_owned == {theirs.id, "gone"}
    assert store.get(mine.id).heartbeat_at > store.get(mine.id).started_at
    assert store.reap_lost(60) == []
    beat = {w.id: w for w in store.workers()}[worker.id].heartbeat_at
    assert beat > worker.heartbeat_at
    assert store.heartbeat(worker.id, []).not_owned == frozenset()


def test_workers(store):
    a = store.register_worker()
    b = store.register_worker(backend="ray", host="head", pid=9, worker_id="head-9")
    assert [w.id for w in store.workers()] == [a.id, "head-9"]
    assert (b.host, b.pid, b.backend) == ("head", 9, "ray")
    assert a.started_at.tzinfo is not None
    store.remove_worker(a.id)
    assert [w.id for w in store.workers()] == ["head-9"]


def test_artifacts(store):
    job = job_in(store, "in_progress")
    empty = store.submit("k", {})
    ckpt = store.add_artifact(
        job.id, "checkpoint", "/runs/a/checkpoint-10", step=10, epoch=0.5, metrics={"loss": 0.7}
    )
    model = store.add_artifact(job.id, "model", "/runs/a/model")
    assert [a.id for a in store.artifacts(job.id)] == [ckpt.id, model.id]
    got = store.artifacts(job.id)[0]
    assert got == ckpt
    assert (got.kind, got.path, got.step, got.epoch, got.metrics) == (
        "checkpoint",
        "/runs/a/checkpoint-10",
        10,
        0.5,
        {"loss": 0.7},
    )
    assert model.metrics == {} and model.step is None and model.created_at.tzinfo is not None
    assert store.artifacts(empty.id) == []
    with pytest.raises(AlignkitError, match="unknown artifact kind 'weights'"):
        store.add_artifact(job.id, "weights", "/x")
    with pytest.raises(JobNotFound):
        store.add_artifact("missing", "model", "/x")
    with pytest.raises(JobNotFound):
        store.artifacts("missing")


def test_delete_takes_its_artifacts(store):
    job = job_in(store, "completed")
    keep = job_in(store, "completed")
    store.add_artifact(job.id, "model", "/m")
    store.add_artifact(keep.id, "eval", "/e.json")
    store.delete(job.id)
    with pytest.raises(JobNotFound):
        store.get(job.id)
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Artifact)).scalar() == 1
    assert [a.path for a in store.artifacts(keep.id)] == ["/e.json"]
    running = job_in(store, "in_progress")
    with pytest.raises(JobStateError, match="is in_progress: cannot delete"):
        store.delete(running.id)


def test_an_open_read_does_not_block_writers(store):
    # a dashboard holding a read transaction must not stall workers (WAL on SQLite)
    job = store.submit("k", {})
    with store.engine.connect() as conn:
        assert conn.execute(select(Job.id)).all()
        assert store.claim(WORKER, free_cpus=1, free_gpus=0).id == job.id
        store.finish(job.id, "completed", exit_code=0)
    assert store.get(job.id).status == "completed"
