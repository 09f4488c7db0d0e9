"""The demo's training settings and evaluations (pipeline.py runs them in order).

The hyperparameters are the ones measured to reach the demo's targets on a 2-core CPU in its
time budget (README, "The demo"): LoRA on every linear layer of SmolLM2 and Factual-DPO with
the export's factuality flags, in fp32: on the 2-core Xeon this was measured on (no AMX), a
SmolLM2 forward pass ran at 1.7 s in fp32 and 2.2 s under bf16 autocast.
"""

from __future__ import annotations

from typing import Any

from alignkit.demo.pipeline import DemoSettings


def rm_settings(s: DemoSettings):
    from alignkit.train.rm import RMSettings

    return RMSettings(
        base_model=s.rm_model, dataset_dir=s.output_dir / "data", output_dir=s.output_dir / "rm",
        epochs=s.rm_epochs, lr=5e-5, batch_size=16, max_length=192, truncation="left",
        eval_steps=1000, save_steps=1000, logging_steps=5, warmup_ratio=0.05, seed=s.seed,
    )  # fmt: skip


def dpo_settings(s: DemoSettings):
    from alignkit.train.dpo import DPOSettings

    return DPOSettings(
        policy_model=s.policy_model, dataset_dir=s.output_dir / "data",
        output_dir=s.output_dir / "dpo", epochs=s.dpo_epochs, lr=s.dpo_lr, batch_size=4,
        max_length=192, eval_steps=1000, save_steps=1000, logging_steps=5, warmup_ratio=0.05,
        seed=s.seed, lora=True, loss_type="factual", factual_lambda=1.0, beta=0.1, sft_weight=1.0,
    )  # fmt: skip


def evaluate_rm(s: DemoSettings, progress) -> dict[str, Any]:
    from alignkit.eval.rm import RMEvalSettings, evaluate

    task = progress.add_task("evaluate reward model", total=1)
    result = evaluate(
        RMEvalSettings(model=str(s.output_dir / "rm"), dataset_dir=s.output_dir / "data")
    )
    progress.advance(task)
    return result.metrics


def evaluate_policy(s: DemoSettings, progress) -> dict[str, Any]:
    """Policy vs reference on held-out prompts: generated once, judged by the oracle rule and
    by the demo's reward model; plus the implicit-reward accuracy on the test pairs."""
    from alignkit.eval.policy import PolicyEvalSettings, evaluate

    task = progress.add_task("evaluate policy vs reference", total=2)
    common = dict(
        policy=str(s.output_dir / "dpo"), dataset_dir=s.output_dir / "data", split="test",
        num_prompts=s.num_prompts, max_new_tokens=s.max_new_tokens, seed=s.seed, batch_size=16,
    )  # fmt: skip
    oracle = evaluate(
        PolicyEvalSettings(
            **common,
            judge="rule:house-style",
            max_pairs=48,
            output=s.output_dir / "dpo" / "eval-oracle",
        )
    )
    progress.advance(task)
    by_rm = evaluate(
        PolicyEvalSettings(
            **common,
            judge=f"rm:{s.output_dir / 'rm'}",
            max_pairs=0,
            answers_from=oracle.files["generations"],
            output=s.output_dir / "dpo" / "eval-rm",
        )  # fmt: skip
    )
    progress.advance(task)
    rows = [r for r in _rows(oracle.files["generations"])]
    n = max(len(rows), 1)
    return {
        "oracle": _win(oracle.metrics),
        "rm": _win(by_rm.metrics),
        "policy_pass_rate": sum(r["score_policy"] for r in rows) / n,
        "reference_pass_rate": sum(r["score_reference"] for r in rows) / n,
        "implicit_reward_accuracy": oracle.metrics.get("implicit_reward_accuracy"),
    }


def _win(metrics: dict[str, Any]) -> dict[str, Any]:
    keys = ("prompts", "wins", "ties", "losses", "win_rate", "win_rate_ci95")
    return {k: metrics[k] for k in keys}


def _rows(path):
    import json

    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
