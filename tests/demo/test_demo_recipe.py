"""The demo reads as a recipe: `run_demo` runs its six stages once each, in order, times them
and writes the summary (the stages themselves are faked here; test_demo_quick runs them)."""

from __future__ import annotations

import io
import json

from rich.console import Console

from alignkit.demo import pipeline

STAGES = (
    "export_and_ingest",
    "train_reward_model",
    "train_policy",
    "evaluate_reward_model",
    "evaluate_policy",
    "write_report",
)


def test_the_recipe_runs_each_stage_once_in_order(tmp_path, monkeypatch):
    win = {"prompts": 4, "wins": 3, "ties": 1, "losses": 0, "win_rate": 0.875}
    win["win_rate_ci95"] = [0.6, 1.0]
    values = {
        "export_and_ingest": {"input": {"rows": 340}, "kept": 300, "splits": {}, "agreement": {}},
        "train_reward_model": {},
        "train_policy": {},
        "evaluate_reward_model": {"auc": 0.97, "accuracy": 0.9},
        "evaluate_policy": {
            "oracle": win,
            "rm": win,
            "policy_pass_rate": 0.8,
            "reference_pass_rate": 0.1,
            "implicit_reward_accuracy": 0.7,
        },  # fmt: skip
        "write_report": tmp_path / "report.html",
    }
    calls = []

    def fake(name):
        def stage(settings, progress):
            assert settings.output_dir == tmp_path and progress is not None
            calls.append(name)
            return values[name]

        return stage

    monkeypatch.setattr(pipeline, "_quiet", lambda: None)
    for name in STAGES:
        monkeypatch.setattr(pipeline, name, fake(name))
    settings = pipeline.DemoSettings(output_dir=tmp_path)
    summary = pipeline.run_demo(settings, console=Console(file=io.StringIO()))
    assert calls == list(STAGES)
    assert list(summary["timings_s"]) == ["ingest", "rm", "dpo", "eval_rm", "eval_policy", "report"]
    assert summary["targets_met"] == {"rm_auc": True, "win_rate": True, "win_rate_low": True}
    assert json.loads((tmp_path / "summary.json").read_text()) == summary
