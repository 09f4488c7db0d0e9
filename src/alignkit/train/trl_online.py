"""What `train grpo` and `train rloo` share: both are TRL's online trainers (GRPOTrainer,
RLOOTrainer), which sample `--num-generations` answers per prompt, score them with reward
functions and push the policy towards the answers that beat their group. The settings, the
prompts, the reward functions and the build are the same for both; each method module adds
its own knobs (GRPO's loss type and reward scaling, RLOO's advantage normalisation) and names
its TRL config and trainer.

Batch sizes follow TRL's convention: `--batch-size` counts *completions* per device per step,
so one generation round samples batch_size x gradient_accumulation x processes completions,
that is that many / num_generations prompts, and TRL requires the division to be exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from alignkit.errors import AlignkitError
from alignkit.train.rewards import RewardFields, metric_name, prompts_of
from alignkit.train.settings import CommonSettings


@dataclass
class OnlineSettings(RewardFields, CommonSettings):
    """The fields GRPO and RLOO share (method modules subclass it and set their defaults)."""

    # how often and on how many prompts it evaluates changes no weights: a resume may change it
    OPERATIONAL: ClassVar[tuple[str, ...]] = (*CommonSettings.OPERATIONAL, "eval_prompts")

    METHOD = "online"  # the CLI name, for messages

    policy_model: str = field(
        default="smollm2-135m-instruct", metadata={"help": "Policy name or folder."}
    )
    output_dir: Path = field(
        default=Path("artifacts/online/default"), metadata={"help": "Run folder."}
    )
    lr: float = field(default=1e-6, metadata={"help": "Peak learning rate."})
    batch_size: int = field(
        default=8,
        metadata={"help": "Completions (not prompts) per device per step, as in TRL."},
    )
    num_generations: int = field(
        default=4, metadata={"help": "Answers sampled per prompt: the group (>= 2)."}
    )
    max_prompt_length: int = field(
        default=512,
        metadata={"help": "Prompts longer than this many tokens are left out (not cut)."},
    )
    max_completion_length: int = field(default=128, metadata={"help": "Answer tokens sampled."})
    temperature: float = field(default=1.0, metadata={"help": "Sampling temperature (> 0)."})
    top_p: float = field(default=1.0, metadata={"help": "Nucleus sampling (1: off)."})
    beta: float = field(
        default=0.04,
        metadata={"help": "KL(pi || ref) coefficient; 0 skips the reference model."},
    )
    num_iterations: int = field(
        default=1, metadata={"help": "Updates per generation round (mu; >1 reuses samples)."}
    )
    epsilon: float = field(default=0.2, metadata={"help": "Ratio clip, lower side."})
    epsilon_high: float | None = field(
        default=None, metadata={"help": "Ratio clip, upper side (default: --epsilon; DAPO 0.28)."}
    )
    mask_truncated_completions: bool = field(
        default=False, metadata={"help": "Leave answers cut off unfinished out of the loss."}
    )
    missing_eos_penalty: float | None = field(
        default=None, metadata={"help": "Subtract from the reward of answers cut off unfinished."}
    )
    eval_prompts: int = field(
        default=32, metadata={"help": "Eval-split prompts answered at each evaluation."}
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        from alignkit.launch import launched_world_size

        self.check_rewards()
        per_round = self.batch_size * self.gradient_accumulation * launched_world_size()
        checks = [
            (self.num_generations >= 2, "--num-generations must be >= 2 (a group needs two)"),
            # TRL samples whole groups per round (GRPOConfig/RLOOConfig.__post_init__); we say
            # it in our own flags' names, before any model loads
            (
                per_round % max(self.num_generations, 1) == 0,  # 0 is refused above
                f"--batch-size x --gradient-accumulation x processes ({per_round}) must be "
                f"divisible by --num-generations ({self.num_generations}): --batch-size counts "
                "completions",
            ),
            (self.max_prompt_length >= 1, "--max-prompt-length must be >= 1"),
            (self.max_completion_length >= 1, "--max-completion-length must be >= 1"),
            (self.temperature > 0, f"--temperature must be > 0 ({self.METHOD} samples)"),
            (0 < self.top_p <= 1, "--top-p must be in (0, 1]"),
            (self.beta >= 0, "--beta must be >= 0"),
            (self.num_iterations >= 1, "--num-iterations must be >= 1"),
            (self.epsilon > 0, "--epsilon must be > 0"),
            (
                self.epsilon_high is None or self.epsilon_high >= self.epsilon,
                "--epsilon-high must be >= --epsilon",
            ),
            (self.eval_prompts >= 1, "--eval-prompts must be >= 1"),
            (
                self.missing_eos_penalty is None or self.missing_eos_penalty >= 0,
                "--missing-eos-penalty must be >= 0 (it is subtracted)",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise AlignkitError(message)

    @property
    def prompts_per_round(self) -> int:
        from alignkit.launch import launched_world_size

        return (
            self.batch_size * self.gradient_accumulation * launched_world_size()
        ) // self.num_generations

    def trl_arguments(self) -> dict[str, Any]:
        """The method's own TRL config fields (beyond the shared ones); overridden."""
        return {}


