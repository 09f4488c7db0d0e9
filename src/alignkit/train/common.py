"""What every method shares: TrainingArguments from the settings, the run's callbacks, resume
(what it may continue, and what it must refuse), graceful stop, and the result object that
`alignkit.train.<method>(settings)` returns."""

from __future__ import annotations

import errno
import logging
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alignkit.errors import AlignkitError
from alignkit.launch import launched_world_size
from alignkit.runfolder import CONFIG_FILE, MODEL_DIR, RUN_FILE, checkpoint_step
from alignkit.train.rundir import (
    DISK_FULL,
    RunDir,
    disk_full,
    last_complete_checkpoint,
    read_json,
)
from alignkit.train.settings import CommonSettings
from alignkit.train.tracking import run_name

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


def precision_of(s: CommonSettings):
    """The run's precision with "auto" decided (alignkit.models.precision.choose_precision:
    ALIGNKIT_PRECISION, then the hardware), and why; the same answer every call in a process."""
    from alignkit.models.precision import choose_precision

    return choose_precision(s.precision)


def load_settings_of(s: CommonSettings):
    """The loader's settings, with the precision already decided: the loader, the trainer's
    mixed precision and run.json then agree on one answer."""
    from alignkit.models import LoadSettings

    return LoadSettings(dtype=precision_of(s).precision, **s.model_fields())


def training_arguments(s: CommonSettings, has_eval: bool) -> dict[str, Any]:
    """Keyword arguments for a TRL config (all TRL configs extend TrainingArguments)."""
    import torch

    precision = precision_of(s)
    # bf16 autocast on a CPU that runs it fast (AMX: bf16 matmuls 7-10x fp32), but
    # transformers only allows it with use_cpu set
    cpu_bf16 = precision.bf16 and not torch.cuda.is_available()
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
        # the Trainer's rotation deletes old checkpoints before alignkit marks the new one
        # complete; CheckpointMarker rotates after marking instead (s.save_total_limit)
        "save_total_limit": None,
        "logging_steps": s.logging_steps,
        "seed": s.seed,
        "data_seed": s.seed,
        "bf16": precision.bf16,
        "fp16": precision.fp16,
        "gradient_checkpointing": s.gradient_checkpointing,
        "deepspeed": s.deepspeed,
        "report_to": s.report_to or "none",
        "run_name": run_name(s),
        "disable_tqdm": True,
        "dataloader_num_workers": 0,
    }


def callbacks(run: RunDir, settings: CommonSettings, stop: GracefulStop) -> list:
    from alignkit.train.callbacks import CheckpointMarker, MetricsCallback

    return [MetricsCallback(run), CheckpointMarker(settings.save_total_limit), stop]


@dataclass
class ResumePlan:
    checkpoint: Path | None = None  # None: start afresh
    finished: TrainResult | None = None  # the run is already done: nothing to train
    forced: list[str] = field(default_factory=list)  # differences --resume-force let through

    @property
    def step(self) -> int | None:
        return checkpoint_step(self.checkpoint) if self.checkpoint is not None else None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def differences(settings: CommonSettings, digest: str, config: dict, previous: dict) -> list[str]:
    """How `settings` and the dataset differ from what the run in the folder was started with
    (its config.json and run.json), ignoring the purely operational fields."""
    import json

    current = json.loads(json.dumps(settings.to_dict()))  # lists and floats as config.json has them
    skip = set(type(settings).OPERATIONAL)
    out = [
        f"{k} {_short(config[k])} -> {_short(v)}"
        for k, v in current.items()
        if k not in skip and k in config and config[k] != v
    ]
    # "auto" may decide otherwise on another machine or under another ALIGNKIT_PRECISION: the
    # resumed steps would compute in another precision than the checkpoint's
    decided = previous.get("precision")
    if decided and settings.precision == "auto" and config.get("precision") == "auto":
        now = precision_of(settings).precision
        if now != decided:
            out.append(f"precision (auto) {decided} -> {now}")
    old_digest = (previous.get("dataset") or {}).get("digest")
    if old_digest:
        if old_digest != digest:
            out.append(f"dataset digest {old_digest[:12]} -> {digest[:12]}")
    elif "dataset_dir" in config:  # a run from before digests were recorded: the path, then
        if Path(config["dataset_dir"]).resolve() != Path(settings.dataset_dir).resolve():
            out.append(f"dataset_dir {config['dataset_dir']} -> {settings.dataset_dir}")
    return out


