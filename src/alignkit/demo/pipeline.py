"""`alignkit demo`: annotation export -> curated splits -> reward model + DPO policy ->
evaluation -> report, offline on the packaged models, on a CPU.

    artifacts/demo/export.json      the annotation export (Argilla 2.x shape, export.py)
    artifacts/demo/data/            ingest output (splits, schema_report.json)
    artifacts/demo/rm/              reward model run (+ eval_rm.json)
    artifacts/demo/dpo/             DPO policy run (LoRA adapter on SmolLM2)
    artifacts/demo/dpo/eval-oracle/ policy vs reference judged by the house-style rule
    artifacts/demo/dpo/eval-rm/     the same answers judged by the reward model
    artifacts/demo/report.html      everything above on one page
    artifacts/demo/summary.json     the figures of the final table

A training stage whose run folder already finished with the same settings is reused, so a
killed demo picks up where it stopped.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignkit.errors import AlignkitError
from alignkit.runfolder import CONFIG_FILE, RUN_FILE

TARGETS = {"rm_auc": 0.95, "win_rate": 0.65, "win_rate_low": 0.55}


@dataclass
class DemoSettings:
    output_dir: Path = field(default=Path("artifacts/demo"), metadata={"help": "Demo folder."})
    quick: bool = field(
        default=False,
        metadata={"help": "Half an epoch of DPO, 32 prompts, 48 new tokens (the CI test)."},
    )
    records: int = field(default=340, metadata={"help": "Records in the annotation export."})
    seed: int = field(default=0, metadata={"help": "Seed of the export, splits and training."})
    rm_model: str = field(default="minilm-l6", metadata={"help": "Reward-model backbone."})
    policy_model: str = field(
        default="smollm2-135m-instruct", metadata={"help": "Policy to align."}
    )
    rm_epochs: float = field(default=2.0, metadata={"help": "Reward-model epochs."})
    dpo_epochs: float = field(default=1.0, metadata={"help": "DPO epochs."})
    dpo_lr: float = field(default=1e-4, metadata={"help": "DPO learning rate (LoRA)."})
    num_prompts: int = field(default=100, metadata={"help": "Held-out prompts for the win-rate."})
    max_new_tokens: int = field(default=80, metadata={"help": "Tokens per generated answer."})
    fresh: bool = field(default=False, metadata={"help": "Redo every stage."})
    precision: str = field(
        default="auto",
        metadata={"help": "auto (bf16 where the CPU has bf16 hardware, else fp32), fp32, bf16."},
    )

    def __post_init__(self) -> None:
        self.output_dir = Path(self.output_dir)
        if self.records < 50:
            raise AlignkitError("--records must be at least 50")
        if self.precision not in {"auto", "fp32", "bf16"}:
            raise AlignkitError(f"--precision is auto, fp32 or bf16, not '{self.precision}'")
        if self.precision == "auto":  # detected, not assumed: bf16 is slower without hardware
            from alignkit.models.precision import native_bf16

            self.precision = "bf16" if native_bf16() else "fp32"
        if self.quick:  # the CI test's size: the pipeline end to end, smaller numbers
            self.rm_epochs = min(self.rm_epochs, 1.0)
            self.dpo_epochs = min(self.dpo_epochs, 0.5)
            self.num_prompts = min(self.num_prompts, 32)
            self.max_new_tokens = min(self.max_new_tokens, 48)

    @property
    def bf16(self) -> bool:
        return self.precision == "bf16"


def run_demo(settings: DemoSettings, console=None) -> dict[str, Any]:
    """The recipe: each stage below, in order, timed; returns the summary (also written to
    summary.json)."""
    from alignkit.io import write_json

    _quiet()
    with _Stages(settings, console) as stage:
        data = stage("ingest", export_and_ingest)
        stage("rm", train_reward_model)
        stage("dpo", train_policy)
        rm_eval = stage("eval_rm", evaluate_reward_model)
        judged = stage("eval_policy", evaluate_policy)
        report_path = stage("report", write_report)
    summary = _summary(settings, data, rm_eval, judged, report_path, stage.timings, stage.started)
    write_json(summary, settings.output_dir / "summary.json")
    return summary


# -- the stages, in the order they run; each takes the settings and the progress display ------


def export_and_ingest(s: DemoSettings, progress) -> dict[str, Any]:
    """1. The annotation export (three simulated annotators), ingested into splits; returns the
    ingest's report."""
    from alignkit.data import ingest
    from alignkit.demo.export import write_sample_export
    from alignkit.demo.stages import ingest_settings

    task = progress.add_task("annotation export + ingest", total=2)
    export = write_sample_export(s.output_dir / "export.json", s.records, s.seed)
    progress.advance(task)
    report = ingest(**ingest_settings(s, export))
    progress.advance(task)
    return report


def train_reward_model(s: DemoSettings, progress) -> dict[str, Any]:
    """2. The reward model (minilm-l6) on the train split; returns its run.json."""
    from alignkit.demo.stages import rm_settings
    from alignkit.train import rm

    return _train(rm, rm_settings(s), progress, "reward model", s.fresh)


