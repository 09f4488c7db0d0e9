"""`alignkit.eval.policy.evaluate`: a tiny DPO policy against its reference (tiny-llama)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")

from alignkit.errors import AlignkitError  # noqa: E402
from alignkit.eval import policy  # noqa: E402

JUDGE_MODULE = "tests.eval.test_policy_eval"


def politeness(prompt: str, response: str) -> float:
    """A user's pointwise rule, imported as rule:tests.eval.test_policy_eval:politeness."""
    return float("help" in response.lower()) - float("no" in response.lower().split())


def prefers_first(prompt: str, a: str, b: str) -> int:
    """A user's pairwise rule with total position bias: every pair must come out a tie."""
    return 1


def settings(runs, **kw) -> policy.PolicyEvalSettings:
    base = dict(
        policy=str(runs.dpo), dataset_dir=runs.data, split="eval", num_prompts=6,
        max_new_tokens=12, batch_size=4,
    )  # fmt: skip
    return policy.PolicyEvalSettings(**{**base, **kw})


def read_rows(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def check_win_rate(win: dict, n: int) -> None:
    assert win["prompts"] == n and win["wins"] + win["ties"] + win["losses"] == n
    assert win["win_rate"] == pytest.approx((win["wins"] + 0.5 * win["ties"]) / n)
    low, high = win["win_rate_ci95"]
    assert 0 <= low <= win["win_rate"] <= high <= 1


def test_policy_eval_with_a_reward_model_judge(runs):
    result = policy.evaluate(settings(runs, judge=f"rm:{runs.rm}"))
    met = result.metrics
    assert met["pairs"] == 32 and met["implicit_reward_accuracy"] > 0.5
    assert met["share_improved"] == met["implicit_reward_accuracy"]  # the same quantity for β > 0
    check_win_rate(met, 6)
    report = json.loads((runs.dpo / "eval_policy.json").read_text())
    assert report["reference"] == "tiny-llama"  # from the run's config: the initial policy
    assert report["implicit_reward"]["beta"] == 0.1
    assert report["implicit_reward"]["beta_from"] == "run config"
    assert report["judge"] == {"spec": f"rm:{runs.rm}", "order_sensitive": False}
    # the log-probs are those DPO trained on: TRL's own final eval says the same
    trl_eval = json.loads((runs.dpo / "run.json").read_text())["final_metrics"]
    ours = report["implicit_reward"]
    assert ours["mean_logp_policy_chosen"] == pytest.approx(trl_eval["eval_logps/chosen"], rel=1e-4)
    assert ours["mean_reward_margin"] == pytest.approx(trl_eval["eval_rewards/margins"], rel=1e-3)
    rows = read_rows(runs.dpo / "generations.jsonl")
    assert len(rows) == 6 and {r["verdict"] for r in rows} <= {"win", "tie", "loss"}
    assert all(isinstance(r["score_policy"], float) for r in rows)
    assert sum(r["verdict"] == "win" for r in rows) == met["wins"]


def test_rule_judges_builtin_and_user_functions(runs, tmp_path):
    out = tmp_path / "out"
    builtin = policy.evaluate(settings(runs, judge="rule:distinct-2", output=out, max_pairs=4))
    check_win_rate(builtin.metrics, 6)
    assert builtin.metrics["pairs"] == 4
    first = read_rows(out / "generations.jsonl")
    assert len(first) == 6
    user = policy.evaluate(
        settings(
            runs, judge=f"rule:{JUDGE_MODULE}:politeness", output=out, num_prompts=4, max_pairs=0
        )
    )
    check_win_rate(user.metrics, 4)
    assert user.metrics["pairs"] == 0 and user.report["judge"]["order_sensitive"] is False
    # same seed and batches: the first batch of prompts gets the same answers as before
    again = read_rows(out / "generations.jsonl")
    assert [r["reference"] for r in again] == [r["reference"] for r in first[:4]]
    assert [r["policy"] for r in again] == [r["policy"] for r in first[:4]]
    biased = policy.evaluate(
        settings(
            runs, judge=f"rule:{JUDGE_MODULE}:prefers_first", output=out, num_prompts=4, max_pairs=0
        )
    )
    assert biased.metrics["ties"] == 4 and biased.metrics["win_rate"] == 0.5
    assert biased.metrics["inconsistent_orders"] == 4
    assert all(r["orders"] == [1, -1] for r in read_rows(out / "generations.jsonl"))


def test_greedy_decoding_is_deterministic(runs, tmp_path):
    kw = dict(judge="rule:no-refusal", output=tmp_path, num_prompts=3, temperature=0.0)
    policy.evaluate(settings(runs, **kw, max_pairs=0))
    first = read_rows(tmp_path / "generations.jsonl")
    policy.evaluate(settings(runs, **kw, max_pairs=0, batch_size=1))
    assert [r["policy"] for r in read_rows(tmp_path / "generations.jsonl")] == [
        r["policy"] for r in first
    ]


def test_policy_eval_user_errors(runs):
    with pytest.raises(AlignkitError, match="--judge is required"):
        settings(runs)
    with pytest.raises(AlignkitError, match="unknown judge rule"):
        policy.evaluate(settings(runs, judge="rule:nope"))
    with pytest.raises(AlignkitError, match="--ref is required"):
        policy.evaluate(settings(runs, policy="tiny-llama", judge="rule:no-refusal"))


def test_lora_policy_on_chat_data_matches_trl(tmp_path):
    """A LoRA adapter run on chat-message pairs, cut from the left: the adapter is loaded on its
    base, the chat template renders the pairs, and the log-probs equal TRL's own."""
    from alignkit.data import ingest
    from alignkit.train import dpo
    from tests.train.helpers import preference_rows

    def chat(role, text):
        return [{"role": role, "content": text}]

    rows = [
        {"prompt": chat("user", r["prompt"]), "chosen": chat("assistant", r["chosen"]),
         "rejected": chat("assistant", r["rejected"])}
        for r in preference_rows(48)
    ]  # fmt: skip
    (tmp_path / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    data = tmp_path / "data"
    ingest(
        input=tmp_path / "pairs.jsonl",
        output=data,
        train_ratio=0.75,
        eval_ratio=0.25,
        test_ratio=0.0,
    )
    run = tmp_path / "run"
    dpo.train(
        dpo.DPOSettings(
            policy_model="tiny-llama", dataset_dir=data, output_dir=run, max_steps=3, batch_size=4,
            lr=1e-3, eval_steps=1000, save_steps=1000, logging_steps=1, max_length=40,
            truncation="left", warmup_ratio=0.0, lora=True, lora_r=4, beta=0.2,
        )
    )  # fmt: skip
    assert (run / "model" / "adapter_config.json").exists()
    result = policy.evaluate(
        policy.PolicyEvalSettings(policy=str(run), dataset_dir=data, split="eval", num_prompts=0)
    )
    ours = result.report["implicit_reward"]
    assert ours["beta"] == 0.2 and result.report["tokenization"]["truncation"] == "left"
    assert result.report["win_rate"] is None and not (run / "generations.jsonl").exists()
    trl_eval = json.loads((run / "run.json").read_text())["final_metrics"]
    # 12 pairs in equal batches of 4: TRL's mean of batch means is then the mean over pairs
    assert ours["pairs"] == 12
    assert ours["mean_logp_policy_chosen"] == pytest.approx(trl_eval["eval_logps/chosen"], rel=1e-4)
    assert ours["mean_logp_policy_rejected"] == pytest.approx(
        trl_eval["eval_logps/rejected"], rel=1e-4
    )
    assert ours["mean_reward_chosen"] == pytest.approx(trl_eval["eval_rewards/chosen"], abs=1e-4)


def test_another_judge_scores_the_same_answers_without_generating(runs, tmp_path, monkeypatch):
    first = policy.evaluate(settings(runs, judge="rule:distinct-2", output=tmp_path / "a"))
    generations = first.files["generations"]

    def no_generation(*args, **kwargs):
        raise AssertionError("generated again")

    with monkeypatch.context() as patch:
        patch.setattr(policy, "_answers", no_generation)
        second = policy.evaluate(
            settings(
                runs,
                judge=f"rm:{runs.rm}",
                answers_from=generations,
                max_pairs=0,
                output=tmp_path / "b",
            )  # fmt: skip
        )
    rows_a, rows_b = read_rows(generations), read_rows(second.files["generations"])
    assert [(r["policy"], r["reference"]) for r in rows_a] == [
        (r["policy"], r["reference"]) for r in rows_b
    ]
    check_win_rate(second.metrics, 6)
    assert second.report["judge"]["spec"] == f"rm:{runs.rm}"
    with pytest.raises(AlignkitError, match="answers-from"):
        policy.evaluate(settings(runs, judge="rule:distinct-2", answers_from=tmp_path / "none"))
