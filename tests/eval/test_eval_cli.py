"""`alignkit eval` as a user runs it: flags from the settings dataclasses, results on stdout and
on disk, one-line errors with exit code 2."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from alignkit.cli import app
from alignkit.eval.policy import PolicyEvalSettings
from alignkit.eval.rm import RMEvalSettings

runner = CliRunner()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    code = "from alignkit.cli import main; main()"
    env = {**os.environ, "COLUMNS": "250"}  # rich would cut long flag names
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize(
    ("command", "cls"), [("rm", RMEvalSettings), ("policy", PolicyEvalSettings)]
)
def test_every_setting_is_a_flag(command, cls):
    result = run_cli("eval", command, "--help")
    assert result.returncode == 0, result.stderr
    for f in dataclasses.fields(cls):
        assert "--" + f.name.replace("_", "-") in result.stdout, f.name


def test_bad_judge_is_one_line_and_exit_2(tmp_path):
    for judge, message in [
        ("rule:no_such_module_xyz:judge", "cannot import module 'no_such_module_xyz'"),
        ("rule:nope", "unknown judge rule 'nope'"),
    ]:
        result = run_cli(
            "eval", "policy", "--policy", "tiny-llama", "--ref", "tiny-llama",
            "--dataset-dir", str(tmp_path), "--judge", judge,
        )  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("error: ") and message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_judges_command_lists_the_registry():
    result = runner.invoke(app, ["eval", "judges"])
    assert result.exit_code == 0 and "rule:no-refusal" in result.output
    assert "rule:distinct-2" in result.output
    assert "rule:house-style" in result.output  # the demo's, declared as an entry point


def test_eval_rm_and_policy_commands(runs, tmp_path):
    pytest.importorskip("torch")
    out = tmp_path / "rm-out"
    result = runner.invoke(
        app,
        ["eval", "rm", "--model", str(runs.rm), "--dataset-dir", str(runs.data),
         "--split", "eval", "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "auc" in result.output and "ece" in result.output
    assert json.loads((out / "eval_rm.json").read_text())["metrics"]["pairs"] == 32
    config = tmp_path / "policy.yaml"
    config.write_text(f"policy: {runs.dpo}\nsplit: eval\njudge: rule:no-refusal\nnum-prompts: 3\n")
    out = tmp_path / "policy-out"
    result = runner.invoke(
        app,
        ["eval", "policy", "--config", str(config), "--dataset-dir", str(runs.data),
         "--max-new-tokens", "8", "--max-pairs", "8", "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "win_rate" in result.output and "implicit_reward_accuracy" in result.output
    report = json.loads((out / "eval_policy.json").read_text())
    assert report["win_rate"]["prompts"] == 3 and report["settings"]["max_new_tokens"] == 8
    assert len((out / "generations.jsonl").read_text().splitlines()) == 3
