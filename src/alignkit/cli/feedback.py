"""`alignkit feedback ...`: the registry's `feedback:*` commands, jobs that fill the feedback
server's datasets (candidate answers from models). Each prints its result's one-line summary."""

from __future__ import annotations

import typer

from alignkit.cli.options import add_settings_command
from alignkit.commands import COMMANDS, cli_path

app = typer.Typer(help="Feedback datasets: fill them from models.", no_args_is_help=True)


def _runner(name: str):
    def run(settings) -> None:
        result = COMMANDS[name](settings)
        summary = getattr(result, "summary", None)
        typer.echo(summary() if callable(summary) else result)

    return run


for _name, _cmd in COMMANDS.items():
    _group, *_leaf = cli_path(_name)
    if _group == "feedback" and len(_leaf) == 1:
        add_settings_command(app, _leaf[0], _cmd.settings_class(), _runner(_name), _cmd.help)
