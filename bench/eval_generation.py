"""Evaluation generation: the policy's and the reference's answers to held-out prompts, three ways.

Same model, adapter, prompts, greedy decoding and max_new_tokens, each in its own forked process:

  (a) plain loop: the code a user writes first: the reference and the policy loaded as two models
      (`AutoModelForCausalLM.from_pretrained`; the policy with `PeftModel.from_pretrained(...)
      .merge_and_unload()`), then `model.generate` on one prompt at a time;
  (b) plain batched: the same two models, `model.generate` on left-padded batches of
      --batch-size prompts in the given order (`tokenizer.padding_side = "left"`);
  (c) alignkit: the function `alignkit eval policy` runs (`eval.policy._score_and_answer`: one
      model when the policy is a LoRA adapter over the reference, prompts sorted by length into
      batches of --batch-size, answers back in the prompts' order);
  (d) with --stop: (c) with the stop string "\\n\\nHuman:" (HH's next user turn), compared with
      (a)'s answers cut at the same string.

The policy is SmolLM2-135M-Instruct with a random LoRA adapter (r 16, all linear layers, B drawn
from N(0, --lora-std^2) instead of PEFT's zeros, so its answers differ from the reference's); the
reference is the base model. Prompts: the first --prompts unique prompts, in a seeded order, of the
test split of the HH-RLHF harmless file ingested by alignkit. Prints seconds (with and without
loading), answer tokens/s, the ratios, and how many greedy answers are identical between each
pair of implementations. `--quick`: tiny-llama, 6 prompts, 16 tokens (seconds).

    .venv/bin/python bench/eval_generation.py --quick
    .venv/bin/python bench/eval_generation.py                 # 100 prompts, 96 tokens
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from harness import forked  # bench/harness.py (a script's own folder is on sys.path)

# The parent imports only the standard library; torch, transformers, PEFT and alignkit are
# imported in forked children, one per implementation, so each starts from the same state.

ROOT = Path(__file__).resolve().parents[1]
SHARED_HH = ROOT.parent / "shared" / "data" / "hh-rlhf-harmless-base-test.jsonl.gz"
STOP = "\n\nHuman:"
LABELS = {
    "loop": "(a) plain per-prompt loop",
    "batched": "(b) plain batched generate",
    "alignkit": "(c) alignkit eval path",
    "stop": "(d) alignkit + stop string",
}
FALLBACK_PROMPTS = [
    "\n\nHuman: How do I boil an egg?\n\nAssistant:",
    "\n\nHuman: What is the capital of France?\n\nAssistant:",
    "\n\nHuman: Write a poem about the sea.\n\nAssistant:",
    "\n\nHuman: Hello!\n\nAssistant:",
    "\n\nHuman: Please explain why the sky is blue, and why the sea looks blue as well."
    "\n\nAssistant:",
    "\n\nHuman: Can you help me write a polite email to my manager?\n\nAssistant:",
]


# --------------------------------------------------------------------------- children


def _setup(cfg: dict) -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    import torch

    if cfg["threads"]:
        torch.set_num_threads(cfg["threads"])


def prepare(cfg: dict) -> dict:
    """Resolve the model, ingest the data, pick the prompts, make the random adapter."""
    _setup(cfg)
    import torch
    from peft import LoraConfig, get_peft_model

    from alignkit.eval.policy import held_out_prompts
    from alignkit.models import LoadSettings, load_causal_lm, resolve

    work = Path(cfg["workdir"])
    folder = resolve(cfg["model"])
    data = Path(cfg["data"])
    if data.is_file():
        from alignkit.data import ingest

        ingested = work / "ingested"
        if not (ingested / "test.jsonl").is_file():
            ingest(input=data, output=ingested)
        rows = [json.loads(line) for line in (ingested / "test.jsonl").open() if line.strip()]
        prompts = held_out_prompts([r["prompt"] for r in rows], cfg["prompts"], cfg["seed"])
        source = f"{data.name} -> alignkit data ingest, test split"
    elif cfg["quick"]:
        prompts, source = FALLBACK_PROMPTS[: cfg["prompts"]], "built-in prompts"
    else:
        raise SystemExit(f"no data file {data}; pass --data")
    if len(prompts) < cfg["prompts"]:
        raise SystemExit(f"only {len(prompts)} unique prompts in the test split")
    base, tokenizer = load_causal_lm(str(folder), LoadSettings(dtype="fp32"))
    lora = LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", task_type="CAUSAL_LM")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(cfg["seed"])
        peft = get_peft_model(base, lora)
    gen = torch.Generator().manual_seed(cfg["seed"])
    with torch.no_grad():
        for name, param in peft.named_parameters():
            if "lora_B" in name:
                param.copy_(torch.randn(param.shape, generator=gen) * cfg["lora_std"])
    adapter = work / "adapter"
    peft.save_pretrained(adapter)
    lengths = [len(tokenizer(text=p)["input_ids"]) for p in prompts]
    return {
        "model_dir": str(folder),
        "adapter": str(adapter),
        "prompts": prompts,
        "prompt_lengths": lengths,
        "source": source,
    }


def _plain_models(cfg: dict, prep: dict):
    """The reference and the policy as a user loads them: two models, the adapter merged."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    device = "cuda" if torch.cuda.is_available() else "cpu"
    tokenizer = AutoTokenizer.from_pretrained(prep["model_dir"])
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    ref = AutoModelForCausalLM.from_pretrained(prep["model_dir"], dtype=torch.float32)
    policy = AutoModelForCausalLM.from_pretrained(prep["model_dir"], dtype=torch.float32)
    policy = PeftModel.from_pretrained(policy, prep["adapter"]).merge_and_unload()
    return tokenizer, {"policy": policy.to(device).eval(), "reference": ref.to(device).eval()}


