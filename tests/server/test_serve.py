"""`alignkit serve` for real: the server and its worker process, a data:ingest job over HTTP
from submit to its downloaded schema report; SIGTERM stops the server and the worker with it;
a restarted server still knows the job."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.server.test_datasets import write_pairs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int, log, root=None) -> subprocess.Popen:
    """`alignkit serve` on `port`; `root`: a folder (the test's) where member keys may work."""
    roots = ["--root", str(root)] if root else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "alignkit.cli", "serve", "--port", str(port), *roots],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited on start"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("the server did not answer /health in 60 s")


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 0


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_runs_a_job_end_to_end_and_survives_a_restart(tmp_path):
    from alignkit.jobs.store import JobStore
    from alignkit.server import keys

    store = JobStore.open()  # the data dir's database, as the server's
    _key, token = keys.create(store.engine, "member")
    headers = {"Authorization": f"Bearer {token}"}
    source = write_pairs(tmp_path / "pairs.jsonl")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(tmp_path / "serve.log", "wb") as log:
        server = start(port, log, root=tmp_path)
        try:
            assert httpx.get(f"{base}/api/jobs").status_code == 401
            body = {
                "kind": "data:ingest",
                "settings": {"input": str(source), "output": str(tmp_path / "data")},
            }
            job = httpx.post(f"{base}/api/jobs", headers=headers, json=body).json()
            deadline = time.monotonic() + 120
            while job["status"] not in ("completed", "failed", "cancelled"):
                assert time.monotonic() < deadline, job
                time.sleep(0.3)
                job = httpx.get(f"{base}/api/jobs/{job['id']}", headers=headers).json()
            assert job["status"] == "completed", job
            artifacts = httpx.get(f"{base}/api/jobs/{job['id']}/artifacts", headers=headers).json()
            report = next(a for a in artifacts if a["path"].endswith("schema_report.json"))
            downloaded = httpx.get(base + report["download_url"], headers=headers)
            assert downloaded.status_code == 200
            assert json.loads(downloaded.content) == json.loads(
                (tmp_path / "data" / "schema_report.json").read_bytes()
            )
            workers = store.workers()
            assert len(workers) == 1
        finally:
            stop(server)
        assert not alive(workers[0].pid), "the worker outlived its server"
        assert store.workers() == []  # it stopped cleanly: it removed itself

        server = start(port, log, root=tmp_path)
        try:
            again = httpx.get(f"{base}/api/jobs/{job['id']}", headers=headers).json()
            assert (again["status"], again["completed_at"]) == ("completed", job["completed_at"])
        finally:
            stop(server)
