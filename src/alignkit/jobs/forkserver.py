"""Job processes forked from a warm process instead of started cold.

A job's command line is `python -m alignkit.cli train dpo --config settings.json`; started cold,
each job first pays Python's start and the imports of torch, transformers, TRL, PEFT, datasets
and polars (several seconds on a small CPU, the larger part of a short job: a sweep member, a
data step, an eval). The worker instead keeps one forkserver (Python's
`multiprocessing.forkserver`, the mechanism PyTorch's own DataLoader and torchrun's elastic
agent offer): a process that imports those libraries once (`alignkit.jobs.preload`) and then
forks a child per job. The child points its stdout and stderr at the job's log, takes the job's
environment, and runs the same `alignkit.cli` entry point with the same arguments, so a job does
exactly what the cold command does; its exit code is the command's.

Only for jobs that load a model (runner.WARM), on workers that hand out no GPUs: a CUDA driver
initialised before a fork cannot be used in the child, and a GPU job's seconds of imports are
small beside its training. A long-running worker starts the forkserver when it starts; one run
with --exit-when-idle (scripts, tests: often data steps only) starts it with its first such job,
which then waits for the imports as a cold start would. Where it cannot start (not POSIX), jobs
start cold.
"""

from __future__ import annotations

import atexit
import importlib
import multiprocessing
import multiprocessing.connection
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable

PRELOAD = ["alignkit.jobs.preload"]
CLI_MODULE = "alignkit.cli"  # what runner.command_line runs with `python -m`


def available() -> bool:
    return "forkserver" in multiprocessing.get_all_start_methods()


def _context():
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def warm_up() -> None:
    """Start the forkserver now: it imports in the background while a long-running worker
    waits for its first job, so that job starts warm too."""
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()


def _run_cli(argv: list[str], env: dict[str, str], log_path: str, worker_pid: int) -> None:
    """In the forked child: become the job's process, then run the CLI as `python -m` would."""
    _stop_with(worker_pid)
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.environ.clear()
    os.environ.update(env)
    # the forkserver ignores Ctrl-C for its own sake; a job takes it as a cold process does
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.argv = ["alignkit", *argv]
    # the job's command line names the CLI as a module (`python -m alignkit.cli`), and so does
    # this: the job layer runs the CLI as a program, it does not build on it (tests/test_layers)
    main = importlib.import_module(CLI_MODULE).main
    try:
        main()
    finally:
        # a forked child ends with os._exit: run what a normal exit runs (tracking flushes,
        # logging's shutdown, libraries' own handlers)
        atexit._run_exitfuncs()


def _stop_with(worker_pid: int) -> None:
    """SIGTERM to this job when its worker dies, as a cold job gets from PR_SET_PDEATHSIG: the
    parent here is the forkserver, which outlives the worker while its children run, so the
    worker itself is watched (a pidfd; polled where there is none)."""
    try:
        pidfd = os.pidfd_open(worker_pid)
    except (AttributeError, OSError):
        pidfd = None
    if pidfd is None and not _alive(worker_pid):
        os.kill(os.getpid(), signal.SIGTERM)
        return

    def watch() -> None:
        if pidfd is not None:
            select.select([pidfd], [], [])
        else:
            while _alive(worker_pid):
                time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="worker-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ForkedJob:
    """What the worker needs of a job's process (as of a Popen): pid, poll, send_signal, kill.
    `on_exit` is called from a watcher thread when the process ends, so the worker starts the
    next job at once (a forkserver's child is not the worker's: no SIGCHLD reaches it)."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: str,
                 on_exit: Callable[[], None]):  # fmt: skip
        self._process = _context().Process(
            target=_run_cli, args=(argv, env, log_path, os.getpid()), daemon=False
        )
        self._process.start()
        self.pid = self._process.pid
        sentinel = self._process.sentinel

        def watch() -> None:
            multiprocessing.connection.wait([sentinel])
            on_exit()

        threading.Thread(target=watch, name=f"job-{self.pid}", daemon=True).start()

    def poll(self) -> int | None:
        return self._process.exitcode  # None while it runs; -N after signal N, as Popen's

    def send_signal(self, sig: int) -> None:
        if self._process.exitcode is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)
