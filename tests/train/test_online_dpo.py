"""`alignkit train online-dpo` on tiny-llama: two LoRA rounds against a toy rule reward, the
second killed and resumed (round 1 is not run again); every prompt is a pair, a tie or
identical; round 2 starts from round 1; model/ is a merged full model that `eval policy` and
`report` take; a SIGTERM while sampling ends `stopped`; bad settings are one line each."""

from __future__ import annotations

import json
import os
import signal

import pytest

torch = pytest.importorskip("torch")

from transformers import TrainerCallback  # noqa: E402

from alignkit.errors import AlignkitError  # noqa: E402
from alignkit.train import online_dpo as od  # noqa: E402
from tests.train.helpers import make_dataset, read_metrics  # noqa: E402

RULE = "rule:tests.train.test_online_dpo:vowels"


def vowels(prompt: str, response: str) -> float:
    """The toy reward: the share of the answer's characters that are vowels."""
    return sum(c in "aeiou" for c in response) / max(len(response), 1)


def length(prompt: str, response: str) -> float:
    """A coarse reward for the accounting test: many answers tie on it."""
    return float(len(response) > 3)


def pairwise(prompt: str, a: str, b: str) -> int:
    return 0


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("online-dpo-data"), n=12)


def settings(data, out, **kw) -> od.OnlineDPOSettings:
    base = dict(
        policy_model="tiny-llama", reward=[RULE], dataset_dir=data, output_dir=out, rounds=2,
        max_new_tokens=6, max_steps=2, batch_size=4, generation_batch_size=8, lr=1e-3,
        logging_steps=1, save_steps=1000, eval_steps=1000, warmup_ratio=0.0, lora=True,
    )  # fmt: skip
    base.update(kw)
    return od.OnlineDPOSettings(**base)


class KillRound2(TrainerCallback):
    """Dies as round 2's DPO starts, as a killed driver would between rounds."""

    def on_train_begin(self, args, state, control, **kwargs):
        if args.output_dir.endswith("round-2"):
            raise SystemExit("killed in round 2")


def test_two_rounds_killed_and_resumed(data, tmp_path):
    out = tmp_path / "run"
    with pytest.raises(SystemExit):
        od.train(settings(data, out), callbacks=[KillRound2()])
    assert json.loads((out / "run.json").read_text())["status"] == "failed"
    first = json.loads((out / "round-1" / "run.json").read_text())
    assert first["status"] == "succeeded"
    sampled = (out / "round-2" / "samples.jsonl").read_bytes()

    result = od.train(settings(data, out, resume=True))
    assert result.status == "succeeded" and result.method == "online-dpo"
    # round 1 was not run again, round 2's pairs were reused and its DPO run finished
    assert json.loads((out / "round-1" / "run.json").read_text())["started"] == first["started"]
    assert (out / "round-2" / "samples.jsonl").read_bytes() == sampled
    second = json.loads((out / "round-2" / "run.json").read_text())
    assert second["status"] == "succeeded" and second["steps"] == 2
    # round 2 starts from round 1, which is also its reference (--reference previous)
    config2 = json.loads((out / "round-2" / "config.json").read_text())
    assert config2["policy_model"] == str(out / "round-1") == second["policy_model"]
    assert second["ref_model"] == str(out / "round-1")
    assert json.loads((out / "round-1" / "config.json").read_text())["policy_model"] == "tiny-llama"

    run = json.loads((out / "run.json").read_text())
    assert run["method"] == "online-dpo" and run["status"] == "succeeded"
    assert run["reference"] == "previous" and run["completed_rounds"] == 2
    assert [r["round"] for r in run["rounds"]] == [1, 2]
    for r in run["rounds"]:
        # every prompt is accounted for
        assert r["prompts"] == run["train_prompts"] == r["pairs"] + r["ties"] + r["identical"]
        assert r["pairs"] >= 1 and r["ingested_pairs"] == r["pairs"]
        assert r["chosen_reward"] > r["rejected_reward"]
        assert r["dpo"]["status"] == "succeeded" and "loss" in r["dpo"]["last_train"]
    pairs = [json.loads(x) for x in (out / "round-1" / "pairs.jsonl").read_text().splitlines()]
    assert all(vowels("", p["chosen"]) > vowels("", p["rejected"]) for p in pairs)
    lines = read_metrics(out)
    assert [m["step"] for m in lines] == [1, 2]
    assert all(0 <= m["reward"] <= 1 and "dpo/loss" in m for m in lines)
    part = f"rewards/{RULE.replace(':', '_')}/mean"
    assert all(m[part] == pytest.approx(m["reward"]) for m in lines)  # one reward, weight 1

    # model/ is the last round merged into a full model (its adapter's base is round 1's
    # merged policy, which a copied adapter would not name)
    model = out / "model"
    assert (model / "config.json").is_file() and not (model / "adapter_config.json").exists()
    from alignkit.eval import policy

    judged = policy.evaluate(
        policy.PolicyEvalSettings(
            policy=str(out),
            dataset_dir=data,
            split="eval",
            num_prompts=2,
            max_new_tokens=6,
            batch_size=2,
            judge=RULE,
        )  # fmt: skip
    )
    assert judged.report["win_rate"]["prompts"] == 2
    from alignkit.report.build import build_report
    from alignkit.report.settings import ReportSettings

    build_report(ReportSettings(run_dirs=[out]))
    assert (out / "report.html").is_file()

    # a finished run resumed again is reported as finished
    again = od.train(settings(data, out, resume=True))
    assert again.status == "succeeded"
    assert json.loads((out / "run.json").read_text())["ended"] == run["ended"]


