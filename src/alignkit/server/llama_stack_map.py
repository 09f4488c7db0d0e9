"""Llama Stack's post-training requests as alignkit settings, and alignkit's jobs as Llama Stack
responses (the v1 API that `llama-stack-client` 0.2.x speaks). Pure functions: the router
(routers/llama_stack.py) does the I/O.

What maps (everything else that would change training is refused with a 400 naming the field,
rather than silently ignored):
- `finetuned_model` (the client's "model to fine-tune"; `model` too, as the server API has it)
  -> policy_model; `checkpoint_dir` -> output_dir (default: the data dir's post-training/ID)
- algorithm_config: `beta`, `loss_type` (any alignkit/TRL DPO loss); `epsilon` -> label
  smoothing (cDPO's label-noise ε); `reward_scale` must be 1, `reward_clip` and `gamma` 0: DPO
  has no such knobs (they are PPO's); `use_reference_model` must be true (provider setting)
- training_config: n_epochs, max_steps_per_epoch (-> max_steps), gradient_accumulation_steps,
  dtype (bf16/fp16/fp32), data_config.batch_size / dataset_id / shuffle (must be true) /
  validation_dataset_id (must be the same dataset: alignkit evaluates on its eval split),
  optimizer_config lr / weight_decay / num_warmup_steps (-> a warmup ratio) / optimizer_type
  adamw|adam, efficiency_config.enable_activation_checkpointing
- SFT: algorithm_config of type LoRA -> lora, lora_r (rank), lora_alpha (alpha)
"""

from __future__ import annotations

from typing import Any

from alignkit.errors import AlignkitError

DPO_LOSSES_NOTE = "see `alignkit train dpo --help` for loss types"


class Unsupported(AlignkitError):
    """A Llama Stack field alignkit cannot honour (HTTP 400)."""

    code = "AK-UNSUPPORTED"


def _refuse(field: str, why: str) -> None:
    raise Unsupported(f"{field}: {why}")


def _training(tc: dict[str, Any], dataset_dir: str) -> dict[str, Any]:
    out: dict[str, Any] = {"dataset_dir": dataset_dir}
    epochs = tc.get("n_epochs", 1)
    if not isinstance(epochs, int) or epochs < 1:
        _refuse("training_config.n_epochs", "must be a positive integer")
    out["epochs"] = float(epochs)
    per_epoch = tc.get("max_steps_per_epoch")
    if per_epoch is not None and per_epoch > 0:
        out["max_steps"] = int(per_epoch) * epochs
    out["gradient_accumulation"] = int(tc.get("gradient_accumulation_steps", 1))
    dtype = tc.get("dtype")
    # a client that names a dtype gets it; without one, alignkit's --precision auto decides
    named = {"bf16": "bf16", "bfloat16": "bf16", "fp16": "fp16", "float16": "fp16"}
    named.update(fp32="fp32", float32="fp32")
    if dtype in named:
        out["precision"] = named[dtype]
    elif dtype is not None:
        _refuse("training_config.dtype", f"{dtype!r} is not one of bf16, fp16, fp32")
    if tc.get("max_validation_steps") not in (None, 0):
        _refuse("training_config.max_validation_steps", "alignkit evaluates the whole eval split")
    data = tc.get("data_config") or {}
    if "batch_size" in data:
        out["batch_size"] = int(data["batch_size"])
    if data.get("shuffle") is False:
        _refuse("data_config.shuffle", "alignkit always shuffles the train split")
    if data.get("packed"):
        _refuse("data_config.packed", "preference pairs are not packed")
    if data.get("train_on_input"):
        _refuse("data_config.train_on_input", "alignkit trains on the responses only")
    validation = data.get("validation_dataset_id")
    if validation not in (None, data.get("dataset_id")):
        _refuse(
            "data_config.validation_dataset_id",
            "alignkit evaluates on the eval split of the training dataset",
        )
    opt = tc.get("optimizer_config") or {}
    if opt.get("optimizer_type", "adamw") not in ("adamw", "adam"):
        _refuse("optimizer_config.optimizer_type", "alignkit trains with AdamW")
    if "lr" in opt:
        out["lr"] = float(opt["lr"])
    if "weight_decay" in opt:
        out["weight_decay"] = float(opt["weight_decay"])
    warmup = int(opt.get("num_warmup_steps") or 0)
    if warmup:
        if "max_steps" not in out:
            _refuse(
                "optimizer_config.num_warmup_steps",
                "needs training_config.max_steps_per_epoch (alignkit takes a warmup ratio)",
            )
        out["warmup_ratio"] = min(warmup / out["max_steps"], 0.99)
    eff = tc.get("efficiency_config") or {}
    if eff.get("enable_activation_checkpointing"):
        out["gradient_checkpointing"] = True
    for name in ("enable_activation_offloading", "fsdp_cpu_offload", "memory_efficient_fsdp_wrap"):
        if eff.get(name):
            _refuse(f"efficiency_config.{name}", "use accelerate's config for FSDP offloading")
    return out


