"""Reading what a run folder holds: the training run (run.json, config.json, metrics.jsonl), the
evaluations written into it (eval_rm.json, eval_policy.json and generations.jsonl, also in
`--output` subfolders such as eval/<judge>/) and the dataset report of the data it trained on.

Every piece but the folder itself is optional: a run still training has no final metrics, an
unevaluated run no eval files. A missing or unreadable piece becomes a note in the report
rather than an error, so a report of a half-finished experiment still builds."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignkit.errors import AlignkitError
from alignkit.runfolder import (
    CHECKPOINT_PREFIX,
    CONFIG_FILE,
    GENERATIONS,
    METRICS_FILE,
    MODEL_DIR,
    POLICY_EVAL,
    RM_EVAL,
    RUN_FILE,
)

# alignkit.data.pipeline.REPORT_NAME, not imported from there: that module loads polars
DATASET_REPORT = "schema_report.json"
# folders under a run that hold models, never results: not searched (a checkpoint is large)
SKIP_DIRS = (MODEL_DIR, "runs", "__pycache__")
SEARCH_DEPTH = 3  # run/eval/<judge>/eval_policy.json is two below the run


@dataclass
class PolicyEval:
    label: str  # the judge spec, else the folder relative to the run
    path: Path
    report: dict[str, Any]
    generations: list[dict[str, Any]] | None


@dataclass
class RMEval:
    label: str
    path: Path
    report: dict[str, Any]


@dataclass
class Dataset:
    path: Path
    report: dict[str, Any]


@dataclass
class Run:
    """One folder given to `alignkit report`: a training run, an evaluation folder or a dataset
    folder, with whatever of each it holds."""

    path: Path
    name: str
    run: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    metrics: list[dict[str, Any]] = field(default_factory=list)
    rm_evals: list[RMEval] = field(default_factory=list)
    policy_evals: list[PolicyEval] = field(default_factory=list)
    dataset: Dataset | None = None
    dataset_only: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def method(self) -> str:
        return str(self.run.get("method") or ("dataset" if self.dataset_only else "?"))


def _read_json(path: Path, notes: list[str]) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        notes.append(f"{path.name} could not be read ({type(exc).__name__}: {exc}); left out")
        return None
    if not isinstance(data, dict):
        notes.append(f"{path.name} is not a JSON object; left out")
        return None
    return data


def read_jsonl(path: Path, notes: list[str]) -> list[dict[str, Any]] | None:
    """The objects of a JSON Lines file; a line that does not parse (the last line of a file
    still being written) is skipped and counted in a note."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return None
    except OSError as exc:
        notes.append(f"{path.name} could not be read ({exc}); left out")
        return None
    rows, bad = [], 0
    for line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(row, dict):
            rows.append(row)
        else:
            bad += 1
    if bad:
        notes.append(f"{path.name}: {bad} line(s) that are not JSON objects were skipped")
    return rows


def _result_files(root: Path, name: str) -> list[Path]:
    """`name` in `root` and in its subfolders up to SEARCH_DEPTH, skipping model and checkpoint
    folders; sorted with the run's own file first."""
    found = []
    for folder, dirs, files in os.walk(root):
        depth = len(Path(folder).relative_to(root).parts)
        dirs[:] = sorted(
            d
            for d in dirs
            if depth < SEARCH_DEPTH
            and d not in SKIP_DIRS
            and not d.startswith((CHECKPOINT_PREFIX, "."))
        )
        if name in files:
            found.append(Path(folder) / name)
    return sorted(found, key=lambda p: (len(p.relative_to(root).parts), str(p)))


def _label(root: Path, path: Path, spec: Any) -> str:
    if spec:
        return str(spec)
    rel = path.parent.relative_to(root)
    return str(rel) if rel.parts else "(run folder)"


def _policy_evals(root: Path, notes: list[str]) -> list[PolicyEval]:
    out = []
    for path in _result_files(root, POLICY_EVAL):
        report = _read_json(path, notes)
        if report is None:
            continue
        judge = report.get("judge") or {}
        label = _label(root, path, judge.get("spec") if isinstance(judge, dict) else None)
        rel = path.parent.relative_to(root)
        if any(e.label == label for e in out):  # the same judge twice (two splits or datasets)
            label = f"{label} ({rel})"
        generations = read_jsonl(path.parent / GENERATIONS, notes)
        out.append(PolicyEval(label, path, report, generations))
    return out


