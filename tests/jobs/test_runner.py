"""The local worker runs jobs as real processes (`python -m alignkit.cli ...`): completion with
artifacts, a failing command's one-line error, cancel during training (checkpoint saved, status
cancelled) and resume from it, a worker killed with SIGKILL and its job reaped by the next one,
resources that do not fit, and the jobs CLI. SQLite in the test's data dir."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alignkit.data.settings import IngestSettings
from alignkit.jobs.api import Job, submit
from alignkit.jobs.store import JobStore
from tests.train.helpers import make_dataset, preference_rows

CLI = [sys.executable, "-m", "alignkit.cli"]
# flags every worker here gets: tests/jobs/test_ray.py runs these scenarios again on Ray
BACKEND: list[str] = []


@pytest.fixture
def store() -> JobStore:
    return JobStore.open()


def worker(*flags: str) -> subprocess.Popen:
    """`alignkit worker` as its own process (it installs signal handlers: a thread cannot)."""
    args = ["--heartbeat-s", "0.3", "--lost-after-s", "2", "--grace-s", "60", *BACKEND, *flags]
    return subprocess.Popen(
        [*CLI, "worker", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def drain(*flags: str, timeout: float = 240) -> str:
    """Run a worker until the queue is empty."""
    proc = worker("--exit-when-idle", *flags)
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, out.decode()[-3000:]
    return out.decode()


def wait_for(predicate, timeout: float = 120, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def pairs_file(tmp_path: Path, n: int = 40) -> Path:
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in preference_rows(n)))
    return path


def test_ingest_job_completes_with_its_artifacts(tmp_path, store):
    job = submit(IngestSettings(input=pairs_file(tmp_path), output=tmp_path / "data"), store=store)
    assert job.status == "scheduled"
    drain()
    record = job.record
    assert (record.status, record.exit_code, record.error) == ("completed", 0, None)
    assert record.run_dir == str((tmp_path / "data").absolute())
    assert (tmp_path / "data" / "schema_report.json").exists()
    assert "ingested pairs.jsonl" in job.logs()
    kinds = sorted(a.kind for a in job.artifacts())
    assert kinds == ["eval", "log"]


def test_failing_command_fails_the_job_with_its_one_line_error(tmp_path, store):
    job = submit(
        IngestSettings(input=tmp_path / "missing.jsonl", output=tmp_path / "o"), store=store
    )
    drain()
    record = job.record
    assert record.status == "failed" and record.exit_code == 2
    assert record.error == f"input not found: {tmp_path / 'missing.jsonl'}"


def rm_job(tmp_path: Path, store: JobStore, **extra):
    from alignkit.train.rm import RMSettings

    data = make_dataset(tmp_path, n=80)
    settings = RMSettings(
        base_model="tiny-bert", dataset_dir=data, output_dir=tmp_path / "run",
        max_steps=400, batch_size=2, save_steps=5, eval_steps=1000, logging_steps=5,
        max_length=64, save_total_limit=2,
    )  # fmt: skip
    return submit(settings, store=store, **extra)


def checkpoint_exists(run: Path) -> bool:
    return any((p / "alignkit_complete.json").exists() for p in run.glob("checkpoint-*"))


@pytest.mark.slow
def test_cancel_during_training_saves_a_checkpoint_and_resume_finishes(tmp_path, store):
    job = rm_job(tmp_path, store)
    proc = worker("--exit-when-idle")
    try:
        wait_for(lambda: checkpoint_exists(tmp_path / "run"), what="a first checkpoint")
        job.cancel()
        record = job.wait(timeout=120)
        assert record.status == "cancelled", record
        run = json.loads((tmp_path / "run" / "run.json").read_text())
        assert run["status"] == "stopped" and 0 < run["steps"] < 400
        proc.wait(timeout=60)
    finally:
        proc.kill()
    assert job.record.cancel_requested
    store.requeue(job.id)  # `alignkit jobs resume ID`
    drain()
    record = job.record
    assert (record.status, record.attempts) == ("completed", 2), record
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["status"] == "succeeded" and run["steps"] == 400 and "resumed_from" in run
    kinds = {a.kind for a in job.artifacts()}
    assert {"checkpoint", "model", "log"} <= kinds
    steps = [m["step"] for m in job.metrics() if "loss" in m]
    assert steps == sorted(set(steps))  # no step twice after the resume


@pytest.mark.slow
def test_worker_killed_with_sigkill_its_job_is_reaped_and_requeued(tmp_path, store):
    job = rm_job(tmp_path, store, resume_on_lost=True)
    proc = worker()
    wait_for(lambda: checkpoint_exists(tmp_path / "run"), what="a first checkpoint")
    pid = job.record.pid
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    # the job's process gets SIGTERM from the kernel (PR_SET_PDEATHSIG), saves and stops
    wait_for(lambda: not _alive(pid), timeout=120, what="the orphaned job to stop")
    assert job.status == "in_progress"  # nobody has noticed yet
    # an --exit-when-idle worker exits when nothing is runnable, and the job is not reapable
    # until its last heartbeat is --lost-after-s (2 s) old; on a fast machine the orphan can
    # stop sooner than that after the kill (a CI run here drained an empty queue and exited)
    time.sleep(2.5)
    drain()  # the next worker reaps it and runs it again
    record = job.record
    assert (record.status, record.attempts) == ("completed", 2), record
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["status"] == "succeeded" and "resumed_from" in run


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = (
        Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}").exists() else "X"
    )
    return state != "Z"


def test_a_job_waits_for_the_resources_it_asked_for(tmp_path, store):
    job = submit(
        IngestSettings(input=pairs_file(tmp_path), output=tmp_path / "o"), store=store, gpus=1
    )
    drain()  # this worker has no GPU to hand out
    assert job.status == "scheduled"
    drain("--gpus", "0")
    assert job.status == "completed"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)


def test_jobs_cli_submit_list_status_artifacts_and_errors(tmp_path):
    src = pairs_file(tmp_path)
    submitted = cli("jobs", "submit", "data", "ingest", "-i", str(src), "-o", str(tmp_path / "o"))
    assert submitted.returncode == 0, submitted.stderr
    job_id = submitted.stdout.strip()
    listed = json.loads(cli("jobs", "list", "--json").stdout)
    assert [j["id"] for j in listed] == [job_id] and listed[0]["status"] == "scheduled"
    drain()
    status = json.loads(cli("jobs", "status", job_id, "--json").stdout)
    assert status["status"] == "completed" and status["kind"] == "data:ingest"
    shown = cli("jobs", "artifacts", job_id).stdout
    assert "schema_report.json" in shown and "job.log" in shown
    assert "ingested pairs.jsonl" in cli("jobs", "logs", job_id).stdout
    missing = cli("jobs", "status", "nope")
    assert (
        missing.returncode == 1
        and missing.stderr.strip() == "error: no job with id 'nope' [AK-JOB-NOT-FOUND]"
    )
    running = cli("jobs", "cancel", job_id)
    assert running.returncode == 1 and "completed: cannot cancel" in running.stderr
    bad = cli("jobs", "submit", "data", "ingest", "-i", str(src), "-o", "o", "--train-ratio", "2")
    assert bad.returncode == 2 and bad.stderr.startswith("error: --train-ratio")
    assert cli("jobs", "rm", job_id).returncode == 0
    assert json.loads(cli("jobs", "list", "--json").stdout) == []


def test_train_detach_queues_a_job(tmp_path):
    data = make_dataset(tmp_path, n=40)
    args = ["train", "rm", "--base-model", "tiny-bert", "--dataset-dir", str(data)]
    done = cli(*args, "--output-dir", str(tmp_path / "run"), "--max-steps", "2", "--detach")
    assert done.returncode == 0, done.stderr
    job = Job(done.stdout.strip())
    assert job.record.kind == "train:rm" and job.record.settings["max_steps"] == 2
    assert not (tmp_path / "run").exists()  # queued, not run


@pytest.mark.slow
def test_cancel_during_the_reference_precompute_ends_cancelled_at_once(tmp_path, store):
    from alignkit.train.dpo import DPOSettings

    data = make_dataset(tmp_path, n=3000)  # a reference pass long enough to cancel inside
    run = tmp_path / "dpo"
    settings = DPOSettings(
        policy_model="tiny-llama", dataset_dir=data, output_dir=run, max_steps=50,
        batch_size=4, max_length=96,
    )  # fmt: skip
    job = submit(settings, store=store)
    proc = worker("--exit-when-idle")
    try:
        log = run / "train.log"
        wait_for(
            lambda: log.exists() and "computing the reference log-probs" in log.read_text(),
            timeout=180,
            what="the reference precompute to start",
        )
        job.cancel()
        record = job.wait(timeout=120)
        proc.wait(timeout=60)
    finally:
        proc.kill()
    assert record.status == "cancelled", record
    result = json.loads((run / "run.json").read_text())
    # stopped inside the precompute: no step was trained, nothing half-written remains
    assert (result["status"], result["steps"]) == ("stopped", 0), result
    assert not (run / "model").exists()


def test_jobs_wait_exit_codes_and_cancel_wait(tmp_path):
    src = pairs_file(tmp_path)
    good = cli("jobs", "submit", "data", "ingest", "-i", str(src), "-o", str(tmp_path / "o"))
    bad = cli("jobs", "submit", "data", "ingest", "-i", str(tmp_path / "none.jsonl"), "-o",
              str(tmp_path / "o2"))  # fmt: skip
    queued = cli("jobs", "submit", "data", "ingest", "-i", str(src), "-o", str(tmp_path / "o3"))
    good, bad, queued = (r.stdout.strip() for r in (good, bad, queued))
    timed_out = cli("jobs", "wait", good, "--timeout", "0.1")
    assert timed_out.returncode == 2 and "still scheduled" in timed_out.stderr
    # a scheduled job is cancelled at once; --wait returns when it has stopped
    cancelled = cli("jobs", "cancel", queued, "--wait")
    assert cancelled.returncode == 0 and cancelled.stdout.strip() == f"{queued}: cancelled"
    drain()
    assert cli("jobs", "wait", good).stdout.strip() == f"{good}: completed"
    assert cli("jobs", "wait", good).returncode == 0
    failed = cli("jobs", "wait", bad, "--json")
    assert failed.returncode == 1 and json.loads(failed.stdout)["status"] == "failed"
    assert cli("jobs", "wait", queued).returncode == 1
