"""PPO from a reward model (Ziegler et al. 2019; Ouyang et al. 2022), written here: TRL 1.16
has no PPOTrainer (it left the main package and trl.experimental has none).

    alignkit train ppo --policy-model smollm2-135m-instruct --reward rm:artifacts/rm/demo \
        --dataset-dir data/demo --output-dir artifacts/ppo/demo --lora

Prompts are the `prompt` column of the dataset's train split (preference pairs or unpaired
feedback). Each rollout samples one answer per prompt for `--batch-size` prompts, scores it with
`--reward` (an alignkit RM run, a rule, or several with `--reward-weights`; see
alignkit.train.rewards), and subtracts beta KL(pi || pi_ref) per token. A value head on the
policy's own backbone (trained through the LoRA adapter under --lora, else with the whole
model) gives GAE advantages; then `--ppo-epochs` passes of `--num-mini-batches` clipped
updates. One step is one optimizer update, so a rollout spans ppo_epochs x num_mini_batches
steps; `--max-steps` counts updates. The loop itself is alignkit.train.ppo_trainer; the loss
math is alignkit.train.losses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from alignkit.errors import AlignkitError
from alignkit.train.rewards import RewardFields
from alignkit.train.settings import CommonSettings


@dataclass
class PPOSettings(RewardFields, CommonSettings):
    # how often and on how many prompts it evaluates changes no weights: a resume may change it
    OPERATIONAL: ClassVar[tuple[str, ...]] = (*CommonSettings.OPERATIONAL, "eval_prompts")

    policy_model: str = field(
        default="smollm2-135m-instruct", metadata={"help": "Policy name or folder."}
    )
    ref_model: str | None = field(
        default=None,
        metadata={"help": "Reference model (default: the initial policy; under --lora the base)."},
    )
    output_dir: Path = field(
        default=Path("artifacts/ppo/default"), metadata={"help": "Run folder."}
    )
    lr: float = field(default=1e-5, metadata={"help": "Peak learning rate."})
    batch_size: int = field(default=16, metadata={"help": "Prompts per rollout."})
    num_mini_batches: int = field(
        default=2, metadata={"help": "Updates per PPO epoch (the rollout split in this many)."}
    )
    ppo_epochs: int = field(default=4, metadata={"help": "Passes over each rollout."})
    max_prompt_length: int = field(default=256, metadata={"help": "Prompt tokens kept."})
    max_new_tokens: int = field(default=64, metadata={"help": "Answer tokens sampled."})
    temperature: float = field(default=0.7, metadata={"help": "Sampling temperature (> 0)."})
    top_p: float = field(default=1.0, metadata={"help": "Nucleus sampling (1: off)."})
    kl_coef: float = field(default=0.05, metadata={"help": "beta: the KL penalty's weight."})
    kl_target: float | None = field(
        default=None,
        metadata={"help": "Adapt beta towards this KL per answer (nats; off: beta fixed)."},
    )
    kl_horizon: float = field(default=10000.0, metadata={"help": "Adaptive beta's horizon."})
    clip_range: float = field(default=0.2, metadata={"help": "PPO ratio clip epsilon."})
    clip_range_value: float = field(default=0.2, metadata={"help": "Value clip epsilon."})
    vf_coef: float = field(default=0.1, metadata={"help": "Value loss weight."})
    gamma: float = field(default=1.0, metadata={"help": "GAE discount."})
    lam: float = field(default=0.95, metadata={"help": "GAE lambda."})
    whiten_rewards: bool = field(
        default=False, metadata={"help": "Whiten per-token rewards before GAE."}
    )
    missing_eos_penalty: float | None = field(
        default=None, metadata={"help": "Subtract from the score of answers cut off unfinished."}
    )
    eval_prompts: int = field(
        default=32, metadata={"help": "Eval-split prompts answered at each evaluation."}
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        from alignkit.launch import launched_world_size

        self.check_rewards()
        checks = [
            (self.num_mini_batches >= 1, "--num-mini-batches must be >= 1"),
            (self.ppo_epochs >= 1, "--ppo-epochs must be >= 1"),
            (
                self.batch_size % (self.num_mini_batches * self.gradient_accumulation) == 0,
                "--batch-size must be divisible by --num-mini-batches x --gradient-accumulation",
            ),
            # the advantage whitening's unbiased variance needs two tokens in a rollout
            (self.batch_size >= 2, "--batch-size must be >= 2 for ppo"),
            (self.max_prompt_length >= 1, "--max-prompt-length must be >= 1"),
            (self.max_new_tokens >= 1, "--max-new-tokens must be >= 1"),
            (self.temperature > 0, "--temperature must be > 0 (ppo samples)"),
            (0 < self.top_p <= 1, "--top-p must be in (0, 1]"),
            (self.kl_coef >= 0, "--kl-coef must be >= 0"),
            (self.kl_target is None or self.kl_target > 0, "--kl-target must be > 0"),
            (self.kl_horizon > 0, "--kl-horizon must be > 0"),
            (min(self.clip_range, self.clip_range_value) > 0, "clip ranges must be > 0"),
            (self.vf_coef >= 0, "--vf-coef must be >= 0"),
            (0 <= self.gamma <= 1 and 0 <= self.lam <= 1, "--gamma and --lam must be in [0, 1]"),
            (self.eval_prompts >= 1, "--eval-prompts must be >= 1"),
            # the value head lives beside the model, outside DDP's gradient sync
            (launched_world_size() == 1, "ppo runs in one process (one GPU or the CPU) for now"),
        ]
        for ok, message in checks:
            if not ok:
                raise AlignkitError(message)

    @property
    def updates_per_rollout(self) -> int:
        return self.ppo_epochs * self.num_mini_batches


def train(settings: PPOSettings, callbacks=()):
    """Train a policy with PPO against the reward; returns metrics, paths, timings, memory."""
    from functools import partial

    from alignkit.train.lifecycle import execute

    return execute("ppo", settings, partial(_build, settings), callbacks)


def _build(settings: PPOSettings, run, callbacks):
    from transformers import TrainingArguments

    from alignkit.data.load import load_split
    from alignkit.models import apply_lora, check_device_support, load_causal_lm
    from alignkit.models.tokenize import fit_length
    from alignkit.train import common
    from alignkit.train.lifecycle import Built
    from alignkit.train.ppo_trainer import PPOTrainer
    from alignkit.train.rewards import Reward, prompts_of

    # the rewards first: a bad rule or a missing RM folder fails before the policy loads
    reward = Reward(
        settings.reward,
        settings.reward_weights,
        bf16=common.precision_of(settings).bf16,
        trust_remote_code=settings.trust_remote_code,
    )
    train_ds = prompts_of(load_split(settings.dataset_dir, "train", ("prompt",)), "ppo")
    if len(train_ds) < settings.batch_size:
        raise AlignkitError(
            f"ppo: {len(train_ds)} train prompts, fewer than --batch-size {settings.batch_size}"
        )
    eval_raw = load_split(settings.dataset_dir, "eval", ("prompt",), required=False)
    eval_ds = prompts_of(eval_raw, "ppo") if eval_raw is not None and len(eval_raw) else None
    if eval_ds is not None:
        eval_ds = eval_ds.select(range(min(len(eval_ds), settings.eval_prompts)))
    load = common.load_settings_of(settings)
    check_device_support(load)
    model, tokenizer = load_causal_lm(settings.policy_model, load)
    prompt_limit = fit_length(
        settings.max_prompt_length, model, tokenizer, name=settings.policy_model,
        flag="--max-prompt-length", reserve=settings.max_new_tokens,
    )  # fmt: skip
    ref_model = None
    if settings.ref_model or not settings.lora:  # under LoRA the base, adapters off, is the ref
        ref_model = load_causal_lm(settings.ref_model or settings.policy_model, load)[0]
        ref_model.eval().requires_grad_(False)
    model = apply_lora(model, load, "CAUSAL_LM")
    args = TrainingArguments(
        **common.training_arguments(settings, has_eval=eval_ds is not None),
        remove_unused_columns=False,  # the prompts are text, not model inputs
    )
    trainer = PPOTrainer(
        settings=settings,
        reward=reward,
        max_prompt_length=prompt_limit,
        model=model,
        ref_model=ref_model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tokenizer,
        callbacks=callbacks,
    )
    run.info.update(
        policy_model=settings.policy_model,
        ref_model=settings.ref_model or settings.policy_model,
        rewards=dict(zip(settings.reward, settings.reward_weights)),
        train_prompts=len(train_ds),
        eval_prompts=len(eval_ds) if eval_ds is not None else 0,
        updates_per_rollout=settings.updates_per_rollout,
    )
    return Built(trainer, tokenizer)
