"""Benchmark of DPO prefix sharing (alignkit.train.prefix_sharing) at the model call: TRL's own
forward + backward over its `[chosen; rejected]` rows (what DPOTrainer runs every step), against
the same call with each pair's prompt encoded once, on the same batches in one process.

The batches are TRL's collator's, from HH-RLHF pairs (the shared file, prompt = the dialogue up
to the last "Assistant:", answers with EOS, cut keep_start at --max-length, as TRL does); the
model is SmolLM2-135M-Instruct under LoRA (r 16, all linear layers), TRL's fused LM head on it.
The two sides alternate (--rounds), each round timing every batch once; the medians are
reported, with the tokens each side ran and the largest difference in per-sequence log-probs.

    .venv/bin/python bench/prefix_sharing.py                      # 128 tokens, 4 pairs a batch
    .venv/bin/python bench/prefix_sharing.py --max-length 512 --batch-size 2 --rounds 3
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HH = ROOT.parent / "shared" / "data" / "hh-rlhf-harmless-base-test.jsonl.gz"
TURN = "\n\nAssistant:"


def _pairs(path: Path, tokenizer, max_length: int, n: int) -> list[dict]:
    """TRL's tokenized pairs from HH rows whose prompt fits (TRL drops the others)."""
    out = []
    with gzip.open(path, "rt") as fh:
        for line in fh:
            row = json.loads(line)
            cut_c, cut_r = row["chosen"].rfind(TURN), row["rejected"].rfind(TURN)
            prompt = row["chosen"][: cut_c + len(TURN)]
            if cut_c < 0 or cut_r < 0 or row["rejected"][: cut_r + len(TURN)] != prompt:
                continue
            ids = tokenizer(text=prompt)["input_ids"]
            if len(ids) >= max_length:
                continue
            eos = [tokenizer.eos_token_id]
            out.append({
                "prompt_ids": ids,
                "chosen_ids": tokenizer(text=row["chosen"][cut_c + len(TURN):])["input_ids"] + eos,
                "rejected_ids": tokenizer(text=row["rejected"][cut_r + len(TURN):])["input_ids"]
                + eos,
            })  # fmt: skip
            if len(out) == n:
                break
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HH, help="HH-RLHF JSONL(.gz)")
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=4, help="pairs per batch")
    parser.add_argument("--batches", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds per side")
    parser.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's)")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"error: no data file {args.data} (--data)", file=sys.stderr)
        return 1
    import torch
    from peft import LoraConfig, get_peft_model
    from trl.trainer.dpo_trainer import DataCollatorForPreference
    from trl.trainer.utils import add_fused_lm_head

    from alignkit.models import load_causal_lm
    from alignkit.train import prefix_sharing

    if args.threads:
        torch.set_num_threads(args.threads)
    model, tok = load_causal_lm(args.model)
    add_fused_lm_head(model, outputs=("log_probs", "entropy", "mean_logits", "is_top1"))
    lora = LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", lora_dropout=0.0)
    peft = get_peft_model(model, lora)
    pairs = _pairs(args.data, tok, args.max_length, args.batch_size * args.batches)
    collate = DataCollatorForPreference(
        pad_token_id=tok.pad_token_id, max_length=args.max_length, truncation_mode="keep_start"
    )
    batches = []
    for i in range(0, len(pairs), args.batch_size):
        batch = collate(pairs[i : i + args.batch_size])
        batch["labels"] = batch["input_ids"].masked_fill(batch.pop("completion_mask") == 0, -100)
        batches.append(batch)
    base = peft.get_base_model()
    prefix_sharing.install(base)

    def run(packed: bool) -> tuple[float, list]:
        sums = []
        start = time.perf_counter()
        for batch in batches:
            with prefix_sharing.active() if packed else torch.enable_grad():
                out = peft(**batch, use_cache=False, fused_lm_head=True)
            out.log_probs.sum().backward()
            sums.append(out.log_probs.detach().sum(dim=1))
        peft.zero_grad()
        return time.perf_counter() - start, sums

    load0 = os.getloadavg()[0]
    run(False), run(True)  # warm-up: kernels, allocator
    times: dict[bool, list[float]] = {False: [], True: []}
    diff = 0.0
    for _ in range(args.rounds):
        plain_s, plain_sums = run(False)
        shared_s, shared_sums = run(True)
        times[False].append(plain_s)
        times[True].append(shared_s)
        for a, b in zip(plain_sums, shared_sums, strict=True):
            diff = max(diff, (a - b).abs().max().item())
    counts = base._alignkit_token_counts
    plain, shared = statistics.median(times[False]), statistics.median(times[True])
    print(f"{args.model} + LoRA, {len(pairs)} HH pairs in batches of {args.batch_size}, "
          f"max_length {args.max_length}, {torch.get_num_threads()} threads, fp32")  # fmt: skip
    print(f"  TRL's rows (forward + backward)   {plain:7.2f} s per pass over the batches")
    print(f"  prefix sharing                    {shared:7.2f} s   ({plain / shared:.2f}x)")
    print(f"  tokens run: {counts['packed'] / counts['unpacked']:.0%} of TRL's rows'")
    print(f"  largest per-sequence log-prob difference: {diff:.2e}")
    print(f"  load average (1 min): {load0:.2f} before, {os.getloadavg()[0]:.2f} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
