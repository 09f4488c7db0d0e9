"""Reward-model quality on real human preferences: `alignkit train rm` recipes on the shared
HH-RLHF harmless file (prompt-grouped 80/20 split, as the README's recipe), each scored on the
held-out pairs by `alignkit eval rm`, with its wall time.

This is the measurement the test suite used to make in a ten-minute test (0.610 pair accuracy
for the README's recipe); the suite now checks only that the packaged backbone fits real pairs
(tests/train/test_rm.py), and the number that says how good a recipe is lives here.

    .venv/bin/python bench/rm_quality.py                      # the README's recipe
    .venv/bin/python bench/rm_quality.py --epochs 3 --max-length 256 --lr 3e-5
    .venv/bin/python bench/rm_quality.py --base-model smollm2-135m-instruct --lora

Each recipe runs in its own process (the CLI, as a user runs it); the result is one JSON line
(accuracy, AUC, seconds, the flags) on stdout and appended to --record when given. Exit 1 only
when a run fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_HH = ROOT.parent / "shared" / "data" / "hh-rlhf-harmless-base-test.jsonl.gz"
CLI = [sys.executable, "-c", "from alignkit.cli import main; main()"]


def _run(args: list[str]) -> None:
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise SystemExit(f"alignkit {' '.join(args[:2])} failed: {tail[0]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=SHARED_HH, help="a preference export")
    parser.add_argument("--map", default=None, help="ingest's --map for a table (PandaLM)")
    parser.add_argument("--base-model", default="minilm-l6")
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--truncation", default="left", choices=["left", "right"])
    parser.add_argument("--lora", action="store_true")
    parser.add_argument("--bf16", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the runs here")
    parser.add_argument("--record", type=Path, default=None, help="append the JSON line here")
    a = parser.parse_args()

    work = a.workdir or Path(tempfile.mkdtemp(prefix="rm-quality-"))
    data, run = work / "data", work / f"rm-{a.base_model}-e{a.epochs}-l{a.max_length}-s{a.seed}"
    if not (data / "train.jsonl").exists():
        ingest = ["data", "ingest", "--input", str(a.input), "--output", str(data),
                  "--train-ratio", "0.8", "--eval-ratio", "0.2", "--test-ratio", "0"]  # fmt: skip
        _run([*ingest, *(["--map", a.map] if a.map else [])])
    train = ["train", "rm", "--base-model", a.base_model, "--dataset-dir", str(data),
             "--output-dir", str(run), "--epochs", str(a.epochs), "--lr", str(a.lr),
             "--batch-size", str(a.batch_size), "--max-length", str(a.max_length),
             "--truncation", a.truncation, "--seed", str(a.seed), "--eval-steps", "100000",
             "--save-steps", "100000"]  # fmt: skip
    train += ["--lora"] if a.lora else []
    train += ["--bf16"] if a.bf16 else []
    start = time.perf_counter()
    _run(train)
    seconds = time.perf_counter() - start
    out = run / "eval-heldout"
    _run(["eval", "rm", "--model", str(run), "--dataset-dir", str(data), "--split", "eval",
          "--output", str(out)])  # fmt: skip
    metrics = json.loads((out / "eval_rm.json").read_text())["metrics"]
    line = {
        "input": a.input.name,
        "recipe": {k: v for k, v in vars(a).items() if k not in {"input", "workdir", "record"}},
        "pairs": metrics["pairs"],
        "accuracy": round(metrics["accuracy"], 4),
        "auc": round(metrics["auc"], 4),
        "train_s": round(seconds, 1),
        "cpu_bf16": "avx512_bf16" in Path("/proc/cpuinfo").read_text(errors="ignore"),
    }
    print(json.dumps(line))
    if a.record:
        with a.record.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
