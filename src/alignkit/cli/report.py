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
        list[Path],
        typer.Argument(help="Run folders (or evaluation or dataset folders).", metavar="RUN_DIR"),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The HTML file (or a folder for it).")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Page title.")] = None,
    examples: Annotated[
        int, typer.Option("--examples", help="Example generations per evaluation (0: none).")
    ] = 8,
) -> None:
    from alignkit.report.settings import ReportSettings

    settings = ReportSettings(run_dirs=run_dirs, output=output, title=title, examples=examples)
    typer.echo(f"report: {COMMANDS['report'](settings)}")


report.__doc__ = " ".join(HELP.split())
