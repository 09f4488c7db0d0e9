"""`alignkit worker`: takes jobs from the store and runs each as its own process, the same
command line a user would type (`python -m alignkit.cli train dpo --config settings.json`), so a
job does exactly what the CLI does. stdout and stderr go to the job's log file.

- A job starts only when the CPUs and GPUs it asked for are free; it sees only its GPUs
  (CUDA_VISIBLE_DEVICES).
- Cancel: SIGTERM (a training run saves a checkpoint and stops), SIGKILL after a grace period.
- The worker heartbeats its jobs; a job whose worker went silent (kill -9, a reboot) is reaped
  by the next worker: failed "worker lost", or requeued when it asked for that. Job processes
  get SIGTERM when their worker dies (PR_SET_PDEATHSIG; a forked one watches its worker), so a
  reaped job is not left running.
- A job that ran before (`jobs resume`, a requeue) continues with `--resume-or-start`.
- On a worker that hands out no GPUs, a job that loads a model is forked from a warm
  forkserver that has imported torch, transformers, TRL and the rest once (jobs/forkserver.py):
  the same command, without paying its imports per job.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from alignkit.commands import COMMANDS, cli_path
from alignkit.jobs import artifacts, forkserver
from alignkit.jobs.records import JobRecord
from alignkit.jobs.store import JobStore
from alignkit.paths import data_dir

log = logging.getLogger("alignkit.jobs")
_PR_SET_PDEATHSIG = 1
# what the commands that load a model make (feedback:generate writes records, feedback:score
# scores): see _forks
WARM = ("reward_model", "policy", "evaluation", "records", "scores")


@dataclass
class WorkerSettings:
    max_concurrent: int = 1
    cpus: int = field(default_factory=lambda: os.cpu_count() or 1)
    gpus: list[int] = field(default_factory=list)  # device ids this worker hands out
    poll_s: float = 0.2
    heartbeat_s: float = 2.0
    lost_after_s: float = 30.0  # a job whose heartbeat is older than this is reaped
    grace_s: float = 60.0  # SIGTERM to SIGKILL on cancel
    exit_when_idle: bool = False  # for scripts and tests: stop when nothing is left to do
    warm: bool = True  # fork CPU jobs from the warm forkserver (jobs/forkserver.py)


@dataclass
class Running:
    job: JobRecord
    proc: subprocess.Popen  # or what has its poll, send_signal and kill: ray_backend.RayJob
    gpus: list[int]
    log_file: object
    terminated_at: float | None = None
    cancelled: bool = False


def job_dir(job_id: str) -> Path:
    return data_dir() / "jobs" / job_id


def run_folder(kind: str, settings: dict) -> str | None:
    """Where a job's command writes its results."""
    for key in ("output_dir", "output"):
        if settings.get(key):
            return str(Path(settings[key]).absolute())
    return None


def command_line(job: JobRecord, settings_file: Path) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        forkserver.CLI_MODULE,
        *cli_path(job.kind),
        "--config",
        str(settings_file),
    ]
    if job.attempts > 1 and COMMANDS[job.kind].trains:
        cmd.append("--resume-or-start")  # continue from its last checkpoint, if it has one
    return cmd


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the reaper still marks the job lost
        pass


