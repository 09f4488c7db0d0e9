"""The names in a run folder, in one place below every layer: training writes them
(train/rundir.py), and models, evaluation, the report, the jobs and the demo read them.

    run.json                 status, timings, throughput, memory, versions (train/rundir.py)
    config.json              the resolved settings the run trained with
    metrics.jsonl            one JSON object per logging or evaluation event
    train.log                the run's log
    checkpoint-N/            a checkpoint, complete once it holds alignkit_complete.json
    model/                   the final model (a full model, or a LoRA adapter)
    eval_rm.json, eval_policy.json, generations.jsonl, eval_rm_scores.jsonl
                             evaluations written beside the model (alignkit.eval)
    report.html              the run's report, when `alignkit report` is given the one run
"""

from __future__ import annotations

from pathlib import Path

RUN_FILE = "run.json"
CONFIG_FILE = "config.json"
METRICS_FILE = "metrics.jsonl"
LOG_FILE = "train.log"
MODEL_DIR = "model"
CHECKPOINT_PREFIX = "checkpoint-"
MARKER = "alignkit_complete.json"  # written last into a checkpoint: it is complete
TENSORBOARD_DIR = "tensorboard"  # TensorBoard's events (train/tracking.py)
RM_EVAL = "eval_rm.json"
RM_SCORES = "eval_rm_scores.jsonl"
POLICY_EVAL = "eval_policy.json"
GENERATIONS = "generations.jsonl"
REPORT_FILE = "report.html"  # alignkit.report.build.default_output for one run


def is_run(folder: Path) -> bool:
    """A training run's folder that holds its final model."""
    folder = Path(folder)
    return (folder / RUN_FILE).is_file() and (folder / MODEL_DIR).is_dir()


def run_of(name_or_path: str | Path) -> Path | None:
    """The run folder behind `name_or_path`: the folder itself (run.json and model/), or the run
    holding it when it is a run's model/; None for anything else."""
    path = Path(name_or_path).expanduser()
    if is_run(path):
        return path
    if path.name == MODEL_DIR and (path.parent / RUN_FILE).is_file():
        return path.parent
    return None


def checkpoint_step(path: Path) -> int | None:
    """N for a `checkpoint-N` folder, else None."""
    step = path.name.removeprefix(CHECKPOINT_PREFIX)
    return int(step) if path.name.startswith(CHECKPOINT_PREFIX) and step.isdigit() else None


def complete_checkpoints(folder: Path) -> list[Path]:
    """The run's complete checkpoints (their marker written), oldest first."""
    found = []
    for path in Path(folder).glob(f"{CHECKPOINT_PREFIX}*"):
        step = checkpoint_step(path)
        if step is not None and (path / MARKER).exists():
            found.append((step, path))
    return [path for _, path in sorted(found)]
