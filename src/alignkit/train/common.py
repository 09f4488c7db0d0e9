"""What every method shares: TrainingArguments from the settings, the run's callbacks, resume,
graceful stop, and the result object that `alignkit.train.<method>(settings)` returns."""

from __future__ import annotations

import logging
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alignkit.train.rundir import RunDir, last_complete_checkpoint, launched_world_size
from alignkit.train.settings import CommonSettings

if TYPE_CHECKING:
    from alignkit.train.callbacks import GracefulStop


@dataclass
class TrainResult:
    method: str
    status: str  # succeeded | stopped
    output_dir: Path
    metrics: dict[str, float] = field(default_factory=dict)  # final evaluation
    steps: int = 0
    duration_s: float = 0.0
    samples_per_s: float | None = None
    peak_rss_mb: float = 0.0
    peak_gpu_mb: float | None = None
    run: dict[str, Any] = field(default_factory=dict)  # run.json as written


def load_settings_of(s: CommonSettings):
    from alignkit.models import LoadSettings

    dtype = "bf16" if s.bf16 else "fp16" if s.fp16 else "auto"
    return LoadSettings(
        dtype=dtype,
        lora=s.lora,
        lora_r=s.lora_r,
        lora_alpha=s.lora_alpha,
        lora_dropout=s.lora_dropout,
        lora_targets=s.lora_targets,
        load_in_4bit=s.load_in_4bit,
        gradient_checkpointing=s.gradient_checkpointing,
        trust_remote_code=s.trust_remote_code,
    )


def training_arguments(s: CommonSettings, has_eval: bool) -> dict[str, Any]:
    """Keyword arguments for a TRL config (all TRL configs extend TrainingArguments)."""
    import torch

    # bf16 autocast on CPU is worth it (bf16 matmuls are several times faster there), but
    # transformers only allows it with use_cpu set
    cpu_bf16 = s.bf16 and not torch.cuda.is_available()
    # several processes on a machine without an accelerator (`accelerate launch --multi_gpu`,
    # torchrun): accelerate sets up gloo DDP only when told it is on CPU; otherwise every process
    # silently trains its own full copy on all the data and they all write one run folder
    # (DeepSpeed brings its own CPU backend: left as it was)
    cpu_ddp = launched_world_size() > 1 and not torch.accelerator.is_available() and not s.deepspeed
    return {
        "use_cpu": cpu_bf16 or cpu_ddp,
        "output_dir": str(s.output_dir),
        "num_train_epochs": s.epochs,
        "max_steps": s.max_steps,
        "learning_rate": s.lr,
        "per_device_train_batch_size": s.batch_size,
        "per_device_eval_batch_size": s.batch_size,
        "gradient_accumulation_steps": s.gradient_accumulation,
        "lr_scheduler_type": s.lr_scheduler,
        "warmup_steps": s.warmup_ratio,  # a float below 1 is a ratio in transformers 5
        "weight_decay": s.weight_decay,
        "eval_strategy": "steps" if has_eval else "no",
        "eval_steps": s.eval_steps,
        "save_strategy": "steps",
        "save_steps": s.save_steps,
        "save_total_limit": s.save_total_limit,
        "logging_steps": s.logging_steps,
        "seed": s.seed,
        "data_seed": s.seed,
        "bf16": s.bf16,
        "fp16": s.fp16,
        "gradient_checkpointing": s.gradient_checkpointing,
        "deepspeed": s.deepspeed,
        "report_to": s.report_to or "none",
        "disable_tqdm": True,
        "dataloader_num_workers": 0,
    }


def callbacks(run: RunDir) -> tuple[list, GracefulStop]:
    from alignkit.train.callbacks import CheckpointMarker, GracefulStop, MetricsCallback

    stop = GracefulStop()
    return [MetricsCallback(run), CheckpointMarker(), stop], stop


def run_training(trainer, run: RunDir, settings: CommonSettings) -> dict:
    """Train (resuming from the last complete checkpoint when asked) and return the trainer's
    train metrics; a SIGTERM ends it early with a checkpoint saved."""
    from alignkit.errors import AlignkitError

    if trainer.args.world_size != launched_world_size():
        # N full copies training side by side would each write the same run folder
        raise AlignkitError(
            f"launched as {launched_world_size()} processes but the trainer runs "
            f"{trainer.args.world_size}; check the launcher's settings"
        )
    if os.environ.get("ACCELERATE_USE_FSDP", "").lower() == "true":
        actual = trainer.accelerator.distributed_type.value
        if actual != "FSDP":  # accelerate shards only on GPU-like devices; on CPU it runs DDP
            logging.getLogger("alignkit.train").warning(
                "launched with FSDP but accelerate set up %s: the model is not sharded", actual
            )
    resume_from = last_complete_checkpoint(settings.output_dir) if settings.resume else None
    if resume_from is not None:
        run.info["resumed_from"] = str(resume_from)
    output = trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    return dict(output.metrics)


def save_final(trainer, tokenizer, output_dir: Path) -> Path:
    """The final model (or LoRA adapter) and tokenizer go to `model/`: the run folder's own
    config.json holds the run's settings, and a model folder needs its config.json too."""
    from alignkit.models.resolve import RUN_MODEL_DIR

    path = Path(output_dir) / RUN_MODEL_DIR
    trainer.save_model(str(path))  # every rank: FSDP and ZeRO-3 gather the weights to save
    if trainer.args.should_save:  # one writer: ranks writing the same files can interleave
        tokenizer.save_pretrained(str(path))
    return path


def finish(
    run: RunDir, trainer, stop: GracefulStop, train_metrics: dict, metrics: dict
) -> TrainResult:
    status = "stopped" if stop.requested else "succeeded"
    steps = trainer.state.global_step
    record = run.write(
        status,
        steps=steps,
        samples_per_s=train_metrics.get("train_samples_per_second"),
        train_runtime_s=train_metrics.get("train_runtime"),
        world_size=trainer.args.world_size,  # processes that trained
        # what accelerate actually set up (NO, MULTI_CPU, MULTI_GPU, FSDP, DEEPSPEED): a launch
        # flag it cannot honour, such as FSDP on CPU, falls back to plain DDP without an error
        distributed_type=str(trainer.accelerator.distributed_type.value),
        final_metrics=metrics,
    )
    return TrainResult(
        method=run.method,
        status=status,
        output_dir=run.path,
        metrics=metrics,
        steps=steps,
        duration_s=record["duration_s"],
        samples_per_s=record.get("samples_per_s"),
        peak_rss_mb=record["peak_rss_mb"],
        peak_gpu_mb=record["peak_gpu_mb"],
        run=record,
    )


def fail(run: RunDir, exc: BaseException) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    run.write("failed", error=error, traceback=traceback.format_exc()[-4000:])
