"""RM and DPO under `accelerate launch` as 2-process DDP on CPU (gloo), as a multi-GPU job runs
them: one run folder written by rank 0 only, training really split over both ranks, complete
checkpoints, a final model that reloads, and DPO's reference cache holding the whole split's
log-probs (the same as one process computes) and hit by the next distributed run, and a
SIGTERM that stops every rank at the same step."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from math import ceil

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("accelerate")

from alignkit.paths import cache_dir  # noqa: E402
from alignkit.runfolder import MARKER  # noqa: E402
from tests.train.helpers import make_dataset, read_metrics  # noqa: E402

WORLD = 2


def _free_port() -> int:
    # tests (and other checkouts) may run side by side: never share torch.distributed's port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tmp_path, *args: str) -> subprocess.Popen:
    """`accelerate launch --multi_gpu` with 2 processes; without a GPU (hidden here) alignkit
    sets up gloo DDP on CPU. The children inherit the test's isolated alignkit/HF dirs; their
    output goes to a file (a full pipe would block them while a test waits)."""
    cmd = [
        sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu",
        "--num_processes", str(WORLD), "--num_machines", "1", "--mixed_precision", "no",
        "--dynamo_backend", "no", "--main_process_port", str(_free_port()),
        "-m", "alignkit.cli", *args,
    ]  # fmt: skip
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1", "TQDM_DISABLE": "1"}
    with open(tmp_path / "launch.log", "w") as log:
        # its own process group: ranks stuck in a collective are killed with the launcher
        return subprocess.Popen(
            cmd, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def wait(tmp_path, proc: subprocess.Popen, timeout: float = 300) -> None:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        pytest.fail(f"the distributed run hung:\n{(tmp_path / 'launch.log').read_text()[-6000:]}")
    assert proc.returncode == 0, (tmp_path / "launch.log").read_text()[-6000:]


def launch(tmp_path, *args: str) -> None:
    wait(tmp_path, start(tmp_path, *args))


def check_run(run, method: str, steps: int, per_step: int, eval_steps: int) -> dict:
    """What rank 0 alone must leave in the run folder, and proof that both ranks trained."""
    info = json.loads((run / "run.json").read_text())
    assert info["method"] == method and info["status"] == "succeeded"
    assert info["steps"] == steps and info["world_size"] == WORLD
    assert info["distributed_type"] == "MULTI_CPU"  # gloo DDP
    assert json.loads((run / "config.json").read_text())["max_steps"] == steps
    records = read_metrics(run)  # valid JSONL
    train = [r for r in records if "loss" in r]
    # one line per logging step and per evaluation (every eval_steps and at the last step, then
    # the final one): rank 1 writes none
    assert [r["step"] for r in train] == list(range(1, steps + 1))
    assert all(np.isfinite(r["loss"]) for r in train)
    evals = [r["step"] for r in records if "eval_loss" in r]
    assert evals == [*sorted({*range(eval_steps, steps + 1, eval_steps), steps}), steps]
    # each step consumed batch_size pairs on each of the two ranks
    steps_per_epoch = ceil(info["train_pairs"] / per_step)
    assert train[-1]["epoch"] == pytest.approx(steps / steps_per_epoch)
    checkpoints = sorted(run.glob("checkpoint-*"))
    assert checkpoints and all((p / MARKER).is_file() for p in checkpoints)
    # each rank saved its RNG state before rank 0 marked the checkpoint complete
    assert all((p / f"rng_state_{r}.pth").is_file() for p in checkpoints for r in range(WORLD))
    assert (run / "train.log").is_file() and (run / "model" / "config.json").is_file()
    return info


def test_reward_model_trains_as_ddp(tmp_path):
    from alignkit.models import load_reward_model

    data = make_dataset(tmp_path, n=64)
    run = tmp_path / "rm"
    launch(
        tmp_path, "train", "rm", "--base-model", "tiny-bert", "--dataset-dir", str(data),
        "--output-dir", str(run), "--max-steps", "6", "--batch-size", "4", "--max-length", "48",
        "--lr", "1e-3", "--logging-steps", "1", "--save-steps", "3", "--eval-steps", "3",
    )  # fmt: skip
    info = check_run(run, "rm", steps=6, per_step=4 * WORLD, eval_steps=3)
    assert "eval_pair_auc" in info["final_metrics"]  # rank 0's own pass over the eval pairs
    model, tokenizer = load_reward_model(str(run))
    enc = tokenizer(
        ["Tell me about rivers"], ["Happy to help: rivers are fascinating."], return_tensors="pt"
    )
    with torch.no_grad():
        assert torch.isfinite(model(**enc).logits).all()


def test_dpo_trains_as_ddp_and_shares_the_reference_cache(tmp_path):
    from alignkit.models import load_causal_lm
    from alignkit.train import dpo

    data = make_dataset(tmp_path, n=64)
    common = dict(policy_model="tiny-llama", dataset_dir=data, batch_size=2, max_length=48)
    flags = [
        "train", "dpo", "--policy-model", "tiny-llama", "--dataset-dir", str(data),
        "--batch-size", "2", "--max-length", "48", "--lr", "1e-3", "--logging-steps", "1",
        "--save-steps", "2", "--eval-steps", "2",
    ]  # fmt: skip
    # one process first: the reference log-probs the distributed run must reproduce
    single = dpo.train(dpo.DPOSettings(**common, output_dir=tmp_path / "single", max_steps=1))
    entries = {
        split: cache_dir() / "reference_logps" / f"{key}.npz"
        for split, key in single.run["reference_fingerprints"].items()
    }
    expected = {}
    for split, path in entries.items():
        with np.load(path) as npz:
            expected[split] = (npz["chosen"], npz["rejected"])
        path.unlink()

    run = tmp_path / "dpo"
    launch(tmp_path, *flags, "--output-dir", str(run), "--max-steps", "4")
    info = check_run(run, "dpo", steps=4, per_step=2 * WORLD, eval_steps=2)
    assert info["reference_cache"] == "miss"
    assert info["reference_fingerprints"] == single.run["reference_fingerprints"]
    # each rank scored a shard; the entry holds the whole split, in order, written once
    stored = sorted(p.name for p in entries["train"].parent.iterdir())
    assert stored == sorted(p.name for p in entries.values())  # no temp files left behind
    for split, path in entries.items():
        with np.load(path) as npz:
            chosen, rejected = npz["chosen"], npz["rejected"]
        assert len(chosen) == len(expected[split][0])
        np.testing.assert_allclose(chosen, expected[split][0], rtol=1e-4, atol=1e-3)
        np.testing.assert_allclose(rejected, expected[split][1], rtol=1e-4, atol=1e-3)
    mtimes = {split: path.stat().st_mtime_ns for split, path in entries.items()}

    # another distributed run with the same reference and data: a hit on every rank
    again = tmp_path / "dpo2"
    launch(tmp_path, *flags, "--output-dir", str(again), "--max-steps", "1", "--beta", "0.5")
    info2 = check_run(again, "dpo", steps=1, per_step=2 * WORLD, eval_steps=2)
    assert info2["reference_cache"] == "hit"
    assert {s: p.stat().st_mtime_ns for s, p in entries.items()} == mtimes  # not rewritten

    model, tokenizer = load_causal_lm(str(run))
    prompt = tokenizer("Tell me something about rivers", return_tensors="pt")
    with torch.no_grad():
        out = model.generate(**prompt, max_new_tokens=4, do_sample=False)
    assert out.shape[1] > prompt["input_ids"].shape[1]


def test_sigterm_to_one_rank_stops_every_rank_with_a_checkpoint(tmp_path):
    """A cancel that reaches one rank only (or the ranks steps apart) still stops them all at
    the same step: a rank stopping alone would leave the other hung in its next all-reduce."""
    import psutil

    data = make_dataset(tmp_path, n=64)
    run = tmp_path / "rm"
    proc = start(
        tmp_path, "train", "rm", "--base-model", "tiny-bert", "--dataset-dir", str(data),
        "--output-dir", str(run), "--max-steps", "400", "--batch-size", "4", "--max-length", "48",
        "--logging-steps", "1", "--save-steps", "1000", "--eval-steps", "1000",
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        metrics = run / "metrics.jsonl"
        while not metrics.is_file() or metrics.read_text().count("\n") < 3:
            assert proc.poll() is None and time.monotonic() < deadline, "training did not start"
            time.sleep(0.1)
        workers = psutil.Process(proc.pid).children(recursive=True)
        (rank1,) = [p for p in workers if p.environ().get("RANK") == "1"]
        rank1.send_signal(signal.SIGTERM)
        wait(tmp_path, proc)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    info = json.loads((run / "run.json").read_text())
    assert info["status"] == "stopped" and 3 <= info["steps"] < 400
    checkpoint = run / f"checkpoint-{info['steps']}"
    assert (checkpoint / MARKER).is_file()
    assert all((checkpoint / f"rng_state_{r}.pth").is_file() for r in range(WORLD))
    assert not (run / "model").exists()  # a stopped run saves a checkpoint, not a final model
