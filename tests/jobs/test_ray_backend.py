"""The Ray backend's pieces without a cluster (test_ray.py runs them on a real one): one-line
errors for a missing Ray or address and for flags that mean nothing on Ray, what a job takes
to the cluster (entrypoint, env vars), Ray's statuses as exit codes and error lines, and a
submission Ray already has taken as submitted."""

from __future__ import annotations

import io
import sys
from types import SimpleNamespace

import pytest

from alignkit.errors import AlignkitError, DependencyError
from alignkit.jobs import ray_backend
from alignkit.jobs.ray_backend import RayJob, RayWorker, entrypoint, job_env


def test_a_missing_ray_is_one_line_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray.job_submission", None)  # import fails
    with pytest.raises(
        DependencyError, match=r"^--backend ray needs Ray: pip install 'alignkit\[ray\]'$"
    ):
        ray_backend.client("http://head:8265")


def test_no_address_is_one_line(monkeypatch):
    monkeypatch.delenv(ray_backend.ENV_VAR, raising=False)
    with pytest.raises(
        AlignkitError, match=r"--address http://HEAD:8265 \(or \$ALIGNKIT_RAY_ADDRESS\)"
    ):
        ray_backend.client(None)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (dict(backend="slurm"), "--backend is local or ray, not 'slurm'"),
        (dict(backend="ray", gpus="0"), "--gpus hands out this machine's GPUs"),
        (dict(address="http://head:8265"), "--address is the Ray cluster's"),
    ],
)
def test_worker_flags_that_do_not_fit_the_backend(flags, message):
    from alignkit.cli.jobs import worker

    with pytest.raises(AlignkitError, match=message):
        worker(**flags)


def test_a_job_takes_alignkit_and_hf_variables_and_the_grace_period():
    env = {
        "ALIGNKIT_DATA_DIR": "/d", "ALIGNKIT_DATABASE_URL": "postgresql+psycopg://db/x",
        "HF_HOME": "/hf", "HF_HUB_OFFLINE": "1", "PATH": "/bin", "CUDA_VISIBLE_DEVICES": "0",
    }  # fmt: skip
    out = job_env(env, grace_s=45)
    assert out == {
        "ALIGNKIT_DATA_DIR": "/d", "ALIGNKIT_DATABASE_URL": "postgresql+psycopg://db/x",
        "HF_HOME": "/hf", "HF_HUB_OFFLINE": "1", "RAY_JOB_STOP_WAIT_TIME_S": "45",
    }  # fmt: skip


def test_the_entrypoint_execs_the_command_from_this_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = entrypoint(["/venv/bin/python", "-m", "alignkit.cli", "--config", "a b.json"])
    assert (
        line
        == f"cd {tmp_path} 2>/dev/null; exec /venv/bin/python -m alignkit.cli --config 'a b.json'"
    )


class FakeJobs:
    """What RayJob and RayWorker call on a JobSubmissionClient."""

    def __init__(self, statuses=(), logs="", exit_code=None, message="", submit_errors=()):
        self.statuses, self.logs, self.exit_code = list(statuses), logs, exit_code
        self.message, self.submit_errors = message, list(submit_errors)
        self.stopped, self.submitted = [], []

    def get_job_info(self, sid):
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return SimpleNamespace(status=status, driver_exit_code=self.exit_code, message=self.message)

    def get_job_logs(self, sid):
        return self.logs

    def stop_job(self, sid):
        self.stopped.append(sid)
        return True

    def submit_job(self, **kw):
        self.submitted.append(kw)
        if self.submit_errors:
            raise self.submit_errors.pop(0)
        return kw["submission_id"]


def _poll(job: RayJob, times: int = 5):
    for _ in range(times):
        job._status_at = 0.0  # no throttling in a test
        code = job.poll()
        if code is not None:
            return code
    return None


def test_statuses_become_exit_codes_with_the_logs_copied_first():
    out = io.BytesIO()
    jobs = FakeJobs(
        ["PENDING", "RUNNING", "FAILED"], logs="step 1\nerror: bad input\n", exit_code=2
    )
    job = RayJob(jobs, "alignkit-x-1", "http://head:8265", out)
    assert _poll(job, 2) is None
    assert _poll(job) == 2
    assert out.getvalue().decode() == "step 1\nerror: bad input\n"  # copied once, not twice
    assert job.host == "ray http://head:8265 (alignkit-x-1)" and job.pid is None


def test_a_job_that_never_ran_fails_with_rays_message():
    out = io.BytesIO()
    jobs = FakeJobs(["FAILED"], message="runtime_env setup failed: no such pip\ntraceback...")
    assert _poll(RayJob(jobs, "s", "a", out)) == 1
    assert out.getvalue().decode().endswith("error: Ray: runtime_env setup failed: no such pip\n")


def test_stopped_by_this_worker_or_by_someone_else():
    mine, theirs = io.BytesIO(), io.BytesIO()
    job = RayJob(FakeJobs(["RUNNING", "STOPPED"]), "s", "a", mine)
    job.send_signal(15)
    assert job.jobs.stopped == ["s"]
    assert _poll(job) == -15 and mine.getvalue() == b""
    assert _poll(RayJob(FakeJobs(["STOPPED"]), "s", "a", theirs)) == -15
    assert theirs.getvalue() == b"error: stopped on the Ray cluster\n"


@pytest.fixture
def ray_worker(monkeypatch):
    def make(jobs):
        monkeypatch.setattr(ray_backend, "client", lambda address: jobs)
        monkeypatch.setattr(RayWorker, "_capacity", lambda self: None)
        monkeypatch.setattr(ray_backend.time, "sleep", lambda s: None)
        return RayWorker(store=None, address="http://head:8265")

    return make


def _job(**kw):
    values = dict(id="j1", attempts=1, cpus=2, gpus=1, kind="data:ingest")
    return SimpleNamespace(**{**values, **kw})


def test_a_submission_ray_already_has_is_taken_as_submitted(ray_worker):
    taken = RuntimeError("Request failed with status code 500: ... already exists. Please use")
    jobs = FakeJobs(["RUNNING"], submit_errors=[ConnectionError("reset"), taken])
    w = ray_worker(jobs)
    proc = w._spawn(_job(), ["python", "-m", "alignkit.cli"], {"ALIGNKIT_HOME": "/h"}, io.BytesIO())
    assert proc.sid == "alignkit-j1-1" and len(jobs.submitted) == 2
    sent = jobs.submitted[0]
    assert (sent["entrypoint_num_cpus"], sent["entrypoint_num_gpus"]) == (2, 1)
    assert sent["runtime_env"]["env_vars"]["ALIGNKIT_HOME"] == "/h"


def test_a_refused_submission_is_an_oserror_the_worker_fails_the_job_with(ray_worker):
    jobs = FakeJobs(["RUNNING"], submit_errors=[RuntimeError("bad entrypoint\ntrace")] * 3)
    w = ray_worker(jobs)
    with pytest.raises(OSError, match="^Ray refused the job: bad entrypoint$"):
        w._spawn(_job(attempts=2), ["x"], {}, io.BytesIO())
    assert {s["submission_id"] for s in jobs.submitted} == {"alignkit-j1-2"}
