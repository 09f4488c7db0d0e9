"""What the machine can do: QLoRA needs CUDA + bitsandbytes, fp16 training needs CUDA, bf16 works
on CPU and on GPUs that support it. Also the dtype to load weights in."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Literal

from alignkit.errors import AlignkitError
from alignkit.models.settings import LoadSettings

if TYPE_CHECKING:
    import torch


def check_device_support(settings: LoadSettings) -> None:
    """Raise one clear AlignkitError when `settings` cannot run on this machine."""
    import torch

    cuda = torch.cuda.is_available()
    if settings.load_in_4bit:
        if not cuda:
            raise AlignkitError(
                "--load-in-4bit (QLoRA) needs a CUDA GPU and bitsandbytes; this machine has no "
                "CUDA GPU (use --lora without --load-in-4bit)"
            )
        if importlib.util.find_spec("bitsandbytes") is None:
            raise AlignkitError(
                "--load-in-4bit (QLoRA) needs bitsandbytes: pip install bitsandbytes"
            )
    if settings.dtype == "fp16" and not cuda:
        raise AlignkitError(
            "--fp16 needs a CUDA GPU (CPU has no fp16 training); use --bf16 or fp32 on CPU"
        )
    if settings.dtype == "bf16" and cuda and not torch.cuda.is_bf16_supported():
        raise AlignkitError("this GPU does not support bf16; use --fp16")


def training_precision(settings: LoadSettings) -> Literal["fp32", "bf16", "fp16"]:
    """`settings.dtype` with "auto" decided: bf16 on a bf16-capable CUDA GPU, else fp32."""
    if settings.dtype != "auto":
        return settings.dtype
    return "bf16" if cuda_has_bf16() else "fp32"


def cuda_has_bf16() -> bool:
    """A CUDA GPU is present and computes in bf16 (Ampere and later)."""
    import torch

    return torch.cuda.is_available() and torch.cuda.is_bf16_supported()


def native_bf16() -> bool:
    """bf16 is worth it here: a bf16 GPU, or a CPU with bf16 hardware (cpu_has_native_bf16)."""
    return cuda_has_bf16() or cpu_has_native_bf16()


def trainer_precision_flags(settings: LoadSettings) -> dict[str, bool]:
    """`bf16=`/`fp16=` for transformers/TRL TrainingArguments (mixed precision)."""
    precision = training_precision(settings)
    return {"bf16": precision == "bf16", "fp16": precision == "fp16"}


def load_dtype(settings: LoadSettings) -> torch.dtype:
    """Weights that are trained stay fp32 (mixed precision keeps fp32 master weights); a frozen
    base under LoRA/QLoRA is loaded in the half dtype to save memory (PEFT keeps adapters fp32)."""
    import torch

    precision = training_precision(settings)
    if precision != "fp32" and (settings.lora or settings.load_in_4bit):
        return torch.bfloat16 if precision == "bf16" else torch.float16
    return torch.float32


def cpu_has_native_bf16() -> bool:
    """Whether this CPU computes bf16 matmuls in hardware (AMX on Xeon, AVX512-BF16 on Zen 4
    and Cooper Lake). Measured: bf16 matmuls 2.4x fp32 on a Zen 4 (AVX512-BF16) and 7-10x on
    an AMX Xeon; on a CPU with neither, bf16 is emulated and slower than fp32. Linux only (the
    flags come from /proc/cpuinfo); elsewhere False, so fp32 stays the choice."""
    from pathlib import Path

    try:
        text = Path("/proc/cpuinfo").read_text(errors="ignore")
    except OSError:
        return False
    flags = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return bool({"amx_bf16", "avx512_bf16"} & set(flags.split()))
