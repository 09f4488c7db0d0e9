"""`alignkit train ppo` on tiny-llama: a toy reward rises, the run folder holds what PPO adds
(value head, KL coefficient, the rollout metrics), LoRA's reference is the base, a reward model
run serves as the reward, a run killed after a checkpoint resumes to the same weights, and bad
settings are one line each."""

from __future__ import annotations

import json
import math

import pytest

torch = pytest.importorskip("torch")

from alignkit.errors import AlignkitError  # noqa: E402
from alignkit.train import ppo  # noqa: E402
from alignkit.train.ppo_trainer import HEAD_FILE, STATE_FILE  # noqa: E402
from tests.train.helpers import make_dataset, read_metrics, tiny_rm_run  # noqa: E402

RULE = "rule:tests.train.test_ppo:vowels"


def vowels(prompt: str, response: str) -> float:
    """The toy reward: the share of the answer's characters that are vowels."""
    return sum(c in "aeiou" for c in response) / max(len(response), 1)


def pairwise(prompt: str, a: str, b: str) -> int:
    return 0


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("ppo-data"), n=80)


def settings(data, out, **kw) -> ppo.PPOSettings:
    base = dict(
        policy_model="tiny-llama", reward=[RULE], dataset_dir=data, output_dir=out,
        batch_size=8, num_mini_batches=2, ppo_epochs=2, max_steps=8, max_new_tokens=8,
        logging_steps=1, save_steps=1000, eval_steps=1000, lr=1e-3, eval_prompts=8,
        warmup_ratio=0.0,
    )  # fmt: skip
    base.update(kw)
    return ppo.PPOSettings(**base)


def rollouts(out) -> list[dict]:
    """The metrics records that carry a rollout's statistics (one every 4 updates here)."""
    return [r for r in read_metrics(out) if "reward" in r]


def test_ppo_raises_a_toy_reward(data, tmp_path):
    out = tmp_path / "run"
    result = ppo.train(settings(data, out, max_steps=160, lr=3e-3, kl_coef=0.0, logging_steps=4))
    assert result.status == "succeeded" and result.steps == 160
    rewards = [r["reward"] for r in rollouts(out)]
    assert len(rewards) == 40  # one rollout per ppo_epochs x num_mini_batches = 4 updates
    first, last = sum(rewards[:5]) / 5, sum(rewards[-5:]) / 5
    # random tiny-llama answers are ~29% vowels; PPO drives them towards all-vowel tokens
    assert last > first + 0.3, (first, last)
    assert result.metrics["eval_reward"] > first + 0.3


def test_run_folder_metrics_and_the_lora_reference(data, tmp_path):
    out = tmp_path / "run"
    result = ppo.train(settings(data, out, lora=True, kl_target=1.0, kl_horizon=100))
    assert result.status == "succeeded" and result.steps == 8
    records = read_metrics(out)
    updates = [r for r in records if "loss" in r]
    assert [r["step"] for r in updates] == list(range(1, 9))
    for key in ("policy_loss", "value_loss", "clip_frac", "value_clip_frac", "approx_kl"):
        assert all(math.isfinite(r[key]) for r in updates), key
    assert all(0 <= r["clip_frac"] <= 1 for r in updates)
    first, second = rollouts(out)
    for key in ("reward", "reward_std", "rlhf_reward", "kl", "kl_coef", "entropy", "eos_rate"):
        assert math.isfinite(first[key]) and math.isfinite(second[key]), key
    assert first["response_length"] == 8 and first[f"rewards/{RULE.replace(':', '_')}/mean"] >= 0
    # the first rollout's policy is the base itself (LoRA's B starts at 0): KL exactly 0, and
    # the adaptive controller then lowers beta (KL below its target), by at most 20% x 8/100
    assert first["kl"] == 0.0 and first["rlhf_reward"] == pytest.approx(first["reward"])
    assert first["kl_coef"] == 0.05
    assert second["kl_coef"] == pytest.approx(0.05 * (1 - 0.2 * 8 / 100))
    # updates moved the adapter; the value head and beta are saved beside it
    from safetensors.torch import load_file

    model = out / "model"
    adapter = load_file(str(model / "adapter_model.safetensors"))
    assert any(k.endswith("lora_B.weight") and v.abs().sum() > 0 for k, v in adapter.items())
    assert set(load_file(str(model / HEAD_FILE))) == {"weight", "bias"}
    kl_coef = json.loads((model / STATE_FILE).read_text())["kl_coef"]
    assert kl_coef < second["kl_coef"]  # updated once more after the second rollout
    assert {"eval_reward", "eval_kl", "eval_reward_std"} <= set(result.metrics)
    run = json.loads((out / "run.json").read_text())
    assert run["method"] == "ppo" and run["status"] == "succeeded"
    assert run["rewards"] == {RULE: 1.0} and run["updates_per_rollout"] == 4
    # and the run is a policy like any other: `alignkit eval policy` judges it (MLX8's eval)
    from alignkit.eval import policy

    judged = policy.evaluate(
        policy.PolicyEvalSettings(
            policy=str(out),
            dataset_dir=data,
            split="eval",
            num_prompts=4,
            max_new_tokens=8,
            batch_size=4,
            judge=RULE,
        )  # fmt: skip
    )
    win = judged.report["win_rate"]
    assert win["prompts"] == 4 and win["wins"] + win["ties"] + win["losses"] == 4