def _rm_evals(root: Path, notes: list[str]) -> list[RMEval]:
    out = []
    for path in _result_files(root, RM_EVAL):
        report = _read_json(path, notes)
        if report is not None:
            rel = path.parent.relative_to(root)
            where = f"{rel}, " if rel.parts else ""
            out.append(RMEval(f"{where}split {report.get('split', '?')}", path, report))
    return out


def _dataset_dir(run: Run, cwd: Path) -> Path | None:
    """The run's dataset folder: config.json's dataset_dir, relative to the working directory
    it was trained from (unknown), so the current one and the run's parent are both tried."""
    given = run.config.get("dataset_dir")
    if not given:
        return None
    path = Path(str(given)).expanduser()
    tries = [path] if path.is_absolute() else [cwd / path, run.path.parent / path]
    for p in tries:
        if (p / DATASET_REPORT).is_file():
            return p
    run.notes.append(f"no dataset report: {DATASET_REPORT} not found in {given}")
    return None


def finite_metrics(rows: list[dict[str, Any]]) -> dict[str, list[tuple[float, float]]]:
    """Each numeric key of metrics.jsonl as (step, value) points. A step logged twice (the
    trainer's last evaluation is repeated by the final evaluation) keeps its last value, and
    NaN/inf are dropped: they cannot be drawn."""
    series: dict[str, dict[float, float]] = {}
    for row in rows:
        step = row.get("step")
        if not isinstance(step, int | float) or isinstance(step, bool):
            continue
        for key, value in row.items():
            if key in ("step", "epoch", "time") or isinstance(value, bool):
                continue
            if isinstance(value, int | float) and math.isfinite(value):
                series.setdefault(key, {})[float(step)] = float(value)
    return {k: sorted(v.items()) for k, v in series.items()}


def load(path: Path, cwd: Path | None = None) -> Run:
    """Everything the report shows about one folder; AlignkitError if it is none of a run, an
    evaluation output or a dataset folder."""
    path = Path(path).expanduser()
    if not path.is_dir():
        raise AlignkitError(f"{path} is not a folder")
    run = Run(path=path, name=path.resolve().name or str(path))
    notes = run.notes
    run.run = _read_json(path / RUN_FILE, notes) or {}
    run.config = _read_json(path / CONFIG_FILE, notes) or {}
    run.rm_evals = _rm_evals(path, notes)
    run.policy_evals = _policy_evals(path, notes)
    is_run = (path / RUN_FILE).is_file()
    if (path / DATASET_REPORT).is_file() and not is_run:
        report = _read_json(path / DATASET_REPORT, notes)
        run.dataset_only = True
        if report is not None:
            run.dataset = Dataset(path, report)
        return run
    if not (is_run or run.rm_evals or run.policy_evals):
        raise AlignkitError(
            f"{path} is not an alignkit run, evaluation or dataset folder "
            f"(no {RUN_FILE}, {RM_EVAL}, {POLICY_EVAL} or {DATASET_REPORT})"
        )
    if is_run:
        run.metrics = read_jsonl(path / METRICS_FILE, notes) or []
        if not run.metrics:
            notes.append(f"no training curves: {METRICS_FILE} is missing or empty")
    data_dir = _dataset_dir(run, cwd or Path.cwd())
    if data_dir is not None:
        report = _read_json(data_dir / DATASET_REPORT, notes)
        if report is not None:
            run.dataset = Dataset(data_dir, report)
    return run


def name_runs(runs: list[Run]) -> None:
    """Short unique names: the folder name, with its parent when two runs share a name."""
    names = [r.name for r in runs]
    for r in runs:
        if names.count(r.name) > 1:
            r.name = "/".join(r.path.resolve().parts[-2:])
    seen: dict[str, int] = {}
    for r in runs:  # the same folder given twice, or parents that match too
        seen[r.name] = seen.get(r.name, 0) + 1
        if seen[r.name] > 1:
            r.name = f"{r.name} ({seen[r.name]})"