def test_every_prompt_is_a_pair_a_tie_or_identical(data, tmp_path, monkeypatch):
    from alignkit.train.rewards import Reward

    prompts = [f"Question number {i} about rivers?" for i in range(4)]
    answers = (["same", "long answer", "ab", "cd"], ["same", "xy", "long one", "ef"])
    monkeypatch.setattr(od, "_two_answers", lambda s, policy, ps, r: answers)
    s = settings(data, tmp_path / "run", reward=["rule:tests.train.test_online_dpo:length"])
    record = od._sample_round(s, 1, prompts, Reward(s.reward, s.reward_weights))
    # "same": identical; "long answer" vs "xy" and "ab" vs "long one": pairs; "cd" vs "ef" tie
    assert (record["pairs"], record["ties"], record["identical"]) == (2, 1, 1)
    pairs = [json.loads(x) for x in (tmp_path / "run/round-1/pairs.jsonl").read_text().splitlines()]
    assert [(p["chosen"], p["rejected"]) for p in pairs] == [
        ("long answer", "xy"),
        ("long one", "ab"),
    ]
    assert record["ingested_pairs"] == 2
    assert (tmp_path / "run/round-1/data/schema_report.json").is_file()


def test_reference_initial_and_round_settings(data, tmp_path):
    s = settings(data, tmp_path / "run", reference="initial", beta=0.3, rounds=3)
    first, third = s.round_settings(1), s.round_settings(3)
    assert first.policy_model == "tiny-llama" and first.ref_model is None
    assert third.policy_model == str(tmp_path / "run" / "round-2")
    assert third.ref_model == "tiny-llama" and third.beta == 0.3 and third.lora
    assert third.dataset_dir == tmp_path / "run" / "round-3" / "data"
    previous = settings(data, tmp_path / "run").round_settings(2)
    assert previous.ref_model is None  # DPO's default: the policy the round starts from


def test_sigterm_while_sampling_ends_stopped(data, tmp_path, monkeypatch):
    def sample(*args):
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("the SIGTERM should have stopped the run")

    monkeypatch.setattr(od, "_two_answers", sample)
    out = tmp_path / "run"
    result = od.train(settings(data, out))
    assert result.status == "stopped"
    assert json.loads((out / "run.json").read_text())["status"] == "stopped"
    assert signal.getsignal(signal.SIGTERM) is not od._StopSignal._raise


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"reward": []}, "at least one --reward"),
        ({"rounds": 0}, "--rounds must be >= 1"),
        ({"temperature": 0.0}, "--temperature must be > 0"),
        ({"prompts_per_round": 0}, "--prompts-per-round must be >= 1"),
        ({"min_margin": -1.0}, "--min-margin must be >= 0"),
        ({"reference": "latest"}, "--reference must be previous or initial"),
        ({"ref_model": "tiny-llama"}, "--ref-model goes with --reference initial"),
        ({"reward": [RULE, RULE], "reward_weights": [1.0]}, "gives 1 weights for 2 rewards"),
    ],
)
def test_bad_settings_are_one_line(data, tmp_path, kw, message):
    with pytest.raises(AlignkitError, match=message) as info:
        settings(data, tmp_path / "run", **kw)
    assert "\n" not in str(info.value)


def test_a_pairwise_rule_is_refused_before_any_model_loads(data, tmp_path):
    s = settings(data, tmp_path / "run", reward=["rule:tests.train.test_online_dpo:pairwise"])
    with pytest.raises(AlignkitError, match="pairwise rule") as info:
        od.train(s)
    assert "\n" not in str(info.value)
    assert not (tmp_path / "run" / "round-1").exists()


@pytest.mark.slow
def test_the_toy_reward_rises_over_rounds(data, tmp_path):
    out = tmp_path / "run"
    s = settings(data, out, rounds=4, max_steps=16, lr=1e-2, beta=0.5, lora=False, temperature=1.0)
    assert od.train(s).status == "succeeded"
    rewards = [m["reward"] for m in read_metrics(out)]
    # the answers each round samples grow more vowel-heavy (~0.25 -> ~0.35 here): the policy
    # moves towards those its own earlier samples were ranked above
    assert rewards[-1] > rewards[0] + 0.05, rewards
    assert sum(rewards[2:]) > sum(rewards[:2]), rewards


def test_a_round_whose_dpo_run_stopped_stops_the_run(data, tmp_path, monkeypatch):
    from alignkit.train import common, dpo

    def answers(s, policy, prompts, r):
        return [f"answer {i}" for i in range(len(prompts))], ["aeiou"] * len(prompts)

    monkeypatch.setattr(od, "_two_answers", answers)

    def stopped(settings, callbacks=()):  # as a SIGTERM in the middle of DPO ends it
        return common.TrainResult("dpo", "stopped", settings.output_dir, steps=1)

    monkeypatch.setattr(dpo, "train", stopped)
    out = tmp_path / "run"
    result = od.train(settings(data, out))
    run = json.loads((out / "run.json").read_text())
    assert result.status == run["status"] == "stopped"
    assert run["completed_rounds"] == 0 and run["stopped"] == "round 1"
    assert not (out / "model").exists() and not (out / "round-2").exists()
