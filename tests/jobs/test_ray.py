"""The Ray backend against a real local cluster (`ray start --head --num-cpus 2`, started once
for all of them): the local worker's scenarios from test_runner.py run again with `alignkit worker
--backend ray --address ...` (an ingest job completes with its artifacts and logs, a failing
command's one-line error, cancel during training with a checkpoint saved and resume), then what
only Ray does: resources as the entrypoint's CPUs, a killed worker's job still running on the
cluster and stopped before its next attempt. A cluster that cannot start fails these tests."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alignkit.data.settings import IngestSettings
from alignkit.jobs.api import submit
from alignkit.jobs.store import JobStore
from tests.jobs import test_runner
from tests.jobs.test_runner import (  # noqa: F401 - collected here again, on Ray
    checkpoint_exists,
    drain,
    pairs_file,
    rm_job,
    test_cancel_during_training_saves_a_checkpoint_and_resume_finishes,
    test_failing_command_fails_the_job_with_its_one_line_error,
    test_ingest_job_completes_with_its_artifacts,
    wait_for,
    worker,
)

pytestmark = pytest.mark.ray
RAY = Path(sys.executable).parent / "ray"


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


@pytest.fixture(scope="module")
def ray_address(tmp_path_factory):
    """A head node with 2 CPUs and its dashboard (the Jobs API), every port its own, so that
    another cluster on this machine does not collide; its session files in pytest's tmp.
    Started once: every test that needs it is in this module, and the module's scope stops
    it as soon as they are done, not after the rest of the suite has run beside it."""
    try:
        from ray.job_submission import JobSubmissionClient
    except ImportError as exc:
        pytest.fail(f"Ray is not installed (pip install 'alignkit[ray]'): {exc}")
    temp = tmp_path_factory.mktemp("ray")
    gcs, dash, client, agent, env_agent, metrics = _free_ports(6)
    cmd = [
        str(RAY), "start", "--head", "--block", "--num-cpus", "2", "--num-gpus", "0",
        "--node-ip-address", "127.0.0.1", "--port", str(gcs), "--include-dashboard=true",
        "--dashboard-host", "127.0.0.1", "--dashboard-port", str(dash),
        "--ray-client-server-port", str(client), "--dashboard-agent-listen-port", str(agent),
        "--runtime-env-agent-port", str(env_agent), "--metrics-export-port", str(metrics),
        "--object-store-memory", str(100 * 1024 * 1024), "--temp-dir", str(temp),
        "--disable-usage-stats",
    ]  # fmt: skip
    out = open(temp / "ray-start.log", "wb")  # noqa: SIM115 - closed at teardown
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    # its own process group: teardown stops exactly this cluster (not `ray stop`, which
    # stops every Ray on the machine)
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)  # fmt: skip
    address = f"http://127.0.0.1:{dash}"
    started = time.monotonic()
    try:
        deadline = started + 120
        while True:
            if proc.poll() is not None:
                tail = (temp / "ray-start.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"ray start exited with {proc.returncode}:\n{tail}")
            try:
                JobSubmissionClient(address).list_jobs()
                break
            except Exception as exc:  # noqa: BLE001 - not up yet
                if time.monotonic() > deadline:
                    pytest.fail(f"Ray's Jobs API at {address} did not answer in 120 s: {exc}")
                time.sleep(0.5)
        print(f"\nRay cluster up in {time.monotonic() - started:.1f} s at {address}")
        yield address
    finally:
        proc.send_signal(signal.SIGTERM)  # `ray start --block` stops what it started
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever outlived it, in its group only
        except ProcessLookupError:
            pass
        out.close()
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture
def store() -> JobStore:
    return JobStore.open()


@pytest.fixture(autouse=True)
def _on_ray(ray_address, monkeypatch):
    monkeypatch.setattr(test_runner, "BACKEND", ["--backend", "ray", "--address", ray_address])


def _client(address: str):
    from ray.job_submission import JobSubmissionClient

    return JobSubmissionClient(address)


def _status(client, sid: str) -> str:
    status = client.get_job_status(sid)
    return str(getattr(status, "value", status))


def test_resources_are_the_entrypoints_and_must_fit_the_cluster(tmp_path, store, ray_address):
    from ray.util.state import list_actors

    src = pairs_file(tmp_path)
    two = submit(IngestSettings(input=src, output=tmp_path / "two"), store=store, cpus=2)
    three = submit(IngestSettings(input=src, output=tmp_path / "three"), store=store, cpus=3)
    gpu = submit(IngestSettings(input=src, output=tmp_path / "gpu"), store=store, gpus=1)
    drain()
    assert two.status == "completed", two.record
    # the 2-CPU, no-GPU cluster cannot run these: they stay in alignkit's queue, not Ray's
    assert (three.status, gpu.status) == ("scheduled", "scheduled")
    sid = f"alignkit-{two.id}-1"
    assert _status(_client(ray_address), sid) == "SUCCEEDED"
    # the entrypoint's resources are those of the job's supervisor actor
    actors = list_actors(
        address=ray_address, filters=[("name", "=", f"_ray_internal_job_actor_{sid}")], detail=True
    )
    assert [a.required_resources for a in actors] == [{"CPU": 2.0}]
    assert two.record.host.startswith(f"ray {ray_address}")


def test_a_resubmission_under_the_same_id_runs_once(tmp_path, store, ray_address):
    """Ray refuses a second submission with the same id: the worker takes it as submitted."""
    from alignkit.jobs.ray_backend import submission_id

    job = submit(IngestSettings(input=pairs_file(tmp_path), output=tmp_path / "o"), store=store)
    client = _client(ray_address)
    sid = submission_id(job.record)
    # as if an earlier submit_job reached Ray but its answer was lost
    client.submit_job(entrypoint="echo first", submission_id=sid)
    drain()
    record = job.record
    assert record.status == "completed" and "first" in job.logs(), record
    assert "ingested" not in job.logs()  # the command did not run a second time


@pytest.mark.slow
def test_a_killed_workers_job_is_stopped_on_the_cluster_and_runs_again(tmp_path, store):
    job = rm_job(tmp_path, store, resume_on_lost=True)
    proc = worker()
    wait_for(lambda: checkpoint_exists(tmp_path / "run"), what="a first checkpoint")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    address = test_runner.BACKEND[-1]
    sid = f"alignkit-{job.id}-1"
    assert _status(_client(address), sid) == "RUNNING"  # Ray's job outlives its worker
    time.sleep(2.5)  # past --lost-after-s: the next worker reaps at once
    drain()
    assert _status(_client(address), sid) == "STOPPED"
    record = job.record
    assert (record.status, record.attempts) == ("completed", 2), record
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["status"] == "succeeded" and "resumed_from" in run
