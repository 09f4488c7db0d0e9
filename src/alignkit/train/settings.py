"""Settings shared by every training method, and loading them from a saved file.

A run can be described entirely by a YAML/JSON file (`alignkit train dpo --config run.yaml`),
so a job runner or the web app can launch, watch and cancel it as a process without importing
torch; flags given on the command line override the file.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from alignkit.config import load_settings  # noqa: F401 - re-exported: the train CLI's name for it
from alignkit.errors import AlignkitError
from alignkit.models.settings import ModelFields

PRECISIONS = ("auto", "fp32", "bf16", "fp16")
# a Hub repo id: `name` (the user's own namespace) or `org/name`
REPO_ID = r"[A-Za-z0-9][\w.-]{0,95}(/[A-Za-z0-9][\w.-]{0,95})?"


def _names(value: str | list[str] | None) -> list[str]:
    """`--tags a,b`, `--tags a --tags b` or a YAML list: the names once each, in order."""
    items = [value] if isinstance(value, str) else list(value or [])
    names = [n.strip() for item in items for n in str(item).split(",")]
    return list(dict.fromkeys(n for n in names if n))


@dataclass
class _RunFields:
    """The run's own fields; CommonSettings below adds the model's (alignkit.models.ModelFields)
    after them, so flags and config.json keep this order."""

    # Fields a resume may change without `--resume-force`: they say how a run is resumed, watched
    # and kept (when it logs, evaluates, checkpoints and how many checkpoints it keeps, where
    # metrics go), never what it learns, so the resumed run ends with the same weights. The run
    # folder is the one being resumed; the dataset is compared by its digest, not its path.
    OPERATIONAL: ClassVar[tuple[str, ...]] = (
        "resume", "resume_or_start", "resume_force", "output_dir", "dataset_dir",
        "logging_steps", "eval_steps", "save_steps", "save_total_limit", "report_to",
        "wandb", "run_name", "tags", "push_to_hub",
    )  # fmt: skip

    dataset_dir: Path = field(default=Path("."), metadata={"help": "An ingest output folder."})
    output_dir: Path = field(default=Path("artifacts/run"), metadata={"help": "The run folder."})
    epochs: float = field(default=1.0, metadata={"help": "Passes over the train split."})
    max_steps: int = field(default=-1, metadata={"help": "Stop after this many steps (-1: off)."})
    lr: float = field(default=2e-5, metadata={"help": "Peak learning rate."})
    batch_size: int = field(default=8, metadata={"help": "Pairs per device per step."})
    gradient_accumulation: int = field(default=1, metadata={"help": "Steps per update."})
    lr_scheduler: str = field(default="cosine", metadata={"help": "transformers scheduler name."})
    warmup_ratio: float = field(default=0.03, metadata={"help": "Share of steps warming up."})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay."})
    max_length: int = field(default=1024, metadata={"help": "Tokens per sequence."})
    truncation: Literal["right", "left"] = field(
        default="right", metadata={"help": "Which end of a long sequence to cut."}
    )
    eval_steps: int = field(default=100, metadata={"help": "Evaluate every N steps."})
    save_steps: int = field(default=200, metadata={"help": "Checkpoint every N steps."})
    logging_steps: int = field(default=10, metadata={"help": "Log metrics every N steps."})
    save_total_limit: int | None = field(default=2, metadata={"help": "Checkpoints kept."})
    seed: int = field(default=42, metadata={"help": "Random seed."})
    deepspeed: str | None = field(default=None, metadata={"help": "DeepSpeed config file."})
    report_to: list[str] = field(
        default_factory=list,
        metadata={"help": "Trackers: wandb, mlflow, tensorboard (a,b; none by default)."},
    )
    wandb: str | None = field(
        default=None,
        metadata={
            "help": "Log to W&B in this project, or entity/project (adds wandb to --report-to)."
        },
    )
    run_name: str | None = field(
        default=None,
        metadata={"help": "The run's name in trackers and run.json (default: the folder's name)."},
    )
    tags: list[str] = field(
        default_factory=list, metadata={"help": "The run's tags in trackers and run.json: a,b."}
    )
    push_to_hub: str | None = field(
        default=None,
        metadata={"help": "Push the final model with a model card to this Hub repo (org/name)."},
    )
    resume: bool = field(
        default=False,
        metadata={"help": "Continue from the last complete checkpoint (an error if none)."},
    )
    resume_or_start: bool = field(
        default=False,
        metadata={"help": "Continue from the last complete checkpoint, or start over if none."},
    )
    resume_force: bool = field(
        default=False,
        metadata={"help": "Resume even where settings or data differ from the run's own."},
    )
    # the precision: the loader's dtype (alignkit.models.LoadSettings); "auto" is decided when
    # the run starts (alignkit.models.precision.choose_precision) and run.json says what and why
    precision: Literal["auto", "fp32", "bf16", "fp16"] = field(
        default="auto",
        metadata={
            "help": "auto: bf16 mixed precision where the hardware runs bf16 fast (AMX CPU, "
            "bf16 GPU), else fp32; ALIGNKIT_PRECISION sets what auto picks."
        },
    )
    # --bf16 / --fp16: short for --precision bf16 / fp16, and kept in step with it (a config
    # file from before --precision, or code that reads them, sees the same choice)
    bf16: bool = field(default=False, metadata={"help": "Same as --precision bf16."})
    fp16: bool = field(default=False, metadata={"help": "Same as --precision fp16 (GPU)."})


@dataclass
class CommonSettings(ModelFields, _RunFields):
    """Settings shared by every training method: the run's fields, then the model's
    (gradient checkpointing, LoRA/QLoRA, remote code), declared and checked once in
    alignkit.models.ModelFields for the loader and every method alike, flat: one flag each."""

    def __post_init__(self) -> None:
        self.dataset_dir, self.output_dir = Path(self.dataset_dir), Path(self.output_dir)
        checks = [
            (self.epochs > 0 or self.max_steps > 0, "--epochs must be > 0 (or set --max-steps)"),
            (self.lr > 0, "--lr must be > 0"),
            (self.batch_size >= 1, "--batch-size must be >= 1"),
            (self.gradient_accumulation >= 1, "--gradient-accumulation must be >= 1"),
            (0 <= self.warmup_ratio < 1, "--warmup-ratio must be in [0, 1)"),
            (self.max_length >= 8, "--max-length must be >= 8"),
            (self.truncation in ("right", "left"), "--truncation must be right or left"),
            (min(self.eval_steps, self.save_steps, self.logging_steps) >= 1, "step intervals >= 1"),
            (
                self.save_total_limit is None or self.save_total_limit >= 1,
                "--save-total-limit >= 1",
            ),
            (
                not self.resume_force or self.resumes,
                "--resume-force goes with --resume or --resume-or-start",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise AlignkitError(message)
        self._settle_precision()
        ModelFields.__post_init__(self)
        self.report_to = [n for n in _names(self.report_to) if n != "none"]
        self.tags = _names(self.tags)
        if self.wandb and "wandb" not in self.report_to:
            self.report_to.append("wandb")
        bad = [n for n in self.report_to if n not in ("wandb", "mlflow", "tensorboard")]
        if bad:
            raise AlignkitError(
                f"--report-to must be wandb, mlflow or tensorboard, got {', '.join(bad)}"
            )
        if self.push_to_hub is not None and not re.fullmatch(REPO_ID, self.push_to_hub):
            raise AlignkitError(
                f"--push-to-hub wants a Hub repo id: org/name, not {self.push_to_hub}"
            )
        # a missing tracker or DeepSpeed is one line now, not a traceback once the model is loaded
        from alignkit.train.tracking import require_libraries

        require_libraries(self.report_to, self.deepspeed)

    def _settle_precision(self) -> None:
        """--bf16 / --fp16 into `precision`, then both flags from it."""
        if self.precision not in PRECISIONS:
            raise AlignkitError(
                f"--precision must be {', '.join(PRECISIONS)}, not '{self.precision}'"
            )
        if self.bf16 and self.fp16:
            raise AlignkitError("--bf16 and --fp16 exclude each other")
        alias = "bf16" if self.bf16 else "fp16" if self.fp16 else None
        if alias is not None:
            if self.precision not in ("auto", alias):
                raise AlignkitError(
                    f"--{alias} and --precision {self.precision} exclude each other"
                )
            self.precision = alias
        self.bf16, self.fp16 = self.precision == "bf16", self.precision == "fp16"

    @property
    def resumes(self) -> bool:
        """Asked to continue the run already in output_dir (if it can, for --resume-or-start)."""
        return self.resume or self.resume_or_start

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        return {k: str(v) if isinstance(v, Path) else v for k, v in out.items()}
