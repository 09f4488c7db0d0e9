"""A pipeline end to end on tiny-llama, through the CLI and a real worker: ingest -> LoRA SFT ->
a 2-value DPO sweep starting from the merged SFT model -> an evaluation per member -> one
report. Then: a rerun reuses every node; one changed value reruns that member, its eval and
the report only; a pipeline cancelled midway continues where it stopped."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from tests.jobs.test_runner import drain
from tests.train.helpers import preference_rows

pytestmark = pytest.mark.slow
pytest.importorskip("torch")

CLI = [sys.executable, "-m", "alignkit.cli"]
FAST = {
    "max_steps": 2, "batch_size": 4, "max_length": 64, "lr": 0.01, "warmup_ratio": 0,
    "lora_r": 4, "eval_steps": 1000, "save_steps": 1000, "logging_steps": 1,
}  # fmt: skip


def pipeline_file(tmp_path, betas=(0.1, 0.5)):
    raw = {
        "name": "tiny-sweep",
        "output_root": "runs",
        "models": [{"id": "tiny-llama", "short": "tiny"}],
        "data": {
            "ingest": {
                "input": "pairs.jsonl",
                "train_ratio": 0.6,
                "eval_ratio": 0.2,
                "test_ratio": 0.2,
            }
        },
        "defaults": {**FAST, "lora": True},
        "stages": {
            "sft": {"command": "train:sft"},
            "dpo": {
                "command": "train:dpo",
                "needs": ["sft"],
                "sweep": {"beta": list(betas)},
                "name": "{model.short}_beta{beta}",
            },
            "eval": {
                "command": "eval:policy",
                "needs": ["dpo"],
                "settings": {
                    "judge": "rule:house-style",
                    "num_prompts": 2,
                    "max_new_tokens": 4,
                    "max_pairs": 4,
                    "batch_size": 2,
                },
            },  # fmt: skip
            "report": {"command": "report", "needs": ["dpo"]},
        },
    }
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def cli(*args, check=True):
    out = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300)
    if check:
        assert out.returncode == 0, (out.stdout[-2000:], out.stderr[-2000:])
    return out


def completed(name: str) -> str:
    """`pipeline wait NAME`'s output; on a failed node, the failure with that node's log."""
    out = cli("pipeline", "wait", name, check=False)
    if out.returncode != 0:
        nodes = json.loads(cli("pipeline", "status", name, "--json").stdout)["nodes"]
        bad = [n for n in nodes if n["status"] != "completed"]
        log = cli("jobs", "logs", bad[0]["job_id"], check=False).stdout[-3000:]
        pytest.fail(f"{bad}\n{log}")
    return out.stdout


def steps(path, *flags):
    return {
        s["node"]: s for s in json.loads(cli("pipeline", "run", str(path), *flags, "--json").stdout)
    }


def test_a_sweep_pipeline_runs_reuses_and_reruns_only_what_changed(tmp_path):
    src = tmp_path / "pairs.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in preference_rows(40)))
    path = pipeline_file(tmp_path)
    dry = cli("pipeline", "run", str(path), "--dry-run").stdout
    assert "tiny_beta0.5" in dry and "would run" in dry and "after data, sft_tiny" in dry
    first = steps(path)
    assert list(first) == [
        "data", "sft_tiny", "tiny_beta0.1", "tiny_beta0.5", "eval_tiny_beta0.1",
        "eval_tiny_beta0.5", "report",
    ]  # fmt: skip
    assert {s["action"] for s in first.values()} == {"submit"}
    drain("--max-concurrent", "2", timeout=900)  # the two members side by side
    assert "pipeline tiny-sweep: 7 completed" in completed("tiny-sweep")
    runs = tmp_path / "runs"
    sft_run = json.loads((runs / "sft_tiny" / "run.json").read_text())
    assert sft_run["run_name"] == "sft_tiny"
    dpo = [json.loads((runs / f"tiny_beta{b}" / "run.json").read_text()) for b in (0.1, 0.5)]
    assert [d["policy_model"] for d in dpo] == [str(runs / "sft_tiny")] * 2  # from the SFT
    # the reference pass once: one member computed it while the other waited, then read it
    assert sorted(d["reference_cache"] for d in dpo) == ["hit", "miss"]
    for b in (0.1, 0.5):
        result = json.loads((runs / f"tiny_beta{b}" / "eval_policy.json").read_text())
        assert result["judge"]["spec"] == "rule:house-style" and result["win_rate"]
        assert result["policy"] == str(runs / f"tiny_beta{b}")
    page = (runs / "report.html").read_text()
    assert 'id="comparison"' in page and "tiny_beta0.5" in page  # the sweep side by side

    # the same file: every node reused, no job submitted
    again = steps(path)
    assert {s["action"] for s in again.values()} == {"reuse"}
    assert {s["job_id"] for s in again.values()} == {s["job_id"] for s in first.values()}

    # one value changed: that member, its eval and the report; the rest reused
    changed = steps(pipeline_file(tmp_path, betas=(0.1, 0.9)))
    assert {n for n, s in changed.items() if s["action"] != "reuse"} == {
        "tiny_beta0.9", "eval_tiny_beta0.9", "report"
    }  # fmt: skip

    # cancelled midway: a rerun continues (the cancelled nodes resume, nothing else reruns)
    cancelled = cli("pipeline", "cancel", "tiny-sweep").stdout
    assert "cancel asked of 1 node(s)" in cancelled  # the new member; its eval and the report
    status = json.loads(cli("pipeline", "status", "tiny-sweep", "--json").stdout)
    states = {n["node"]: n["status"] for n in status["nodes"]}
    assert [states[n] for n in ("tiny_beta0.9", "eval_tiny_beta0.9", "report")] == [
        "cancelled", "failed", "failed"
    ]  # fmt: skip
    assert states["tiny_beta0.1"] == "completed"
    assert cli("pipeline", "wait", "tiny-sweep", check=False).returncode == 1
    resumed = steps(pipeline_file(tmp_path, betas=(0.1, 0.9)))
    assert resumed["tiny_beta0.9"]["action"] == "resume"
    assert resumed["report"]["action"] == "attach"  # back in the queue with its need
    assert resumed["tiny_beta0.9"]["job_id"] == changed["tiny_beta0.9"]["job_id"]
    assert resumed["data"]["action"] == "reuse"
    drain(timeout=900)
    assert "pipeline tiny-sweep: 7 completed" in completed("tiny-sweep")
    final = json.loads(cli("pipeline", "status", "tiny-sweep", "--json").stdout)
    assert {n["status"] for n in final["nodes"]} == {"completed"}
