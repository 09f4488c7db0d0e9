"""`alignkit train ...`: one command per training method of the command registry
(alignkit.commands). Each runs in its own process from flags or a saved settings file, so a job
runner can launch and cancel it without importing torch."""

from __future__ import annotations

import inspect
from typing import Annotated

import typer

from alignkit.cli.options import add_settings_command
from alignkit.commands import COMMANDS, cli_path

app = typer.Typer(help="Train reward models and policies (TRL).", no_args_is_help=True)
# the seed spec's names for the same commands
hrm_hf = typer.Typer(
    help="Seed-spec aliases: rm-train (= train rm), dpo-train (= train dpo).", no_args_is_help=True
)


def _print_result(result) -> None:
    from alignkit.launch import is_main_process

    if not is_main_process():  # under `accelerate launch`, one table, not one per process
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{result.method}: {result.status}", title_justify="left", min_width=48)
    table.add_column("")
    table.add_column("value", justify="right")
    table.add_row("steps", str(result.steps))
    table.add_row("duration", f"{result.duration_s:.1f} s")
    if result.samples_per_s:
        table.add_row("samples/s", f"{result.samples_per_s:.2f}")
    table.add_row("peak RSS", f"{result.peak_rss_mb:,.0f} MB")
    for key, value in result.metrics.items():
        if isinstance(value, float) and key.startswith("eval_"):
            table.add_row(key, f"{value:.4f}")
    Console().print(table)
    typer.echo(f"run folder: {result.output_dir}")


DETACH = inspect.Parameter(
    "detach",
    inspect.Parameter.KEYWORD_ONLY,
    default=False,
    annotation=Annotated[
        bool, typer.Option("--detach", help="Queue it as a job and print the job id at once.")
    ],
)


def _runner(name: str):
    def run(settings, detach: bool = False) -> None:
        if detach:
            from alignkit.cli.jobs import submit_job

            typer.echo(submit_job(name, settings).id)
            return
        result = COMMANDS[name](settings)
        _print_result(result)
        if settings.push_to_hub:
            from alignkit.train.hub import raise_if_push_failed

            raise_if_push_failed(result)  # one line and exit 1; the model stays in the run

    return run


for _name in (n for n in COMMANDS if n.startswith("train:")):
    _cmd = COMMANDS[_name]
    add_settings_command(
        app, cli_path(_name)[1], _cmd.settings_class(), _runner(_name), _cmd.help, [DETACH]
    )

# the seed guide's `--truncation-right` / `--truncation-left`: `--truncation right|left`
SEED_TRUNCATION = [
    inspect.Parameter(
        f"truncation_{side}",
        inspect.Parameter.KEYWORD_ONLY,
        default=False,
        annotation=Annotated[
            bool, typer.Option(f"--truncation-{side}", help=f"Same as --truncation {side}.")
        ],
    )
    for side in ("right", "left")
]


def _seed_runner(name: str):
    def run(settings, truncation_right: bool = False, truncation_left: bool = False) -> None:
        import dataclasses

        from alignkit.errors import AlignkitError

        if truncation_right and truncation_left:
            raise AlignkitError("--truncation-right and --truncation-left exclude each other")
        if truncation_right or truncation_left:
            side = "right" if truncation_right else "left"
            settings = dataclasses.replace(settings, truncation=side)
        _runner(name)(settings)

    return run


# the seed spec's names for two of them
for _alias, _name in {"rm-train": "train:rm", "dpo-train": "train:dpo"}.items():
    _cmd = COMMANDS[_name]
    add_settings_command(
        hrm_hf, _alias, _cmd.settings_class(), _seed_runner(_name), _cmd.help, SEED_TRUNCATION
    )
