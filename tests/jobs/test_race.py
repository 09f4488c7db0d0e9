"""Three worker processes race for the same queue; every job must run exactly once."""

from __future__ import annotations

import multiprocessing
import queue
from collections import Counter

from sqlalchemy import select

from alignkit.jobs.models import Job
from tests.jobs import race_worker

WORKERS = 3
JOBS = 36


def test_three_workers_run_every_job_exactly_once(store, db_url):
    submitted = {store.submit("race", {"n": i}, priority=i % 3).id for i in range(JOBS)}
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(WORKERS), ctx.Queue()
    names = [f"racer-{i}" for i in range(WORKERS)]
    procs = [
        ctx.Process(target=race_worker.run, args=(db_url, name, start, results)) for name in names
    ]
    for proc in procs:
        proc.start()
    reports = {}
    try:
        for _ in procs:
            worker_id, claimed, error = results.get(timeout=120)
            reports[worker_id] = claimed
            assert error is None, f"{worker_id}: {error}"
    except queue.Empty:
        raise AssertionError(f"workers did not report; got {sorted(reports)}") from None
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
    assert all(proc.exitcode == 0 for proc in procs)
    assert sum(1 for claimed in reports.values() if claimed) >= 2, f"no race: {reports}"

    counts = Counter(job_id for claimed in reports.values() for job_id in claimed)
    assert set(counts) == submitted and set(counts.values()) == {1}
    with store.engine.connect() as conn:
        rows = conn.execute(select(Job.id, Job.status, Job.worker_id, Job.attempts)).all()
    owner = {job_id: w for w, claimed in reports.items() for job_id in claimed}
    assert len(rows) == JOBS
    for row in rows:
        assert (row.status, row.worker_id, row.attempts) == ("completed", owner[row.id], 1)
