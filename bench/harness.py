"""What the benchmarks share: running one side of a comparison in a forked child of its own
(a fresh process per run: no warmed-up allocator, kernel caches or imports carried from the run
before it), its output in a log file, its result (and peak RSS) sent back through a pipe."""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import sys
import traceback
from pathlib import Path


def _child(conn, log: Path | None, fn, args) -> None:
    try:
        if log is not None:
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
        result = fn(*args)
        if isinstance(result, dict):
            result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        conn.send(("ok", result))
    except BaseException:  # noqa: BLE001 - report anything, including SystemExit, MemoryError
        traceback.print_exc()
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def forked(log: Path | None, fn, *args):
    """`fn(*args)` in a forked child; its stdout and stderr go to `log` (None: stay here)."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, log, fn, args))
    proc.start()
    send.close()
    try:
        status, payload = receive.recv()
    except EOFError:
        proc.join()
        where = f"; see {log}" if log else ""
        raise RuntimeError(f"{fn.__name__} died (exit code {proc.exitcode}){where}") from None
    proc.join()
    if status != "ok":
        raise RuntimeError(
            f"{fn.__name__} failed" + (f" (log: {log})" if log else "") + f":\n{payload}"
        )
    return payload
