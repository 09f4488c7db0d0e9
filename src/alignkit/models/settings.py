"""How to load a model for training: LoRA/QLoRA, gradient checkpointing, remote code, and the
precision. `ModelFields` is declared once, here, with each field's help and its checks: every
training method's settings (train/settings.CommonSettings) take its fields, flat, so the CLI
flags and the --config keys are these names; bad values fail here, before anything is loaded."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

from alignkit.errors import AlignkitError

Dtype = Literal["auto", "fp32", "bf16", "fp16"]
DTYPES = ("auto", "fp32", "bf16", "fp16")


@dataclass
class ModelFields:
    """`lora_targets=None` means PEFT's "all-linear". `load_in_4bit` is QLoRA and needs `lora`,
    a CUDA GPU and bitsandbytes."""

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
        if isinstance(self.lora_targets, str):  # "q_proj,v_proj" from a flag or a config file
            self.lora_targets = [t.strip() for t in self.lora_targets.split(",")]
        if self.lora_targets is not None:
            targets = [str(t).strip() for t in self.lora_targets]
            if not targets or not all(targets):
                raise AlignkitError(
                    "--lora-targets must name at least one module, e.g. q_proj,v_proj"
                )
            self.lora_targets = targets
        if not _is_int(self.lora_r) or self.lora_r < 1:
            raise AlignkitError(f"--lora-r must be a positive integer, not {self.lora_r!r}")
        if not _is_int(self.lora_alpha) or self.lora_alpha < 1:
            raise AlignkitError(f"--lora-alpha must be a positive integer, not {self.lora_alpha!r}")
        if not isinstance(self.lora_dropout, int | float) or not 0 <= self.lora_dropout < 1:
            raise AlignkitError(f"--lora-dropout must be in [0, 1), not {self.lora_dropout!r}")
        if self.load_in_4bit and not self.lora:
            raise AlignkitError(
                "--load-in-4bit needs --lora: 4-bit weights can only be trained through adapters"
            )

    def model_fields(self) -> dict[str, Any]:
        """These fields' values (of a subclass too: a method's settings)."""
        return {f.name: getattr(self, f.name) for f in fields(ModelFields)}


@dataclass
class LoadSettings(ModelFields):
    """`dtype` is the training precision: "auto" is bf16 mixed precision where the hardware
    runs bf16 fast (a bf16 GPU, an AMX CPU) and fp32 elsewhere, decided by
    alignkit.models.precision.choose_precision (a training method's settings say it with
    --precision, or --bf16 / --fp16)."""

    dtype: Dtype = "auto"

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise AlignkitError(f"dtype must be one of {', '.join(DTYPES)}, not '{self.dtype}'")
        super().__post_init__()


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
