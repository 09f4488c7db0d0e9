"""`alignkit train grpo` / `train rloo` (TRL's GRPOTrainer and RLOOTrainer) on tiny-llama: a
run writes its folder (run.json, metrics.jsonl with each reward on its own, the KL, model/)
and moves the weights, a toy reward rises, a killed run resumes at its checkpoint, a reward
model run is a reward, and bad settings are one line each before any model loads."""

from __future__ import annotations

import json
import math

import pytest

torch = pytest.importorskip("torch")

from alignkit.errors import AlignkitError  # noqa: E402
from alignkit.train import grpo, rloo  # noqa: E402
from alignkit.train.trl_online import SpecReward, completion_text  # noqa: E402
from tests.train.helpers import preference_rows, read_metrics, tiny_rm_run  # noqa: E402

RULE = "rule:tests.train.test_online_trl:vowels"
NAME = "rule_tests.train.test_online_trl_vowels"  # its name in TRL's metrics
METHODS = {"grpo": (grpo, grpo.GRPOSettings), "rloo": (rloo, rloo.RLOOSettings)}


def vowels(prompt: str, response: str) -> float:
    """The toy reward: the share of the answer's characters that are vowels."""
    return sum(c in "aeiou" for c in response) / max(len(response), 1)


def pairwise(prompt: str, a: str, b: str) -> int:
    return 0


def ingest(folder, n: int, eval_ratio: float):
    from alignkit.data import ingest as run_ingest

    folder.mkdir(parents=True)
    src = folder / "pairs.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in preference_rows(n)))
    out = folder / "data"
    run_ingest(
        input=src, output=out, train_ratio=1 - eval_ratio, eval_ratio=eval_ratio, test_ratio=0.0
    )
    return out


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """Train prompts only: TRL's evaluation samples too, which these tests do not need."""
    return ingest(tmp_path_factory.mktemp("online") / "d", 40, 0.0)


def settings(method, data, out, **kw):
    base = dict(
        policy_model="tiny-llama", reward=[RULE], dataset_dir=data, output_dir=out,
        batch_size=8, num_generations=4, max_steps=3, max_completion_length=8,
        logging_steps=1, save_steps=1000, eval_steps=1000, lr=1e-3, warmup_ratio=0.0,
        eval_prompts=4,
    )  # fmt: skip
    base.update(kw)
    return METHODS[method][1](**base)


def train(method, s, callbacks=()):
    return METHODS[method][0].train(s, callbacks)


def initial_weights():
    from alignkit.models import LoadSettings, load_causal_lm

    model, _ = load_causal_lm("tiny-llama", LoadSettings())
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("method", ["grpo", "rloo"])
def test_a_run_writes_its_folder_and_moves_the_weights(method, data, tmp_path):
    from safetensors.torch import load_file

    out = tmp_path / "run"
    result = train(method, settings(method, data, out))
    assert result.status == "succeeded" and result.steps == 3
    run = json.loads((out / "run.json").read_text())
    assert run["method"] == method and run["status"] == "succeeded"
    assert run["policy_model"] == "tiny-llama" and run["rewards"] == {RULE: 1.0}
    assert run["train_prompts"] == 40 and run["prompts_per_round"] == 2
    records = [r for r in read_metrics(out) if "reward" in r]
    assert [r["step"] for r in records] == [1, 2, 3]
    for key in ("reward", "reward_std", "kl", f"rewards/{NAME}/mean", f"rewards/{NAME}/std"):
        assert all(math.isfinite(r[key]) for r in records), key
    # one reward at weight 1: TRL's total is that reward
    assert records[0]["reward"] == pytest.approx(records[0][f"rewards/{NAME}/mean"])
    assert records[0]["completions/max_length"] <= 8
    saved = load_file(str(out / "model" / "model.safetensors"))
    before = initial_weights()
    moved = [k for k, v in saved.items() if k in before and not torch.equal(v, before[k])]
    assert moved, "no parameter changed"


def test_missing_eos_penalty_is_a_reward_of_its_own():
    from alignkit.train.trl_online import MissingEOSPenalty

    penalty = MissingEOSPenalty(0.5, stop_ids={2, 0})
    ids = [[5, 6, 2], [5, 6, 7], [], [9, 0]]  # ended, cut off, nothing, ended on pad
    assert penalty(["p"] * 4, ["c"] * 4, completion_ids=ids) == [0.0, -0.5, -0.5, 0.0]


@pytest.mark.parametrize("method", ["grpo", "rloo"])
def test_answers_cut_off_are_penalised(method, data, tmp_path):
    out = tmp_path / "run"
    s = settings(method, data, out, missing_eos_penalty=2.0, max_steps=2)
    assert train(method, s).status == "succeeded"
    records = [r for r in read_metrics(out) if "reward" in r]
    # tiny-llama's random 8-token answers almost never end: nearly all pay the penalty
    cut = [r["completions/clipped_ratio"] for r in records]
    penalties = [r["rewards/missing_eos/mean"] for r in records]
    assert penalties == pytest.approx([-2.0 * c for c in cut])
    assert records[0]["reward"] == pytest.approx(
        records[0][f"rewards/{NAME}/mean"] + records[0]["rewards/missing_eos/mean"]
    )


