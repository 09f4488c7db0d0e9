"""Benchmark of reward-model prefix sharing (alignkit.train.rm_prefix_sharing) at the model
call: TRL's RewardTrainer step (its `model(**inputs)` over `[chosen rows; rejected rows]`, its
Bradley-Terry loss, the backward) against the same step with each pair's prompt encoded once, on
the same batches in one process.

The batches are TRL's reward collator's, from HH-RLHF pairs (the shared file: each side is the
whole dialogue, the last Assistant turn differs), tokenized as TRL's RewardTrainer does (the
text plus EOS), pairs longer than --max-length dropped as TRL's max_length does. The model is
SmolLM2-135M-Instruct as a sequence classifier under LoRA (r 16, all linear layers, the score
head trained), as `alignkit train rm --lora` builds it. The two sides alternate (--rounds),
each round timing every batch once; the medians are reported, with the tokens each side ran
and the largest reward difference.

    .venv/bin/python bench/rm_prefix_sharing.py                    # 8 batches of 4, 128 tokens
    .venv/bin/python bench/rm_prefix_sharing.py --max-length 256 --batch-size 8 --rounds 3
    .venv/bin/python bench/rm_prefix_sharing.py --device cuda      # on a GPU
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


def _pairs(path: Path, tokenizer, max_length: int, n: int) -> list[dict]:
    """TRL's tokenized reward pairs (text + EOS) from HH rows where both sides fit."""
    out = []
    eos = tokenizer.eos_token_id
    with gzip.open(path, "rt") as fh:
        for line in fh:
            row = json.loads(line)
            ids = [tokenizer(text=row[k])["input_ids"] + [eos] for k in ("chosen", "rejected")]
            if max(len(i) for i in ids) > max_length:
                continue
            out.append({"chosen_ids": ids[0], "rejected_ids": ids[1]})
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
    parser.add_argument("--device", default="cpu", help="cpu, cuda, ...")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"error: no data file {args.data} (--data)", file=sys.stderr)
        return 1
    import torch
    from peft import LoraConfig, get_peft_model
    from trl.trainer.reward_trainer import DataCollatorForPreference

    from alignkit.models import load_reward_model
    from alignkit.train import packing, rm_prefix_sharing

    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    model, tok = load_reward_model(args.model)
    why = rm_prefix_sharing.supported(model)
    if why:
        print(f"error: {args.model} cannot be packed: {why}", file=sys.stderr)
        return 1
    lora = LoraConfig(
        r=16, lora_alpha=32, target_modules="all-linear", task_type="SEQ_CLS", lora_dropout=0.0
    )
    peft = get_peft_model(model, lora).to(device)
    pairs = _pairs(args.data, tok, args.max_length, args.batch_size * args.batches)
    if not pairs:
        print(f"error: no HH pair fits {args.max_length} tokens", file=sys.stderr)
        return 1
    collate = DataCollatorForPreference(pad_token_id=tok.pad_token_id)
    batches = [
        {k: v.to(device) for k, v in collate(pairs[i : i + args.batch_size]).items()}
        for i in range(0, len(pairs), args.batch_size)
    ]
    base = peft.get_base_model()
    rm_prefix_sharing.install(base)

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    def run(packed: bool) -> tuple[float, list]:
        rewards = []
        sync()
        start = time.perf_counter()
        for batch in batches:
            with packing.active() if packed else torch.enable_grad():
                logits = peft(**batch, use_cache=False).logits
            # TRL's RewardTrainer loss
            chosen, rejected = torch.chunk(logits.squeeze(-1), chunks=2)
            loss = -torch.nn.functional.logsigmoid(chosen - rejected).mean()
            loss.backward()
            rewards.append(logits.detach())
        sync()
        peft.zero_grad()
        return time.perf_counter() - start, rewards

    load0 = os.getloadavg()[0]
    run(False), run(True)  # warm-up: kernels, allocator
    base._alignkit_token_counts.update(packed=0, unpacked=0)  # the timed rounds' tokens only
    times: dict[bool, list[float]] = {False: [], True: []}
    diff = 0.0
    for _ in range(args.rounds):
        plain_s, plain_rewards = run(False)
        shared_s, shared_rewards = run(True)
        times[False].append(plain_s)
        times[True].append(shared_s)
        for a, b in zip(plain_rewards, shared_rewards, strict=True):
            diff = max(diff, (a - b).abs().max().item())
    counts = base._alignkit_token_counts
    real = sum(int(b["attention_mask"].sum()) for b in batches) * args.rounds
    plain, shared = statistics.median(times[False]), statistics.median(times[True])
    where = f"{torch.get_num_threads()} threads" if device.type == "cpu" else str(device)
    print(f"{args.model} reward model + LoRA, {len(pairs)} HH pairs in batches of "
          f"{args.batch_size}, max_length {args.max_length}, {where}, fp32")  # fmt: skip
    print(f"  TRL's rows (forward + loss + backward) {plain:7.2f} s per pass over the batches")
    print(f"  prefix sharing                         {shared:7.2f} s   ({plain / shared:.2f}x)")
    print(
        f"  tokens run: {counts['packed'] / counts['unpacked']:.0%} of TRL's rows' "
        f"({counts['packed']} against {counts['unpacked']}, {real} of them real)"
    )
    print(f"  largest reward difference: {diff:.2e}")
    print(f"  load average (1 min): {load0:.2f} before, {os.getloadavg()[0]:.2f} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
