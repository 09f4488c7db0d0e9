"""Odds-Ratio Preference Optimization: SFT and preference in one loss, no reference model.

    alignkit train orpo --policy-model smollm2-135m-instruct --dataset-dir data/demo \
        --output-dir artifacts/orpo/demo --lora

TRL 1.16 ships ORPO only under `trl.experimental.orpo` (its API may change between TRL
releases, which is why pyproject pins TRL's minor version). The loss that runs is TRL's:
the chosen response's NLL plus lambda times the odds-ratio term, which
`losses.orpo_odds_ratio_loss` writes out (Hong et al. 2024, eqs. 6-7) and is tested against
TRL's `odds_ratio_loss`; TRL calls lambda `beta`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alignkit.errors import AlignkitError
from alignkit.train.settings import CommonSettings


@dataclass
class ORPOSettings(CommonSettings):
    policy_model: str = field(
        default="smollm2-135m-instruct", metadata={"help": "Policy name or folder."}
    )
    output_dir: Path = field(
        default=Path("artifacts/orpo/default"), metadata={"help": "Run folder."}
    )
    lr: float = field(default=8e-6, metadata={"help": "Peak learning rate."})
    orpo_lambda: float = field(
        default=0.1, metadata={"help": "Weight of the odds-ratio term (lambda; TRL's beta)."}
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.orpo_lambda <= 0:
            raise AlignkitError("--orpo-lambda must be > 0")


def train(settings: ORPOSettings, callbacks=()):
    """Train a policy with ORPO; returns metrics, paths, timings, memory, versions."""
    from functools import partial

    from alignkit.train.lifecycle import execute

    return execute("orpo", settings, partial(_build, settings), callbacks)


def _build(settings: ORPOSettings, run, callbacks):
    from trl.experimental.orpo import ORPOConfig, ORPOTrainer

    from alignkit.data.load import load_split
    from alignkit.models import check_device_support, load_causal_lm, lora_config
    from alignkit.models.tokenize import fit_length
    from alignkit.train import common
    from alignkit.train.lifecycle import Built

    columns = ("prompt", "chosen", "rejected")

    def pairs(ds):
        return ds.remove_columns([c for c in ds.column_names if c not in columns])

    train_ds = pairs(load_split(settings.dataset_dir, "train", columns))
    eval_raw = load_split(settings.dataset_dir, "eval", columns, required=False)
    eval_ds = pairs(eval_raw) if eval_raw is not None else None
    load = common.load_settings_of(settings)
    check_device_support(load)
    model, tokenizer = load_causal_lm(settings.policy_model, load)
    max_length = fit_length(settings.max_length, model, tokenizer, name=settings.policy_model)
    config = ORPOConfig(
        **common.training_arguments(settings, has_eval=eval_ds is not None),
        beta=settings.orpo_lambda,
        max_length=max_length,
    )
    trainer = ORPOTrainer(
        model=model,
        args=config,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tokenizer,
        peft_config=lora_config(load, "CAUSAL_LM"),
        callbacks=callbacks,
    )
    run.info.update(policy_model=settings.policy_model, train_pairs=len(train_ds))
    return Built(trainer, tokenizer)
