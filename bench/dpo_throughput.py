"""Throughput of `alignkit train dpo` against a plain TRL DPOTrainer script, in one run.

Same model, same pairs, same hyperparameters (batch size, gradient accumulation, steps, max
length, learning rate, seed, LoRA or not, precision, gradient checkpointing); everything else
is each tool's own default. Prints wall time, pairs/s, tokens/s and peak RSS of

  * TRL: `DPOTrainer(model, ref_model=None, args=DPOConfig(...), peft_config=...)` and
    `trainer.train()`, the script a TRL user writes (a reference forward pass every step);
  * alignkit, cold: `alignkit.train.dpo.train(DPOSettings(...))` with an empty reference cache
    (the reference log-probs are computed once before training, then cached on disk);
  * alignkit, warm: the same call again on the same data, the reference cache hit (the second
    and later runs of a sweep over beta, lr, loss type, seed, ...);

and the alignkit/TRL ratios. The headline ratio is the cold one; the floor is 1.0x. Then
(`--peak`, on by default) each run's achieved model FLOP/s against the machine's matmul peak
for the dtype used (bench/peak.py).

Run it with `.venv/bin/python bench/dpo_throughput.py` (a few minutes on 2 CPU cores) or
`--quick` (tiny-llama, seconds); see bench/README.md. It exits 0 when alignkit is slower (it is
a benchmark, not a test) and 1 only when a run fails, the runs trained on different pairs or
for a different number of steps, or alignkit's reference cache did not miss (cold) and hit (warm).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import forked  # bench/harness.py (a script's own folder is on sys.path)

# The parent process imports only the standard library: torch, transformers, TRL and alignkit
# are imported in forked children, one per run, so that each run starts from the same state (no
# warmed-up allocator, kernel caches or in-process hash caches from the run before it) and its
# peak RSS is its own (see "How it measures" in bench/README.md).

ROOT = Path(__file__).resolve().parents[1]
SHARED_HH = ROOT.parent / "shared" / "data" / "hh-rlhf-harmless-base-test.jsonl.gz"
GOAL_RATIO = 1.0  # alignkit (cold) pairs/s over TRL's: "no slower than TRL"
TEXTS = ("prompt", "chosen", "rejected")
TRL, COLD, WARM = "trl", "alignkit-cold", "alignkit-warm"
LABELS = {
    TRL: "TRL DPOTrainer",
    COLD: "alignkit (cold cache)",
    WARM: "alignkit (warm cache)",
}


# --------------------------------------------------------------------------- children


def _isolate(cache: Path, hf_home: Path) -> None:
    """Point the alignkit cache (reference log-probs) and the Hugging Face caches (datasets'
    Arrow files and `map` results) at this run's folders. Set before the first import of the
    libraries that read them: every child imports them fresh."""
    os.environ["ALIGNKIT_CACHE_DIR"] = str(cache)
    os.environ["HF_HOME"] = str(hf_home)
    os.environ["HF_DATASETS_CACHE"] = str(hf_home / "datasets")
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("torch", "transformers", "trl", "peft", "accelerate", "datasets"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "?"
    return out


def prepare(
    model: str, data: str | None, out: Path, pairs: int, max_length: int, seed: int
) -> dict:
    """Build the model into the real alignkit cache (once; neither side is timed building it),
    ingest the data when it is not an ingested folder yet, and write the first `pairs` rows of
    its train split whose prompt is shorter than `max_length` tokens, prompt/chosen/rejected
    only, as `out/data/train.jsonl` (no eval split, so neither tool evaluates)."""
    from alignkit.models import resolve
    from alignkit.paths import cache_dir

    t0 = time.perf_counter()
    folder = resolve(model)
    built_s = time.perf_counter() - t0
    source = Path(data) if data not in (None, "sample") else None
    if source is None and data is None and SHARED_HH.is_file():
        source = SHARED_HH
    if source is not None and (source / "train.jsonl").is_file():
        ingested = source
        label = f"{source} (train split)"
    else:
        from alignkit.data import ingest

        if source is None:
            from alignkit.demo.export import write_sample_export

            source = write_sample_export(out / "sample-export.json", n=max(300, 2 * pairs))
            label = "alignkit data sample-export"
        else:
            label = source.name
        ingested = out / "ingested"
        ingest(input=source, output=ingested, shuffle_seed=seed)
        label += " -> alignkit data ingest, train split"
    from transformers import AutoTokenizer

    # TRL (and so alignkit) drops a pair whose prompt alone fills max_length; skip those here,
    # so that both train on exactly `pairs` pairs and tokens/s counts every token seen
    tokenizer = AutoTokenizer.from_pretrained(folder)

    def prompt_tokens(prompt) -> int:
        if isinstance(prompt, list):
            ids = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=True)
            return len(ids["input_ids"] if hasattr(ids, "keys") else ids)
        return len(tokenizer(prompt)["input_ids"])

    rows, skipped = [], 0
    with open(ingested / "train.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            if prompt_tokens(row["prompt"]) >= max_length:
                skipped += 1
                continue
            rows.append({k: row[k] for k in TEXTS})
            if len(rows) == pairs:
                break
    if len(rows) < pairs:
        raise RuntimeError(
            f"{ingested / 'train.jsonl'} has {len(rows)} pairs with a prompt shorter than "
            f"max_length {max_length}, fewer than {pairs}"
        )
    bench_data = out / "data"
    bench_data.mkdir(parents=True, exist_ok=True)
    with open(bench_data / "train.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return {
        "model_dir": str(folder),
        "models_cache": str(cache_dir() / "models"),
        "build_s": built_s,
        "data_dir": str(bench_data),
        "data_label": label,
        "skipped_long_prompts": skipped,
        "conversational": isinstance(rows[0]["prompt"], list),
        "versions": _versions(),
    }


def run_trl(cfg: dict, run_dir: Path) -> dict:
    """The plain TRL script: transformers loads the model and tokenizer, `datasets` the pairs,
    and DPOConfig keeps TRL's defaults except the shared settings."""
    _isolate(run_dir / "cache", run_dir / "hf")
    import torch
    from datasets import load_dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import DPOConfig, DPOTrainer

    t_load = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(cfg["model_dir"], dtype=_weights_dtype(cfg))
    tokenizer = AutoTokenizer.from_pretrained(cfg["model_dir"])
    dataset = load_dataset("json", data_files=cfg["train_file"], split="train")
    load_s = time.perf_counter() - t_load
    params = model.num_parameters()  # N for the FLOP count: the base model, tied weights once
    args = DPOConfig(
        output_dir=str(run_dir / "out"),
        per_device_train_batch_size=cfg["batch_size"],
        gradient_accumulation_steps=cfg["gradient_accumulation"],
        max_steps=cfg["steps"],
        learning_rate=cfg["lr"],
        max_length=cfg["max_length"],
        seed=cfg["seed"],
        bf16=cfg["bf16"],
        # transformers allows bf16 autocast on a CPU only with use_cpu set
        use_cpu=cfg["bf16"] and not torch.cuda.is_available(),
        # TRL's default is True; the shared setting decides it for both tools
        gradient_checkpointing=cfg["gradient_checkpointing"],
        report_to="none",
    )
    peft_config = None
    if cfg["lora"]:
        peft_config = LoraConfig(
            r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear",
            task_type="CAUSAL_LM",
        )  # fmt: skip
    cpu0 = _cpu_s()
    t0 = time.perf_counter()
    trainer = DPOTrainer(
        model=model,
        ref_model=None,
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=peft_config,
    )
    output = trainer.train()
    wall = time.perf_counter() - t0
    cpu = _cpu_s() - cpu0

    # tokens per pair as TRL feeds them: prompt+chosen and prompt+rejected, each cut to max_length
    ds = trainer.train_dataset
    limit = cfg["max_length"]
    per_pair = [
        min(len(p) + len(c), limit) + min(len(p) + len(r), limit)
        for p, c, r in zip(ds["prompt_ids"], ds["chosen_ids"], ds["rejected_ids"])
    ]
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "threads": torch.get_num_threads(),
        "train_loop_s": output.metrics.get("train_runtime"),
        "load_s": load_s,
        "steps": trainer.state.global_step,
        "train_loss": output.training_loss,  # the mean over the steps
        "pairs_trained_on": len(ds),
        "tokens_per_pair": statistics.fmean(per_pair),
        "params": params,
        "precompute_ref_log_probs": args.precompute_ref_log_probs,
        "trl_gradient_checkpointing_default": DPOConfig.__dataclass_fields__[
            "gradient_checkpointing"
        ].default,
    }


