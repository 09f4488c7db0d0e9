"""Rich progress for the demo: one bar per stage, and the training steps as they happen."""

from __future__ import annotations

from transformers import TrainerCallback


class StepProgress(TrainerCallback):
    """Moves a Rich progress task along with the Trainer's optimizer steps."""

    replaces_printer = True  # lifecycle.execute then drops the Trainer's printed log dicts

    def __init__(self, progress, task):
        self.progress, self.task = progress, task

    def on_train_begin(self, args, state, control, **kwargs):
        self.progress.update(self.task, total=state.max_steps, completed=state.global_step)

    def on_step_end(self, args, state, control, **kwargs):
        self.progress.update(self.task, completed=state.global_step)
