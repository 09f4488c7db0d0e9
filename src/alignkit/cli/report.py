"""`alignkit report RUN_DIR...`: one HTML page about runs, their evaluations and their data.
Only typer is imported here; the report package loads when the command runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SHORT_HELP = "Write a self-contained HTML report of runs, their evaluations and data."
HELP = """Write a self-contained HTML report (no scripts, nothing from the network) of one or
more training runs: summary, training curves, reward-model and policy evaluations with their
charts, the dataset report and example generations side by side. A dataset folder (with
schema_report.json) works too. Default output: report.html in the folder, or in the current
directory for several folders."""


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
    from alignkit.report import build

    path = build(run_dirs, output, title=title, examples=examples)
    typer.echo(f"report: {path}")


report.__doc__ = " ".join(HELP.split())
