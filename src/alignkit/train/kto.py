"""Kahneman-Tversky Optimization on unpaired feedback (TRL's KTOTrainer).

    alignkit train kto --policy-model smollm2-135m-instruct --dataset-dir data/kto \
        --output-dir artifacts/kto/demo --lora

Each row is one completion marked desirable or not (`label`), as `alignkit data ingest` writes
from thumbs-up/down exports (ShareGPT-KTO, TRL unpaired); preference pairs are split into one
desirable and one undesirable row each (TRL's unpair_preference_dataset). The loss that runs is
TRL's KTOTrainer's; `losses.kto_loss` writes the same expression out (Ethayarajh et al. 2024,
eq. 7) and is checked by hand and against KTOTrainer._compute_loss, live and precomputed
reference, in tests/train/test_loss_parity.py. The reference is the initial
policy, or the adapter-disabled base under LoRA.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alignkit.errors import AlignkitError
from alignkit.train.settings import CommonSettings

KTO_LOSS_TYPES = ("kto", "apo_zero_unpaired")


@dataclass
class KTOSettings(CommonSettings):
    policy_model: str = field(
        default="smollm2-135m-instruct", metadata={"help": "Policy name or folder."}
    )
    ref_model: str | None = field(
        default=None, metadata={"help": "Reference model (default: the initial policy)."}
    )
    output_dir: Path = field(
        default=Path("artifacts/kto/default"), metadata={"help": "Run folder."}
    )
    lr: float = field(default=5e-6, metadata={"help": "Peak learning rate."})
    beta: float = field(default=0.1, metadata={"help": "Strength of the pull to the reference."})
    loss_type: str = field(default="kto", metadata={"help": "kto or apo_zero_unpaired."})
    desirable_weight: float = field(
        default=1.0, metadata={"help": "lambda_D: weight of desirable examples."}
    )
    undesirable_weight: float = field(
        default=1.0, metadata={"help": "lambda_U: weight of undesirable examples."}
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.loss_type not in KTO_LOSS_TYPES:
            raise AlignkitError(f"--loss-type must be one of {', '.join(KTO_LOSS_TYPES)}")
        if self.beta <= 0:
            raise AlignkitError("--beta must be > 0")
        if min(self.desirable_weight, self.undesirable_weight) <= 0:
            raise AlignkitError("--desirable-weight and --undesirable-weight must be > 0")
        # KTO's KL term is estimated from mismatched completions within a batch
        if self.loss_type == "kto" and self.batch_size < 2:
            raise AlignkitError("--loss-type kto needs --batch-size >= 2 (its KL estimate)")


def feedback(dataset, seed: int):
    """prompt/completion/label rows; pairs are unpaired into two rows each."""
    names = set(dataset.column_names)
    if {"prompt", "completion", "label"} <= names:
        keep = ("prompt", "completion", "label")
    elif {"prompt", "chosen", "rejected"} <= names:
        from trl.data_utils import unpair_preference_dataset

        dataset = dataset.remove_columns(
            [c for c in dataset.column_names if c not in ("prompt", "chosen", "rejected")]
        )
        # TRL stacks all the chosen rows before all the rejected ones, and KTO samples in
        # order (its KL estimate pairs neighbours), so without a shuffle whole epochs would
        # see only desirable examples
        return unpair_preference_dataset(dataset).shuffle(seed=seed).flatten_indices()
    else:
        raise AlignkitError(
            "kto needs prompt+completion+label (unpaired feedback) or prompt+chosen+rejected "
            "columns; got " + ", ".join(sorted(names))
        )
    return dataset.remove_columns([c for c in dataset.column_names if c not in keep])


def train(settings: KTOSettings, callbacks=()):
    """Train a policy with KTO; returns metrics, paths, timings, memory, versions."""
    from functools import partial

    from alignkit.train.lifecycle import execute

    return execute("kto", settings, partial(_build, settings), callbacks)


def _build(settings: KTOSettings, run, callbacks):
    from trl import KTOConfig, KTOTrainer

    from alignkit.data.load import load_split
    from alignkit.models import check_device_support, load_causal_lm, lora_config
    from alignkit.models.tokenize import fit_length
    from alignkit.train import common
    from alignkit.train.lifecycle import Built

    train_ds = feedback(load_split(settings.dataset_dir, "train", ("prompt",)), settings.seed)
    eval_raw = load_split(settings.dataset_dir, "eval", ("prompt",), required=False)
    eval_ds = feedback(eval_raw, settings.seed) if eval_raw is not None else None
    labels = train_ds["label"]
    if all(labels) or not any(labels):
        raise AlignkitError("kto needs both desirable and undesirable examples in the train split")
    load = common.load_settings_of(settings)
    check_device_support(load)
    model, tokenizer = load_causal_lm(settings.policy_model, load)
    max_length = fit_length(settings.max_length, model, tokenizer, name=settings.policy_model)
    ref_model = load_causal_lm(settings.ref_model, load)[0] if settings.ref_model else None
    config = KTOConfig(
        **common.training_arguments(settings, has_eval=eval_ds is not None),
        beta=settings.beta,
        loss_type=settings.loss_type,
        desirable_weight=settings.desirable_weight,
        undesirable_weight=settings.undesirable_weight,
        max_length=max_length,
    )
    trainer = KTOTrainer(
        model=model,
        ref_model=ref_model,
        args=config,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tokenizer,
        peft_config=lora_config(load, "CAUSAL_LM"),
        callbacks=callbacks,
    )
    run.info.update(
        policy_model=settings.policy_model,
        ref_model=settings.ref_model or settings.policy_model,
        train_examples=len(train_ds),
        desirable=sum(labels),
        undesirable=len(labels) - sum(labels),
    )
    return Built(trainer, tokenizer)
