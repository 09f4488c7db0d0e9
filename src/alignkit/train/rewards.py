"""Rewards for online RL (PPO, GRPO, RLOO, online DPO): one score per sampled answer.

    --reward rm:artifacts/rm/demo                     an alignkit reward-model run (or folder)
    --reward rule:house-style                         a pointwise rule (`alignkit eval judges`)
    --reward rm:runs/rm --reward rule:no-refusal --reward-weights 1,0.5

Each spec is read by `alignkit.models.judges.make_judge`, the same parser `eval policy --judge`
uses, so what a policy is trained on and what it is judged by are named alike; a reward model
is loaded once and kept. Several rewards are summed with their weights (1 each by default),
as TRL's `reward_weights` does; the parts are kept too, so metrics show each one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from alignkit.errors import AlignkitError


def parse_weights(value: str | list[float] | list[str] | None, count: int) -> list[float]:
    """`--reward-weights 1,0.5` (or a YAML list): one finite weight per reward, 1 each when
    not given."""
    if value is None or value == [] or value == "":
        return [1.0] * count
    items = [value] if isinstance(value, str) else list(value)
    # the CLI gives strings ("1,0.5", or one per flag), a YAML file numbers
    parts = [p for item in items for p in str(item).split(",") if p.strip()]
    try:
        weights = [float(p) for p in parts]
    except ValueError:
        raise AlignkitError(f"--reward-weights must be numbers, got {value!r}") from None
    if len(weights) != count:
        raise AlignkitError(f"--reward-weights gives {len(weights)} weights for {count} rewards")
    if not all(math.isfinite(w) for w in weights):
        raise AlignkitError("--reward-weights must be finite")
    return weights


def reward_specs(value: str | list[str] | None) -> list[str]:
    """`--reward a --reward b`, a YAML list, or one spec; at least one."""
    specs = [value] if isinstance(value, str) else list(value or [])
    specs = [str(s).strip() for s in specs if str(s).strip()]
    if not specs:
        raise AlignkitError("give at least one --reward (rm:PATH, rule:NAME or rule:module:fn)")
    return specs


@dataclass
class RewardFields:
    """`--reward` and `--reward-weights`, as every online method takes them (PPO, GRPO, RLOO,
    online DPO): a mixin before the method's settings base, checked by `check_rewards()`."""

    reward: list[str] = field(
        default_factory=list,
        metadata={"help": "rm:PATH, rule:NAME or rule:module:fn; repeat for several."},
    )
    reward_weights: list[float] = field(
        default_factory=list, metadata={"help": "One weight per --reward: 1,0.5 (default 1s)."}
    )

    def check_rewards(self) -> None:
        """At least one spec, each once (a repeat is a weight), one finite weight per spec."""
        self.reward = reward_specs(self.reward)
        self.reward_weights = parse_weights(self.reward_weights, len(self.reward))
        repeated = sorted({s for s in self.reward if self.reward.count(s) > 1})
        if repeated:
            raise AlignkitError(f"--reward {repeated[0]} is given twice; weight it instead")


@dataclass
class Reward:
    """The weighted sum of several judges' scores."""

    specs: list[str]
    weights: list[float]
    batch_size: int = 32
    bf16: bool = False
    trust_remote_code: bool = False
    judges: list[Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from alignkit.models.judges import make_judge

        self.specs = reward_specs(self.specs)
        self.weights = parse_weights(self.weights, len(self.specs))
        # rules import and reward-model folders are checked now, before any model loads
        self.judges = [
            make_judge(
                s,
                batch_size=self.batch_size,
                bf16=self.bf16,
                trust_remote_code=self.trust_remote_code,
            )
            for s in self.specs
        ]
        for spec, judge in zip(self.specs, self.judges):
            if getattr(getattr(judge, "rule", None), "pairwise", False):
                raise AlignkitError(
                    f"--reward {spec} is a pairwise rule (prompt, a, b); a reward scores one "
                    "answer: give a pointwise rule (prompt, response) -> float"
                )

    def parts(self, prompts: list[Any], completions: list[str]) -> dict[str, list[float]]:
        """Each reward's own scores, by spec."""
        if len(prompts) != len(completions):
            raise AlignkitError("rewards: prompts and completions differ in number")
        return {s: j.score(prompts, completions) for s, j in zip(self.specs, self.judges)}

    def combine(self, parts: dict[str, list[float]]) -> list[float]:
        columns = [parts[s] for s in self.specs]
        rows = range(len(columns[0]))
        return [sum(w * c[i] for w, c in zip(self.weights, columns)) for i in rows]

    def __call__(self, prompts: list[Any], completions: list[str]) -> list[float]:
        return self.combine(self.parts(prompts, completions))


def metric_name(spec: str) -> str:
    """A reward's name in metrics (`rewards/<name>/mean`, as TRL's GRPO and RLOO log it, and
    PPO too): trackers (MLflow) refuse ':' and other signs in metric names."""
    return re.sub(r"[^\w./-]+", "_", spec)


def prompts_of(dataset, method: str):
    """The prompt column only, from preference pairs or unpaired feedback: what online methods
    answer (TRL would pass any other column to the reward functions as keyword arguments)."""
    if "prompt" not in dataset.column_names:
        raise AlignkitError(
            f"{method} needs a prompt column; got " + ", ".join(dataset.column_names)
        )
    return dataset.remove_columns([c for c in dataset.column_names if c != "prompt"])
