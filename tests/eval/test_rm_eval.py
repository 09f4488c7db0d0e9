"""`alignkit.eval.rm.evaluate` on a tiny reward model trained for the session."""

from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("torch")

from alignkit.errors import AlignkitError  # noqa: E402
from alignkit.eval import rm  # noqa: E402


def test_rm_eval_metrics_and_files(runs):
    result = rm.evaluate(rm.RMEvalSettings(model=str(runs.rm), dataset_dir=runs.data, split="eval"))
    met = result.metrics
    n = met["pairs"]
    assert n == 32
    assert met["auc"] > 0.9 and met["accuracy"] > 0.9 and met["mean_margin"] > 0
    assert 0.0 <= met["ece"] <= 1.0
    assert result.output_dir == runs.rm  # beside the model: the run folder
    report = json.loads((runs.rm / "eval_rm.json").read_text())
    assert report["metrics"] == pytest.approx(met)
    hist = report["histograms"]
    assert sum(hist["scores"]["chosen"]) == sum(hist["scores"]["rejected"]) == n
    assert sum(hist["margin"]["counts"]) == n
    assert len(hist["scores"]["edges"]) == len(hist["scores"]["chosen"]) + 1
    assert report["scores"]["chosen"]["mean"] > report["scores"]["rejected"]["mean"]
    # training's max_length and truncation come from the run's config.json
    assert report["tokenization"]["max_length"] == 64
    assert report["tokenization"]["max_length_from"] == "run config"
    rows = [
        json.loads(line) for line in (runs.rm / "eval_rm_scores.jsonl").read_text().splitlines()
    ]
    assert len(rows) == n
    assert rows[0]["margin"] == pytest.approx(rows[0]["chosen_score"] - rows[0]["rejected_score"])
    assert sum(r["margin"] > 0 for r in rows) / n == pytest.approx(met["accuracy"])


def test_rm_eval_on_a_plain_model_folder_and_with_output(runs, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(runs.rm / "model", model)
    s = rm.RMEvalSettings(model=str(model), dataset_dir=runs.data, split="eval", max_length=32)
    result = rm.evaluate(s)
    assert (model / "eval_rm.json").exists() and result.output_dir == model
    assert result.report["tokenization"]["max_length_from"] == "flag"
    out = tmp_path / "elsewhere"
    rm.evaluate(
        rm.RMEvalSettings(model=str(model), dataset_dir=runs.data, split="eval", output=out)
    )
    assert (out / "eval_rm.json").exists() and (out / "eval_rm_scores.jsonl").exists()


def test_rm_eval_user_errors(runs):
    with pytest.raises(AlignkitError, match="no test split"):
        rm.evaluate(rm.RMEvalSettings(model=str(runs.rm), dataset_dir=runs.data))
    with pytest.raises(AlignkitError, match="give --output"):
        rm.evaluate(rm.RMEvalSettings(model="tiny-bert", dataset_dir=runs.data, split="eval"))
    with pytest.raises(AlignkitError, match="--model is required"):
        rm.RMEvalSettings(dataset_dir=runs.data)


def test_rm_eval_refuses_a_backbone_without_a_trained_head():
    """A bare backbone would score with a randomly initialised head (issue 8, item 12)."""
    from alignkit.models.inference import load_reward

    with pytest.raises(AlignkitError, match=r"missing \(score.weight\)"):
        load_reward("tiny-llama")
