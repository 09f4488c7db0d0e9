"""One run folder: `config.json` (resolved settings), `metrics.jsonl` (one JSON object per
logging or evaluation event, flushed as it goes so a dashboard can tail it), `run.json`
(status, timings, throughput, memory, versions, fingerprint), `train.log`, `checkpoint-N/`
folders with a completion marker written last, and the final model.

A fresh run clears what an earlier run left in the folder (its checkpoints, model, metrics and
log), so the folder never holds half of one run and half of another; a resumed run keeps them,
minus what came after the checkpoint it resumes from."""

from __future__ import annotations

import errno
import json
import logging
import os
import platform
import resource
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from alignkit.io import atomic_path, write_json
from alignkit.launch import is_main_process
from alignkit.runfolder import (
    CHECKPOINT_PREFIX,
    CONFIG_FILE,
    LOG_FILE,
    MARKER,
    METRICS_FILE,
    MODEL_DIR,
    RUN_FILE,
    TENSORBOARD_DIR,
    checkpoint_step,
    complete_checkpoints,
)

STATUSES = ("running", "succeeded", "failed", "stopped")
# a write that finds the disk full: errno ENOSPC, or EDQUOT for a user over quota
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
LOGGERS = ("alignkit", "transformers", "trl", "peft", "accelerate")


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("alignkit", "torch", "transformers", "trl", "peft", "accelerate", "datasets"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def peak_gpu_mb() -> float | None:
    import torch

    if not torch.cuda.is_available():
        return None
    return round(torch.cuda.max_memory_allocated() / 2**20, 1)


@dataclass
class RunDir:
    path: Path
    method: str
    started: float = field(default_factory=time.time)
    info: dict[str, Any] = field(default_factory=dict)
    _log_handler: logging.Handler | None = None

    @property
    def metrics_path(self) -> Path:
        return self.path / METRICS_FILE

    def start(self, settings: dict[str, Any], resume_step: int | None) -> None:
        """Open the folder for this run: fresh (`resume_step` None) or resuming from the
        checkpoint of that step."""
        self.path.mkdir(parents=True, exist_ok=True)
        if not is_main_process():
            return
        if resume_step is None:
            clear_previous_run(self.path)
        else:
            drop_incomplete_checkpoints(self.path)
            trim_metrics(self.metrics_path, resume_step)
        write_json(settings, self.path / CONFIG_FILE)
        mode = "w" if resume_step is None else "a"
        handler = logging.FileHandler(self.path / LOG_FILE, mode=mode)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        for name in LOGGERS:
            logging.getLogger(name).addHandler(handler)
        self._log_handler = handler
        logging.getLogger("alignkit").setLevel(logging.INFO)
        self.write("running", argv=sys.argv)

    def log_metrics(self, record: dict[str, Any]) -> None:
        if not is_main_process():
            return
        with open(self.metrics_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, default=float) + "\n")
            fh.flush()

    def write(self, status: str, **info: Any) -> dict[str, Any]:
        """(Re)write run.json with the status and everything known so far."""
        assert status in STATUSES
        self.info.update(info)
        now = time.time()
        record = {
            "method": self.method,
            "status": status,
            "started": datetime.fromtimestamp(self.started, UTC).isoformat(timespec="seconds"),
            "ended": None
            if status == "running"
            else datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
            "duration_s": round(now - self.started, 2),
            "peak_rss_mb": peak_rss_mb(),
            "peak_gpu_mb": peak_gpu_mb(),
            "versions": versions(),
            **self.info,
        }
        if is_main_process():
            write_run_record(record, self.path / RUN_FILE)
        if status != "running" and self._log_handler is not None:
            # a process may run several trainings (tests, sweeps): each log file gets its own
            for name in LOGGERS:
                logging.getLogger(name).removeHandler(self._log_handler)
            self._log_handler.close()
            self._log_handler = None
        return record


def last_complete_checkpoint(output_dir: Path) -> Path | None:
    """The newest `checkpoint-N` whose completion marker exists; a checkpoint a kill cut short
    has none and is never resumed from."""
    found = complete_checkpoints(output_dir)
    return found[-1] if found else None


def remove_checkpoint(path: Path) -> None:
    # the marker goes first: a kill in the middle of the removal leaves an incomplete
    # checkpoint, which is never resumed from, rather than a marked one missing its weights
    (path / MARKER).unlink(missing_ok=True)
    shutil.rmtree(path, ignore_errors=True)


