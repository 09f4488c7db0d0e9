"""Smoke test of bench/dpo_throughput.py: a tiny-llama run of a couple of steps finishes, times
TRL and alignkit (cold and warm reference cache) on the same pairs, and prints the ratios."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("trl")

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "dpo_throughput.py"


@pytest.mark.slow
def test_dpo_throughput_bench_runs(tmp_path):
    # the conftest's isolated cache/home variables reach the script through the environment
    cmd = [sys.executable, str(SCRIPT), "--quick", "--data", "sample", "--pairs", "8"]
    cmd += ["--batch-size", "4", "--max-length", "64", "--workdir", str(tmp_path / "bench")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    for label in ("TRL DPOTrainer", "alignkit (cold cache)", "alignkit (warm cache)"):
        assert re.search(rf"^{re.escape(label)}\s+\d", out, re.M), out
    assert "8 pairs" in out and "2 steps" in out
    ratios = dict(re.findall(r"^alignkit (cold|warm) / TRL, pairs/s \S+ \S+ ([\d.]+)x", out, re.M))
    assert set(ratios) == {"cold", "warm"}, out
    assert all(float(r) > 0 for r in ratios.values())
    assert "MISMATCH" not in out
    assert (tmp_path / "bench" / "logs" / "round-1-trl.log").is_file()