def test_lora_and_an_eval_split(tmp_path):
    """Under LoRA the reference is the base with its adapter off (TRL's way: no second model),
    and the final evaluation samples the eval split's prompts in whole groups."""
    data = ingest(tmp_path / "d", 40, 0.2)
    out = tmp_path / "run"
    # and the non-default loss paths: two updates per round, asymmetric clip, batch scaling
    s = settings(
        "grpo", data, out, lora=True, max_steps=2, batch_size=8, eval_prompts=2,
        num_iterations=2, epsilon_high=0.28, loss_type="grpo", scale_rewards="batch",
    )  # fmt: skip
    result = train("grpo", s)
    assert result.status == "succeeded"
    assert {"eval_reward", "eval_reward_std", "eval_kl"} <= set(result.metrics)
    assert (out / "model" / "adapter_model.safetensors").exists()
    first = next(r for r in read_metrics(out) if "kl" in r)
    assert first["kl"] == 0.0  # LoRA's B starts at 0: the first policy is the reference
    assert json.loads((out / "run.json").read_text())["eval_prompts"] == 2


@pytest.mark.slow
@pytest.mark.parametrize("method", ["grpo", "rloo"])
def test_a_toy_reward_rises(method, tmp_path):
    data = ingest(tmp_path / "d", 80, 0.0)
    out = tmp_path / "run"
    s = settings(
        method, data, out, batch_size=16, max_steps=20, lr=1e-2, beta=0.0,
        lr_scheduler="constant",
    )  # fmt: skip
    assert train(method, s).status == "succeeded"
    rewards = [r["reward"] for r in read_metrics(out) if "reward" in r]
    first, last = sum(rewards[:5]) / 5, sum(rewards[-5:]) / 5
    # random tiny-llama answers are ~29% vowels; measured over the last 5 of 20 steps:
    # GRPO 0.62, RLOO 0.62 (both ~0.7 at step 20)
    assert last > first + 0.2, (first, last)


@pytest.mark.parametrize("method", ["grpo", "rloo"])
def test_killed_after_a_checkpoint_resumes_to_the_same_weights(method, data, tmp_path):
    """The checkpoint holds the RNG and the sampler's place: resumed at step 2, the run samples
    the same answers and ends with the same weights as one never stopped (measured: equal to
    the bit, rewards too)."""
    from safetensors.torch import load_file
    from transformers import TrainerCallback

    class Die(TrainerCallback):
        def on_step_end(self, args, state, control, **kw):
            if state.global_step == 3:
                raise SystemExit("killed")

    common = dict(max_steps=4, save_steps=2)
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    train(method, settings(method, data, whole, **common))
    with pytest.raises(SystemExit):
        train(method, settings(method, data, cut, **common), callbacks=[Die()])
    assert json.loads((cut / "run.json").read_text())["status"] in ("failed", "stopped")
    resumed = train(method, settings(method, data, cut, resume=True, **common))
    assert resumed.status == "succeeded" and resumed.steps == 4
    assert json.loads((cut / "run.json").read_text())["resumed_from"].endswith("checkpoint-2")
    # step 3, logged before the kill, is not logged twice
    rewards = {r["step"]: r["reward"] for r in read_metrics(whole) if "reward" in r}
    again = [(r["step"], r["reward"]) for r in read_metrics(cut) if "reward" in r]
    assert again == list(rewards.items())
    a, b = (load_file(str(f / "model" / "model.safetensors")) for f in (whole, cut))
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=1e-5, atol=1e-6, msg=key)


def test_a_reward_model_run_is_a_reward(data, tmp_path):
    rm_out = tiny_rm_run(data, tmp_path / "rm")
    out = tmp_path / "run"
    spec = f"rm:{rm_out}"
    s = settings("grpo", data, out, reward=[spec, RULE], reward_weights=[1.0, 2.0], max_steps=1)
    assert train("grpo", s).status == "succeeded"
    record = next(r for r in read_metrics(out) if "reward" in r)
    rm_name = spec.replace(":", "_")
    parts = record[f"rewards/{rm_name}/mean"], record[f"rewards/{NAME}/mean"]
    assert record["reward"] == pytest.approx(parts[0] + 2 * parts[1], rel=1e-4, abs=1e-6)
    assert parts[0] != 0.0 and record[f"rewards/{rm_name}/std"] > 0  # the RM scored them
    assert json.loads((out / "run.json").read_text())["rewards"] == {spec: 1.0, RULE: 2.0}


