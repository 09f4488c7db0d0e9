"""Direct Preference Optimization and its loss family (TRL's DPOTrainer), plus Factual-DPO.

    alignkit train dpo --policy-model smollm2-135m-instruct --dataset-dir data/demo \
        --output-dir artifacts/dpo/demo --beta 0.1 --loss-type sigmoid --lora

Without --ref-model the reference is the initial policy; with LoRA it is the adapter-disabled
base (no second copy in memory). Reference log-probs are precomputed once per fingerprint and
reused by later runs (refcache.py); run.json says `reference_cache: hit|miss`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from alignkit.errors import AlignkitError
from alignkit.train.settings import CommonSettings

log = logging.getLogger("alignkit.train")

# every loss type TRL 1.16's DPOTrainer implements, and alignkit's own
TRL_LOSS_TYPES = (
    "sigmoid", "hinge", "ipo", "exo_pair", "nca_pair", "robust", "bco_pair", "sppo_hard",
    "aot", "aot_unpaired", "apo_zero", "apo_down", "discopop", "sft", "sigmoid_norm",
)  # fmt: skip
LOSS_TYPES = (*TRL_LOSS_TYPES, "factual")


@dataclass
class DPOSettings(CommonSettings):
    policy_model: str = field(
        default="smollm2-135m-instruct", metadata={"help": "Policy name or folder."}
    )
    ref_model: str | None = field(
        default=None, metadata={"help": "Reference model (default: the initial policy)."}
    )
    output_dir: Path = field(
        default=Path("artifacts/dpo/default"), metadata={"help": "Run folder."}
    )
    lr: float = field(default=5e-6, metadata={"help": "Peak learning rate."})
    beta: float = field(default=0.1, metadata={"help": "Strength of the pull to the reference."})
    loss_type: str = field(
        default="sigmoid", metadata={"help": "A TRL DPO loss type, or factual (F-DPO)."}
    )
    label_smoothing: float = field(default=0.0, metadata={"help": "Robust/EXO label noise."})
    factual_lambda: float = field(default=1.0, metadata={"help": "F-DPO margin lambda."})
    sft_weight: float = field(
        default=0.0,
        metadata={"help": "Add the chosen answers' NLL with this weight (RPO); 0: off."},
    )
    factual_default: int | None = field(
        default=None, metadata={"help": "h for rows without factuality flags (0 or 1)."}
    )
    prefix_sharing: bool = field(
        default=True,
        metadata={"help": "Encode each pair's prompt once for both answers (same numbers)."},
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.loss_type not in LOSS_TYPES:
            raise AlignkitError(f"--loss-type must be one of {', '.join(LOSS_TYPES)}")
        if self.beta <= 0:
            raise AlignkitError("--beta must be > 0")
        if self.sft_weight < 0:
            raise AlignkitError("--sft-weight must be >= 0")
        if self.factual_lambda < 0:
            raise AlignkitError("--factual-lambda must be >= 0")
        if self.factual_default not in (None, 0, 1):
            raise AlignkitError("--factual-default must be 0 or 1")


def factual_columns(dataset, default: int | None):
    """Orient pairs so the factual response is preferred and add `delta_h` in {0, 1}
    (losses.orient_factual). Rows without flags are an error unless a default is given."""
    names = dataset.column_names
    if "h_chosen" not in names or "h_rejected" not in names:
        if default is None:
            raise AlignkitError(
                "--loss-type factual needs h_chosen/h_rejected flags in the data "
                "(or --factual-default 0)"
            )

    def orient(example):
        h_c, h_r = example.get("h_chosen"), example.get("h_rejected")
        if h_c is None or h_r is None:
            if default is None:
                raise AlignkitError(
                    "some rows lack h_chosen/h_rejected; pass --factual-default 0 to treat "
                    "them as factual"
                )
            h_c = default if h_c is None else h_c
            h_r = default if h_r is None else h_r
        if h_c == 1 and h_r == 0:  # the hallucinated answer was preferred: swap
            example["chosen"], example["rejected"] = example["rejected"], example["chosen"]
            h_c, h_r = 0, 1
        return {**example, "h_chosen": h_c, "h_rejected": h_r, "delta_h": h_r - h_c}

    return dataset.map(orient, desc="orienting factual pairs")


def _keep(dataset, factual: bool):
    wanted = {"prompt", "chosen", "rejected"} | ({"delta_h"} if factual else set())
    return dataset.remove_columns([c for c in dataset.column_names if c not in wanted])


def train(settings: DPOSettings, callbacks=()):
    """Train a policy with DPO (or a sibling loss); returns metrics, paths, timings, memory,
    versions and the reference-cache outcome."""
    from functools import partial

    from alignkit.train.lifecycle import execute

    return execute("dpo", settings, partial(_build, settings), callbacks)


def _build(settings: DPOSettings, run, callbacks):
    from trl import DPOConfig

    from alignkit.data.load import load_split
    from alignkit.models import check_device_support, load_causal_lm, lora_config, resolve
    from alignkit.models.tokenize import fit_length
    from alignkit.train import common, prefix_sharing, refcache
    from alignkit.train.dpo_trainer import CachedReferenceDPOTrainer
    from alignkit.train.lifecycle import Built

    factual = settings.loss_type == "factual"
    columns = ("prompt", "chosen", "rejected")
    train_raw = load_split(settings.dataset_dir, "train", columns)
    eval_raw = load_split(settings.dataset_dir, "eval", columns, required=False)
    if factual:
        train_raw = factual_columns(train_raw, settings.factual_default)
        if eval_raw is not None:
            eval_raw = factual_columns(eval_raw, settings.factual_default)
    train_ds = _keep(train_raw, factual)
    eval_ds = _keep(eval_raw, factual) if eval_raw is not None else None

    load = common.load_settings_of(settings)
    check_device_support(load)
    model, tokenizer = load_causal_lm(settings.policy_model, load)
    max_length = fit_length(settings.max_length, model, tokenizer, name=settings.policy_model)
    ref_model = None
    ref_name = settings.ref_model or settings.policy_model
    if settings.ref_model:
        ref_model, _ = load_causal_lm(settings.ref_model, load)
    import trl

    cache_parts = {
        "reference": refcache.weights_digest(resolve(ref_name)),
        "max_length": max_length,
        "truncation": settings.truncation,
        "dtype": load.dtype,  # the decided precision (load_settings_of): never "auto"
        "trl": trl.__version__,
    }
    config = DPOConfig(
        **common.training_arguments(settings, has_eval=eval_ds is not None),
        beta=settings.beta,
        # RPO (Pang et al. 2024, "Iterative Reasoning Preference Optimization", eq. 2): the
        # preference loss plus the chosen answers' per-token NLL, TRL's "sft" loss type; it
        # keeps DPO from lowering the chosen answers' likelihood along with the rejected ones
        loss_type=["sigmoid" if factual else settings.loss_type]
        + (["sft"] if settings.sft_weight > 0 else []),
        loss_weights=[1.0, settings.sft_weight] if settings.sft_weight > 0 else None,
        label_smoothing=settings.label_smoothing,
        max_length=max_length,
        truncation_mode="keep_start" if settings.truncation == "right" else "keep_end",
        precompute_ref_log_probs=True,
    )
    # packing needs a decoder that takes a custom 4D mask; others run TRL's path as it is
    sharing_off = prefix_sharing.supported(model.config) if settings.prefix_sharing else "off"
    if settings.prefix_sharing and sharing_off:
        log.info("prefix sharing is off: %s", sharing_off)
    trainer = CachedReferenceDPOTrainer(
        model=model,
        ref_model=ref_model,
        args=config,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tokenizer,
        peft_config=lora_config(load, "CAUSAL_LM"),
        callbacks=callbacks,
        alignkit_cache_parts=cache_parts,
        factual_lambda=settings.factual_lambda if factual else None,
        prefix_sharing=sharing_off is None,
    )
    statuses = {v["status"] for v in trainer.reference_cache.values()}
    run.info.update(
        policy_model=settings.policy_model,
        ref_model=ref_name,
        train_pairs=len(train_ds),
        # TRL drops pairs whose prompt alone fills max_length; they are counted here
        dropped_long_prompts=len(train_ds) - len(trainer.train_dataset),
        reference_cache="hit" if statuses == {"hit"} else "miss",
        # False when the cache folder could not be written: the next run computes it again
        reference_cache_stored=all(v["stored"] for v in trainer.reference_cache.values()),
        reference_fingerprints={k: v["fingerprint"] for k, v in trainer.reference_cache.items()},
        prefix_sharing=trainer.prefix_sharing_info(sharing_off),
    )
    return Built(trainer, tokenizer)
