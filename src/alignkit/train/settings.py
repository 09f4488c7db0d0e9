"""Settings shared by every training method, and loading them from a saved file.

A run can be described entirely by a YAML/JSON file (`alignkit train dpo --config run.yaml`),
so a job runner or the web app can launch, watch and cancel it as a process without importing
torch; flags given on the command line override the file.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from alignkit.config import load_settings  # noqa: F401 - re-exported: the train CLI's name for it
from alignkit.errors import AlignkitError


@dataclass
class CommonSettings:
    # Fields a resume may change without `--resume-force`: they say how a run is resumed, watched
    # and kept (when it logs, evaluates, checkpoints and how many checkpoints it keeps, where
    # metrics go), never what it learns, so the resumed run ends with the same weights. The run
    # folder is the one being resumed; the dataset is compared by its digest, not its path.
    OPERATIONAL: ClassVar[tuple[str, ...]] = (
        "resume", "resume_or_start", "resume_force", "output_dir", "dataset_dir",
        "logging_steps", "eval_steps", "save_steps", "save_total_limit", "report_to",
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
        default_factory=list, metadata={"help": "wandb, mlflow, tensorboard (none by default)."}
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
    # model loading (see alignkit.models.LoadSettings)
    bf16: bool = field(default=False, metadata={"help": "bfloat16 weights and autocast."})
    fp16: bool = field(default=False, metadata={"help": "float16 mixed precision (GPU)."})
    gradient_checkpointing: bool = field(
        default=False, metadata={"help": "Trade compute for memory."}
    )
    lora: bool = field(default=False, metadata={"help": "Train LoRA adapters only."})
    lora_r: int = field(default=16, metadata={"help": "LoRA rank."})
    lora_alpha: int = field(default=32, metadata={"help": "LoRA alpha."})
    lora_dropout: float = field(default=0.05, metadata={"help": "LoRA dropout."})
    lora_targets: list[str] | None = field(
        default=None, metadata={"help": "Module names for LoRA (default: all linear)."}
    )
    load_in_4bit: bool = field(default=False, metadata={"help": "QLoRA (GPU + bitsandbytes)."})
    trust_remote_code: bool = field(default=False, metadata={"help": "Run model code from it."})

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
            (not (self.bf16 and self.fp16), "--bf16 and --fp16 exclude each other"),
            (self.lora_r >= 1 and 0 <= self.lora_dropout < 1, "bad LoRA rank or dropout"),
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
        bad = set(self.report_to) - {"wandb", "mlflow", "tensorboard"}
        if bad:
            raise AlignkitError(f"--report-to must be wandb, mlflow or tensorboard, got {bad}")

    @property
    def resumes(self) -> bool:
        """Asked to continue the run already in output_dir (if it can, for --resume-or-start)."""
        return self.resume or self.resume_or_start

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        return {k: str(v) if isinstance(v, Path) else v for k, v in out.items()}
