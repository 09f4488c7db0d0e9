"""Reward-model training on a tiny BERT built here: it learns, leaves a complete run folder,
reloads, resumes from the last complete checkpoint and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

torch = pytest.importorskip("torch")

from alignkit.runfolder import MARKER  # noqa: E402
from alignkit.train import rm  # noqa: E402
from alignkit.train.rundir import last_complete_checkpoint  # noqa: E402
from tests.train.helpers import make_dataset, read_metrics  # noqa: E402


def settings(tmp_path, **kw) -> rm.RMSettings:
    base = dict(
        base_model="tiny-bert",
        dataset_dir=make_dataset(tmp_path),
        output_dir=tmp_path / "run",
        max_steps=40,
        lr=1e-3,
        batch_size=8,
        eval_steps=20,
        save_steps=20,
        logging_steps=5,
        max_length=64,
        warmup_ratio=0.0,
    )
    base.update(kw)
    return rm.RMSettings(**base)


def test_rm_learns_and_leaves_a_complete_run(tmp_path):
    from alignkit.models import load_reward_model

    s = settings(tmp_path)
    initial, _ = load_reward_model("tiny-bert")
    result = rm.train(s)
    assert result.status == "succeeded" and result.steps == 40
    assert result.metrics["eval_pair_accuracy"] > 0.9
    assert result.metrics["eval_pair_auc"] > 0.9
    run = s.output_dir
    records = read_metrics(run)
    losses = [r["loss"] for r in records if "loss" in r]
    assert len(losses) >= 4 and losses[-1] < losses[0]
    assert any("eval_pair_auc" in r for r in records)
    info = json.loads((run / "run.json").read_text())
    assert info["status"] == "succeeded" and info["steps"] == 40 and info["peak_rss_mb"] > 0
    assert {"torch", "transformers", "trl"} <= set(info["versions"])
    assert json.loads((run / "config.json").read_text())["base_model"] == "tiny-bert"
    assert (run / "train.log").exists()
    assert all((p / MARKER).exists() for p in run.glob("checkpoint-*"))
    # the saved model reloads, scores, and its weights moved away from the initial ones
    trained, tokenizer = load_reward_model(str(run))
    changed = [
        not torch.equal(a, b)
        for (_, a), (_, b) in zip(initial.named_parameters(), trained.named_parameters())
    ]
    assert sum(changed) > len(changed) // 2
    enc = tokenizer(
        ["Tell me about rivers"], ["Happy to help: rivers are fascinating."], return_tensors="pt"
    )
    assert trained(**enc).logits.shape == (1, 1)


def test_resume_skips_an_incomplete_checkpoint(tmp_path):
    s = settings(tmp_path, max_steps=12, save_steps=4, eval_steps=100)
    rm.train(s)
    run = s.output_dir
    latest = last_complete_checkpoint(run)
    assert latest.name == "checkpoint-12"
    (latest / MARKER).unlink()  # as if the run had been killed while saving it
    assert last_complete_checkpoint(run).name == "checkpoint-8"
    # a longer run than the first (its schedule changes): a resume needs --resume-force
    again = settings(tmp_path, max_steps=16, save_steps=4, eval_steps=100, resume=True)
    again.resume_force = True
    resumed = rm.train(again)
    info = json.loads((run / "run.json").read_text())
    assert info["resumed_from"].endswith("checkpoint-8") and resumed.steps == 16
    records = read_metrics(run)
    # steps 9-12 ran twice (first run, then again after resuming from step 8): the first
    # run's records past step 8 were dropped on resuming; the end is 16
    assert [r["step"] for r in records if "loss" in r] == [5, 10, 15]
    assert max(r["step"] for r in records) == 16


def test_sigterm_saves_a_checkpoint_and_exits_zero(tmp_path):
    s = settings(tmp_path, max_steps=100000, save_steps=100000, eval_steps=100000, logging_steps=1)
    args = [
        "train",
        "rm",
        "--base-model",
        "tiny-bert",
        "--dataset-dir",
        str(s.dataset_dir),
        "--output-dir",
        str(s.output_dir),
        "--max-steps",
        "100000",
        "--logging-steps",
        "1",
        "--save-steps",
        "100000",
        "--eval-steps",
        "100000",
        "--max-length",
        "64",
    ]
    code = "from alignkit.cli import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    metrics = s.output_dir / "metrics.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and not (
        metrics.exists() and metrics.read_text().count("\n") >= 2
    ):
        time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()[-2000:]
    info = json.loads((s.output_dir / "run.json").read_text())
    assert info["status"] == "stopped"
    assert last_complete_checkpoint(s.output_dir) is not None


@pytest.mark.slow
def test_minilm_reward_model_fits_real_hh_pairs(shared_data, tmp_path):
    """The packaged default backbone on real human preferences: 100 HH-RLHF harmless pairs
    in the real file's format, ingested, trained three epochs, scored on what it trained on.
    What it reaches on held-out pairs (0.610 on the full file, ~10 min) is a benchmark:
    bench/rm_quality.py."""
    import gzip

    from alignkit.data import ingest
    from alignkit.eval.rm import RMEvalSettings, evaluate

    lines = gzip.open(shared_data / "hh-rlhf-harmless-base-test.jsonl.gz", "rt").readlines()
    subset = tmp_path / "hh-100.jsonl"
    subset.write_text("".join(lines[:100]), encoding="utf-8")
    data = tmp_path / "hh"
    ingest(input=subset, output=data, train_ratio=0.9, eval_ratio=0.1, test_ratio=0.0)
    s = rm.RMSettings(
        base_model="minilm-l6", dataset_dir=data, output_dir=tmp_path / "run", epochs=3,
        lr=2e-4, batch_size=8, max_length=96, truncation="left", eval_steps=10000,
        save_steps=10000, logging_steps=5, warmup_ratio=0.1,
    )  # fmt: skip
    result = rm.train(s)
    assert result.status == "succeeded" and 0.0 <= result.metrics["eval_pair_accuracy"] <= 1.0
    fitted = evaluate(RMEvalSettings(model=str(tmp_path / "run"), dataset_dir=data, split="train"))
    assert fitted.metrics["pairs"] >= 80
    # a chance scorer sits at 0.5 on these pairs; one that learnt from them is well above
    assert fitted.metrics["accuracy"] > 0.75, fitted.metrics
