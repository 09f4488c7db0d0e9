"""What a finished job left in its run folder, read back for the store: the run's own status,
the one-line error it printed, and its artifacts (complete checkpoints with their step and last
metrics, the final model, evaluation results, the report, the log)."""

from __future__ import annotations

import re
from pathlib import Path

import orjson

from alignkit.data.integrity import REPORT_NAME
from alignkit.runfolder import (
    CHECKPOINT_PREFIX,
    MARKER,
    METRICS_FILE,
    MODEL_DIR,
    POLICY_EVAL,
    REPORT_FILE,
    RM_EVAL,
    RUN_FILE,
)

# the code the CLI prints after an error's message (alignkit.errors.ERRORS)
_CODE = re.compile(r" \[AK-[A-Z-]+\]$")
# a data:ingest job's run folder is the dataset folder it wrote, with its schema report
EVAL_FILES = (RM_EVAL, POLICY_EVAL, REPORT_NAME)


def _json(path: Path) -> dict | None:
    try:
        value = orjson.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def run_status(run_dir: str | None) -> str | None:
    """The status a training run recorded in run.json (None for commands that write none)."""
    if not run_dir:
        return None
    record = _json(Path(run_dir) / RUN_FILE)
    return record.get("status") if record else None


_BOX = " │┃╭╮╰╯─━┏┓┗┛┡┩╇┳┻═║"


def error_line(log_path: Path) -> str | None:
    """The last `error: ... [AK-...]` line the command printed (alignkit's one-line errors),
    without its code, else the last line of a traceback."""
    try:
        lines = log_path.read_bytes()[-65536:].decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        if line.startswith("error: "):
            return _CODE.sub("", line.removeprefix("error: ").strip())
    # else the last line with words in it: Rich and click draw boxes around usage errors
    tail = [text for line in lines if (text := line.strip().strip(_BOX).strip())]
    return tail[-1] if tail else None


def _metrics_at(run_dir: Path, step: int) -> dict:
    """The last metrics record at or before `step` (what the checkpoint was saved with)."""
    found: dict = {}
    try:
        with open(run_dir / METRICS_FILE, "rb") as fh:
            for line in fh:
                try:
                    record = orjson.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and record.get("step", 0) <= step:
                    found.update(record)
    except OSError:
        pass
    return found


def record(store, job_id: str, run_dir: str | None, log_path: Path) -> None:
    """Add the job's artifacts to the store."""
    if log_path.exists():
        store.add_artifact(job_id, "log", log_path)
    if not run_dir or not Path(run_dir).is_dir():
        return
    folder = Path(run_dir)
    checkpoints = []
    for path in folder.glob(f"{CHECKPOINT_PREFIX}*"):
        step = path.name.removeprefix(CHECKPOINT_PREFIX)
        if step.isdigit() and (path / MARKER).exists():
            checkpoints.append((int(step), path))
    for step, path in sorted(checkpoints):
        metrics = _metrics_at(folder, step)
        store.add_artifact(
            job_id, "checkpoint", path, step=step, epoch=metrics.get("epoch"), metrics=metrics
        )
    if (folder / MODEL_DIR).is_dir():
        final = (_json(folder / RUN_FILE) or {}).get("final_metrics") or {}
        store.add_artifact(job_id, "model", folder / MODEL_DIR, metrics=final)
    for name in EVAL_FILES:
        if (folder / name).exists():
            store.add_artifact(job_id, "eval", folder / name)
    if (folder / REPORT_FILE).exists():
        store.add_artifact(job_id, "report", folder / REPORT_FILE)