def completion_text(completion: Any) -> str:
    """TRL gives a conversational prompt's completion as a message list: the assistant's text."""
    if isinstance(completion, str):
        return completion
    return "".join(
        str(m.get("content") or "") for m in completion if m.get("role", "assistant") == "assistant"
    )


class SpecReward:
    """One `--reward` spec as a TRL reward function, `f(prompts, completions, **kw)`; TRL names
    it by `__name__`, so each reward is logged on its own and weighted by `reward_weights`."""

    def __init__(self, spec: str, judge: Any) -> None:
        self.spec, self.judge = spec, judge
        self.__name__ = metric_name(spec)

    def __call__(self, prompts: list[Any], completions: list[Any], **_: Any) -> list[float]:
        return self.judge.score(prompts, [completion_text(c) for c in completions])


class MissingEOSPenalty:
    """-penalty for an answer cut off at --max-completion-length before it ended, else 0: a
    TRL reward function of its own (weight 1, logged as rewards/missing_eos/mean), so that a
    reward model that scores half an answer as well as a whole one still teaches the policy to
    finish. "Ended" is TRL's own test (mask_truncated_completions): the last token is an EOS or
    the pad token."""

    __name__ = "missing_eos"

    def __init__(self, penalty: float, stop_ids: set[int]) -> None:
        self.penalty, self.stop_ids = penalty, stop_ids

    def __call__(self, prompts, completions, completion_ids=(), **_: Any) -> list[float]:
        ended = [bool(ids) and ids[-1] in self.stop_ids for ids in completion_ids]
        return [0.0 if done else -self.penalty for done in ended]


def stop_ids(model, tokenizer) -> set[int]:
    """The tokens that end an answer: the generation config's EOS ids, the tokenizer's EOS and
    its pad token (TRL's set)."""
    eos = getattr(model.generation_config, "eos_token_id", None)
    ids = set(eos if isinstance(eos, list) else [eos] if eos is not None else [])
    ids |= {i for i in (tokenizer.eos_token_id, tokenizer.pad_token_id) if i is not None}
    return ids


def reward_functions(reward) -> list[SpecReward]:
    """An alignkit.train.rewards.Reward, split into one TRL reward function per spec (its
    judges, loaded once, are shared)."""
    return [SpecReward(s, j) for s, j in zip(reward.specs, reward.judges)]


def prompt_length(tokenizer, prompt: Any) -> int:
    """Tokens of the prompt as TRL feeds it: the chat template with the generation prompt for
    messages, the plain text otherwise."""
    if isinstance(prompt, list):
        ids = tokenizer.apply_chat_template(prompt, tokenize=True, add_generation_prompt=True)
        ids = ids["input_ids"] if hasattr(ids, "keys") else ids
        return len(ids)
    return len(tokenizer(prompt)["input_ids"])


