"""`alignkit worker --backend ray --address http://HEAD:8265`: the local worker's loop (claim,
heartbeat, cancel, reap, finish; jobs/runner.py), with each job submitted through Ray's Jobs API
instead of started here. A submitted job looks to that loop like a process (RayJob: poll,
send_signal, kill), so the outcome, the error line and the artifacts are decided by the same
code as for local jobs.

- entrypoint: the command line a local job runs (`python -m alignkit.cli ... --config
  settings.json`), with this worker's interpreter and working directory. A local cluster shares
  this machine's venv and disk. A cluster of several machines needs, on every node: alignkit
  installed at the same interpreter path, the data dir (settings files, job logs) and the run
  folders on a shared file system at the same paths, and a job database every node reaches
  (ALIGNKIT_DATABASE_URL=postgresql+psycopg://..., not the default SQLite file).
- resources: the job's CPUs and GPUs as entrypoint_num_cpus / entrypoint_num_gpus; Ray sets
  CUDA_VISIBLE_DEVICES. This worker submits only what fits the cluster's free share (its
  capacity from the cluster, less the jobs it has submitted): Ray's own queue has no
  priorities, the store's does.
- submission id: `alignkit-<job id>-<attempt>`, so a retried submit_job never runs a job twice
  (Ray refuses the same id again: "already submitted").
- cancel: stop_job. Ray sends SIGTERM (a training run saves a checkpoint and stops), then
  SIGKILL after RAY_JOB_STOP_WAIT_TIME_S, which is set to the worker's grace period.
- logs: get_job_logs, appended to the job's log file (data_dir()/jobs/<id>/job.log), so
  `alignkit jobs logs` reads Ray jobs like local ones.
"""

from __future__ import annotations

import logging
import os
import shlex
import signal
import time
from typing import IO, Any

from alignkit.errors import AlignkitError, DependencyError
from alignkit.jobs.records import JobRecord
from alignkit.jobs.runner import LocalWorker, WorkerSettings
from alignkit.jobs.store import JobStore

log = logging.getLogger("alignkit.jobs")
ENV_VAR = "ALIGNKIT_RAY_ADDRESS"
# what a job needs to see the same store, folders and offline model caches as this worker
FORWARDED_PREFIXES = ("ALIGNKIT_", "HF_")
FORWARDED = ("TRANSFORMERS_OFFLINE", "TOKENIZERS_PARALLELISM", "PYTHONHASHSEED")
LOGS_EVERY_S = 2.0  # get_job_logs returns the whole log: copy it now and then, and at the end
STATUS_EVERY_S = 0.5
UNREACHABLE_S = 300.0  # a cluster silent this long about a job: that job failed


def client(address: str | None) -> Any:
    """A JobSubmissionClient for `address` (else $ALIGNKIT_RAY_ADDRESS), or one line."""
    address = address or os.environ.get(ENV_VAR, "").strip()
    if not address:
        raise AlignkitError(f"--backend ray needs --address http://HEAD:8265 (or ${ENV_VAR})")
    try:
        from ray.job_submission import JobSubmissionClient
    except ImportError:
        raise DependencyError("--backend ray needs Ray: pip install 'alignkit[ray]'") from None
    try:
        return JobSubmissionClient(address)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise AlignkitError(f"cannot reach Ray's Jobs API at {address}: {_first(exc)}") from None


def submission_id(job: JobRecord) -> str:
    return f"alignkit-{job.id}-{job.attempts}"


def entrypoint(cmd: list[str]) -> str:
    # Ray runs the entrypoint through a shell and its stop_job signals that process and its
    # children: `exec` leaves no shell between, so the exit code and the SIGTERM (save a
    # checkpoint, stop) are alignkit's own. Relative paths in settings mean this worker's
    # directory; a node without it runs from Ray's own working directory.
    return f"cd {shlex.quote(os.getcwd())} 2>/dev/null; exec {shlex.join(cmd)}"


def job_env(env: dict[str, str], grace_s: float) -> dict[str, str]:
    """The variables a job takes with it (not this machine's CUDA_VISIBLE_DEVICES or PATH)."""
    out = {k: v for k, v in env.items() if k.startswith(FORWARDED_PREFIXES) or k in FORWARDED}
    # read by Ray's job supervisor, which gets the job's env_vars too
    out["RAY_JOB_STOP_WAIT_TIME_S"] = str(max(1, round(grace_s)))
    return out


