"""Every preset in configs/ is headed by the command that runs it; that command parses against
the real CLI; a method preset's settings pass its command's dataclass (with the command's
flags over them, as the CLI does), and a pipeline preset dry-runs (expanded, every node's
settings checked by its command's dataclass) on a small export."""

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


PIPELINES = [p for p in PRESETS if p.parent.name == "pipelines"]
METHODS = [p for p in PRESETS if p.parent.name == "train"]


def test_there_are_presets():
    assert {p.name for p in PIPELINES} >= {"factual-sweep.yaml", "sft-rm-dpo.yaml", "demo.yaml"}
    # one per training method of the registry
    from alignkit.commands import COMMANDS

    trains = {name.split(":")[1] for name, c in COMMANDS.items() if c.trains}
    assert {p.stem for p in METHODS} >= trains
    assert set(PRESETS) == set(PIPELINES) | set(METHODS)


@pytest.mark.parametrize("preset", METHODS, ids=lambda p: p.name)
def test_a_method_preset_is_its_commands_settings(preset):
    from alignkit.commands import COMMANDS
    from alignkit.config import load_settings

    head = preset.read_text().splitlines()[0]
    assert head.startswith("# alignkit train "), f"{preset.name}: first line is not its command"
    args = shlex.split(head.removeprefix("# "))[1:]
    params = parse(args)
    assert params["config"] == Path(str(preset.relative_to(CONFIGS.parent)))
    given = {"dataset_dir": params["dataset_dir"], "output_dir": params["output_dir"]}
    settings = load_settings(COMMANDS[f"train:{args[1]}"].settings_class(), preset, given)
    assert str(settings.output_dir) == str(params["output_dir"])


@pytest.mark.parametrize("preset", PIPELINES, ids=lambda p: p.name)
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