def run_alignkit(cfg: dict, run_dir: Path, cache: Path, hf_home: Path) -> dict:
    """`alignkit train dpo` through its Python API (what the CLI calls), timed whole."""
    _isolate(cache, hf_home)
    # the libraries the TRL side imports, imported before the clock starts there too
    import datasets  # noqa: F401
    import peft  # noqa: F401
    import torch
    import transformers  # noqa: F401
    import trl  # noqa: F401

    from alignkit.train.dpo import DPOSettings, train

    settings = DPOSettings(
        policy_model=cfg["model"],
        dataset_dir=Path(cfg["data_dir"]),
        output_dir=run_dir / "out",
        batch_size=cfg["batch_size"],
        gradient_accumulation=cfg["gradient_accumulation"],
        max_steps=cfg["steps"],
        lr=cfg["lr"],
        max_length=cfg["max_length"],
        seed=cfg["seed"],
        # explicit: "auto" could pick bf16 on an AMX machine while the TRL side runs fp32
        precision="bf16" if cfg["bf16"] else "fp32",
        lora=cfg["lora"],
        gradient_checkpointing=cfg["gradient_checkpointing"],
        prefix_sharing=cfg["prefix_sharing"],
    )
    cpu0 = _cpu_s()
    t0 = time.perf_counter()
    result = train(settings)
    wall = time.perf_counter() - t0
    cpu = _cpu_s() - cpu0
    info = result.run
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "threads": torch.get_num_threads(),
        "train_loop_s": info.get("train_runtime_s"),
        "steps": result.steps,
        "pairs_trained_on": info["train_pairs"] - info.get("dropped_long_prompts", 0),
        "reference_cache": info.get("reference_cache"),
        "precision": info.get("precision"),
        "prefix_sharing": info.get("prefix_sharing"),
    }


