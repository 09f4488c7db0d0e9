"""Every preset in configs/ is headed by the command that runs it; that command parses against
the real CLI, and a pipeline preset dry-runs (expanded, every node's settings checked by its
command's dataclass) on a small export."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_readme import parse

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
PRESETS = sorted(CONFIGS.rglob("*.yaml"))


def test_there_are_presets():
    assert {p.name for p in PRESETS} >= {"factual-sweep.yaml", "sft-rm-dpo.yaml"}


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_a_preset_is_headed_by_its_command_and_dry_runs(preset, tmp_path):
    head = preset.read_text().splitlines()[0]
    assert head.startswith("# alignkit "), f"{preset.name}: first line is not its command"
    args = shlex.split(head.removeprefix("# "))[1:]
    assert parse(args) is not None
    assert str(preset.relative_to(CONFIGS.parent)) in args
    export = tmp_path / "export.jsonl"
    export.write_text(json.dumps({"prompt": "Why?", "chosen": "Because.", "rejected": "No."}))
    out = subprocess.run(
        [sys.executable, "-m", "alignkit.cli", "pipeline", "run", str(preset), "--dry-run",
         "--data", str(export), "--output-root", str(tmp_path / "runs"), "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    steps = json.loads(out.stdout)
    assert steps and {s["action"] for s in steps} == {"submit"}
    assert all(s["needs"] or s["node"] == "data" for s in steps)
