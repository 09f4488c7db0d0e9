"""Jobs from Python: `submit(settings) -> Job`, then `job.wait()`, `.status`, `.cancel()`,
`.logs()`, `.metrics()`, `.artifacts()`. A worker (`alignkit worker`, or the server's) runs it.

    from alignkit.jobs import submit
    from alignkit.train.dpo import DPOSettings
    job = submit(DPOSettings(dataset_dir="data/mine", output_dir="artifacts/dpo/a"))
    job.wait()
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import orjson

from alignkit.commands import COMMANDS
from alignkit.errors import AlignkitError
from alignkit.jobs.records import ArtifactRecord, JobRecord, Status
from alignkit.jobs.store import JobStore


def kind_of(settings: Any) -> str:
    """The registry name whose settings class this object is."""
    cls = type(settings)
    ref = f"{cls.__module__}:{cls.__qualname__}"
    for name, command in COMMANDS.items():
        if command.settings == ref:
            return name
    raise AlignkitError(f"{cls.__name__} is not the settings of a registered command")


def resolved(kind: str, settings: Any) -> dict[str, Any]:
    """The settings as the JSON a job stores (validated by the command's dataclass)."""
    cls = COMMANDS[kind].settings_class()
    if isinstance(settings, dict):
        from alignkit.config import load_settings

        settings = load_settings(cls, None, settings)
    if not isinstance(settings, cls):
        raise AlignkitError(f"settings for {kind} must be a {cls.__name__}")
    out = settings.to_dict() if hasattr(settings, "to_dict") else dataclasses.asdict(settings)
    return orjson.loads(orjson.dumps(out, default=str))


def submit(
    settings: Any,
    kind: str | None = None,
    *,
    priority: int = 0,
    cpus: int = 1,
    gpus: int = 0,
    tags: tuple[str, ...] = (),
    resume_on_lost: bool = False,
    user: str | None = None,
    store: JobStore | None = None,
) -> Job:
    """Queue one registered command (kind inferred from the settings' class) and return at
    once; the job's id is its handle."""
    from alignkit.commands import get

    kind = kind or kind_of(settings)
    get(kind)
    store = store or JobStore.open()
    record = store.submit(
        kind,
        resolved(kind, settings),
        priority=priority,
        cpus=cpus,
        gpus=gpus,
        tags=tags,
        user=user,
        resume_on_lost=resume_on_lost,
    )
    return Job(record.id, store)


class Job:
    def __init__(self, job_id: str, store: JobStore | None = None):
        self.id = job_id
        self.store = store or JobStore.open()

    @property
    def record(self) -> JobRecord:
        return self.store.get(self.id)

    @property
    def status(self) -> Status:
        return self.record.status

    def wait(self, timeout: float | None = None, poll_s: float = 0.5) -> JobRecord:
        """Block until the job is completed, failed or cancelled; returns its record."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            record = self.record
            if record.done:
                return record
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {self.id} still {record.status} after {timeout} s")
            time.sleep(poll_s)

    def cancel(self) -> JobRecord:
        return self.store.request_cancel(self.id)

    def logs(self) -> str:
        path = self.record.log_path
        return Path(path).read_text(errors="replace") if path and Path(path).exists() else ""

    def metrics(self) -> list[dict[str, Any]]:
        """metrics.jsonl of the job's run folder, as far as it is written."""
        run_dir = self.record.run_dir
        path = Path(run_dir) / "metrics.jsonl" if run_dir else None
        if path is None or not path.exists():
            return []
        out = []
        for line in path.read_bytes().splitlines():
            try:
                out.append(orjson.loads(line))
            except ValueError:  # the line being written
                continue
        return out

    def artifacts(self) -> list[ArtifactRecord]:
        return self.store.artifacts(self.id)

    def __repr__(self) -> str:
        return f"Job({self.id!r})"
