"""One run folder: `config.json` (resolved settings), `metrics.jsonl` (one JSON object per
logging or evaluation event, flushed as it goes so a dashboard can tail it), `run.json`
(status, timings, throughput, memory, versions, fingerprint), `train.log`, `checkpoint-N/`
folders with a completion marker written last, and the final model."""

from __future__ import annotations

import json
import logging
import os
import platform
import resource
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alignkit.data.write import write_json

MARKER = "alignkit_complete.json"
STATUSES = ("running", "succeeded", "failed", "stopped")
LOGGERS = ("alignkit", "transformers", "trl", "peft", "accelerate")
# where launchers put a process's rank and the process count, in accelerate's order: torchrun and
# `accelerate launch` set RANK/WORLD_SIZE, MPI launchers (multi-CPU `--mpirun_hostfile`) their own
RANK_VARS = ("RANK", "PMI_RANK", "OMPI_COMM_WORLD_RANK", "MV2_COMM_WORLD_RANK")
SIZE_VARS = ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MV2_COMM_WORLD_SIZE")


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


def _env_int(names: tuple[str, ...], default: int) -> int:
    for name in names:
        value = int(os.environ.get(name, -1))
        if value >= 0:
            return value
    return default


def is_main_process() -> bool:
    """Rank 0 of a distributed launch, or a plain process. Read from the launcher's environment
    because the run folder is started before the trainer sets up torch.distributed."""
    return _env_int(RANK_VARS, 0) == 0


def launched_world_size() -> int:
    """How many processes the launcher started (1 for a plain process)."""
    return _env_int(SIZE_VARS, 1)


@dataclass
class RunDir:
    path: Path
    method: str
    started: float = field(default_factory=time.time)
    info: dict[str, Any] = field(default_factory=dict)
    _log_handler: logging.Handler | None = None

    @property
    def metrics_path(self) -> Path:
        return self.path / "metrics.jsonl"

    def start(self, settings: dict[str, Any], resume: bool) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        if not is_main_process():
            return
        if not resume:
            self.metrics_path.unlink(missing_ok=True)
        write_json(settings, self.path / "config.json")
        handler = logging.FileHandler(self.path / "train.log")
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
            write_json(record, self.path / "run.json")
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
    found = []
    for path in Path(output_dir).glob("checkpoint-*"):
        step = path.name.removeprefix("checkpoint-")
        if step.isdigit() and (path / MARKER).exists():
            found.append((int(step), path))
    return max(found)[1] if found else None
