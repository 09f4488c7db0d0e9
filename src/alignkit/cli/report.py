"""`alignkit report RUN_DIR...`: one HTML page about runs, their evaluations and their data.
Only typer is imported here; the report package loads when the command runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alignkit.commands import COMMANDS

SHORT_HELP = "Write a self-contained HTML report of runs, their evaluations and data."
HELP = COMMANDS["report"].help


def report(
    run_dirs: Annotated[
        list[Path] | None,
        typer.Argument(help="Run folders (or evaluation or dataset folders).", metavar="RUN_DIR"),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The HTML file (or a folder for it).")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Page title.")] = None,
    examples: Annotated[
        int | None,
        typer.Option(
            "--examples", help="Example generations per evaluation (0: none). [default: 8]"
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="A YAML/JSON file of these settings; flags override it."),
    ] = None,
) -> None:
    from alignkit.config import load_settings
    from alignkit.report.settings import ReportSettings

    # only what was given overrides the file (a job runs `report --config settings.json`)
    given = {"run_dirs": run_dirs or None, "output": output, "title": title, "examples": examples}
    overrides = {k: v for k, v in given.items() if v is not None}
    if config is None and "run_dirs" not in overrides:
        raise typer.BadParameter("give at least one RUN_DIR", param_hint="RUN_DIR")
    settings = load_settings(ReportSettings, config, overrides)
    typer.echo(f"report: {COMMANDS['report'](settings)}")


report.__doc__ = " ".join(HELP.split())
