"""The machine's measured matmul peak per dtype, on the shapes of SmolLM2-135M's layers.

A benchmark's FLOP/s means little alone; against what this machine's matmuls reach in the
same dtype it says how far the loop is from the hardware limit (bench/dpo_throughput.py
prints its achieved FLOP/s as a share of `peak_flops(dtype)`). Each shape is one layer's
`F.linear(x, W)` as the model runs it: x is (tokens, in), W is (out, in); SmolLM2-135M has
hidden 576, 9 query heads and 3 key/value heads of 64 (k/v projections 576 -> 192),
intermediate 1536 and a 49152-token vocabulary (the tied LM head). Tokens per call are a
batch's tokens, 256-2048 (batch 2-16 of 128 tokens).

It runs with torch's current thread count (`torch.get_num_threads()`, or `--threads`), so it
measures what a training run on the same settings gets. Run it with
`.venv/bin/python bench/peak.py` (about a minute on 2 CPU cores), `--quick` for a few seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from functools import cache

HIDDEN, KV, INTERMEDIATE, VOCAB = 576, 192, 1536, 49152
LAYERS = {  # name: (in, out), the forward pass's matmuls of one decoder layer, and the head
    "q/o proj": (HIDDEN, HIDDEN),
    "k/v proj": (HIDDEN, KV),
    "gate/up": (HIDDEN, INTERMEDIATE),
    "down": (INTERMEDIATE, HIDDEN),
    "lm head": (HIDDEN, VOCAB),
}
TOKENS = (256, 512, 1024, 2048)
QUICK_TOKENS = (512,)


def _device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def dtypes_here() -> list[str]:
    """fp32 and bf16 everywhere; fp16 on CUDA only (CPU training has no fp16)."""
    return ["fp32", "bf16", "fp16"] if _device() == "cuda" else ["fp32", "bf16"]


def _torch_dtype(name: str):
    import torch

    return {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[name]


def measure(dtype: str, tokens: int, fan_in: int, fan_out: int, seconds: float = 0.25) -> float:
    """FLOP/s of `F.linear` on (tokens, fan_in) x (fan_out, fan_in)^T in `dtype`: the best of
    three timed rounds of at least `seconds` each, after a warm-up (the best, not the mean: a
    peak, and the rounds a neighbour's process slowed down are the ones it discards)."""
    import torch
    import torch.nn.functional as F

    device = _device()
    gen = torch.Generator(device="cpu").manual_seed(0)
    x = torch.randn(tokens, fan_in, generator=gen).to(device, _torch_dtype(dtype))
    w = torch.randn(fan_out, fan_in, generator=gen).to(device, _torch_dtype(dtype))
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    flops = 2.0 * tokens * fan_in * fan_out

    with torch.inference_mode():
        for _ in range(3):  # first calls pick kernels (oneDNN primitives, cuBLAS heuristics)
            F.linear(x, w)
        sync()
        # how many calls make one round of `seconds`, from one timed call
        t0 = time.perf_counter()
        F.linear(x, w)
        sync()
        calls = max(1, int(seconds / max(time.perf_counter() - t0, 1e-7)))
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            for _ in range(calls):
                F.linear(x, w)
            sync()
            best = min(best, (time.perf_counter() - t0) / calls)
    return flops / best


def table(dtype: str, tokens=TOKENS, seconds: float = 0.25) -> dict[tuple[str, int], float]:
    """FLOP/s per (layer, tokens) in `dtype`."""
    return {
        (name, t): measure(dtype, t, fan_in, fan_out, seconds)
        for name, (fan_in, fan_out) in LAYERS.items()
        for t in tokens
    }


@cache
def peak_flops(dtype: str, quick: bool = False) -> float:
    """The best FLOP/s this process's matmuls reach in `dtype` ("fp32", "bf16", "fp16") over
    SmolLM2-135M's layer shapes, at torch's current thread count; measured once per process.
    `quick` measures one token count (512) with shorter rounds: a few seconds, a little lower."""
    tokens, seconds = (QUICK_TOKENS, 0.1) if quick else (TOKENS, 0.25)
    return max(table(dtype, tokens, seconds).values())


def training_flops(params: int, trained_tokens: float, forward_tokens: float = 0.0) -> float:
    """The model FLOPs of a run (Kaplan et al. 2020, "Scaling Laws for Neural Language
    Models", sec. 2.1): 6N per token trained on (forward 2N, backward 4N) and 2N per token
    only run forward (a reference pass), N the parameter count; attention's own FLOPs
    (2 x layers x context x 576 per token forward) are left out: 2% of 2N for SmolLM2-135M at
    128 tokens, a quarter at 2048. Under LoRA the frozen weights get no
    weight gradients, so a trained token really costs ~4N: 6N overstates the work there."""
    return 6.0 * params * trained_tokens + 2.0 * params * forward_tokens


def print_efficiency(rows, peak: float, width: int = 24) -> None:
    """A table of achieved FLOP/s against `peak`: `rows` of (label, FLOPs, seconds, loop FLOPs,
    loop seconds), the loop ones None where a run has no separate loop."""
    header = (
        f"{'':<{width}} {'GFLOP':>8} {'GFLOP/s':>8} {'% peak':>7} {'loop GFLOP/s':>13} "
        f"{'% peak':>7}"
    )
    print(header)
    print("-" * len(header))
    for label, flops, seconds, loop_flops, loop_s in rows:
        rate = flops / seconds
        loop = f"{'-':>13} {'-':>7}"
        if loop_flops is not None and loop_s:
            loop = f"{loop_flops / loop_s / 1e9:>13.1f} {loop_flops / loop_s / peak:>7.1%}"
        print(f"{label:<{width}} {flops / 1e9:>8.1f} {rate / 1e9:>8.1f} {rate / peak:>7.1%} {loop}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dtypes", help=f"comma-separated (default: {','.join(['fp32', 'bf16'])}, +fp16 on CUDA)"
    )
    parser.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's)")
    parser.add_argument("--quick", action="store_true", help="512 tokens only, short rounds")
    args = parser.parse_args(argv)
    import torch

    from alignkit.models.precision import cpu_model

    if args.threads:
        torch.set_num_threads(args.threads)
    dtypes = args.dtypes.split(",") if args.dtypes else dtypes_here()
    bad = [d for d in dtypes if d not in ("fp32", "bf16", "fp16")]
    if bad:
        parser.error(f"--dtypes: unknown {', '.join(bad)} (fp32, bf16, fp16)")
    tokens, seconds = (QUICK_TOKENS, 0.1) if args.quick else (TOKENS, 0.25)
    device = _device()
    where = torch.cuda.get_device_name() if device == "cuda" else cpu_model()
    load0 = os.getloadavg()[0]
    print(f"matmul peak: torch {torch.__version__}, {where}, {torch.get_num_threads()} threads")
    if device == "cpu":
        print(f"CPU bf16 flags: {', '.join(_bf16_flags()) or 'none'}")
    print(f"F.linear(x[tokens, in], W[out, in]), GFLOP/s, best of 3 rounds of {seconds} s")
    results = {d: table(d, tokens, seconds) for d in dtypes}
    print()
    header = f"{'layer (in -> out)':<24} {'tokens':>6} " + " ".join(f"{d:>8}" for d in dtypes)
    if "fp32" in dtypes and len(dtypes) > 1:
        header += "  " + " ".join(f"{d + '/fp32':>9}" for d in dtypes if d != "fp32")
    print(header)
    print("-" * len(header))
    for name, (fan_in, fan_out) in LAYERS.items():
        for t in tokens:
            row = f"{f'{name} ({fan_in} -> {fan_out})':<24} {t:>6} "
            row += " ".join(f"{results[d][name, t] / 1e9:>8.1f}" for d in dtypes)
            if "fp32" in dtypes and len(dtypes) > 1:
                fp32 = results["fp32"][name, t]
                row += "  " + " ".join(
                    f"{results[d][name, t] / fp32:>8.2f}x" for d in dtypes if d != "fp32"
                )
            print(row)
    print()
    for d in dtypes:
        (name, t), best = max(results[d].items(), key=lambda kv: kv[1])
        print(f"peak {d}: {best / 1e9:.1f} GFLOP/s ({name}, {t} tokens)")
    print(f"load average (1 min): {load0:.2f} before, {os.getloadavg()[0]:.2f} after")
    return 0


def _bf16_flags() -> list[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="ignore") as fh:
            flags = next((line for line in fh if line.startswith("flags")), "").split()
    except OSError:
        return []
    return [f for f in ("amx_bf16", "amx_tile", "avx512_bf16", "avx512_fp16") if f in flags]


if __name__ == "__main__":
    sys.exit(main())
