"""A small run of bench/annotate_load.py (issue 12, load): 10 annotators label 30 pairwise
records that each need 3 responses, concurrently, against a real `alignkit serve`, a fifth of
their submits sent twice at once with one Idempotency-Key. Checked in the database: every
record ends with exactly 3 submitted responses, none lost, none twice for one annotator, no
5xx, every retry answered with the first response. No timing is asserted (the figures are
the benchmark's to print)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("httpx", reason="the server extra is not installed")

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "annotate_load.py"


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_concurrent_annotators_complete_every_record_exactly(backend, tmp_path):
    out = tmp_path / "load.json"
    cmd = [sys.executable, str(SCRIPT), "--annotators", "10", "--records", "30",
           "--min-submitted", "3", "--only", backend, "--json", str(out)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if backend == "postgres" and "PostgreSQL: skipped" in proc.stdout:
        pytest.skip("no PostgreSQL server at ALIGNKIT_TEST_POSTGRES")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text())[backend]
    assert result["records"] == 30 and result["exact"] == 30, result
    assert result["over"] == result["under"] == 0, result
    assert result["responses"] == result["submits"] == 90, result
    assert result["duplicated"] == result["lost"] == result["made_twice"] == 0, result
    assert result["unseen"] == 0 and result["counter_mismatch"] == 0, result
    assert result["retries"] > 0 and result["retry_mismatch"] == 0, result
    assert result["errors_5xx"] == 0 and result["client_errors"] == [], result
    # each annotator's queue ran dry: one 204 each, and no refused submit (409)
    assert result["statuses"].get("204") == 10 and "409" not in result["statuses"], result
    assert "OK" in proc.stdout and "MISMATCH" not in proc.stdout
