"""Reward-model training: a sequence classifier with one output, trained on preference pairs
with the Bradley-Terry loss, evaluated by pairwise accuracy and AUC on the eval split.

    alignkit train rm --base-model minilm-l6 --dataset-dir data/hh --output-dir artifacts/rm/hh

The loss that runs is TRL's RewardTrainer.compute_loss (-log sigma(r_c - r_r - margin), plus
--center-rewards); `losses.reward_model_loss` writes it out and is tested against it
(tests/train/test_losses.py). On a decoder backbone each pair's prompt is encoded once for
both answers (train/rm_prefix_sharing.py, --no-prefix-sharing turns it off; same numbers); an
encoder runs TRL's rows as they are. run.json says which, and the tokens run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from alignkit.train.settings import CommonSettings

log = logging.getLogger("alignkit.train")


@dataclass
class RMSettings(CommonSettings):
    base_model: str = field(default="minilm-l6", metadata={"help": "Backbone name or folder."})
    output_dir: Path = field(default=Path("artifacts/rm/default"), metadata={"help": "Run folder."})
    center_rewards: float | None = field(
        default=None, metadata={"help": "Coefficient pulling mean rewards to 0 (Eisenstein 2023)."}
    )
    use_margin: bool = field(default=True, metadata={"help": "Use the data's margin column."})
    prefix_sharing: bool = field(
        default=True,
        metadata={"help": "Decoders: encode each pair's prompt once for both answers."},
    )


def train(settings: RMSettings, callbacks=()):
    """Train a reward model; returns metrics, paths, timings, memory and versions."""
    from functools import partial

    from alignkit.train.lifecycle import execute

    return execute("rm", settings, partial(_build, settings), callbacks)


def _build(settings: RMSettings, run, callbacks):
    from trl import RewardConfig, RewardTrainer

    from alignkit.data.load import load_split
    from alignkit.models import check_device_support, load_reward_model, lora_config
    from alignkit.models.tokenize import fit_length, is_encoder, tokenize_pairs
    from alignkit.train import common, rm_prefix_sharing
    from alignkit.train.callbacks import PairEval
    from alignkit.train.lifecycle import Built

    columns = ("prompt", "chosen", "rejected")
    train_raw = load_split(settings.dataset_dir, "train", columns)
    eval_raw = load_split(settings.dataset_dir, "eval", columns, required=False)
    load = common.load_settings_of(settings)
    check_device_support(load)
    model, tokenizer = load_reward_model(settings.base_model, load)
    encoder = is_encoder(model)
    if not settings.use_margin and "margin" in train_raw.column_names:
        train_raw = train_raw.remove_columns("margin")
    if "margin" in train_raw.column_names and None in train_raw["margin"]:
        train_raw = train_raw.remove_columns("margin")  # TRL needs it on every row
    side = settings.truncation
    length = fit_length(settings.max_length, model, tokenizer, name=settings.base_model)
    train_ds, cut = tokenize_pairs(train_raw, tokenizer, length, side, encoder)
    eval_ds, cut_eval = (None, 0)
    if eval_raw is not None:
        if "margin" in eval_raw.column_names:
            eval_raw = eval_raw.remove_columns("margin")
        eval_ds, cut_eval = tokenize_pairs(eval_raw, tokenizer, length, side, encoder)
    run.info.update(
        base_model=settings.base_model,
        train_pairs=len(train_ds),
        eval_pairs=len(eval_ds) if eval_ds is not None else 0,
        truncated_sequences=cut + cut_eval,
        max_length=length,
    )
    config = RewardConfig(
        **common.training_arguments(settings, has_eval=eval_ds is not None),
        max_length=None,  # already truncated: TRL would drop long pairs instead
        center_rewards_coefficient=settings.center_rewards,
    )
    pair_eval = None
    if eval_ds is not None:
        pair_eval = PairEval(run, eval_ds, tokenizer.pad_token_id, settings.batch_size)
        callbacks.append(pair_eval)
    # packing needs a decoder that takes a custom 4D mask; others run TRL's path as it is
    sharing_off = rm_prefix_sharing.supported(model) if settings.prefix_sharing else "off"
    if settings.prefix_sharing and sharing_off:
        log.info("prefix sharing is off: %s", sharing_off)
    trainer_class = RewardTrainer if sharing_off else rm_prefix_sharing.reward_trainer()
    trainer = trainer_class(
        model=model,
        args=config,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tokenizer,
        peft_config=lora_config(load, "SEQ_CLS"),
        callbacks=callbacks,
    )
    # the live counters: run.json, written when the run ends, has the whole run's tokens
    run.info["prefix_sharing"] = (
        {"on": True, "tokens": trainer.token_counts}
        if sharing_off is None
        else {"on": False, "why_off": sharing_off}
    )
    return Built(trainer, tokenizer, lambda: dict(pair_eval.last) if pair_eval else {})