def test_a_reward_model_run_is_the_reward(data, tmp_path):
    rm_out = tiny_rm_run(data, tmp_path / "rm")
    out = tmp_path / "run"
    spec = f"rm:{rm_out}"
    result = ppo.train(settings(data, out, reward=[spec, RULE], reward_weights=[1.0, 2.0]))
    assert result.status == "succeeded"
    record = rollouts(out)[0]
    parts = [record[f"rewards/{s.replace(':', '_')}/mean"] for s in (spec, RULE)]
    assert record["reward"] == pytest.approx(parts[0] + 2 * parts[1], rel=1e-5)
    assert parts[0] != 0.0  # the reward model scored the answers


def test_killed_after_a_checkpoint_resumes_to_the_same_weights(data, tmp_path):
    """The checkpoint holds the value head, beta and the RNG: resumed at a rollout boundary,
    the run samples the same answers and ends with the same weights as one never stopped."""
    from safetensors.torch import load_file
    from transformers import TrainerCallback

    class Die(TrainerCallback):
        def on_step_end(self, args, state, control, **kw):
            if state.global_step == 6:
                raise SystemExit("killed")

    common = dict(max_steps=8, save_steps=4, kl_target=1.0, kl_horizon=100)
    whole = tmp_path / "whole"
    ppo.train(settings(data, whole, **common))
    cut = tmp_path / "cut"
    with pytest.raises(SystemExit):
        ppo.train(settings(data, cut, **common), callbacks=[Die()])
    assert json.loads((cut / "run.json").read_text())["status"] in ("failed", "stopped")
    # evaluating on fewer prompts changes no weights: a resume may change it
    resumed = ppo.train(settings(data, cut, resume=True, eval_prompts=4, **common))
    assert resumed.steps == 8
    assert json.loads((cut / "run.json").read_text())["resumed_from"].endswith("checkpoint-4")
    assert [r["step"] for r in read_metrics(cut) if "loss" in r] == list(range(1, 9))
    for name in ("model.safetensors", HEAD_FILE):
        a, b = load_file(str(whole / "model" / name)), load_file(str(cut / "model" / name))
        assert a.keys() == b.keys()
        for key in a:
            torch.testing.assert_close(a[key], b[key], rtol=1e-5, atol=1e-6, msg=key)
    assert json.loads((whole / "model" / STATE_FILE).read_text()) == json.loads(
        (cut / "model" / STATE_FILE).read_text()
    )


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"reward": []}, "at least one --reward"),
        ({"reward": ["rule:tests.train.test_ppo:pairwise"]}, "pairwise rule"),
        ({"reward": ["rule:nope-not-a-rule"]}, "unknown judge rule"),
        ({"reward": ["rm:/no/such/folder"]}, "does not exist"),
        ({"reward_weights": [1.0, 2.0]}, "2 weights for 1 rewards"),
        ({"reward": [RULE, RULE]}, "given twice; weight it instead"),
        ({"reward_weights": ["x"]}, "must be numbers"),
        ({"batch_size": 6, "num_mini_batches": 4}, "divisible by --num-mini-batches"),
        ({"temperature": 0.0}, "--temperature must be > 0"),
        ({"ppo_epochs": 0}, "--ppo-epochs must be >= 1"),
        ({"batch_size": 100, "num_mini_batches": 1}, "fewer than --batch-size"),
    ],
)
def test_bad_settings_are_one_line(data, tmp_path, kw, message):
    with pytest.raises(AlignkitError, match=message):
        ppo.train(settings(data, tmp_path / "run", **kw))
    assert not (tmp_path / "run" / "model").exists()


def test_weights_from_the_cli_and_yaml_parse_alike():
    from alignkit.train.rewards import parse_weights

    assert parse_weights(["1,0.5"], 2) == parse_weights([1, 0.5], 2) == [1.0, 0.5]
    assert parse_weights(None, 3) == [1.0, 1.0, 1.0]


def loud(prompt: str, response: str) -> float:
    """A reward on a large scale: the value loss's gradients dwarf the policy's."""
    return 100.0 * vowels(prompt, response)


def test_the_value_head_is_clipped_like_the_policy(data, tmp_path):
    from transformers import TrainerCallback

    norms = []

    class HeadNorm(TrainerCallback):
        def on_pre_optimizer_step(self, args, state, control, optimizer=None, **kwargs):
            head = optimizer.param_groups[-1]["params"]  # the group create_optimizer added
            norms.append(float(torch.nn.utils.get_total_norm([p.grad for p in head])))

    s = settings(data, tmp_path / "run", reward=["rule:tests.train.test_ppo:loud"], vf_coef=1.0)
    result = ppo.train(s, callbacks=[HeadNorm()])
    assert result.status == "succeeded" and len(norms) == 8
    assert max(norms) <= 1.0 + 1e-4, norms  # TrainingArguments' max_grad_norm
    updates = [r for r in read_metrics(tmp_path / "run") if "loss" in r]
    assert all(math.isfinite(r["value_loss"]) for r in updates)
