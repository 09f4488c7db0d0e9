"""bench/rm_prefix_sharing.py's comparison on a machine that has neither TRL nor the model's
weights (a borrowed GPU): the model is built from the named model's config with random weights
(the time of a step does not depend on the weights' values), and the pairs are tokenized
beforehand, here, into a folder that travels.

    .venv/bin/python bench/rm_prefix_sharing_device.py prepare /tmp/rmps --max-length 512
    PYTHONPATH=src python3 bench/rm_prefix_sharing_device.py run /tmp/rmps    # there

`run` pads as TRL's reward collator does (right, chosen rows then rejected rows), checks the
packed rewards and LoRA gradients against TRL's rows (fp32), then times forward + TRL's loss +
backward both ways, alternating, in fp32 and in bf16 (autocast).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path


def prepare(args) -> int:
    from alignkit.models import load_reward_model

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from rm_prefix_sharing import HH, _pairs

    model, tok = load_reward_model(args.model)
    args.folder.mkdir(parents=True, exist_ok=True)
    model.config.to_json_file(args.folder / "config.json")
    pairs = _pairs(HH, tok, args.max_length, args.pairs)
    (args.folder / "pairs.json").write_text(json.dumps({"pad": tok.pad_token_id, "pairs": pairs}))
    print(f"{len(pairs)} pairs of at most {args.max_length} tokens in {args.folder}")
    return 0


def _collate(pairs, pad, device):
    import torch

    rows = [p["chosen_ids"] for p in pairs] + [p["rejected_ids"] for p in pairs]
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)], mask[i, : len(r)] = torch.tensor(r), 1
    return {"input_ids": ids.to(device), "attention_mask": mask.to(device)}


def run(args) -> int:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoConfig, AutoModelForSequenceClassification

    from alignkit.train import packing, rm_prefix_sharing

    device = torch.device(args.device)
    data = json.loads((args.folder / "pairs.json").read_text())
    config = AutoConfig.from_pretrained(args.folder)
    config._attn_implementation = "sdpa"
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_config(config, attn_implementation="sdpa")
    lora = LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", task_type="SEQ_CLS",
                      lora_dropout=0.0, init_lora_weights=False)  # fmt: skip
    peft = get_peft_model(model, lora).to(device)
    base = peft.get_base_model()
    assert rm_prefix_sharing.supported(base) is None, rm_prefix_sharing.supported(base)
    rm_prefix_sharing.install(base)
    pairs = data["pairs"][: args.batch_size * args.batches]
    batches = [
        _collate(pairs[i : i + args.batch_size], data["pad"], device)
        for i in range(0, len(pairs), args.batch_size)
    ]

    def step(batch, packed, dtype):
        autocast = torch.autocast(device.type, dtype=dtype, enabled=dtype != torch.float32)
        with autocast, packing.active() if packed else torch.enable_grad():
            logits = peft(**batch, use_cache=False).logits
        chosen, rejected = torch.chunk(logits.float().squeeze(-1), chunks=2)
        (-torch.nn.functional.logsigmoid(chosen - rejected).mean()).backward()
        return logits.detach().float()

    # equality, fp32: rewards and the LoRA gradients of the first batch
    out = {}
    for packed in (False, True):
        peft.zero_grad()
        rewards = step(batches[0], packed, torch.float32)
        grads = {n: p.grad.clone() for n, p in peft.named_parameters() if p.grad is not None}
        out[packed] = rewards, grads
    reward_diff = (out[True][0] - out[False][0]).abs().max().item()
    grad_diff = max((out[True][1][n] - g).abs().max().item() for n, g in out[False][1].items())
    name = torch.cuda.get_device_name() if device.type == "cuda" else str(device)
    size = sum(p.numel() for p in model.parameters()) / 1e6
    print(f"{name}: {len(pairs)} HH pairs, batches of {args.batch_size}, random "
          f"{config.model_type} of {size:.0f}M parameters + LoRA r 16")  # fmt: skip
    print(f"  fp32 packed vs TRL's rows: rewards within {reward_diff:.1e}, grads {grad_diff:.1e}")

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    for dtype in (torch.float32, torch.bfloat16):
        counts = base._alignkit_token_counts
        times = {False: [], True: []}
        for r in range(args.rounds + 1):  # the first round warms up
            counts.update(packed=0, unpacked=0)
            for packed in (False, True):
                sync()
                start = time.perf_counter()
                for batch in batches:
                    step(batch, packed, dtype)
                sync()
                if r:
                    times[packed].append(time.perf_counter() - start)
                peft.zero_grad()
        plain, shared = statistics.median(times[False]), statistics.median(times[True])
        share = counts["packed"] / counts["unpacked"]
        print(f"  {str(dtype)[6:]:8s} TRL's rows {plain:6.3f} s, packed {shared:6.3f} s "
              f"({plain / shared:.2f}x); tokens run {share:.0%}")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="tokenize HH pairs and save the model's config")
    p.add_argument("folder", type=Path)
    p.add_argument("--model", default="smollm2-135m-instruct")
    p.add_argument("--max-length", type=int, default=512)
    p.add_argument("--pairs", type=int, default=256)
    r = sub.add_parser("run", help="check and time packed against TRL's rows")
    r.add_argument("folder", type=Path)
    r.add_argument("--batch-size", type=int, default=16, help="pairs per batch")
    r.add_argument("--batches", type=int, default=8)
    r.add_argument("--rounds", type=int, default=3)
    r.add_argument("--device", default="cuda")
    args = parser.parse_args(argv)
    return prepare(args) if args.command == "prepare" else run(args)


if __name__ == "__main__":
    sys.exit(main())
