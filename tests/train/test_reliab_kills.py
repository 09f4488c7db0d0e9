"""Issue 8's kill probes on the tiny BERT reward model, keeping only one checkpoint
(`save_total_limit=1`): SIGKILL inside a checkpoint write, between the Trainer's save and
alignkit's completion marker, in the middle of rotating the old checkpoint away, and (slow) at
random moments; each time `--resume` continues from a complete checkpoint and the final weights
equal an uninterrupted run's bit for bit, with one metrics record per step.

The runs are children of a fork server that has imported torch and transformers once, so each
kill costs a fork rather than a fresh interpreter (8 s of imports on a small machine)."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from alignkit.runfolder import MARKER  # noqa: E402
from alignkit.train.rundir import last_complete_checkpoint  # noqa: E402
from tests.train.helpers import make_dataset, read_metrics  # noqa: E402

CTX = multiprocessing.get_context("forkserver")
CTX.set_forkserver_preload(["torch", "transformers", "trl", "alignkit.train.rm"])
STEPS, SAVE = 8, 2
ENV_KEYS = ("ALIGNKIT_HOME", "ALIGNKIT_CACHE_DIR", "ALIGNKIT_DATA_DIR", "HF_HOME")


def settings(data: Path, out: Path, **kw) -> dict:
    return dict(
        base_model="tiny-bert", dataset_dir=str(data), output_dir=str(out), max_steps=STEPS,
        batch_size=4, lr=1e-3, eval_steps=1000, save_steps=SAVE, logging_steps=1,
        max_length=32, warmup_ratio=0.0, save_total_limit=1, **kw,
    )  # fmt: skip


def _kill_me() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _install(hook: str | None, step: int) -> None:
    """Where the child dies: a SIGKILL at a precise point of the checkpoint at `step`."""
    if hook == "write":  # the weights are on disk, the optimizer, RNG and state are not
        import transformers

        def save_optimizer(self, output_dir):
            if self.state.global_step == step:
                _kill_me()
            return real_optimizer(self, output_dir)

        real_optimizer = transformers.Trainer._save_optimizer_and_scheduler
        transformers.Trainer._save_optimizer_and_scheduler = save_optimizer
    elif hook == "marker":  # all saved, not yet marked complete (the Trainer's rotation point)
        from alignkit.train import callbacks

        def on_save(self, args, state, control, **kw):
            if state.global_step == step:
                _kill_me()
            return real_on_save(self, args, state, control, **kw)

        real_on_save = callbacks.CheckpointMarker.on_save
        callbacks.CheckpointMarker.on_save = on_save
    elif hook == "rotation":  # the new one marked, the old one half deleted
        import shutil

        def rmtree(path, *a, **kw):
            path = Path(path)
            if (path.parent / f"checkpoint-{step}" / MARKER).exists() and path.name != (
                f"checkpoint-{step}"
            ):
                (path / "model.safetensors").unlink(missing_ok=True)
                _kill_me()
            return real_rmtree(path, *a, **kw)

        real_rmtree = shutil.rmtree
        shutil.rmtree = rmtree


def child(env: dict, kw: dict, hook: str | None, step: int) -> None:
    os.environ.update(env)
    torch.set_num_threads(1)  # one thread: the same float sums in every run, and 2 cores here
    _install(hook, step)
    from alignkit.train import rm

    rm.train(rm.RMSettings(**kw))


def launch(env, kw, hook=None, step=0, kill_after: float | None = None) -> int:
    proc = CTX.Process(target=child, args=(env, kw, hook, step))
    proc.start()
    if kill_after is not None:
        proc.join(kill_after)
        if proc.exitcode is None:
            os.kill(proc.pid, signal.SIGKILL)
    proc.join(240)
    if proc.exitcode is None:
        proc.kill()
        pytest.fail("a training child hung")
    return proc.exitcode


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The dataset, the children's alignkit/HF dirs (one tiny-bert build for all) and the
    uninterrupted run every killed one must equal."""
    root = tmp_path_factory.mktemp("kills")
    env = {k: str(root / k.lower()) for k in ENV_KEYS}
    (root / "d").mkdir()
    data = make_dataset(root / "d", n=40)
    reference = root / "reference"
    assert launch(env, settings(data, reference)) == 0
    return env, data, final_weights(reference)


def final_weights(run: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(run / "model" / "model.safetensors"))


def check_finished_like_the_reference(run: Path, reference: dict) -> None:
    info = json.loads((run / "run.json").read_text())
    assert info["status"] == "succeeded" and info["steps"] == STEPS
    weights = final_weights(run)
    assert weights.keys() == reference.keys()
    assert all(torch.equal(weights[k], reference[k]) for k in reference)
    steps = [r["step"] for r in read_metrics(run) if "loss" in r]
    assert steps == list(range(1, STEPS + 1))  # once each, however many attempts
    assert [p.name for p in run.glob("checkpoint-*")] == [f"checkpoint-{STEPS}"]


@pytest.mark.parametrize(
    ("hook", "resumes_from"),
    [("write", 4), ("marker", 4), ("rotation", 6)],
)
def test_killed_at_a_checkpoint_resumes_to_the_same_weights(base, tmp_path, hook, resumes_from):
    env, data, reference = base
    run = tmp_path / "run"
    assert launch(env, settings(data, run), hook, step=6) == -signal.SIGKILL
    # with the Trainer's own rotation (before the fix) the "marker" kill left no complete
    # checkpoint at all: checkpoint-4 was deleted before checkpoint-6 was marked
    assert last_complete_checkpoint(run).name == f"checkpoint-{resumes_from}"
    assert json.loads((run / "run.json").read_text())["status"] == "running"  # SIGKILL: no say
    assert launch(env, settings(data, run, resume=True)) == 0
    info = json.loads((run / "run.json").read_text())
    assert info["resumed_from"].endswith(f"checkpoint-{resumes_from}")
    check_finished_like_the_reference(run, reference)


def _training_started(run: Path, since: float) -> bool:
    """This attempt has logged a step (metrics.jsonl written after it was launched)."""
    path = run / "metrics.jsonl"
    return path.exists() and path.stat().st_mtime > since


@pytest.mark.slow
def test_killed_at_random_moments_resumes_to_the_same_weights(base, tmp_path):
    """Each attempt is killed a random 0-250 ms after it logs its first step: inside a step,
    a checkpoint write or a rotation, wherever that lands. Timed from the training, not from
    the process start, so that the number of kills does not depend on how loaded the machine
    is (a fixed delay from the start was often longer than the whole run on a quiet one)."""
    env, data, reference = base
    run = tmp_path / "run"
    rng = random.Random(8)
    kills = 0
    for _ in range(12):
        launched = time.time()
        proc = CTX.Process(
            target=child, args=(env, settings(data, run, resume_or_start=True), None, 0)
        )
        proc.start()
        deadline = time.monotonic() + 240
        while proc.exitcode is None and not _training_started(run, launched):
            assert time.monotonic() < deadline, "the training never started"
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.25))
        if proc.exitcode is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.join(240)
        if proc.exitcode == 0:
            break
        assert proc.exitcode == -signal.SIGKILL
        kills += 1
    else:
        assert launch(env, settings(data, run, resume_or_start=True)) == 0
    assert kills >= 2
    check_finished_like_the_reference(run, reference)