def _packed(results: dict) -> str:
    """What prefix sharing saved in alignkit's cold run: the tokens the model ran."""
    for run in results.get(COLD, []):
        tokens = (run.get("prefix_sharing") or {}).get("tokens")
        if tokens and tokens.get("unpacked"):
            packed, unpacked = tokens["packed"], tokens["unpacked"]
            return f": {packed:,} tokens run for TRL's {unpacked:,} ({packed / unpacked:.0%})"
    return ""


def measure_peak(dtype: str, quick: bool) -> dict:
    """bench/peak.py's matmul peak for `dtype` at torch's default thread count, as the runs."""
    import torch

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from peak import peak_flops

    return {"flops": peak_flops(dtype, quick=quick), "threads": torch.get_num_threads()}


def _weights_dtype(cfg: dict):
    """The dtype alignkit loads the weights in (alignkit.models.load_dtype): a frozen base under
    LoRA in bf16, trained weights in fp32. The Hub's SmolLM2 checkpoint is stored in bf16, so
    there `dtype="auto"` gives a TRL user the same; the packaged rebuild is stored in fp32."""
    import torch

    return torch.bfloat16 if cfg["bf16"] and cfg["lora"] else torch.float32


def _cpu_s() -> float:
    """CPU seconds (user + system, all threads) this process has used: the work done, which
    other processes on the machine inflate much less than the wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# Each run is a child forked from this stdlib-only interpreter (harness.forked, as in
# bench/ingest.py), so its ru_maxrss is its own high-water mark; its output goes to its log.


def _models_link(cache: Path, models_cache: str) -> Path:
    """A fresh alignkit cache folder (so the reference cache starts empty) whose models/ is the
    real one (so neither tool builds the model inside its timing)."""
    cache.mkdir(parents=True, exist_ok=True)
    link = cache / "models"
    if not link.exists():
        link.symlink_to(models_cache, target_is_directory=True)
    return cache


# --------------------------------------------------------------------------- report


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _cpu_use(r: dict) -> float:
    return r["cpu_s"] / (r["wall_s"] * r["threads"])


def _median(runs: list[dict]) -> dict:
    ordered = sorted(runs, key=lambda r: r["wall_s"])
    return {**ordered[(len(ordered) - 1) // 2], "peak_rss": max(r["peak_rss"] for r in runs)}


def _report(cfg: dict, prep: dict, results: dict[str, list[dict]], meta: dict) -> int:
    rows = {name: _median(runs) for name, runs in results.items()}
    trl = rows[TRL]
    processed = cfg["steps"] * cfg["batch_size"] * cfg["gradient_accumulation"]
    tokens_per_pair = trl["tokens_per_pair"]
    problems = []
    for name, r in rows.items():
        if r["steps"] != cfg["steps"]:
            problems.append(f"{LABELS[name]} ran {r['steps']} steps, not {cfg['steps']}")
        if r["pairs_trained_on"] != cfg["pairs"]:
            problems.append(
                f"{LABELS[name]} trained on {r['pairs_trained_on']} distinct pairs, not "
                f"{cfg['pairs']} (dropped for a prompt filling max_length?)"
            )
    for name, expected in ((COLD, "miss"), (WARM, "hit")):
        if name in rows and rows[name]["reference_cache"] != expected:
            problems.append(f"{LABELS[name]}: reference cache {rows[name]['reference_cache']}")

    v = prep["versions"]
    w = 16
    print()
    print("=" * 92)
    print(
        f"alignkit DPO throughput  (python {sys.version.split()[0]}, torch {v['torch']}, "
        f"transformers {v['transformers']},\n{'':<25}trl {v['trl']}, peft {v['peft']}, "
        f"{os.cpu_count()} CPUs)"
    )
    print("=" * 92)
    lora = "LoRA r=16 alpha=32 dropout=0.05 all-linear" if cfg["lora"] else "full fine-tuning"
    weights = "bf16 frozen base" if cfg["bf16"] and cfg["lora"] else "fp32"
    precision = f"{'bf16 autocast' if cfg['bf16'] else 'fp32'}, {weights} weights"
    skipped = prep["skipped_long_prompts"]
    lines = [
        ("model", f"{cfg['model']}: {prep['model_dir']} (the same folder for both)"),
        ("data", f"{cfg['pairs']} pairs: {prep['data_label']}"),
        ("", f"(the first ones with a prompt under max_length; {skipped} longer skipped)"),
        ("tokens/pair", f"{tokens_per_pair:.1f} (prompt+chosen + prompt+rejected, cut to "
         f"max_length, as TRL feeds them)"),
        ("shared settings", f"batch {cfg['batch_size']} x grad-accum "
         f"{cfg['gradient_accumulation']}, {cfg['steps']} steps = {processed} pairs, "
         f"max_length {cfg['max_length']},"),
        ("", f"lr {cfg['lr']:g}, seed {cfg['seed']}, {lora},"),
        ("", f"{precision}, gradient checkpointing {_on(cfg['gradient_checkpointing'])}"),
        ("alignkit", f"prefix sharing {_on(cfg['prefix_sharing'])}" + _packed(results)),
        ("TRL's defaults", f"precompute_ref_log_probs={trl['precompute_ref_log_probs']} (a "
         "reference forward every step), beta 0.1, sigmoid,"),
        ("", "linear schedule, no warmup, no weight decay (gradient_checkpointing default "
         f"{trl['trl_gradient_checkpointing_default']}: shared)"),
        ("order", f"{meta['order']}; each run in its own forked process"),
    ]  # fmt: skip
    (l0, _, _), (l1, _, _) = meta["load"]
    lines.append(("load average", f"{l0:.2f} before, {l1:.2f} after (1 min)"))
    if cfg["repeat"] > 1:
        for name, runs in results.items():
            walls = ", ".join(f"{r['wall_s']:.1f}" for r in runs)
            lines.append((f"{name} wall s", f"{walls} (median reported)"))
    for key, text in lines:
        print(f"{key:<{w}} {text}")
    print()
    header = (
        f"{'':<22} {'wall s':>7} {'setup s':>7} {'loop s':>7} {'CPU':>7} {'pairs/s':>8} "
        f"{'tokens/s':>8} {'peak RSS':>8} {'vs TRL':>6}"
    )
    print(header)
    print("-" * len(header))
    base = processed / trl["wall_s"]
    for name, r in rows.items():
        rate = processed / r["wall_s"]
        loop = r["train_loop_s"]
        setup = r["wall_s"] - loop if loop is not None else None
        print(
            f"{LABELS[name]:<22} {r['wall_s']:>7.1f} {_num(setup):>7} {_num(loop):>7} "
            f"{_cpu_use(r):>6.0%} {rate:>8.3f} {rate * tokens_per_pair:>8.1f} "
            f"{r['peak_rss'] / 1e9:>6.2f}GB {rate / base:>5.2f}x"
        )
    print()
    print(
        "wall    TRL: DPOTrainer(...) + train(); loading the model and data before it "
        f"({trl['load_s']:.1f} s) is not counted.\n"
        "        alignkit: the whole train(settings): loading data and model, tokenizing, the "
        "reference\n"
        "        pass (cold run), training, saving the adapter/model and run files.\n"
        "loop    the Trainer's train_runtime; setup = wall - loop.\n"
        "CPU     CPU seconds (user + system) / (wall x torch threads): well under 100%, or\n"
        "        unequal between runs, means other processes took the cores: figures mislead.\n"
        "pairs/s pairs processed (steps x batch x grad-accum) / wall; tokens/s = pairs/s x "
        "tokens/pair."
    )
    print()
    ok = True
    if COLD in rows:
        ratio = processed / rows[COLD]["wall_s"] / base
        ok = ratio >= GOAL_RATIO
        print(
            f"alignkit cold / TRL, pairs/s (and tokens/s): {ratio:.2f}x  (headline: empty "
            f"reference cache; floor {GOAL_RATIO:.1f}x: {'PASS' if ok else 'FAIL'})"
        )
    if WARM in rows:
        ratio = processed / rows[WARM]["wall_s"] / base
        print(
            f"alignkit warm / TRL, pairs/s (and tokens/s): {ratio:.2f}x  (reference log-probs "
            "from alignkit's cache:\n"
            f"{'':<51}runs after the first on the same data and model)"
        )
    if COLD in rows:
        # the same scope as alignkit's train(): TRL's model and data loading counted too
        same = processed / (trl["wall_s"] + trl["load_s"])
        ratios = [f"{name.split('-')[1]} {processed / rows[name]['wall_s'] / same:.2f}x"
                  for name in (COLD, WARM) if name in rows]  # fmt: skip
        print(
            "with TRL's model and data loading counted too (alignkit's train() scope): "
            + ", ".join(ratios)
        )
    if meta.get("peak"):
        _efficiency(cfg, rows, meta["peak"])
    if problems:
        print()
        print("MISMATCH between the runs:")
        for line in problems:
            print("  " + line)
        return 1
    return 0


def _efficiency(cfg: dict, rows: dict[str, dict], peak: dict) -> None:
    """Achieved model FLOP/s against the measured matmul peak of the dtype the runs computed
    in (bench/peak.py): how far each run is from the hardware limit."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from peak import print_efficiency, training_flops

    trl = rows[TRL]
    n, tpp = trl["params"], trl["tokens_per_pair"]
    trained = cfg["steps"] * cfg["batch_size"] * cfg["gradient_accumulation"] * tpp
    # forward-only tokens: TRL's reference pass runs every step, inside the loop; alignkit's
    # once per pair before the loop (cold) or never (warm, from the cache)
    reference = {TRL: trained, COLD: cfg["pairs"] * tpp, WARM: 0.0}
    table = []
    for name, r in rows.items():
        total = training_flops(n, trained, reference[name])
        loop = total if name == TRL else training_flops(n, trained)
        table.append((LABELS[name], total, r["wall_s"], loop, r["train_loop_s"]))
    dtype = "bf16" if cfg["bf16"] else "fp32"
    print()
    print(
        f"efficiency: N = {n / 1e6:.1f}M parameters; model FLOPs = 6N per trained token + 2N "
        "per reference (forward-only)\ntoken, on the tokens/pair above (no padding; alignkit's "
        f"prefix sharing not credited); peak = bench/peak.py,\n{dtype} matmuls on SmolLM2-135M "
        f"layer shapes: {peak['flops'] / 1e9:.1f} GFLOP/s at {peak['threads']} threads"
    )
    print_efficiency(table, peak["flops"], width=22)