def test_chat_prompts_sample_through_the_chat_template(tmp_path):
    """Message-list prompts: TRL applies tiny-llama's chat template and hands the rewards
    assistant messages, which are scored as their text."""
    from alignkit.data import ingest as run_ingest

    (tmp_path / "d").mkdir()
    src = tmp_path / "d" / "chat.jsonl"
    rows = [
        {
            "prompt": [{"role": "user", "content": r["prompt"]}],
            "chosen": [{"role": "assistant", "content": r["chosen"]}],
            "rejected": [{"role": "assistant", "content": r["rejected"]}],
        }
        for r in preference_rows(8)
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    data = tmp_path / "d" / "data"
    run_ingest(input=src, output=data, train_ratio=1.0, eval_ratio=0.0, test_ratio=0.0)
    out = tmp_path / "run"
    s = settings("grpo", data, out, max_steps=1, batch_size=4, num_generations=2)
    assert train("grpo", s).status == "succeeded"
    (record,) = [r for r in read_metrics(out) if "reward" in r]
    assert 0 < record[f"rewards/{NAME}/mean"] < 1


def test_conversational_completions_are_scored_as_their_text():
    from alignkit.models.judges import make_judge

    f = SpecReward(RULE, make_judge(RULE))
    assert f.__name__ == NAME
    prompts = [[{"role": "user", "content": "Hi"}], "Hi"]
    completions = [[{"role": "assistant", "content": "aeiou"}], "xyz"]
    assert f(prompts, completions, trainer_state=None) == [1.0, 0.0]
    assert completion_text([{"role": "assistant", "content": "a"}, {"role": "tool"}]) == "a"


@pytest.mark.parametrize(
    "method, kw, message",
    [
        ("grpo", {"reward": []}, "at least one --reward"),
        ("grpo", {"reward": ["rule:tests.train.test_online_trl:pairwise"]}, "pairwise rule"),
        ("rloo", {"reward": ["rule:nope-not-a-rule"]}, "unknown judge rule"),
        ("rloo", {"reward": ["rm:/no/such/folder"]}, "does not exist"),
        ("grpo", {"reward_weights": [1.0, 2.0]}, "2 weights for 1 rewards"),
        ("rloo", {"reward": [RULE, RULE]}, "given twice"),
        ("grpo", {"batch_size": 6}, r"\(6\) must be divisible by --num-generations \(4\)"),
        ("rloo", {"batch_size": 3, "gradient_accumulation": 2}, "divisible by --num-gen"),
        ("grpo", {"num_generations": 1, "batch_size": 8}, "--num-generations must be >= 2"),
        ("rloo", {"num_generations": 0}, "--num-generations must be >= 2"),
        ("grpo", {"loss_type": "ppo"}, "--loss-type must be one of"),
        ("grpo", {"scale_rewards": "yes"}, "--scale-rewards must be one of"),
        ("rloo", {"temperature": 0.0}, "--temperature must be > 0"),
        ("rloo", {"epsilon_high": 0.1}, "--epsilon-high must be >= --epsilon"),
        ("grpo", {"batch_size": 400}, "fewer than the 100 one generation round samples"),
        ("rloo", {"max_prompt_length": 2}, "rloo: 0 train prompts"),
        ("grpo", {"missing_eos_penalty": -1.0}, "--missing-eos-penalty must be >= 0"),
    ],
)
def test_bad_settings_are_one_line(method, kw, message, data, tmp_path):
    with pytest.raises(AlignkitError, match=message) as info:
        train(method, settings(method, data, tmp_path / "run", **kw))
    assert "\n" not in str(info.value)
    assert not (tmp_path / "run" / "model").exists()


def run_cli(*args: str):
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = "import sys; from alignkit.cli import main; main()"
    root = Path(__file__).resolve().parents[2]  # the toy rule's module imports from here
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, env=dict(os.environ), cwd=root,
    )  # fmt: skip


def test_the_cli_takes_repeated_rewards_and_their_weights(data, tmp_path):
    out = tmp_path / "run"
    args = [
        "train", "rloo", "--policy-model", "tiny-llama", "--dataset-dir", str(data),
        "--output-dir", str(out), "--reward", RULE, "--reward", "rule:distinct-2",
        "--reward-weights", "1,0.5", "--num-generations", "2", "--batch-size", "4",
        "--normalize-advantages", "--max-steps", "1", "--max-completion-length", "4",
        "--beta", "0",
    ]  # fmt: skip
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    run = json.loads((out / "run.json").read_text())
    assert run["rewards"] == {RULE: 1.0, "rule:distinct-2": 0.5}
    assert run["prompts_per_round"] == 2
    config = json.loads((out / "config.json").read_text())
    assert config["normalize_advantages"] is True and config["reward_weights"] == [1.0, 0.5]
    bad = run_cli(*args[:-6], "--num-generations", "3", "--output-dir", str(tmp_path / "b"))
    assert bad.returncode == 2, bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "--num-generations (3)" in bad.stderr
