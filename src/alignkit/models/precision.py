"""What the machine can do, and the training precision it gets: QLoRA needs CUDA +
bitsandbytes, fp16 training needs CUDA, bf16 works on CPU and on GPUs that support it.

"auto" (every method's default) is bf16 mixed precision where the hardware runs bf16 fast and
fp32 elsewhere, detected rather than assumed. Measured (bench/peak.py, SmolLM2-135M layer
shapes, 2 threads): an AMX Xeon ran bf16 matmuls at 400-500 GFLOP/s against 33-73 in fp32;
a Xeon with AVX512-BF16 but no AMX ran them at 55-75 GFLOP/s against 85-280 in fp32 (bf16
0.2-0.8x: oneDNN's avx512_core_bf16 kernels lose to MKL's fp32 GEMM), and a SmolLM2 + LoRA
training step took 40.5 s in bf16 against 27.5 s in fp32; a Zen 4 with AVX512-BF16 ran bf16
2.4x fp32. So AMX means bf16, no bf16 instructions means fp32, and AVX512-BF16 without AMX
is decided by a short measurement (cpu_bf16_speedup), kept in the cache folder per CPU, torch
version and thread count. ALIGNKIT_PRECISION (fp32, bf16, fp16) overrides what "auto" picks
(the test suite sets fp32); an explicit --precision / --bf16 / --fp16 wins over both."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from alignkit.errors import AlignkitError
from alignkit.models.settings import LoadSettings

if TYPE_CHECKING:
    import torch

Precision = Literal["fp32", "bf16", "fp16"]
PRECISION_ENV = "ALIGNKIT_PRECISION"
# bf16 has to beat fp32 by this much in bare matmuls to be chosen: autocast adds casts and
# keeps the elementwise work in fp32, so a step gains less than its matmuls do
BF16_MIN_SPEEDUP = 1.3


@dataclass(frozen=True)
class PrecisionChoice:
    """The precision a run computes in, and why (run.json records both)."""

    precision: Precision
    reason: str

    @property
    def bf16(self) -> bool:
        return self.precision == "bf16"

    @property
    def fp16(self) -> bool:
        return self.precision == "fp16"

    def record(self) -> dict[str, str]:
        return {"precision": self.precision, "precision_reason": self.reason}


def choose_precision(requested: str = "auto") -> PrecisionChoice:
    """`requested` ("auto", "fp32", "bf16", "fp16") decided: an explicit one stays, "auto"
    follows ALIGNKIT_PRECISION when set, else the hardware (auto_precision)."""
    if requested not in ("auto", "fp32", "bf16", "fp16"):
        raise AlignkitError(f"precision must be auto, fp32, bf16 or fp16, not '{requested}'")
    if requested != "auto":
        return PrecisionChoice(requested, f"asked for {requested}")  # type: ignore[arg-type]
    override = env_precision()
    if override is not None:
        return PrecisionChoice(override, f"auto: {PRECISION_ENV}={override}")
    return auto_precision()


def env_precision() -> Precision | None:
    """ALIGNKIT_PRECISION, where set to something other than auto; a bad value is one line."""
    value = os.environ.get(PRECISION_ENV, "").strip().lower()
    if value in ("", "auto"):
        return None
    if value not in ("fp32", "bf16", "fp16"):
        raise AlignkitError(f"{PRECISION_ENV} must be auto, fp32, bf16 or fp16, not '{value}'")
    return value  # type: ignore[return-value]


def auto_precision() -> PrecisionChoice:
    """What "auto" means on this machine, ignoring the environment override."""
    import torch

    if torch.cuda.is_available():
        if cuda_has_bf16():
            return PrecisionChoice("bf16", f"auto: CUDA bf16 ({torch.cuda.get_device_name()})")
        # fp16 would need loss scaling and can overflow; fp32 is the safe default there
        return PrecisionChoice("fp32", "auto: GPU without bf16")
    fast, why = cpu_bf16()
    return PrecisionChoice("bf16" if fast else "fp32", f"auto: {why}")


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
    # "auto" from the hardware never picks what the hardware cannot run (and is not probed for
    # it here); ALIGNKIT_PRECISION may
    precision, source = settings.dtype, f"--{settings.dtype}"
    if precision == "auto":
        precision, source = env_precision() or "auto", f"{PRECISION_ENV}={env_precision()}"
    if precision == "fp16" and not cuda:
        raise AlignkitError(
            f"{source} needs a CUDA GPU (CPU has no fp16 training); use --bf16 or fp32 on CPU"
        )
    if precision == "bf16" and cuda and not torch.cuda.is_bf16_supported():
        raise AlignkitError(f"this GPU does not support bf16 ({source}); use --fp16")


def training_precision(settings: LoadSettings) -> Precision:
    """`settings.dtype` with "auto" decided (choose_precision)."""
    return choose_precision(settings.dtype).precision


def cuda_has_bf16() -> bool:
    """A CUDA GPU is present and computes in bf16 (Ampere and later)."""
    import torch

    return torch.cuda.is_available() and torch.cuda.is_bf16_supported()


def native_bf16() -> bool:
    """bf16 is worth it here: a bf16 GPU, or with no GPU a CPU that runs bf16 fast
    (cpu_has_native_bf16); auto_precision's rule. The hardware only: ALIGNKIT_PRECISION is
    choose_precision's business."""
    import torch

    return cuda_has_bf16() or (not torch.cuda.is_available() and cpu_has_native_bf16())


