"""A server restart with a training job running loses nothing: `alignkit serve` stops its
worker, the worker sends the job SIGTERM (the run saves a checkpoint), requeues it, and the
restarted server's worker continues it from that checkpoint to completed."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.server.test_serve import free_port, start, stop
from tests.train.helpers import make_dataset


@pytest.mark.slow
def test_a_training_job_survives_a_server_restart(tmp_path):
    from alignkit.jobs.store import JobStore
    from alignkit.server import keys

    data = make_dataset(tmp_path, n=80)
    store = JobStore.open()
    _key, token = keys.create(store.engine, "member")
    headers = {"Authorization": f"Bearer {token}"}
    run = tmp_path / "run"
    settings = {
        "base_model": "tiny-bert", "dataset_dir": str(data), "output_dir": str(run),
        "max_steps": 150, "batch_size": 2, "save_steps": 5, "eval_steps": 1000,
        "logging_steps": 5, "max_length": 64,
    }  # fmt: skip
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(tmp_path / "serve.log", "wb") as log:
        server = start(port, log, root=tmp_path)
        try:
            job = httpx.post(
                f"{base}/api/jobs", headers=headers, json={"kind": "train:rm", "settings": settings}
            ).json()
            deadline = time.monotonic() + 180
            while not any(
                (p / "alignkit_complete.json").exists() for p in run.glob("checkpoint-*")
            ):
                assert time.monotonic() < deadline, "no checkpoint in time"
                time.sleep(0.2)
        finally:
            stop(server)  # with the job running
        between = store.get(job["id"])
        assert (between.status, between.attempts) == ("scheduled", 2)  # requeued, not failed
        first = json.loads((run / "run.json").read_text())
        assert first["status"] == "stopped" and 0 < first["steps"] < 150

        server = start(port, log, root=tmp_path)
        try:
            deadline = time.monotonic() + 300
            while (got := httpx.get(f"{base}/api/jobs/{job['id']}", headers=headers).json())[
                "status"
            ] not in ("completed", "failed", "cancelled"):
                assert time.monotonic() < deadline, got
                time.sleep(0.5)
        finally:
            stop(server)
    assert got["status"] == "completed", (tmp_path / "serve.log").read_text()[-3000:]
    final = json.loads((run / "run.json").read_text())
    assert final["status"] == "succeeded" and final["steps"] == 150 and "resumed_from" in final