class LocalWorker:
    backend = "local"

    def __init__(self, store: JobStore, settings: WorkerSettings | None = None):
        self.store = store
        self.s = settings or WorkerSettings()
        self.running: dict[str, Running] = {}
        self.stopping = False
        self.host = socket.gethostname()
        self.id = ""
        self._wake = threading.Event()

    def run(self) -> None:
        """Work until SIGTERM/SIGINT (or, with exit_when_idle, until the queue is empty)."""
        self.id = self.store.register_worker(backend=self.backend, host=self.host).id
        if self._forks_at_all() and not self.s.exit_when_idle:
            forkserver.warm_up()  # it imports while the worker waits for its first job
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        # a child's exit wakes the loop at once: the next job starts without a polling delay
        signal.signal(signal.SIGCHLD, lambda *_: self._wake.set())
        last_beat = 0.0
        try:
            while not self.stopping:
                self._collect()
                if time.monotonic() - last_beat >= self.s.heartbeat_s:
                    self._heartbeat()
                    self._reap()
                    last_beat = time.monotonic()
                started = self._start_next()
                if self.s.exit_when_idle and not self.running and not started:
                    break
                if not started:  # a free slot and a queue left: claim again straight away
                    self._wake.wait(self.s.poll_s)
                    self._wake.clear()
        finally:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            self._shutdown()

    def _stop(self, *_) -> None:
        self.stopping = True
        self._wake.set()

    # -- starting ---------------------------------------------------------------------------

    def _free(self) -> tuple[int, list[int]]:
        cpus = self.s.cpus - sum(r.job.cpus for r in self.running.values())
        used = {g for r in self.running.values() for g in r.gpus}
        return cpus, [g for g in self.s.gpus if g not in used]

    def _start_next(self) -> bool:
        if self.stopping or len(self.running) >= self.s.max_concurrent:
            return False
        cpus, gpus = self._free()
        job = self.store.claim(self.id, free_cpus=max(cpus, 0), free_gpus=len(gpus))
        if job is None:
            return False
        self._launch(job, gpus[: job.gpus])
        return True

    def _launch(self, job: JobRecord, gpus: list[int]) -> None:
        folder = job_dir(job.id)
        folder.mkdir(parents=True, exist_ok=True)
        settings_file = folder / "settings.json"
        settings_file.write_bytes(orjson.dumps(job.settings, option=orjson.OPT_INDENT_2))
        log_path = folder / "job.log"
        env = {**os.environ, "CUDA_VISIBLE_DEVICES": ",".join(map(str, gpus))}
        env["ALIGNKIT_JOB_ID"] = job.id
        log_file = open(log_path, "ab")  # noqa: SIM115 - closed when the job ends
        try:
            proc = self._spawn(job, command_line(job, settings_file), env, log_file)
        except OSError as exc:
            log_file.close()
            self.store.finish(job.id, "failed", error=f"cannot start: {exc}", worker_id=self.id)
            return
        self.running[job.id] = Running(job, proc, gpus, log_file)
        run_dir = run_folder(job.kind, job.settings)
        self.store.set_running(
            job.id, pid=proc.pid, host=getattr(proc, "host", self.host),  # a Ray job: its cluster
            run_dir=run_dir, log_path=log_path, worker_id=self.id,
        )  # fmt: skip
        how = "forked warm" if isinstance(proc, forkserver.ForkedJob) else "started"
        log.info("job %s (%s) %s as pid %s", job.id, job.kind, how, proc.pid)

    def _forks(self, job: JobRecord) -> bool:
        """Jobs that load a model fork warm; the data and report commands import no torch, and
        their cold start (~0.5 s) beats waiting for a forkserver's first imports (~7 s)."""
        return COMMANDS[job.kind].makes in WARM and self._forks_at_all()

    def _forks_at_all(self) -> bool:
        local = self.backend == "local"
        return local and self.s.warm and not self.s.gpus and forkserver.available()

    def _spawn(self, job: JobRecord, cmd: list[str], env: dict[str, str], log_file):
        """Start the job's command here (the Ray backend submits it to its cluster instead)."""
        if self._forks(job):
            try:
                # cmd is [python, -m, alignkit.cli, *argv]: the child runs alignkit.cli with argv
                return forkserver.ForkedJob(cmd[3:], env, log_file.name, on_exit=self._wake.set)
            except Exception as exc:  # noqa: BLE001 - a forkserver that cannot fork: start cold
                log.warning("job %s: the forkserver failed (%s); starting it cold", job.id, exc)
        return subprocess.Popen(
            cmd,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            preexec_fn=_die_with_parent,
        )

    # -- watching ---------------------------------------------------------------------------

    def _heartbeat(self) -> None:
        reply = self.store.heartbeat(self.id, self.running)
        for job_id in reply.cancel_requested:
            self._terminate(self.running[job_id], cancelled=True)
        for job_id in reply.not_owned & set(self.running):
            # reaped while this worker was stalled: another may run it now, so stop at once
            self.running[job_id].proc.kill()

    def _reap(self) -> None:
        self.store.reap_lost(self.s.lost_after_s)

    def _terminate(self, r: Running, cancelled: bool) -> None:
        r.cancelled = r.cancelled or cancelled
        if r.terminated_at is None and r.proc.poll() is None:
            r.proc.send_signal(signal.SIGTERM)
            r.terminated_at = time.monotonic()

    def _collect(self) -> None:
        for job_id, r in list(self.running.items()):
            if r.terminated_at and time.monotonic() - r.terminated_at > self.s.grace_s:
                r.proc.kill()
            code = r.proc.poll()
            if code is None:
                continue
            r.log_file.close()
            del self.running[job_id]
            self._finish(r, code)

    def _finish(self, r: Running, code: int) -> None:
        job = r.job
        run_dir = run_folder(job.kind, job.settings)
        status = artifacts.run_status(run_dir)
        if r.cancelled:
            outcome, error = "cancelled", None
        elif code == 0 and status in (None, "succeeded"):
            outcome, error = "completed", None
        elif self.stopping:
            outcome, error = "failed", "worker shut down"
        else:
            outcome = "failed"
            error = artifacts.error_line(job_dir(job.id) / "job.log") or f"exit code {code}"
            if code == 0:
                error = f"the run ended {status}"
        try:
            self.store.finish(job.id, outcome, exit_code=code, error=error, worker_id=self.id)
        except Exception as exc:  # noqa: BLE001 - reaped meanwhile: the store has its state
            log.warning("job %s: %s", job.id, exc)
            return
        artifacts.record(self.store, job.id, run_dir, job_dir(job.id) / "job.log")
        log.info("job %s %s (exit %s)", job.id, outcome, code)
        if self.stopping and outcome == "failed" and COMMANDS[job.kind].trains:
            # a server or worker restart must not lose a training run: it saved a checkpoint
            # on SIGTERM, and the next worker continues from it (--resume-or-start)
            self.store.requeue(job.id)
            log.info("job %s requeued: it continues from its checkpoint", job.id)

    def _shutdown(self) -> None:
        for r in self.running.values():
            self._terminate(r, cancelled=False)
        deadline = time.monotonic() + self.s.grace_s
        while self.running and time.monotonic() < deadline:
            self._collect()
            time.sleep(self.s.poll_s)
        for r in self.running.values():
            r.proc.kill()
        self._collect()
        self.store.remove_worker(self.id)
