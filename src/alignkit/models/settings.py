"""How to load a model for training: precision, LoRA/QLoRA, gradient checkpointing. The CLI
flags map one to one onto these fields; bad values fail here, before anything is loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from alignkit.errors import AlignkitError

Dtype = Literal["auto", "fp32", "bf16", "fp16"]
DTYPES = ("auto", "fp32", "bf16", "fp16")


@dataclass
class LoadSettings:
    """`dtype` is the training precision: "auto" is bf16 on a CUDA GPU that supports it and
    fp32 elsewhere. `lora_targets=None` means PEFT's "all-linear". `load_in_4bit` is QLoRA and
    needs `lora`, a CUDA GPU and bitsandbytes."""

    dtype: Dtype = "auto"
    lora: bool = False
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    lora_targets: list[str] | None = None
    load_in_4bit: bool = False
    gradient_checkpointing: bool = False
    trust_remote_code: bool = False

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise AlignkitError(f"dtype must be one of {', '.join(DTYPES)}, not '{self.dtype}'")
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


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
