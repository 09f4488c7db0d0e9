"""The life of one training run, the same for every method: lock the run folder, check the
dataset, decide what a resume continues (or refuse it), seed, open the run folder, build the
method's trainer, train, evaluate, save the final model, and record the outcome in run.json.

Every way out writes a true final status: `succeeded` (all steps done, model saved, even when
a SIGTERM came after the last step), `stopped` (SIGTERM or Ctrl-C before the end, at any
moment from the folder being opened), or `failed` with the error (a full disk included)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from alignkit.launch import is_main_process
from alignkit.runfolder import RUN_FILE
from alignkit.train import common, tracking
from alignkit.train.rundir import RunDir, read_json
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
    from alignkit.locks import folder_lock

    # held for the whole run, so that a second run into the folder fails at once instead of
    # interleaving its files with this one's; only rank 0 writes the folder, so only it locks
    lock = (
        folder_lock(settings.output_dir, f"training {method}")
        if is_main_process()
        else contextlib.nullcontext()
    )
    with lock:
        return _locked(method, settings, build, extra_callbacks)


def _locked(method, settings, build, extra_callbacks) -> common.TrainResult:
    from alignkit.data.load import note, verify_dataset

    dataset = verify_dataset(settings.dataset_dir)
    plan = common.plan_resume(method, settings, dataset.digest)
    if plan.finished is not None:
        note(
            f"{settings.output_dir} already finished ({plan.finished.steps} steps, model "
            "saved); nothing to resume"
        )
        if settings.push_to_hub and is_main_process():  # a push that failed, tried again
            from alignkit.train.hub import push_run

            return push_run(plan.finished, settings.push_to_hub)
        return plan.finished
    if settings.resumes and plan.checkpoint is None:
        note(f"no complete checkpoint in {settings.output_dir}: starting over")
    # the tracker runs it recorded, for a resumed run to continue (run.start rewrites the file);
    # one resumed with other settings (--resume-force) gets new ones: MLflow's params are fixed
    resumed = plan.checkpoint is not None and not plan.forced
    previous = read_json(settings.output_dir / RUN_FILE) if resumed else None
    run = RunDir(settings.output_dir, method)
    run.info.update(run_name=tracking.run_name(settings), tags=list(settings.tags))
    run.info["dataset"] = {
        "dir": str(settings.dataset_dir),
        "digest": dataset.digest,
        "from_ingest": dataset.from_ingest,
        "files": {n: {"rows": r["rows"], "bytes": r["bytes"]} for n, r in dataset.files.items()},
    }
    if plan.checkpoint is not None:
        run.info["resumed_from"] = str(plan.checkpoint)
    if plan.forced:
        run.info["resume_forced"] = plan.forced
    # transformers only now: a refusal above is a one-line error without seconds of imports
    from alignkit.train.callbacks import GracefulStop, StoppedBeforeTraining

    # decided once for the run (the loader and the trainer ask the same function), and why
    run.info.update(common.precision_of(settings).record())
    stop = GracefulStop()
    run.start(settings.to_dict(), plan.step)
    stop.install()
    trackers, outcome = None, "failed"
    try:
        # before the model loads: a tracker that cannot start fails the run in seconds
        trackers = tracking.start(method, settings, run.path, previous, is_main_process())
        if trackers.info:
            run.write("running", tracking=trackers.info)
        # before the build: the reward head and LoRA adapters are initialised there, and the
        # Trainer's own seeding comes after them
        from transformers import set_seed

        set_seed(settings.seed)
        callbacks = common.callbacks(run, settings, stop)
        callbacks.extend(extra_callbacks)
        built = build(run, callbacks)
        trainer = built.trainer
        if any(getattr(cb, "replaces_printer", False) for cb in extra_callbacks):
            # a caller drawing its own progress (the demo's Rich bars) does not want the
            # Trainer's log dicts printed across it; metrics.jsonl still gets every record
            from transformers.trainer_callback import PrinterCallback

            trainer.remove_callback(PrinterCallback)
        train_metrics = common.run_training(trainer, run, plan.checkpoint)
        metrics: dict[str, float] = {}
        if trainer.eval_dataset is not None:
            metrics = {**trainer.evaluate(), **built.extra_metrics()}
        if common.completed(trainer) or not stop.requested:
            model_dir = common.save_final(trainer, built.tokenizer, settings.output_dir)
            if trackers.names and trainer.args.should_save:
                trackers.log_model(model_dir)
        result = common.finish(run, trainer, stop, train_metrics, metrics)
        outcome = result.status
    except StoppedBeforeTraining:
        outcome = "stopped"
        return common.stopped_early(run, "SIGTERM before training began")
    except BaseException as exc:
        outcome = "stopped" if isinstance(exc, KeyboardInterrupt) else "failed"
        raised = common.fail(run, exc)
        if raised is exc:
            raise
        raise raised from exc
    finally:
        stop.uninstall()
        if trackers is not None:
            trackers.close(outcome)
    if settings.push_to_hub and result.status == "succeeded" and is_main_process():
        from alignkit.train.hub import push_run  # a stopped run has no final model to push

        return push_run(result, settings.push_to_hub)
    return result