def _first(exc: BaseException | str) -> str:
    """The first line (Ray's errors carry the server's traceback after it)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _status(value: Any) -> str:
    return str(getattr(value, "value", value))  # JobStatus is a str Enum


TERMINAL = ("SUCCEEDED", "FAILED", "STOPPED")


class RayJob:
    """A submitted Ray job, as the local worker's loop sees a process: poll() is None while it
    is pending or running, then its exit code, once its logs are in the log file."""

    def __init__(self, jobs: Any, sid: str, address: str, log_file: IO[bytes]):
        self.jobs, self.sid, self.log_file = jobs, sid, log_file
        self.pid = None
        self.host = f"ray {address} ({sid})"
        self.returncode: int | None = None
        self._copied = 0  # characters of Ray's log already in the log file
        self._status_at = self._logs_at = 0.0
        self._reached = time.monotonic()
        self._stop_sent = False

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        now = time.monotonic()
        if now - self._status_at < STATUS_EVERY_S:
            return None
        self._status_at = now
        try:
            info = self.jobs.get_job_info(self.sid)
        except Exception as exc:  # noqa: BLE001 - the cluster may come back: keep asking
            if now - self._reached > UNREACHABLE_S:
                self._end(1, f"lost contact with the Ray cluster: {_first(exc)}")
            return self.returncode
        self._reached = now
        status = _status(info.status)
        if status not in TERMINAL:
            if now - self._logs_at >= LOGS_EVERY_S:
                self._copy_logs()
            return None
        self._copy_logs()
        if status == "SUCCEEDED":
            self._end(0)
        elif status == "STOPPED":
            # stopped by this worker (cancel, shutdown) or by someone with `ray job stop`
            self._end(-signal.SIGTERM, None if self._stop_sent else "stopped on the Ray cluster")
        elif info.driver_exit_code is not None:
            self._end(info.driver_exit_code)
        else:  # the command never ran: runtime env setup or the supervisor failed
            self._end(1, f"Ray: {_first(info.message or 'the job failed')}")
        return self.returncode

    def _end(self, code: int, error: str | None = None) -> None:
        if error:  # where the local runner's error_line finds it
            self.log_file.write(f"error: {error}\n".encode())
            self.log_file.flush()
        self.returncode = code

    def _copy_logs(self) -> None:
        self._logs_at = time.monotonic()
        try:
            text = self.jobs.get_job_logs(self.sid)
        except Exception as exc:  # noqa: BLE001 - the next copy gets them
            log.warning("logs of Ray job %s: %s", self.sid, _first(exc))
            return
        if len(text) > self._copied:
            self.log_file.write(text[self._copied :].encode("utf-8", "replace"))
            self.log_file.flush()
            self._copied = len(text)

    def send_signal(self, sig: int) -> None:
        self._stop_sent = True
        try:
            self.jobs.stop_job(self.sid)
        except Exception as exc:  # noqa: BLE001 - asked again after the grace period
            log.warning("stopping Ray job %s: %s", self.sid, _first(exc))

    def kill(self) -> None:
        # Ray escalates to SIGKILL by itself after RAY_JOB_STOP_WAIT_TIME_S
        self.send_signal(signal.SIGKILL)


class RayWorker(LocalWorker):
    backend = "ray"

    def __init__(
        self,
        store: JobStore,
        settings: WorkerSettings | None = None,
        *,
        address: str | None = None,
        cpus: int | None = None,
    ):
        super().__init__(store, settings)
        self.address = address or os.environ.get(ENV_VAR, "").strip()
        self.jobs = client(self.address)
        self._cpus_cap = cpus  # None: the cluster's CPUs
        self._known_cpus: int | None = None  # what the cluster last said it has (None: unknown)
        self._capacity()
        # a cluster that has just started may not list its node's resources yet: claiming
        # with 0 CPUs would take nothing, and `--exit-when-idle` would stop before any job
        deadline = time.monotonic() + 30
        while self._known_cpus == 0 and time.monotonic() < deadline:
            time.sleep(0.5)
            self._capacity()

    def _capacity(self) -> None:
        """Hand out the cluster's CPUs and GPUs (the GPU ids are only counters: Ray picks)."""
        try:
            from ray.util.state import list_nodes

            nodes = list_nodes(address=self.address, filters=[("state", "=", "ALIVE")])
        except Exception as exc:  # noqa: BLE001 - keep the last known capacity
            log.warning("cluster resources from %s: %s", self.address, _first(exc))
            return
        cpus = sum(int(n.resources_total.get("CPU", 0)) for n in nodes)
        gpus = sum(int(n.resources_total.get("GPU", 0)) for n in nodes)
        self._known_cpus = cpus
        self.s.cpus = cpus if self._cpus_cap is None else min(cpus, self._cpus_cap)
        self.s.gpus = list(range(gpus))

    def _spawn(self, job: JobRecord, cmd: list[str], env: dict[str, str], log_file) -> RayJob:
        sid = submission_id(job)
        for attempt in range(3):
            try:
                self.jobs.submit_job(
                    entrypoint=entrypoint(cmd),
                    submission_id=sid,
                    entrypoint_num_cpus=job.cpus,
                    entrypoint_num_gpus=job.gpus,
                    runtime_env={"env_vars": job_env(env, self.s.grace_s)},
                    metadata={"alignkit_job_id": job.id, "alignkit_kind": job.kind},
                )
                break
            except Exception as exc:  # noqa: BLE001 - a lost answer: the retry learns more
                if "already exists" in str(exc):
                    break  # an earlier try reached Ray: it runs once, under this id
                if attempt == 2:
                    raise OSError(f"Ray refused the job: {_first(exc)}") from None
                time.sleep(1 + attempt)
        log.info("job %s submitted to Ray as %s", job.id, sid)
        return RayJob(self.jobs, sid, self.address, log_file)

    def _heartbeat(self) -> None:
        super()._heartbeat()
        self._capacity()  # nodes come and go

    def _reap(self) -> None:
        """A job reaped from a dead worker may still run on the cluster (nothing kills it
        with its worker, as PR_SET_PDEATHSIG does locally): stop it before its next attempt
        starts, or the two would share a run folder."""
        for job_id in self.store.reap_lost(self.s.lost_after_s):
            job = self.store.get(job_id)
            old = [f"alignkit-{job_id}-{n}" for n in {job.attempts - 1, job.attempts} if n > 0]
            self._stop_and_wait(old)

    def _stop_and_wait(self, sids: list[str]) -> None:
        deadline = time.monotonic() + self.s.grace_s + 10
        for sid in sids:
            try:
                self.jobs.stop_job(sid)
            except Exception:  # noqa: BLE001 - never submitted (a 404), or already gone
                continue
            while time.monotonic() < deadline:
                try:
                    if _status(self.jobs.get_job_status(sid)) in TERMINAL:
                        break
                except Exception:  # noqa: BLE001
                    break
                time.sleep(0.5)