def _empty(name: str, value: Any) -> None:
    if value:
        _refuse(name, "not supported by alignkit (send {})")


def dpo_settings(body: dict[str, Any], dataset_dir: str, output_dir: str) -> dict[str, Any]:
    """alignkit DPOSettings fields for a preference-optimize request."""
    model = body.get("finetuned_model") or body.get("model")
    if not model:
        _refuse("finetuned_model", "name the model to fine-tune")
    _empty("hyperparam_search_config", body.get("hyperparam_search_config"))
    _empty("logger_config", body.get("logger_config"))
    algo = dict(body.get("algorithm_config") or {})
    out = _training(body.get("training_config") or {}, dataset_dir)
    out.update(policy_model=model, output_dir=output_dir)
    if "beta" in algo:
        out["beta"] = float(algo["beta"])
    if "loss_type" in algo:
        out["loss_type"] = str(algo["loss_type"])
    if algo.get("epsilon"):
        out["label_smoothing"] = float(algo["epsilon"])
    if algo.get("reward_scale", 1) != 1:
        _refuse("algorithm_config.reward_scale", "DPO has no reward scale: set beta instead")
    for name in ("reward_clip", "gamma"):
        if algo.get(name):
            _refuse(f"algorithm_config.{name}", "a PPO setting; DPO has none (send 0)")
    if algo.get("use_reference_model", True) is False:
        _refuse("algorithm_config.use_reference_model", "alignkit's DPO always uses a reference")
    return out


def sft_settings(body: dict[str, Any], dataset_dir: str, output_dir: str) -> dict[str, Any]:
    """alignkit SFTSettings fields for a supervised-fine-tune request."""
    model = body.get("model")
    if not model:
        _refuse("model", "name the model to fine-tune")
    _empty("hyperparam_search_config", body.get("hyperparam_search_config"))
    _empty("logger_config", body.get("logger_config"))
    out = _training(body.get("training_config") or {}, dataset_dir)
    out.update(policy_model=model, output_dir=output_dir)
    algo = body.get("algorithm_config") or {}
    if algo:
        if algo.get("type") != "LoRA":
            _refuse("algorithm_config.type", "only LoRA (QAT is not supported)")
        out.update(
            lora=True, lora_r=int(algo.get("rank", 16)), lora_alpha=int(algo.get("alpha", 32))
        )
    return out


def checkpoints(job, artifacts, model_name: str) -> list[dict[str, Any]]:
    """Llama Stack `Checkpoint`s: the complete checkpoints, then the final model."""
    out = []
    for a in artifacts:
        if a.kind not in ("checkpoint", "model"):
            continue
        metrics = a.metrics or {}
        loss = metrics.get("loss", metrics.get("train_loss"))
        out.append(
            {
                "identifier": f"{model_name}-step-{a.step}" if a.step is not None else model_name,
                "created_at": a.created_at.isoformat(),
                "epoch": int(a.epoch or metrics.get("epoch") or 0),
                "post_training_job_id": job.id,
                "path": a.path,
                "training_metrics": {
                    "epoch": int(a.epoch or metrics.get("epoch") or 0),
                    "train_loss": loss,
                    "validation_loss": metrics.get("eval_loss"),
                    "perplexity": None,
                },
            }
        )
    return out


def status(job, artifacts, model_name: str) -> dict[str, Any]:
    return {
        "job_uuid": job.id,
        "status": job.status,
        "scheduled_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "completed_at": job.completed_at.isoformat() if job.completed_at else None,
        "resources_allocated": {"cpus": job.cpus, "gpus": job.gpus, "host": job.host},
        "checkpoints": checkpoints(job, artifacts, model_name),
    }