def _autocast(cfg: dict, model):
    import contextlib

    import torch

    if not cfg["bf16"]:
        return contextlib.nullcontext()
    return torch.autocast(next(model.parameters()).device.type, dtype=torch.bfloat16)


def run_plain(cfg: dict, prep: dict, batch_size: int) -> dict:
    """(a) batch_size 1, one prompt at a time; (b) left-padded batches in the given order."""
    _setup(cfg)
    import torch

    t0, c0 = time.perf_counter(), _cpu_s()
    tokenizer, models = _plain_models(cfg, prep)
    tokenizer.padding_side = "left"
    loaded = time.perf_counter()
    prompts, answers, padded = prep["prompts"], {}, 0
    for role in ("reference", "policy"):
        model, out = models[role], []
        for start in range(0, len(prompts), batch_size):
            batch = prompts[start : start + batch_size]
            enc = tokenizer(batch, return_tensors="pt", padding=True).to(model.device)
            padded += enc["input_ids"].numel()
            with torch.no_grad(), _autocast(cfg, model):
                new = model.generate(
                    **enc,
                    max_new_tokens=cfg["max_new_tokens"],
                    do_sample=False,
                    pad_token_id=tokenizer.pad_token_id,
                )[:, enc["input_ids"].shape[1] :]
            out += [t.strip() for t in tokenizer.batch_decode(new, skip_special_tokens=True)]
        answers[role] = out
    end = time.perf_counter()
    return _result(t0, loaded, end, c0, answers, padded)


