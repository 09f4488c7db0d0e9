"""The settings of the demo's stages (pipeline.py runs them in order).

The hyperparameters are the ones measured to reach the demo's targets on a 2-core CPU in its
time budget (README, "The demo"): LoRA on every linear layer of SmolLM2 and Factual-DPO with
the export's factuality flags. The precision is detected (DemoSettings.precision, "auto"): on a
2-core Xeon without bf16 hardware a SmolLM2 forward pass ran at 1.7 s in fp32 and 2.2 s under
bf16 autocast; on a Zen 4 with AVX512-BF16 a forward and backward ran at 12.4 s in fp32 and
6.6 s under bf16 autocast (8 sequences of 160 tokens).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alignkit.demo.pipeline import DemoSettings


def rm_settings(s: DemoSettings):
    from alignkit.train.rm import RMSettings

    return RMSettings(
        base_model=s.rm_model, dataset_dir=s.output_dir / "data", output_dir=s.output_dir / "rm",
        epochs=s.rm_epochs, lr=5e-5, batch_size=16, max_length=192, truncation="left",
        eval_steps=1000, save_steps=1000, logging_steps=5, warmup_ratio=0.05, seed=s.seed,
        bf16=s.bf16,
    )  # fmt: skip


def dpo_settings(s: DemoSettings):
    from alignkit.train.dpo import DPOSettings

    return DPOSettings(
        policy_model=s.policy_model, dataset_dir=s.output_dir / "data",
        output_dir=s.output_dir / "dpo", epochs=s.dpo_epochs, lr=s.dpo_lr, batch_size=4,
        max_length=192, eval_steps=1000, save_steps=1000, logging_steps=5, warmup_ratio=0.05,
        seed=s.seed, lora=True, loss_type="factual", factual_lambda=1.0, beta=0.1, sft_weight=1.0,
        bf16=s.bf16,
    )  # fmt: skip


def policy_eval_settings(s: DemoSettings, judge: str, answers_from: Path | None = None):
    """The policy against its reference on the held-out prompts, judged by the oracle rule
    (which also scores 48 test pairs by implicit reward) or, with `judge="rm"`, by the demo's
    reward model on the answers the first evaluation generated."""
    from alignkit.eval.policy import PolicyEvalSettings

    by_rm = judge == "rm"
    return PolicyEvalSettings(
        policy=str(s.output_dir / "dpo"), dataset_dir=s.output_dir / "data", split="test",
        num_prompts=s.num_prompts, max_new_tokens=s.max_new_tokens, seed=s.seed, batch_size=16,
        judge=f"rm:{s.output_dir / 'rm'}" if by_rm else judge, max_pairs=0 if by_rm else 48,
        answers_from=answers_from, bf16=s.bf16,
        output=s.output_dir / "dpo" / ("eval-rm" if by_rm else "eval-oracle"),
    )  # fmt: skip
