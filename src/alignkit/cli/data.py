"""`alignkit data ...`: ingest exports into TRL-ready splits, and show their reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alignkit.cli.options import add_settings_command
from alignkit.commands import COMMANDS
from alignkit.errors import AlignkitError

app = typer.Typer(help="Ingest and curate preference data.", no_args_is_help=True)

Opt = typer.Option


def _ingest(settings) -> None:
    from alignkit.cli.render import print_report

    if settings.column_map:
        from alignkit.data.formats.columns import check_map

        check_map(settings.column_map)
    report = COMMANDS["data:ingest"](settings)
    print_report(report, title=f"ingested {settings.input.name}")


def _argilla_export(settings) -> None:
    # the Argilla + TRL guide writes `--format trl` for the schema it wants out (TRL's
    # prompt/chosen/rejected, which every ingest writes); the input format stays detected
    if settings.format == "trl":
        settings.format = "auto"
    _ingest(settings)


_INGEST = COMMANDS["data:ingest"]
add_settings_command(app, "ingest", _INGEST.settings_class(), _ingest, _INGEST.help)
# the seed spec's name for the same command
add_settings_command(
    app,
    "argilla-export",
    _INGEST.settings_class(),
    _argilla_export,
    """Alias of `alignkit data ingest`, where `--format trl` names the output schema (TRL's
    prompt/chosen/rejected, what every ingest writes) and the input format is detected.""",
)


def _stats(settings) -> None:
    from alignkit.cli.render import print_report

    print_report(COMMANDS["data:stats"](settings), title=str(settings.directory))


_STATS = COMMANDS["data:stats"]
add_settings_command(app, "stats", _STATS.settings_class(), _stats, _STATS.help)


@app.command("sample-export")
def sample_export(
    output: Annotated[Path, typer.Argument(help="Where to write the export (.json).")],
    rows: Annotated[int, Opt(help="Number of records.")] = 340,
    seed: Annotated[int, Opt(help="Random seed.")] = 0,
) -> None:
    """Write the demo's annotation export in Argilla 2.x shape (three simulated annotators)."""
    from alignkit.demo.export import write_sample_export

    if rows < 1:
        raise AlignkitError("--rows must be at least 1")
    path = write_sample_export(output, rows, seed)
    typer.echo(f"wrote {rows} records to {path}")
