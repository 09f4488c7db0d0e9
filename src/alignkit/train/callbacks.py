"""Trainer callbacks that keep the run folder's contract: metrics as they happen, checkpoint
completion markers (and rotation after them), and a SIGTERM that saves and stops instead of
killing the run."""

from __future__ import annotations

import math
import signal
import threading
import time
from pathlib import Path

from transformers import TrainerCallback

from alignkit.io import write_json
from alignkit.runfolder import CHECKPOINT_PREFIX, MARKER
from alignkit.train.rundir import RunDir, rotate_checkpoints


class MetricsCallback(TrainerCallback):
    """Every `log` event (train loss, eval metrics, ...) becomes one line of metrics.jsonl."""

    def __init__(self, run: RunDir):
        self.run = run

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs or not state.is_world_process_zero:
            return
        clean = {k: v for k, v in logs.items() if not (isinstance(v, float) and math.isnan(v))}
        record = {"step": state.global_step, "epoch": state.epoch, "time": time.time(), **clean}
        self.run.log_metrics(record)


class CheckpointMarker(TrainerCallback):
    """Writes the completion marker into a checkpoint after the Trainer has saved all of it,
    then deletes the complete checkpoints past the `keep` newest (the Trainer's own rotation is
    off: it deletes before the marker is written)."""

    def __init__(self, keep: int | None = None):
        self.keep = keep

    def on_save(self, args, state, control, **kwargs):
        if args.world_size > 1:
            # every rank writes its own part of a checkpoint (RNG state, ZeRO optimizer shards):
            # the marker may only go in once all of them are done
            args.distributed_state.wait_for_everyone()
        if not state.is_world_process_zero:
            return
        path = Path(args.output_dir) / f"{CHECKPOINT_PREFIX}{state.global_step}" / MARKER
        write_json({"step": state.global_step, "time": time.time()}, path)
        rotate_checkpoints(Path(args.output_dir), self.keep)


class StoppedBeforeTraining(BaseException):
    """SIGTERM while the run was still loading: nothing to save, the run ends `stopped`. A
    BaseException, like KeyboardInterrupt, so that no `except Exception` on the way swallows it."""


class GracefulStop(TrainerCallback):
    """SIGTERM (a job runner's cancel) finishes the current step, saves a checkpoint, stops.

    The handler goes in when the run starts, not when training does: loading models and data
    (or computing DPO's reference) can take minutes, and a SIGTERM then would kill the process
    with run.json still `running`. Until the first step it ends the run at once instead."""

    def __init__(self):
        self.requested = False
        self.training = False
        self._previous = None

    def install(self) -> None:
        if threading.current_thread() is threading.main_thread():  # only it may set handlers
            self._previous = signal.signal(signal.SIGTERM, self._request)

    def uninstall(self) -> None:
        # a process may run several trainings (tests, sweeps): each puts back what it found
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)
            self._previous = None

    def on_train_begin(self, args, state, control, **kwargs):
        self.training = True

    def _request(self, signum, frame):
        self.requested = True
        if not self.training:
            raise StoppedBeforeTraining()

    def on_step_end(self, args, state, control, **kwargs):
        if args.world_size > 1:
            # the launcher forwards SIGTERM to every rank, but they may see it steps apart: a
            # rank that stopped alone would leave the others waiting in their next all-reduce
            import torch
            import torch.distributed as dist

            flag = torch.tensor([int(self.requested)], device=args.device)
            dist.all_reduce(flag, op=dist.ReduceOp.MAX)
            self.requested = bool(flag.item())
        if self.requested:
            control.should_save = True
            control.should_training_stop = True
        return control


class PairEval(TrainerCallback):
    """AUC and accuracy (ties wrong) of the eval pairs, at every evaluation, into metrics."""

    def __init__(self, run: RunDir, pairs, pad_id: int, batch_size: int):
        self.run, self.pairs, self.pad_id, self.batch_size = run, pairs, pad_id, batch_size
        self.last: dict[str, float] = {}

    def compute(self, model) -> dict[str, float]:
        from alignkit.models.scoring import pair_metrics, score_ids

        chosen = score_ids(model, self.pairs["chosen_ids"], self.pad_id, self.batch_size)
        rejected = score_ids(model, self.pairs["rejected_ids"], self.pad_id, self.batch_size)
        self.last = {f"eval_pair_{k}": v for k, v in pair_metrics(chosen, rejected).items()}
        return self.last

    def on_evaluate(self, args, state, control, model=None, **kwargs):
        if state.is_world_process_zero and model is not None:
            metrics = self.compute(model)
            self.run.log_metrics({"step": state.global_step, "epoch": state.epoch, **metrics})
