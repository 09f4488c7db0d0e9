"""Smoke test of bench/jobs.py: a few jobs through the queue and the same commands run directly,
with the overhead lines printed (the figures themselves belong in bench/README.md)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "jobs.py"


@pytest.mark.slow
def test_jobs_bench_runs_on_sqlite():
    cmd = [sys.executable, str(SCRIPT), "--jobs", "3", "--clients", "0", "--only", "sqlite"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "## SQLite\n  3 jobs of data:stats" in proc.stdout, proc.stdout
    assert re.search(r"queue overhead per job\s+-?[\d.]+ ms", proc.stdout), proc.stdout
    assert re.search(r"worker dead time per job\s+[\d.]+ ms", proc.stdout), proc.stdout
    assert re.search(r"median round's overhead\s+-?[\d.]+ ms", proc.stdout), proc.stdout
