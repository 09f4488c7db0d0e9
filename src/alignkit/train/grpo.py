"""Group Relative Policy Optimization (Shao et al. 2024) on TRL's GRPOTrainer.

    alignkit train grpo --policy-model smollm2-135m-instruct --reward rm:artifacts/rm/demo \
        --dataset-dir data/demo --output-dir artifacts/grpo/demo --lora

Prompts are the `prompt` column of the dataset's train split (preference pairs, unpaired
feedback or prompt-only rows). For each prompt `--num-generations` answers are sampled and
scored by `--reward` (an alignkit RM run, a rule, or several with `--reward-weights`; see
alignkit.train.rewards); an answer's advantage is its reward less its group's mean (scaled by
the group's std with `--scale-rewards group`), and the clipped policy-gradient loss of
`--loss-type` is minimised, plus beta KL(pi || ref). The reference is the initial policy, or
the adapter-disabled base under --lora.

beta defaults to 0.04, the GRPO paper's value, not TRL's 0.0: rewards here are mostly learned
reward models, which a policy free of any KL pull learns to exploit; `--beta 0` skips the
reference model (less memory, faster) when the reward is a trusted rule. Shared flags and the
batch-size convention (completions, not prompts): alignkit.train.trl_online.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignkit.errors import AlignkitError
from alignkit.train.trl_online import OnlineSettings

# TRL 1.16's loss types that run without vLLM or extra settings ('luspo' needs sequence-level
# importance sampling, 'vespo' vLLM's sampling logprobs)
GRPO_LOSS_TYPES = ("dapo", "grpo", "dr_grpo", "bnpo", "cispo", "sapo")
SCALE_REWARDS = ("group", "batch", "none")


@dataclass
class GRPOSettings(OnlineSettings):
    METHOD = "grpo"

    output_dir: Path = field(
        default=Path("artifacts/grpo/default"), metadata={"help": "Run folder."}
    )
    beta: float = field(
        default=0.04,
        metadata={"help": "KL(pi || ref) coefficient (TRL's default is 0); 0 skips the ref."},
    )
    loss_type: str = field(
        default="dapo",
        metadata={"help": "dapo (TRL's default), grpo, dr_grpo, bnpo, cispo or sapo."},
    )
    scale_rewards: str = field(
        default="group",
        metadata={"help": "Divide advantages by the std of the group, the batch, or none."},
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.loss_type not in GRPO_LOSS_TYPES:
            raise AlignkitError(f"--loss-type must be one of {', '.join(GRPO_LOSS_TYPES)}")
        if self.scale_rewards not in SCALE_REWARDS:
            raise AlignkitError(f"--scale-rewards must be one of {', '.join(SCALE_REWARDS)}")

    def trl_arguments(self) -> dict[str, Any]:
        return {"loss_type": self.loss_type, "scale_rewards": self.scale_rewards}


def train(settings: GRPOSettings, callbacks=()):
    """Train a policy with GRPO against the reward; returns metrics, paths, timings, memory."""
    from functools import partial

    from alignkit.train.lifecycle import execute

    return execute("grpo", settings, partial(_build, settings), callbacks)


def _build(settings: GRPOSettings, run, callbacks):
    from trl import GRPOConfig, GRPOTrainer

    from alignkit.train.trl_online import build

    built = build("grpo", settings, run, callbacks, GRPOConfig, GRPOTrainer)
    run.info.update(loss_type=settings.loss_type)
    return built
