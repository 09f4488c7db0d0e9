"""Typed settings of `alignkit feedback score` (active learning, server/feedback/active.py).
Only the standard library is imported here, so that `alignkit --help` stays instant and the
web app checks a job's settings without loading a model (as data/settings.py).

The job opens the server's database as `alignkit serve` and its worker do ($ALIGNKIT_DATABASE_URL,
else the data dir's SQLite): no setting names a database, so a job queued through the API
(a member key's, whose paths are held to the server's folders) cannot write to another one."""

from __future__ import annotations

from dataclasses import dataclass, field

from alignkit.errors import AlignkitError


@dataclass
class ScoreSettings:
    dataset: str = field(
        metadata={"help": "The feedback dataset's id (its admin page's address has it).",
                  "required": True}
    )  # fmt: skip
    reward_model: str | None = field(
        default=None,
        metadata={"help": "A reward model's training run folder (default: the one attached "
                  "to the dataset)."},
    )  # fmt: skip
    batch_size: int = field(default=32, metadata={"help": "Sequences per forward pass."})
    bf16: bool | None = field(
        default=None,
        metadata={"help": "bfloat16 autocast (default: where the hardware runs it fast)."},
    )
    trust_remote_code: bool = field(default=False, metadata={"help": "Run model code from it."})

    def __post_init__(self) -> None:
        self.reward_model = self.reward_model or None
        if not str(self.dataset or "").strip():
            raise AlignkitError("--dataset is required")
        if self.batch_size < 1:
            raise AlignkitError("--batch-size must be >= 1")