def inference_bf16(requested: bool | None = None) -> bool:
    """For evaluation and scoring (no training): bf16 autocast or not. An explicit True/False
    stays; None follows the same rule as a training run's "auto" (ALIGNKIT_PRECISION, then
    the hardware), where fp16 counts as no (inference autocast here is bf16 or nothing)."""
    if requested is not None:
        return requested
    return choose_precision("auto").bf16


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


# -- the CPU -----------------------------------------------------------------------------------


def cpu_bf16_hardware() -> Literal["amx", "avx512_bf16"] | None:
    """The CPU's bf16 instructions, from /proc/cpuinfo (Linux; elsewhere None: fp32 stays)."""
    from pathlib import Path

    try:
        text = Path("/proc/cpuinfo").read_text(errors="ignore")
    except OSError:
        return None
    flags = set(next((ln for ln in text.splitlines() if ln.startswith("flags")), "").split())
    if "amx_bf16" in flags:
        return "amx"
    return "avx512_bf16" if "avx512_bf16" in flags else None


def cpu_bf16() -> tuple[bool, str]:
    """Whether this CPU runs bf16 faster than fp32, and why: AMX yes, no bf16 instructions no,
    AVX512-BF16 alone as measured (cpu_bf16_speedup)."""
    kind = cpu_bf16_hardware()
    if kind == "amx":
        return True, "AMX bf16"
    if kind is None:
        return False, "no bf16 hardware"
    speedup = cpu_bf16_speedup()
    verdict = "faster" if speedup >= BF16_MIN_SPEEDUP else "not faster"
    return (
        speedup >= BF16_MIN_SPEEDUP,
        f"AVX512-BF16 without AMX, bf16 matmuls {speedup:.2f}x fp32 (measured: {verdict})",
    )


def cpu_has_native_bf16() -> bool:
    """Whether this CPU computes bf16 matmuls faster than fp32 (cpu_bf16)."""
    return cpu_bf16()[0]


def cpu_bf16_speedup() -> float:
    """bf16 over fp32 matmul throughput on this CPU at torch's thread count, on two of
    SmolLM2-135M's layer shapes: measured once (a second on an idle 2-core machine) and kept
    in the cache folder's precision-probe.json, keyed by the CPU, torch version and thread
    count (delete it to measure again)."""
    import torch

    from alignkit.io import write_json
    from alignkit.paths import cache_dir

    key = f"{cpu_model()} | torch {torch.__version__} | {torch.get_num_threads()} threads"
    path = cache_dir() / "precision-probe.json"
    known = _read_probe(path)
    if isinstance(known.get(key), int | float) and known[key] > 0:
        return float(known[key])
    speedup = _measure_speedup()
    try:
        write_json({**known, key: round(speedup, 3)}, path)
    except OSError:  # a read-only cache: measure again next time
        pass
    return speedup


@cache
def _measure_speedup() -> float:
    import time

    import torch
    import torch.nn.functional as F

    def best_time(dtype) -> float:
        gen = torch.Generator().manual_seed(0)
        total = 0.0
        # an MLP's up and down projections at 512 tokens (batch 4 of 128)
        for fan_in, fan_out in ((576, 1536), (1536, 576)):
            x = torch.randn(512, fan_in, generator=gen).to(dtype)
            w = torch.randn(fan_out, fan_in, generator=gen).to(dtype)
            with torch.inference_mode():
                for _ in range(2):  # the first calls pick and build the kernels
                    F.linear(x, w)
                rounds = []
                for _ in range(5):  # the best round: the least disturbed by other processes
                    t0 = time.perf_counter()
                    for _ in range(3):
                        F.linear(x, w)
                    rounds.append(time.perf_counter() - t0)
            total += min(rounds)
        return total

    return best_time(torch.float32) / best_time(torch.bfloat16)


def _read_probe(path) -> dict:
    import json

    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def cpu_model() -> str:
    """The CPU's model name (/proc/cpuinfo; elsewhere the platform's processor string)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="ignore") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()