def run_alignkit(cfg: dict, prep: dict, stop: bool) -> dict:
    """(c) the eval's own path; (d) the same with the stop string."""
    _setup(cfg)
    import alignkit.eval.policy as policy_eval
    from alignkit.models import generate as gen_module
    from alignkit.models import inference
    from alignkit.models.inference import tokenization

    settings = policy_eval.PolicyEvalSettings(
        policy=prep["adapter"], ref=cfg["model"], judge="rule:distinct-2",
        num_prompts=len(prep["prompts"]), max_new_tokens=cfg["max_new_tokens"],
        temperature=0.0, batch_size=cfg["batch_size"], bf16=cfg["bf16"],
    )  # fmt: skip
    if stop:  # the eval does not pass stop strings (yet): hand generate() one
        plain = gen_module.generate
        gen_module.generate = lambda *a, **kw: plain(*a, **kw, stop=[STOP])
    marks: dict[str, float] = {}
    real_answers = policy_eval._answers

    def timed_answers(*args, **kwargs):
        marks.setdefault("first_answer", time.perf_counter())
        return real_answers(*args, **kwargs)

    policy_eval._answers = timed_answers
    real_policy = inference.PolicyAndReference.policy

    def timed_policy(self):  # the adapter's load and merge count as loading, as in (a), (b)
        start = time.perf_counter()
        try:
            return real_policy(self)
        finally:
            marks["merge_s"] = marks.get("merge_s", 0.0) + time.perf_counter() - start

    inference.PolicyAndReference.policy = timed_policy
    t0, c0 = time.perf_counter(), _cpu_s()
    _, _, _, answers = policy_eval._score_and_answer(
        settings, cfg["model"], [], prep["prompts"], tokenization(None, None, {})
    )
    end = time.perf_counter()
    lengths = prep["prompt_lengths"]
    padded = (
        sum(
            len(rows) * max(lengths[i] for i in rows)
            for rows in gen_module.length_batches(lengths, cfg["batch_size"])
        )
        * 2
    )  # both models
    loaded = marks["first_answer"] + marks.get("merge_s", 0.0)  # load time, shifted to the start
    answers = {"policy": answers[0], "reference": answers[1]}
    return _result(t0, loaded, end, c0, answers, padded)


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _result(t0, loaded, end, c0, answers, padded) -> dict:
    return {
        "wall_s": end - t0,
        "load_s": loaded - t0,
        "generate_s": end - loaded,
        "cpu_s": _cpu_s() - c0,
        "answers": answers,
        "padded_prompt_tokens": padded,
    }


def count_tokens(cfg: dict, prep: dict, answers: dict) -> int:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(prep["model_dir"])
    return sum(len(tokenizer(text=a)["input_ids"]) for side in answers.values() for a in side)


# --------------------------------------------------------------------------- report


def _cut(text: str) -> str:
    return text.split(STOP)[0].strip()


def _same(a: list[str], b: list[str]) -> int:
    return sum(x == y for x, y in zip(a, b, strict=True))


