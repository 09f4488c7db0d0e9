"""REINFORCE Leave-One-Out (Ahmadian et al. 2024) on TRL's RLOOTrainer.

    alignkit train rloo --policy-model smollm2-135m-instruct --reward rm:artifacts/rm/demo \
        --dataset-dir data/demo --output-dir artifacts/rloo/demo --lora

Prompts are the `prompt` column of the dataset's train split (preference pairs, unpaired
feedback or prompt-only rows). For each prompt `--num-generations` answers are sampled and
scored by `--reward` (see alignkit.train.rewards); TRL 1.16 folds beta KL(pi || ref) into each
answer's reward, and the baseline of an answer is the mean reward of the *other* answers to
its prompt (leave-one-out), so its advantage is unbiased; the update is clipped like PPO's.
The reference is the initial policy, or the adapter-disabled base under --lora; beta defaults
to TRL's 0.05. Shared flags and the batch-size convention (completions, not prompts):
alignkit.train.trl_online.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignkit.train.trl_online import OnlineSettings


@dataclass
class RLOOSettings(OnlineSettings):
    METHOD = "rloo"

    output_dir: Path = field(
        default=Path("artifacts/rloo/default"), metadata={"help": "Run folder."}
    )
    beta: float = field(
        default=0.05, metadata={"help": "KL(pi || ref) coefficient; 0 skips the reference."}
    )
    normalize_advantages: bool = field(
        default=False,
        metadata={"help": "Scale advantages to mean 0, std 1 over each generation round."},
    )

    def trl_arguments(self) -> dict[str, Any]:
        return {"normalize_advantages": self.normalize_advantages}


def train(settings: RLOOSettings, callbacks=()):
    """Train a policy with RLOO against the reward; returns metrics, paths, timings, memory."""
    from functools import partial

    from alignkit.train.lifecycle import execute

    return execute("rloo", settings, partial(_build, settings), callbacks)


def _build(settings: RLOOSettings, run, callbacks):
    from trl import RLOOConfig, RLOOTrainer

    from alignkit.train.trl_online import build

    return build("rloo", settings, run, callbacks, RLOOConfig, RLOOTrainer)
