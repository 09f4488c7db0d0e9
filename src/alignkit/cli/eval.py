"""`alignkit eval ...`: reward models on held-out pairs, policies against their reference."""

from __future__ import annotations

import math

import typer

from alignkit.cli.options import add_settings_command
from alignkit.commands import COMMANDS

app = typer.Typer(help="Evaluate reward models and policies.", no_args_is_help=True)


def _print_metrics(title: str, rows: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left", min_width=48)
    table.add_column("")
    table.add_column("value", justify="right")
    for key, value in rows.items():
        if isinstance(value, float):
            table.add_row(key, "nan" if math.isnan(value) else f"{value:.4f}")
        elif isinstance(value, list):
            table.add_row(key, "[" + ", ".join(f"{v:.4f}" for v in value) + "]")
        else:
            table.add_row(key, str(value))
    Console().print(table)


def _rm(settings) -> None:
    result = COMMANDS["eval:rm"](settings)
    _print_metrics(f"reward model: {settings.model}", result.metrics)
    typer.echo(f"results: {result.files['result']}")


add_settings_command(app, "rm", COMMANDS["eval:rm"].settings_class(), _rm, COMMANDS["eval:rm"].help)


def _policy(settings) -> None:
    result = COMMANDS["eval:policy"](settings)
    keys = ("pairs", "implicit_reward_accuracy", "share_improved", "mean_reward_margin")
    keys += ("prompts", "wins", "ties", "losses", "win_rate", "win_rate_ci95")
    shown = {k: result.metrics[k] for k in keys if k in result.metrics}
    _print_metrics(f"policy: {settings.policy}", shown)
    for name, path in result.files.items():
        typer.echo(f"{name}: {path}")


add_settings_command(
    app, "policy", COMMANDS["eval:policy"].settings_class(), _policy, COMMANDS["eval:policy"].help
)


@app.command("judges")
def judges() -> None:
    """List the registered rule judges (use as --judge rule:NAME)."""
    from alignkit.models.judges import registered

    for name, rule in sorted(registered().items()):
        kind = "pairwise" if rule.pairwise else "pointwise"
        typer.echo(f"rule:{name}  ({kind})  {rule.help}")