def train_policy(s: DemoSettings, progress) -> dict[str, Any]:
    """3. The DPO policy (Factual-DPO, LoRA on SmolLM2); returns its run.json."""
    from alignkit.demo.stages import dpo_settings
    from alignkit.train import dpo

    return _train(dpo, dpo_settings(s), progress, "DPO policy", s.fresh)


def evaluate_reward_model(s: DemoSettings, progress) -> dict[str, Any]:
    """4. The reward model's AUC and accuracy on the test pairs."""
    from alignkit.demo.stages import rm_eval_settings
    from alignkit.eval.rm import evaluate

    task = progress.add_task("evaluate reward model", total=1)
    result = evaluate(rm_eval_settings(s))
    progress.advance(task)
    return result.metrics


def evaluate_policy(s: DemoSettings, progress) -> dict[str, Any]:
    """5. Policy vs reference on held-out prompts: generated once, judged by the oracle rule and
    by the demo's reward model; plus the implicit-reward accuracy on the test pairs."""
    from alignkit.demo.stages import policy_eval_settings
    from alignkit.eval.policy import evaluate

    task = progress.add_task("evaluate policy vs reference", total=2)
    oracle = evaluate(policy_eval_settings(s, "eval_policy"))
    progress.advance(task)
    answers = oracle.files["generations"]
    by_rm = evaluate(policy_eval_settings(s, "eval_policy_rm", answers_from=answers))
    progress.advance(task)
    rows = _rows(oracle.files["generations"])
    n = max(len(rows), 1)
    return {
        "oracle": _win(oracle.metrics),
        "rm": _win(by_rm.metrics),
        "policy_pass_rate": sum(r["score_policy"] for r in rows) / n,
        "reference_pass_rate": sum(r["score_reference"] for r in rows) / n,
        "implicit_reward_accuracy": oracle.metrics.get("implicit_reward_accuracy"),
    }


def write_report(s: DemoSettings, progress) -> Path:
    """6. report.html over both runs and their evaluations."""
    from alignkit.demo.stages import report_settings
    from alignkit.report import build

    task = progress.add_task("report.html", total=1)
    path = build(**report_settings(s))
    progress.advance(task)
    return path


# -- how the stages run -------------------------------------------------------------------------


class _Stages:
    """Runs one stage at a time under one progress display, timing each."""

    def __init__(self, settings: DemoSettings, console=None) -> None:
        self.settings, self.console = settings, console
        self.timings: dict[str, float] = {}
        self.started = time.time()

    def __enter__(self) -> _Stages:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
        )
        self.progress = Progress(*columns, console=self.console or Console())
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def __call__(self, name: str, stage):
        clock = time.time()
        value = stage(self.settings, self.progress)
        self.timings[name] = round(time.time() - clock, 1)
        return value


def _finished(run_dir: Path, settings) -> bool:
    """The run folder holds a finished run of exactly these settings."""
    try:
        run = json.loads((run_dir / RUN_FILE).read_text())
        config = json.loads((run_dir / CONFIG_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return False
    return run.get("status") == "succeeded" and config == settings.to_dict()


def _train(module, settings, progress, label: str, fresh: bool):
    """Train, or reuse a run folder that already finished with these settings."""
    from alignkit.demo.progress import StepProgress

    task = progress.add_task(label, total=None)
    if not fresh and _finished(settings.output_dir, settings):
        progress.update(task, total=1, completed=1, description=f"{label} (reused)")
        return json.loads((settings.output_dir / RUN_FILE).read_text())
    result = module.train(settings, callbacks=[StepProgress(progress, task)])
    return result.run


def _quiet() -> None:
    """The demo shows its own progress bars: the libraries' bars, warnings and deprecation
    chatter would shred them (so the demo runs' train.log keep only transformers' errors)."""
    import warnings

    import datasets
    import transformers

    datasets.disable_progress_bars()
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=UserWarning)


def _summary(settings, report, rm_eval, judged, report_path, timings, started) -> dict:
    oracle, by_rm = judged["oracle"], judged["rm"]
    met = {
        "rm_auc": rm_eval["auc"] >= TARGETS["rm_auc"],
        "win_rate": oracle["win_rate"] >= TARGETS["win_rate"],
        "win_rate_low": oracle["win_rate_ci95"][0] > TARGETS["win_rate_low"],
    }
    return {
        "quick": settings.quick,
        "precision": settings.precision,
        "data": {
            "records": report["input"]["rows"],
            "kept": report["kept"],
            "splits": report["splits"],
            "krippendorff_alpha": report["agreement"].get("krippendorff_alpha"),
        },
        "rm": rm_eval,
        "policy_vs_reference": {"oracle": oracle, "rm": by_rm},
        "reference_pass_rate": judged["reference_pass_rate"],
        "policy_pass_rate": judged["policy_pass_rate"],
        "implicit_reward_accuracy": judged["implicit_reward_accuracy"],
        "targets": TARGETS,
        "targets_met": met,
        "timings_s": timings,
        "total_s": round(time.time() - started, 1),
        "report": str(report_path),
        "output_dir": str(settings.output_dir),
    }


def _win(metrics: dict[str, Any]) -> dict[str, Any]:
    keys = ("prompts", "wins", "ties", "losses", "win_rate", "win_rate_ci95")
    return {k: metrics[k] for k in keys}


def _rows(path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