def plan_resume(method: str, settings: CommonSettings, digest: str) -> ResumePlan:
    """What `--resume` / `--resume-or-start` do with the folder as it is: refuse (one line),
    report a finished run, continue from its last complete checkpoint, or start afresh."""
    if not settings.resumes:
        return ResumePlan()
    folder = Path(settings.output_dir)
    config = read_json(folder / CONFIG_FILE) or {}
    previous = read_json(folder / RUN_FILE) or {}
    if previous.get("method") not in (None, method):
        raise AlignkitError(
            f"{folder} holds a {previous['method']} run, not {method}; choose another folder"
        )
    diffs = differences(settings, digest, config, previous)
    if diffs and not settings.resume_force:
        raise AlignkitError(
            f"cannot resume {folder}: it was started with other settings or data "
            f"({'; '.join(diffs)}); pass --resume-force to resume anyway"
        )
    if not diffs and previous.get("status") == "succeeded" and (folder / MODEL_DIR).is_dir():
        return ResumePlan(finished=recorded_result(folder, previous))
    checkpoint = last_complete_checkpoint(folder)
    if checkpoint is None and not settings.resume_or_start:
        raise AlignkitError(
            f"nothing to resume in {folder}: no complete checkpoint; "
            "pass --resume-or-start to start over"
        )
    return ResumePlan(checkpoint=checkpoint, forced=diffs)


def recorded_result(folder: Path, record: dict) -> TrainResult:
    """The result of a run that already finished, from its run.json."""
    return TrainResult(
        method=record["method"],
        status=record["status"],
        output_dir=folder,
        metrics=record.get("final_metrics") or {},
        steps=record.get("steps", 0),
        duration_s=record.get("duration_s", 0.0),
        samples_per_s=record.get("samples_per_s"),
        peak_rss_mb=record.get("peak_rss_mb", 0.0),
        peak_gpu_mb=record.get("peak_gpu_mb"),
        run=record,
    )


def run_training(trainer, run: RunDir, resume_from: Path | None) -> dict:
    """Train (from `resume_from`, a complete checkpoint, when given) and return the trainer's
    train metrics; a SIGTERM ends it early with a checkpoint saved."""
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
    output = trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    return dict(output.metrics)


def save_final(trainer, tokenizer, output_dir: Path) -> Path:
    """The final model (or LoRA adapter) and tokenizer go to `model/`: the run folder's own
    config.json holds the run's settings, and a model folder needs its config.json too."""
    path = Path(output_dir) / MODEL_DIR
    trainer.save_model(str(path))  # every rank: FSDP and ZeRO-3 gather the weights to save
    if trainer.args.should_save:  # one writer: ranks writing the same files can interleave
        tokenizer.save_pretrained(str(path))
    return path


def completed(trainer) -> bool:
    """The run did all its steps (a SIGTERM that came after the last one changes nothing)."""
    return trainer.state.max_steps > 0 and trainer.state.global_step >= trainer.state.max_steps


def finish(
    run: RunDir, trainer, stop: GracefulStop, train_metrics: dict, metrics: dict
) -> TrainResult:
    status = "stopped" if stop.requested and not completed(trainer) else "succeeded"
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


def stopped_early(run: RunDir, how: str) -> TrainResult:
    """The run ended before training: stopped, with nothing to save."""
    record = run.write("stopped", steps=0, stopped=how)
    return recorded_result(run.path, record)


def fail(run: RunDir, exc: BaseException) -> BaseException:
    """Record the failure in run.json; returns the exception to raise: a full disk that showed
    itself as something else (torch's writer raises RuntimeError) becomes the OSError it is,
    which the CLI prints as one line."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    full = not (isinstance(exc, OSError) and exc.errno in DISK_FULL) and disk_full(run.path)
    if full:
        error = f"no space left on device ({error})"
    status = "stopped" if isinstance(exc, KeyboardInterrupt) else "failed"
    run.write(status, error=error, traceback=traceback.format_exc()[-4000:])
    if full:
        return OSError(errno.ENOSPC, "No space left on device", str(run.path))
    return exc
