"""`alignkit demo --quick` end to end on the packaged models (slow: a few minutes on 2 cores):
every stage leaves its artifacts, the reward model separates the test pairs, and the DPO
policy beats its reference by the oracle rule."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("torch")


@pytest.mark.slow
def test_demo_quick_end_to_end(tmp_path):
    out = tmp_path / "demo"
    code = "from alignkit.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", code, "demo", "--quick", "--output-dir", str(out)],
        capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "alignkit demo" in result.stdout and "report.html" in result.stdout
    summary = json.loads((out / "summary.json").read_text())
    for path in ("export.json", "data/schema_report.json", "rm/model", "rm/eval_rm.json",
                 "dpo/model/adapter_config.json", "dpo/eval-oracle/eval_policy.json",
                 "dpo/eval-oracle/generations.jsonl", "dpo/eval-rm/eval_policy.json",
                 "report.html"):  # fmt: skip
        assert (out / path).exists(), path
    assert summary["rm"]["auc"] > 0.9
    oracle = summary["policy_vs_reference"]["oracle"]
    assert oracle["wins"] + oracle["ties"] + oracle["losses"] == oracle["prompts"] > 0
    # the policy beats its reference by the oracle: the interval's lower end is above a coin
    assert oracle["win_rate_ci95"][0] > 0.5, oracle
    assert summary["policy_pass_rate"] > summary["reference_pass_rate"]
    assert "house-style" in (out / "report.html").read_text()
