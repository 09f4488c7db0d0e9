"""Supervised fine-tuning on demonstrations (TRL's SFTTrainer).

    alignkit train sft --policy-model smollm2-135m-instruct --dataset-dir data/demo \
        --output-dir artifacts/sft/demo --lora

The demonstrations come from an ingest output folder: preference pairs give (prompt, chosen),
unpaired feedback gives its desirable completions. The loss is on the completion tokens only
(TRL's prompt-completion format), the usual warm-up before DPO so the reference already speaks
the data's style.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alignkit.errors import AlignkitError
from alignkit.train.settings import CommonSettings

PC = ("prompt", "completion")


@dataclass
class SFTSettings(CommonSettings):
    policy_model: str = field(
        default="smollm2-135m-instruct", metadata={"help": "Model name or folder to fine-tune."}
    )
    output_dir: Path = field(
        default=Path("artifacts/sft/default"), metadata={"help": "Run folder."}
    )
    packing: bool = field(
        default=False, metadata={"help": "Pack several examples into each max-length row."}
    )
    completion_only_loss: bool = field(
        default=True, metadata={"help": "Loss on completion tokens only (off: whole text)."}
    )


def demonstrations(dataset):
    """(prompt, completion) rows from a split: the chosen side of pairs, or the desirable
    completions of unpaired feedback. Other columns are dropped."""
    names = set(dataset.column_names)
    if {"prompt", "chosen"} <= names:
        dataset = dataset.rename_column("chosen", "completion")
    elif {"prompt", "completion", "label"} <= names:
        dataset = dataset.filter(lambda row: bool(row["label"]), desc="desirable completions")
    elif not {"prompt", "completion"} <= names:
        raise AlignkitError(
            "sft needs prompt+chosen (pairs) or prompt+completion columns; got "
            + ", ".join(sorted(names))
        )
    return dataset.remove_columns([c for c in dataset.column_names if c not in PC])


def train(settings: SFTSettings, callbacks=()):
    """Fine-tune a policy on demonstrations; returns metrics, paths, timings, memory, versions."""
    from functools import partial

    from alignkit.train.lifecycle import execute

    return execute("sft", settings, partial(_build, settings), callbacks)


def _build(settings: SFTSettings, run, callbacks):
    from trl import SFTConfig, SFTTrainer

    from alignkit.data.load import load_split
    from alignkit.models import check_device_support, load_causal_lm, lora_config
    from alignkit.models.tokenize import fit_length
    from alignkit.train import common
    from alignkit.train.lifecycle import Built

    train_ds = demonstrations(load_split(settings.dataset_dir, "train", ("prompt",)))
    if len(train_ds) == 0:
        raise AlignkitError(f"no demonstrations in the train split of {settings.dataset_dir}")
    eval_raw = load_split(settings.dataset_dir, "eval", ("prompt",), required=False)
    eval_ds = demonstrations(eval_raw) if eval_raw is not None else None
    if eval_ds is not None and len(eval_ds) == 0:
        eval_ds = None
    load = common.load_settings_of(settings)
    check_device_support(load)
    model, tokenizer = load_causal_lm(settings.policy_model, load)
    max_length = fit_length(settings.max_length, model, tokenizer, name=settings.policy_model)
    config = SFTConfig(
        **common.training_arguments(settings, has_eval=eval_ds is not None),
        max_length=max_length,
        truncation_mode="keep_start" if settings.truncation == "right" else "keep_end",
        packing=settings.packing,
        completion_only_loss=settings.completion_only_loss,
    )
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tokenizer,
        peft_config=lora_config(load, "CAUSAL_LM"),
        callbacks=callbacks,
    )
    run.info.update(
        policy_model=settings.policy_model,
        train_examples=len(train_ds),
        eval_examples=len(eval_ds) if eval_ds is not None else 0,
    )
    return Built(trainer, tokenizer)
