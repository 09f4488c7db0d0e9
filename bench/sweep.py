"""A 5-λ Factual-DPO sweep as one alignkit pipeline against five plain TRL DPOTrainer runs, one
after the other, on the same model, pairs and settings as bench/dpo_throughput.py.

  * TRL: five runs of the script a TRL user writes (bench/dpo_throughput.py's `run_trl`), each
    in its own process, one after the other, as a shell loop over λ runs them. TRL has no
    Factual-DPO; on pairs without factuality flags (the HH file has none) Factual-DPO's margin
    λ·Δh is 0, so each member's loss is DPO's and the work is the same.
  * alignkit: `alignkit pipeline run sweep.yaml` (one `train:dpo` stage swept over
    factual_lambda) and one `alignkit worker` started beside it (`--worker service`, the
    default: as `alignkit serve` runs one), or after it with `--exit-when-idle` (`--worker
    drain`; `--worker cold`: each member a fresh process instead of a fork of the worker's
    warm forkserver). The first member computes the reference log-probs; the other four find
    them in the reference cache.

Both sides are timed whole, wall clock, from the first process start to the last exit (service
mode: to the last job's completed_at in the store): process start, imports, model loading and
training. Printed: the two totals, the ratio (goal >= 2x),
each member's steps and mean training loss on both sides (they must match in steps; losses
within noise), and which members hit the reference cache.

    .venv/bin/python bench/sweep.py                 # SmolLM2-135M-Instruct + LoRA, 16 HH pairs
    .venv/bin/python bench/sweep.py --quick         # tiny-llama: seconds, checks the harness

Exit 1 only when a run fails, the members ran a different number of steps, or the cache did not
miss once and hit four times.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import dpo_throughput as dt  # noqa: E402 - the shared harness: prepare, run_trl, forked

LAMBDAS = (0, 0.5, 1, 2, 4)
GOAL = 2.0


def _native_bf16() -> dict:
    """In a forked child, as every import of alignkit here: the parent stays stdlib-only."""
    from alignkit.models.precision import cpu_has_native_bf16

    return {"bf16": cpu_has_native_bf16()}


def trl_side(cfg: dict, work: Path) -> dict:
    members, start = [], time.perf_counter()
    for lam in cfg["lambdas"]:
        run_dir = work / "trl" / f"delta{lam:g}"
        run_dir.mkdir(parents=True, exist_ok=True)
        r = dt.forked(run_dir / "run.log", dt.run_trl, cfg, run_dir)
        members.append({"lambda": lam, "steps": r["steps"], "train_loss": r.get("train_loss")})
    return {"wall_s": time.perf_counter() - start, "members": members}


def _pipeline_file(cfg: dict, work: Path) -> Path:
    settings = {
        "lora": cfg["lora"], "batch_size": cfg["batch_size"],
        "gradient_accumulation": cfg["gradient_accumulation"], "max_steps": cfg["steps"],
        "lr": cfg["lr"], "max_length": cfg["max_length"], "seed": cfg["seed"],
        # explicit: "auto" could pick bf16 on an AMX machine while the TRL side runs fp32
        "precision": "bf16" if cfg["bf16"] else "fp32",
        "gradient_checkpointing": cfg["gradient_checkpointing"],
        "loss_type": "factual", "factual_default": 0, "save_steps": 100000,
        "eval_steps": 100000, "logging_steps": 1,
    }  # fmt: skip
    text = json.dumps(
        {
            "name": "bench-sweep",
            "output_root": str(work / "alignkit" / "runs"),
            "models": [{"id": cfg["model"], "short": "m"}],
            "data": {"dataset_dir": cfg["data_dir"]},
            "stages": {
                "factual": {
                    "command": "train:dpo",
                    "settings": settings,
                    "sweep": {"factual_lambda": list(cfg["lambdas"])},
                    "name": "{model.short}_delta{factual_lambda}",
                }
            },
        }
    )
    path = work / "alignkit" / "sweep.yaml"  # JSON is YAML
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _last_completed(db: Path, n: int, proc: subprocess.Popen) -> float:
    """Wait (polling the store's SQLite file read-only, twice a second) until the pipeline's
    n jobs have ended; the epoch seconds of the last one's completed_at."""
    import sqlite3
    from datetime import UTC, datetime

    ended = ("completed", "failed", "cancelled")
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the worker exited ({proc.returncode}) before the sweep ended")
        rows = []
        if db.exists():
            with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
                with contextlib.suppress(sqlite3.OperationalError):  # no tables yet
                    rows = conn.execute("SELECT status, completed_at FROM jobs").fetchall()
        if len(rows) == n and all(status in ended for status, _ in rows):
            last = max(datetime.fromisoformat(str(at)) for _, at in rows)
            return (last if last.tzinfo else last.replace(tzinfo=UTC)).timestamp()
        time.sleep(0.5)


def alignkit_side(cfg: dict, work: Path, models_cache: str, mode: str = "service") -> dict:
    """mode "service": a worker is started beside `alignkit pipeline run`, as `alignkit serve`
    runs one, and the sweep ends with its last job's completed_at (the worker, still waiting
    for work, is stopped after); "drain": `pipeline run`, then `worker --exit-when-idle`;
    "cold": as "drain", each member a fresh process (`--cold`)."""
    root = work / "alignkit"
    cache = dt._models_link(root / "cache", models_cache)
    env = {
        **os.environ, "ALIGNKIT_HOME": str(root / "home"), "ALIGNKIT_CACHE_DIR": str(cache),
        "ALIGNKIT_DATA_DIR": str(root / "data"), "HF_HOME": str(root / "hf"),
        "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TQDM_DISABLE": "1",
    }  # fmt: skip
    cli = [sys.executable, "-m", "alignkit.cli"]
    path = _pipeline_file(cfg, work)

    def run(args: list[str]) -> None:
        done = subprocess.run([*cli, *args], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise RuntimeError(f"alignkit {args[0]} failed: {' / '.join(tail)}")

    start, wall0 = time.perf_counter(), time.time()
    if mode == "service":
        (root / "data").mkdir(parents=True, exist_ok=True)
        with open(root / "worker.log", "wb") as log:
            worker = subprocess.Popen([*cli, "worker"], env=env, stdout=log, stderr=log)
            try:
                run(["pipeline", "run", str(path)])
                wall = _last_completed(root / "data" / "alignkit.db", len(cfg["lambdas"]), worker)
                wall -= wall0
            finally:
                worker.send_signal(signal.SIGTERM)
                worker.wait(120)
    else:
        run(["pipeline", "run", str(path)])
        run(["worker", "--exit-when-idle", *(["--cold"] if mode == "cold" else [])])
        wall = time.perf_counter() - start
    members = []
    for lam in cfg["lambdas"]:
        folder = root / "runs" / f"m_delta{lam:g}"
        run = json.loads((folder / "run.json").read_text())
        if run.get("status") != "succeeded":
            raise RuntimeError(f"{folder.name} {run.get('status')}: {run.get('error')}")
        # logged every step: their mean is TRL's `training_loss` (the mean over the steps)
        lines = (folder / "metrics.jsonl").read_text().splitlines()
        losses = [r["loss"] for r in map(json.loads, lines) if "loss" in r]
        members.append(
            {
                "lambda": lam,
                "status": run.get("status"),
                "steps": run.get("steps"),
                "train_loss": sum(losses) / len(losses) if losses else None,
                "reference_cache": run.get("reference_cache"),
            }
        )
    return {"wall_s": wall, "members": members}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny-llama, 8 pairs: the harness only")
    p.add_argument("--model", default=None)
    p.add_argument("--data", default=None, help="an export or ingested folder (default: HH)")
    p.add_argument("--pairs", type=int, default=16)
    p.add_argument("--batch-size", type=int, default=2)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--bf16", choices=["auto", "on", "off"], default="auto")
    p.add_argument("--workdir", type=Path, default=None)
    p.add_argument(
        "--worker",
        choices=["service", "drain", "cold"],
        default="service",
        help="service: a worker beside `pipeline run`, as `alignkit serve` runs one; drain: "
        "`pipeline run` then `worker --exit-when-idle`; cold: drain, a fresh process a member",
    )
    a = p.parse_args()
    model = a.model or ("tiny-llama" if a.quick else "smollm2-135m-instruct")
    pairs = 8 if a.quick else a.pairs
    work = a.workdir or Path(tempfile.mkdtemp(prefix="alignkit-sweep-"))
    work.mkdir(parents=True, exist_ok=True)
    bf16 = a.bf16 == "on" or (
        a.bf16 == "auto" and dt.forked(work / "detect.log", _native_bf16)["bf16"]
    )
    prep = dt.forked(work / "prepare.log", dt.prepare, model, a.data, work, pairs, a.max_length, 0)
    cfg = {
        "model": model, "model_dir": prep["model_dir"], "data_dir": prep["data_dir"],
        "train_file": str(Path(prep["data_dir"]) / "train.jsonl"), "pairs": pairs,
        "batch_size": a.batch_size, "gradient_accumulation": 1,
        "steps": pairs // a.batch_size, "lr": a.lr, "max_length": a.max_length, "seed": 0,
        "bf16": bf16, "lora": True, "gradient_checkpointing": False, "lambdas": LAMBDAS,
    }  # fmt: skip
    load0 = os.getloadavg()[0]
    trl = trl_side(cfg, work)
    ak = alignkit_side(cfg, work, prep["models_cache"], mode=a.worker)
    ratio = trl["wall_s"] / ak["wall_s"]
    print(f"model {model} ({'bf16 autocast' if bf16 else 'fp32'}, LoRA), {pairs} pairs "
          f"({prep['data_label']}), batch {a.batch_size}, {cfg['steps']} steps a member, "
          f"max_length {a.max_length}; load {load0:.2f} -> {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"{'λ':>5} {'TRL steps':>9} {'TRL loss':>9} {'alignkit steps':>14} {'loss':>8} cache")
    problems = []
    for t, k in zip(trl["members"], ak["members"]):
        tl, kl = t["train_loss"], k["train_loss"]
        print(f"{t['lambda']:>5g} {t['steps']:>9} {tl if tl is None else f'{tl:.4f}':>9} "
              f"{k['steps']!s:>14} {kl if kl is None else f'{kl:.4f}':>8} "
              f"{k['reference_cache']}")  # fmt: skip
        if k["status"] != "succeeded" or not t["steps"] == k["steps"] == cfg["steps"]:
            problems.append(f"λ={t['lambda']:g}: steps TRL {t['steps']}, alignkit {k['steps']}")
    caches = [m["reference_cache"] for m in ak["members"]]
    if sorted(caches) != sorted(["miss"] + ["hit"] * (len(caches) - 1)):
        problems.append(f"reference cache per member {caches}: expected one miss, the rest hits")
    print(f"TRL, 5 runs one after the other: {trl['wall_s']:.1f} s")
    how = {
        "service": "a worker started beside it, members forked warm",
        "drain": "then worker --exit-when-idle, members forked warm",
        "cold": "then worker --exit-when-idle --cold, a fresh process a member",
    }[a.worker]
    print(f"alignkit pipeline run ({how}): {ak['wall_s']:.1f} s")
    met = "met" if ratio >= GOAL else "missed"
    print(f"ratio {ratio:.2f}x (goal >= {GOAL:g}x: {met}); work in {work}")
    for line in problems:
        print(f"PROBLEM: {line}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
