"""Online RL on the demo data: PPO and GRPO (and DPO, for comparison) from the same policy, each
given the same wall-clock budget, each judged by the reward model it optimised and by the
demo's oracle rule on the same answers, so reward hacking shows (issue 14's proof).

    alignkit demo --output-dir artifacts/demo          # data/, rm/ (and dpo/) to start from
    .venv/bin/python bench/online_rl.py --demo artifacts/demo --budget-s 900

For each method a run folder <demo>/online-rl/<method> is trained from --policy-model with
LoRA until its step count or the budget runs out (the run then ends at that step, model saved),
then evaluated twice on the test split's held-out prompts, as the demo evaluates its DPO policy:
the oracle (`rule:house-style`, which no method saw) against the reference, and the reward model
on the same answers. One JSON line per method: steps, seconds, both win-rates with their 95%
Wilson intervals, and the final KL. Run it on a quiet machine: the budget is wall-clock.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

METHODS = ("ppo", "grpo", "dpo")


def budget_callback(seconds: float):
    """Ends training at the first step past `seconds` (the run then saves its model)."""
    from transformers import TrainerCallback

    class Budget(TrainerCallback):
        def __init__(self):
            self.start = time.monotonic()
            self.hit = False

        def on_step_end(self, args, state, control, **kwargs):
            if time.monotonic() - self.start > seconds:
                self.hit = control.should_training_stop = True

    return Budget()


def settings_for(method: str, a, demo: Path, out: Path):
    """Each method's settings: LoRA on the same policy, the demo RM as the reward (PPO, GRPO),
    the demo's own DPO settings for DPO."""
    from alignkit.demo.stages import stage_values

    common = dict(
        policy_model=a.policy_model, dataset_dir=demo / "data", output_dir=out, lora=True,
        seed=a.seed, bf16=a.bf16, logging_steps=2, save_steps=10_000, eval_steps=10_000,
    )  # fmt: skip
    reward = [f"rm:{demo / 'rm'}"]
    if method == "ppo":
        from alignkit.train.ppo import PPOSettings

        return PPOSettings(
            **common, reward=reward, batch_size=a.batch_size, num_mini_batches=2, ppo_epochs=2,
            max_new_tokens=a.train_new_tokens, lr=a.lr, kl_coef=0.05, max_steps=a.max_steps,
            lr_scheduler="constant", warmup_ratio=0.0, eval_prompts=8,
            missing_eos_penalty=a.missing_eos_penalty,
        )  # fmt: skip
    if method == "grpo":
        from alignkit.train.grpo import GRPOSettings

        return GRPOSettings(
            **common, reward=reward, num_generations=4, batch_size=a.batch_size,
            max_completion_length=a.train_new_tokens, lr=a.lr, max_steps=a.max_steps,
            lr_scheduler="constant", warmup_ratio=0.0, eval_prompts=8,
            missing_eos_penalty=a.missing_eos_penalty,
        )  # fmt: skip
    from alignkit.train.dpo import DPOSettings

    values = {**stage_values("dpo", demo), **common}
    return DPOSettings(**values)


def judged(run: Path, a, demo: Path) -> dict:
    """The oracle's and the reward model's verdicts on the same answers."""
    from alignkit.eval.policy import PolicyEvalSettings, evaluate

    common = dict(
        policy=str(run), dataset_dir=demo / "data", split="test", num_prompts=a.num_prompts,
        max_new_tokens=a.eval_new_tokens, batch_size=16, seed=a.seed, bf16=a.bf16,
    )  # fmt: skip
    oracle = evaluate(
        PolicyEvalSettings(
            **common, judge="rule:house-style", max_pairs=0, output=run / "eval-oracle"
        )
    )
    rm = evaluate(
        PolicyEvalSettings(
            **common,
            judge=f"rm:{demo / 'rm'}",
            max_pairs=0,
            output=run / "eval-rm",
            answers_from=oracle.files["generations"],
        )  # fmt: skip
    )
    out = {}
    for name, result in (("oracle", oracle), ("rm", rm)):
        win = result.report["win_rate"]
        out[name] = {k: win[k] for k in ("win_rate", "win_rate_ci95", "wins", "ties", "losses")}
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--demo", type=Path, required=True, help="an `alignkit demo` folder")
    p.add_argument("--methods", default=",".join(METHODS))
    p.add_argument("--budget-s", type=float, default=900.0)
    p.add_argument("--policy-model", default="smollm2-135m-instruct")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--max-steps", type=int, default=100_000, help="the budget usually ends it")
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--train-new-tokens", type=int, default=48)
    # without it PPO's first run here (900 s, 153 steps) raised the RM's score and KL but not
    # one answer ended inside the 48 tokens: 0 oracle wins, 93 ties (see bench/README.md)
    p.add_argument("--missing-eos-penalty", type=float, default=1.0, help="PPO, GRPO")
    p.add_argument("--eval-new-tokens", type=int, default=80)
    p.add_argument("--num-prompts", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--bf16", action="store_true")
    a = p.parse_args(argv)
    methods = [m.strip() for m in a.methods.split(",") if m.strip()]
    unknown = sorted(set(methods) - set(METHODS))
    if unknown:
        p.error(f"unknown method(s) {', '.join(unknown)}; one of {', '.join(METHODS)}")
    for need in ("data", "rm"):
        if not (a.demo / need).is_dir():
            p.error(f"{a.demo / need} is missing: run `alignkit demo --output-dir {a.demo}` first")
    import importlib

    for method in methods:
        out = a.demo / "online-rl" / method
        settings = settings_for(method, a, a.demo, out)
        budget = budget_callback(a.budget_s)
        start = time.monotonic()
        train = importlib.import_module(f"alignkit.train.{method}").train
        result = train(settings, callbacks=[budget])
        seconds = time.monotonic() - start
        verdicts = judged(out, a, a.demo)
        kl = next(
            (r.get("kl") for r in reversed(_metrics(out)) if isinstance(r.get("kl"), float)), None
        )
        line = {
            "method": method, "status": result.status, "steps": result.steps,
            "train_s": round(seconds, 1), "budget_hit": budget.hit, "final_kl": kl, **verdicts,
        }  # fmt: skip
        print(json.dumps(line), flush=True)
    return 0


def _metrics(run: Path) -> list[dict]:
    path = run / "metrics.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.is_file() else []


if __name__ == "__main__":
    sys.exit(main())
