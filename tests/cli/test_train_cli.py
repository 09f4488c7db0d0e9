"""`alignkit train` commands: flags come from the settings dataclasses; --config files load
and command-line flags override them; bad settings are one-line errors."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest

from alignkit.commands import methods
from alignkit.errors import AlignkitError
from alignkit.train.rm import RMSettings
from alignkit.train.settings import load_settings


def run_cli(*args: str) -> subprocess.CompletedProcess:
    code = "from alignkit.cli import main; main()"
    env = {**os.environ, "COLUMNS": "250"}  # rich would cut long flag names
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
    )


def test_every_setting_is_a_flag_and_help_imports_no_torch():
    result = run_cli("train", "rm", "--help")
    assert result.returncode == 0
    for f in dataclasses.fields(RMSettings):
        assert "--" + f.name.replace("_", "-") in result.stdout, f.name
    code = "import sys; from alignkit.cli import app; print('torch' in sys.modules)"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
        == "False"
    )


@pytest.mark.parametrize("method", methods("policy"))
def test_every_method_has_a_command_with_all_its_flags(method):
    from alignkit.commands import COMMANDS

    # the registry names the class: `online-dpo` is no module or class name
    cls = COMMANDS[f"train:{method}"].settings_class()
    result = run_cli("train", method, "--help")
    assert result.returncode == 0
    for f in dataclasses.fields(cls):
        assert "--" + f.name.replace("_", "-") in result.stdout, f.name


def test_aliases_list_the_same_flags():
    assert "--base-model" in run_cli("hrm-hf", "rm-train", "--help").stdout
    dpo_help = run_cli("hrm-hf", "dpo-train", "--help").stdout
    for flag in ("--policy-model", "--ref-model", "--beta", "--loss-type", "--factual-lambda"):
        assert flag in dpo_help


def test_config_file_and_flag_override(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("base-model: tiny-bert\nlr: 1\nbatch_size: 4\nreport_to: tensorboard\n")
    s = load_settings(RMSettings, path, {"batch_size": 2})
    assert (s.base_model, s.lr, s.batch_size, s.report_to) == ("tiny-bert", 1.0, 2, ["tensorboard"])
    assert isinstance(s.lr, float)


@pytest.mark.parametrize(
    ("content", "message"),
    [("lr: -1\n", "--lr must be > 0"), ("nope: 1\n", "unknown setting"), ("- 1\n", "mapping")],
)
def test_bad_config_is_one_line(tmp_path, content, message):
    path = tmp_path / "run.yaml"
    path.write_text(content)
    with pytest.raises(AlignkitError, match=message):
        load_settings(RMSettings, path, {})
    result = run_cli("train", "rm", "--config", str(path))
    assert result.returncode == 2 and result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_dataset_is_one_line(tmp_path):
    result = run_cli(
        "train", "rm", "--dataset-dir", str(tmp_path), "--output-dir", str(tmp_path / "o")
    )
    assert result.returncode == 2, result.stderr
    assert "no train split" in result.stderr and len(result.stderr.strip().splitlines()) == 1