# --------------------------------------------------------------------------- main


DEFAULTS = {"model": "smollm2-135m-instruct", "pairs": 16, "max_length": 128}
QUICK = {"model": "tiny-llama", "pairs": 16, "max_length": 128}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="policy name or folder (default: smollm2-135m-instruct)")
    parser.add_argument(
        "--data",
        help="an ingested folder (its train.jsonl is used), a raw export to ingest first, or "
        "'sample' (alignkit data sample-export); default: ../shared/data's HH-RLHF harmless "
        "file when present, else the sample export",
    )
    parser.add_argument("--pairs", type=int, help="training pairs (default: 16)")
    parser.add_argument("--batch-size", type=int, default=2, help="pairs per step (default: 2)")
    parser.add_argument("--gradient-accumulation", type=int, default=1)
    parser.add_argument(
        "--steps", type=int, help="optimizer steps (default: one epoch over --pairs)"
    )
    parser.add_argument("--max-length", type=int, help="tokens per sequence (default: 128)")
    parser.add_argument("--lr", type=float, default=5e-6)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--lora", action=argparse.BooleanOptionalAction, default=True, help="(default: on)"
    )
    parser.add_argument(
        "--bf16",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="bf16 autocast (and a bf16 frozen base under LoRA) for both (default: off, fp32)",
    )
    parser.add_argument(
        "--gradient-checkpointing",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="for both tools (default: off; TRL's own default is on)",
    )
    parser.add_argument(
        "--prefix-sharing",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="alignkit encodes each pair's prompt once (its default; off: TRL's rows)",
    )
    parser.add_argument(
        "--warm",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time alignkit's second run, reference cache hit (default: on)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds; the order alternates (TRL first, then alignkit first) and the median "
        "run of each is reported; use it on a busy machine",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="folder for the data, runs and logs (kept); default: a temporary folder, removed "
        "unless --keep",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--peak",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure the matmul peak (bench/peak.py) after the runs and print achieved FLOP/s "
        "against it (default: on; about a minute, a few seconds with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: tiny-llama, 16 pairs, max_length 128 (flags given override these)",
    )
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else DEFAULTS).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    per_step = args.batch_size * args.gradient_accumulation
    if args.steps is None:
        args.steps = max(1, -(-args.pairs // per_step))
    if min(args.pairs, args.batch_size, args.gradient_accumulation, args.steps, args.repeat) < 1:
        parser.error("--pairs, --batch-size, --gradient-accumulation, --steps, --repeat >= 1")
    if args.steps * per_step < args.pairs:
        print(
            f"note: {args.steps} steps cover {args.steps * per_step} of {args.pairs} pairs; "
            "alignkit computes reference log-probs for all of them, TRL only for those it sees"
        )

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="alignkit-dpo-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    remove = args.workdir is None and not args.keep
    logs = workdir / "logs"
    logs.mkdir(exist_ok=True)
    try:
        print(f"preparing the model ({args.model}) and {args.pairs} pairs ...", flush=True)
        prep = forked(
            logs / "prepare.log",
            prepare,
            args.model,
            args.data,
            workdir,
            args.pairs,
            args.max_length,
            args.seed,
        )
        if prep["build_s"] > 1:
            print(f"  built the model into the cache in {prep['build_s']:.0f} s (not timed)")
        cfg = {
            **{k: getattr(args, k) for k in vars(args) if k not in ("workdir", "data")},
            "model_dir": prep["model_dir"],
            "data_dir": prep["data_dir"],
            "train_file": str(Path(prep["data_dir"]) / "train.jsonl"),
        }
        results: dict[str, list[dict]] = {TRL: [], COLD: []}
        if args.warm:
            results[WARM] = []
        load_before = os.getloadavg()
        orders = []
        for i in range(args.repeat):
            runs = workdir / f"round-{i + 1}"
            shutil.rmtree(runs, ignore_errors=True)
            # alignkit cold and warm share a cache (reference log-probs, datasets' Arrow
            # files) that starts empty; TRL has its own, also empty
            ak_cache = _models_link(runs / "alignkit-cache", prep["models_cache"])
            ak_hf = runs / "alignkit-hf"
            jobs = {
                TRL: (run_trl, cfg, runs / TRL),
                COLD: (run_alignkit, cfg, runs / COLD, ak_cache, ak_hf),
                WARM: (run_alignkit, cfg, runs / WARM, ak_cache, ak_hf),
            }
            _models_link(runs / TRL / "cache", prep["models_cache"])
            sequence = [TRL, COLD, WARM] if i % 2 == 0 else [COLD, WARM, TRL]
            sequence = [name for name in sequence if name in results]
            orders.append(", ".join(sequence))
            for name in sequence:
                tag = f" (round {i + 1}/{args.repeat})" if args.repeat > 1 else ""
                print(f"running {LABELS[name]}{tag} ...", flush=True)
                result = forked(logs / f"round-{i + 1}-{name}.log", *jobs[name])
                results[name].append(result)
                print(f"  {result['wall_s']:.1f} s", flush=True)
        order = orders[0] if len(set(orders)) == 1 else " / ".join(dict.fromkeys(orders))
        meta = {"order": order, "load": (load_before, os.getloadavg())}
        if args.peak:  # after the runs, in its own child, so it slows none of them
            dtype = "bf16" if args.bf16 else "fp32"
            print(f"measuring the {dtype} matmul peak (bench/peak.py) ...", flush=True)
            meta["peak"] = forked(logs / "peak.log", measure_peak, dtype, args.quick)
        status = _report(cfg, prep, results, meta)
        if not remove:
            print(f"\nlogs and runs: {workdir}")
        return status
    finally:
        if remove:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
