"""A worker process for test_race.py, in a module of its own so that a 'spawn' child imports
only this and alignkit, not pytest and the tests."""

from __future__ import annotations

import os
from typing import Any


def run(url: str, worker_id: str, start: Any, results: Any) -> None:
    from alignkit.jobs.db import make_engine
    from alignkit.jobs.store import JobStore

    engine = make_engine(url)
    store = JobStore(engine)
    claimed: list[str] = []
    try:
        start.wait(timeout=60)  # all workers claim at once
        while (job := store.claim(worker_id, free_cpus=4, free_gpus=0)) is not None:
            claimed.append(job.id)
            store.set_running(job.id, pid=os.getpid(), host="test", worker_id=worker_id)
            store.finish(job.id, "completed", exit_code=0, worker_id=worker_id)
        results.put((worker_id, claimed, None))
    except BaseException as exc:  # reported to the test, which fails with it
        results.put((worker_id, claimed, f"{type(exc).__name__}: {exc}"))
    finally:
        engine.dispose()