def rotate_checkpoints(output_dir: Path, keep: int | None) -> list[Path]:
    """Keep the newest `keep` complete checkpoints; called only after the newest one is
    marked complete, so the last complete checkpoint is never the one deleted. (The Trainer's
    own rotation runs before alignkit's marker is written: with a limit of 1 it deletes the
    only complete checkpoint, and a kill then leaves nothing to resume from.)"""
    if keep is None:
        return []
    old = complete_checkpoints(output_dir)[:-keep]
    for path in old:
        remove_checkpoint(path)
    return old


def drop_incomplete_checkpoints(output_dir: Path) -> None:
    """Checkpoints a kill cut short: never resumed from, and a resumed run would otherwise save
    into one of them, beside the stale files of the attempt that died."""
    for path in Path(output_dir).glob(f"{CHECKPOINT_PREFIX}*"):
        if checkpoint_step(path) is not None and not (path / MARKER).exists():
            shutil.rmtree(path, ignore_errors=True)


def clear_previous_run(output_dir: Path) -> None:
    """What an earlier run left: its checkpoints (a later --resume would continue from them
    under this run's config.json), its final model and its metrics."""
    found = Path(output_dir).glob(f"{CHECKPOINT_PREFIX}*")
    leftovers = [p for p in found if checkpoint_step(p) is not None]
    if (Path(output_dir) / MODEL_DIR).is_dir():
        leftovers.append(Path(output_dir) / MODEL_DIR)
    if leftovers:
        logging.getLogger("alignkit.train").info(
            "starting afresh in %s: removing the previous run's %s",
            output_dir,
            ", ".join(p.name for p in sorted(leftovers)),
        )
    for path in leftovers:
        if path.name == MODEL_DIR:
            shutil.rmtree(path, ignore_errors=True)
        else:
            remove_checkpoint(path)
    (Path(output_dir) / METRICS_FILE).unlink(missing_ok=True)
    # its TensorBoard curves would run on under this run's (W&B's wandb/ keeps its runs apart,
    # some perhaps not yet synced: it stays)
    shutil.rmtree(Path(output_dir) / TENSORBOARD_DIR, ignore_errors=True)


def trim_metrics(path: Path, step: int) -> None:
    """Drop the records past `step`: a resumed run logs those steps again, and two records for
    one step would draw a curve that doubles back."""
    if not path.exists():
        return
    kept = []
    for line in path.read_bytes().splitlines(keepends=True):
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:  # a line a kill cut short
            continue
        if isinstance(record, dict) and record.get("step", 0) <= step:
            kept.append(line if line.endswith(b"\n") else line + b"\n")
    with atomic_path(path) as tmp:
        tmp.write_bytes(b"".join(kept))


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object file, or None where it is missing or unreadable."""
    try:
        value = orjson.loads(Path(path).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None


def disk_full(folder: Path) -> bool:
    """Whether the filesystem holding `folder` has (next to) no room left. torch's checkpoint
    writer reports a full disk as a RuntimeError ("iostream error"), not as ENOSPC."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 64 * 1024


def write_run_record(record: dict[str, Any], path: Path) -> None:
    """run.json, atomically; on a full disk, overwritten in place instead. The atomic write
    needs blocks for a new file, which a full disk does not have, and run.json would then stay
    `running` forever; overwriting the old file reuses its blocks, so the smallest version of
    the record that fits them is written (the traceback is the first thing to go)."""
    try:
        write_json(record, path)
        return
    except OSError as exc:
        if exc.errno not in DISK_FULL or not path.exists():
            raise
    slim = {k: v for k, v in record.items() if k != "traceback"}
    essential = ("method", "status", "started", "ended", "steps", "error", "resumed_from")
    candidates = [
        orjson.dumps(record, default=str),
        orjson.dumps(slim, default=str),
        orjson.dumps({k: slim[k] for k in essential if k in slim}, default=str),
    ]
    room = max(path.stat().st_blocks * 512, path.stat().st_size)
    data = next((c for c in candidates if len(c) + 1 <= room), candidates[-1]) + b"\n"
    with open(path, "r+b") as fh:
        fh.write(data)
        fh.truncate()
        fh.flush()
        os.fsync(fh.fileno())