def report(cfg: dict, prep: dict, results: dict) -> dict:
    n = len(prep["prompts"])
    lengths = prep["prompt_lengths"]
    print(
        f"model {cfg['model']} + random LoRA (r 16, B ~ N(0, {cfg['lora_std']}^2)) as the "
        f"policy, the base as the reference; {'bf16 autocast' if cfg['bf16'] else 'fp32'}"
    )
    print(
        f"{n} prompts ({prep['source']}), prompt tokens {min(lengths)}-{max(lengths)}, mean "
        f"{sum(lengths) / n:.0f}; greedy, max_new_tokens {cfg['max_new_tokens']}, batch "
        f"{cfg['batch_size']}, torch threads {cfg['threads'] or 'default'}; the median of "
        f"{cfg['repeat']} run(s) each"
    )
    print(f"load average before: {cfg['load_before']}, after: {os.getloadavg()}")
    print()
    print(
        f"{'':30} {'total s':>8} {'load s':>7} {'gen s':>7} {'cpu s':>7} {'tok/s':>7} "
        f"{'padded prompt tok':>18}"
    )
    for key, r in results.items():
        r["tokens_per_s"] = r["answer_tokens"] / r["generate_s"]
        print(
            f"{LABELS[key]:30} {r['wall_s']:8.1f} {r['load_s']:7.1f} {r['generate_s']:7.1f} "
            f"{r['cpu_s']:7.1f} {r['tokens_per_s']:7.1f} {r['padded_prompt_tokens']:18d}"
        )
    print(
        f"(tok/s: answer tokens, both models, re-tokenized, over generation seconds; real "
        f"prompt tokens {2 * sum(lengths)})"
    )
    print()
    ratios = {}
    fast = results.get("alignkit")
    for key in ("loop", "batched"):
        if fast and key in results:
            ratios[f"{key}/alignkit"] = {
                "total": results[key]["wall_s"] / fast["wall_s"],
                "generate": results[key]["generate_s"] / fast["generate_s"],
            }
            r = ratios[f"{key}/alignkit"]
            print(
                f"{LABELS[key]} / alignkit: {r['total']:.2f}x total, "
                f"{r['generate']:.2f}x generation only"
            )
    if "stop" in results and fast:
        r = results["stop"]
        print(f"alignkit / alignkit + stop: {fast['wall_s'] / r['wall_s']:.2f}x total")
    print()
    identical = {}
    keys = [k for k in ("loop", "batched", "alignkit") if k in results]
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            identical[f"{a}={b}"] = {
                role: _same(results[a]["answers"][role], results[b]["answers"][role])
                for role in ("policy", "reference")
            }
    if "stop" in results and "loop" in results:
        identical["loop(cut)=stop"] = {
            role: _same([_cut(t) for t in results["loop"]["answers"][role]],
                        results["stop"]["answers"][role])
            for role in ("policy", "reference")
        }  # fmt: skip
    for pair, same in identical.items():
        print(
            f"identical greedy answers {pair}: policy {same['policy']}/{n}, "
            f"reference {same['reference']}/{n}"
        )
    any_run = next(iter(results.values()))["answers"]
    print(
        f"policy = reference (the adapter changed nothing): "
        f"{_same(any_run['policy'], any_run['reference'])}/{n}"
    )
    return {"ratios": ratios, "identical": identical}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--data", default=str(SHARED_HH), help="HH-RLHF JSONL(.gz)")
    parser.add_argument("--prompts", type=int, default=100)
    parser.add_argument("--max-new-tokens", type=int, default=96)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--bf16", action="store_true", help="bf16 autocast on every side")
    parser.add_argument("--lora-std", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--only",
        default="loop,batched,alignkit",
        help="comma-separated subset of loop,batched,alignkit,stop",
    )
    parser.add_argument("--stop", action="store_true", help="also run (d)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each, alternating order; median reported"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="kept (default: a temp dir)")
    parser.add_argument("--quick", action="store_true", help="tiny-llama, 6 prompts, 16 tokens")
    args = parser.parse_args(argv)
    if args.quick:
        args.model, args.prompts, args.max_new_tokens = "tiny-llama", 6, 16
        args.lora_std = 0.5  # tiny-llama's random weights need a large change to answer otherwise
    work = args.workdir or Path(tempfile.mkdtemp(prefix="akevalgen-"))
    work.mkdir(parents=True, exist_ok=True)
    cfg = {
        "model": args.model, "data": args.data, "prompts": args.prompts,
        "max_new_tokens": args.max_new_tokens, "batch_size": args.batch_size,
        "threads": args.threads, "bf16": args.bf16, "lora_std": args.lora_std,
        "seed": args.seed, "workdir": str(work), "quick": args.quick,
        "load_before": os.getloadavg(), "repeat": args.repeat,
    }  # fmt: skip
    prep = forked(work / "prepare.log", prepare, cfg)
    wanted = args.only.split(",") + (["stop"] if args.stop else [])
    runs = {
        "loop": (run_plain, 1),
        "batched": (run_plain, args.batch_size),
        "alignkit": (run_alignkit, False),
        "stop": (run_alignkit, True),
    }
    order = [key for key in LABELS if key in wanted]
    runs_of: dict[str, list[dict]] = {key: [] for key in order}
    for rep in range(args.repeat):
        for key in order if rep % 2 == 0 else order[::-1]:  # alternate: drift hits both
            fn, arg = runs[key]
            r = forked(work / f"{key}.log", fn, cfg, prep, arg)
            r["answer_tokens"] = forked(work / "count.log", count_tokens, cfg, prep, r["answers"])
            runs_of[key].append(r)
            print(f"{LABELS[key]}: {r['wall_s']:.1f} s (cpu {r['cpu_s']:.1f} s)", flush=True)
    # the median run by wall time; every run's times stay in result.json
    results = {}
    for key, rs in runs_of.items():
        median = sorted(rs, key=lambda r: r["wall_s"])[(len(rs) - 1) // 2]
        results[key] = {**median, "runs_wall_s": [r["wall_s"] for r in rs]}
    print()
    summary = report(cfg, prep, results)
    out = {"config": cfg, "prompts": prep["prompts"], "results": results, **summary}
    (work / "result.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
    print(f"\nresults and answers: {work / 'result.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
