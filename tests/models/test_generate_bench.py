"""Smoke test of bench/eval_generation.py --quick: tiny-llama with a random LoRA, the built-in
prompts; the three implementations run, and their greedy answers are the same."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "eval_generation.py"


@pytest.mark.slow
def test_eval_generation_bench_quick(tmp_path):
    work = tmp_path / "bench"
    cmd = [sys.executable, str(SCRIPT), "--quick", "--threads", "1", "--stop"]
    cmd += ["--data", str(tmp_path / "absent.jsonl"), "--workdir", str(work)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "6 prompts (built-in prompts)" in out, out
    for label in ("plain per-prompt loop", "plain batched generate", "alignkit eval path"):
        assert re.search(rf"^\(\w\) {label}\s+[\d.]+\s", out, re.M), out
    result = json.loads((work / "result.json").read_text())
    assert set(result["ratios"]) == {"loop/alignkit", "batched/alignkit"}
    pairs = {"loop=batched", "loop=alignkit", "batched=alignkit", "loop(cut)=stop"}
    assert set(result["identical"]) == pairs
    for same in result["identical"].values():
        assert same == {"policy": 6, "reference": 6}
    answers = result["results"]["alignkit"]["answers"]
    assert answers["policy"] != answers["reference"]  # the random adapter changes the answers
