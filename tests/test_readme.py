"""Every `alignkit` command in README.md parses against the real CLI: its subcommands exist and
every flag it uses is a flag of that command (the commands themselves run in the tests of each
module, and the demo's figures are pinned by test_readme_demo_figures)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_commands() -> list[str]:
    text = README.read_text()
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split(" #")[0].strip()
            # `JOB=$(alignkit ...)` in the runnable blocks, and redirections or `&` after it
            line = re.sub(r"^\w+=\$\((.*)\)$", r"\1", line)
            line = re.split(r" (?:\d?>|&$)", line)[0].strip()
            if line.startswith("alignkit ") or line.startswith(".venv/bin/alignkit "):
                commands.append(line.removeprefix(".venv/bin/"))
    return commands


def parse(args: list[str]) -> dict:
    """Parse like the CLI would, without running the command."""
    from typer.main import get_command

    from alignkit.cli import app

    command = get_command(app)
    ctx = command.make_context("alignkit", list(args))
    while hasattr(command, "resolve_command"):
        # the subcommand name is held apart from its arguments (`_protected_args` in click 8.2)
        protected = getattr(ctx, "_protected_args", None) or getattr(ctx, "protected_args", [])
        rest = [*protected, *ctx.args]
        name, command, rest = command.resolve_command(ctx, rest)
        ctx = command.make_context(name, rest, parent=ctx)
    return ctx.params


def test_readme_has_commands():
    names = {shlex.split(c)[1] for c in readme_commands()}
    assert {"demo", "data", "train", "eval", "report"} <= names


@pytest.mark.parametrize("line", readme_commands())
def test_readme_command_parses(line):
    args = shlex.split(line)[1:]
    params = parse(args)
    assert params is not None


def test_a_drifted_command_would_fail():
    with pytest.raises(Exception, match="No such option"):
        parse(["train", "dpo", "--no-such-flag", "1"])
    with pytest.raises(Exception, match="No such command"):
        parse(["data", "no-such-command"])
