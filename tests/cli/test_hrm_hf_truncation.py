"""The seed guide's `alignkit hrm-hf rm-train|dpo-train --truncation-right` (and
`--truncation-left`): the same as `--truncation right|left` (issue 13). The training itself is
replaced by a stand-in that records the settings it was given."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from alignkit.cli import app
from alignkit.commands import COMMANDS
from alignkit.errors import AlignkitError

runner = CliRunner()


class _Given(Exception):
    def __init__(self, settings):
        super().__init__("stand-in for training")
        self.settings = settings


def _stand_in(settings):
    raise _Given(settings)


def _run(monkeypatch, tmp_path, alias: str, *flags: str):
    name = {"rm-train": "train:rm", "dpo-train": "train:dpo"}[alias]
    monkeypatch.setitem(COMMANDS, name, _stand_in)
    args = ["hrm-hf", alias, "--dataset-dir", str(tmp_path), "--output-dir", str(tmp_path / "o")]
    return runner.invoke(app, [*args, *flags])


@pytest.mark.parametrize("alias", ["rm-train", "dpo-train"])
@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ((), "right"),  # the default
        (("--truncation-right",), "right"),
        (("--truncation-left",), "left"),
        (("--truncation", "left"), "left"),
    ],
)
def test_seed_truncation_flags(monkeypatch, tmp_path, alias, flags, expected):
    result = _run(monkeypatch, tmp_path, alias, *flags)
    assert isinstance(result.exception, _Given), result.output
    assert result.exception.settings.truncation == expected


def test_both_seed_flags_are_one_line(monkeypatch, tmp_path):
    result = _run(monkeypatch, tmp_path, "rm-train", "--truncation-right", "--truncation-left")
    # an AlignkitError: `main()` prints it as one line and exits 2 (tests/cli/test_data_cli.py)
    assert isinstance(result.exception, AlignkitError)
    assert result.exception.exit_code == 2
    assert "--truncation-right and --truncation-left" in str(result.exception)
