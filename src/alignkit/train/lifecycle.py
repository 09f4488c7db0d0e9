"""The life of one training run, the same for every method: open the run folder, build the
method's trainer, train (resuming when asked), evaluate, save the final model, and record the
outcome in run.json, including a failure's traceback."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from alignkit.train import common
from alignkit.train.rundir import RunDir
from alignkit.train.settings import CommonSettings


@dataclass
class Built:
    """What a method's builder hands back: its trainer and tokenizer, and optionally metrics
    to add to the final evaluation (the reward model's pair AUC, say)."""

    trainer: Any
    tokenizer: Any
    extra_metrics: Callable[[], dict[str, float]] = field(default=lambda: {})


def execute(
    method: str,
    settings: CommonSettings,
    build: Callable[[RunDir, list], Built],
    extra_callbacks: Sequence = (),
) -> common.TrainResult:
    """Run `build(run, callbacks)` then the training; `build` records what it knows about the
    data and models into `run.info` (it lands in run.json). `extra_callbacks` are the caller's
    own TrainerCallbacks (a progress bar, say)."""
    run = RunDir(settings.output_dir, method)
    run.start(settings.to_dict(), settings.resume)
    try:
        callbacks, stop = common.callbacks(run)
        callbacks.extend(extra_callbacks)
        built = build(run, callbacks)
        trainer = built.trainer
        if any(getattr(cb, "replaces_printer", False) for cb in extra_callbacks):
            # a caller drawing its own progress (the demo's Rich bars) does not want the
            # Trainer's log dicts printed across it; metrics.jsonl still gets every record
            from transformers.trainer_callback import PrinterCallback

            trainer.remove_callback(PrinterCallback)
        train_metrics = common.run_training(trainer, run, settings)
        metrics: dict[str, float] = {}
        if trainer.eval_dataset is not None:
            metrics = {**trainer.evaluate(), **built.extra_metrics()}
        if not stop.requested:
            common.save_final(trainer, built.tokenizer, settings.output_dir)
        return common.finish(run, trainer, stop, train_metrics, metrics)
    except BaseException as exc:
        common.fail(run, exc)
        raise