def short_prompts(dataset, tokenizer, max_length: int):
    """The rows whose prompt fits in `max_length` tokens, and how many were left out: TRL 1.16
    no longer truncates prompts, and a prompt cut in the middle is not the question asked."""
    keep = [i for i, p in enumerate(dataset["prompt"]) if prompt_length(tokenizer, p) <= max_length]
    dropped = len(dataset) - len(keep)
    return (dataset.select(keep) if dropped else dataset), dropped


def build(
    method: str,
    settings: OnlineSettings,
    run,
    callbacks,
    config_class: type,
    trainer_class: type,
):
    """The TRL trainer for `settings` (GRPO or RLOO), with run.info recorded."""
    from alignkit.data.load import load_split, note
    from alignkit.models import check_device_support, load_causal_lm, lora_config
    from alignkit.models.tokenize import fit_length
    from alignkit.train import common
    from alignkit.train.lifecycle import Built
    from alignkit.train.rewards import Reward

    # the rewards first: a bad rule or a missing RM folder fails before the policy loads
    # --trust-remote-code covers a reward model's code too: a run has one such flag
    reward = Reward(
        settings.reward,
        settings.reward_weights,
        bf16=common.precision_of(settings).bf16,
        trust_remote_code=settings.trust_remote_code,
    )
    train_ds = prompts_of(load_split(settings.dataset_dir, "train", ("prompt",)), method)
    eval_raw = load_split(settings.dataset_dir, "eval", ("prompt",), required=False)
    eval_ds = prompts_of(eval_raw, method) if eval_raw is not None and len(eval_raw) else None
    load = common.load_settings_of(settings)
    check_device_support(load)
    model, tokenizer = load_causal_lm(settings.policy_model, load)
    prompt_limit = fit_length(
        settings.max_prompt_length, model, tokenizer, name=settings.policy_model,
        flag="--max-prompt-length", reserve=settings.max_completion_length,
    )  # fmt: skip
    train_ds, dropped = short_prompts(train_ds, tokenizer, prompt_limit)
    if dropped:
        note(f"{method}: left out {dropped} train prompts over {prompt_limit} tokens")
    if len(train_ds) < settings.prompts_per_round:
        raise AlignkitError(
            f"{method}: {len(train_ds)} train prompts (within --max-prompt-length), fewer than "
            f"the {settings.prompts_per_round} one generation round samples"
        )
    if eval_ds is not None:
        eval_ds, _ = short_prompts(eval_ds, tokenizer, prompt_limit)
        eval_ds = eval_ds.select(range(min(len(eval_ds), settings.eval_prompts)))
        eval_ds = eval_ds if len(eval_ds) else None
    penalty = []
    if settings.missing_eos_penalty:
        penalty = [MissingEOSPenalty(settings.missing_eos_penalty, stop_ids(model, tokenizer))]
    args = common.training_arguments(settings, has_eval=eval_ds is not None)
    # TRL needs whole groups in an eval batch too (completions, like --batch-size)
    g = settings.num_generations
    args["per_device_eval_batch_size"] = g * max(1, settings.batch_size // g)
    config = config_class(
        **args,
        num_generations=g,
        max_completion_length=settings.max_completion_length,
        temperature=settings.temperature,
        top_p=settings.top_p,
        beta=settings.beta,
        num_iterations=settings.num_iterations,
        epsilon=settings.epsilon,
        epsilon_high=settings.epsilon_high,
        mask_truncated_completions=settings.mask_truncated_completions,
        reward_weights=list(settings.reward_weights) + ([1.0] if penalty else []),
        **settings.trl_arguments(),
    )
    trainer = trainer_class(
        model=model,
        reward_funcs=reward_functions(reward) + penalty,
        args=config,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tokenizer,
        peft_config=lora_config(load, "CAUSAL_LM"),
        callbacks=callbacks,
    )
    run.info.update(
        policy_model=settings.policy_model,
        rewards=dict(zip(settings.reward, settings.reward_weights)),
        train_prompts=len(train_ds),
        train_prompts_too_long=dropped,
        eval_prompts=len(eval_ds) if eval_ds is not None else 0,
        num_generations=g,
        prompts_per_round=settings.prompts_per_round,
    )
    return Built(trainer, tokenizer)
