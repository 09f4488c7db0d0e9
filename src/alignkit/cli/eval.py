"""`alignkit eval ...`: reward models on held-out pairs, policies against their reference."""

from __future__ import annotations

import math

import typer

from alignkit.cli.options import add_settings_command
from alignkit.eval.policy import PolicyEvalSettings
from alignkit.eval.rm import RMEvalSettings

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


def _rm(settings: RMEvalSettings) -> None:
    from alignkit.eval import rm

    result = rm.evaluate(settings)
    _print_metrics(f"reward model: {settings.model}", result.metrics)
    typer.echo(f"results: {result.files['result']}")


RM_HELP = """Evaluate a reward model on held-out pairs: AUC, accuracy (ties count as wrong),
expected calibration error of σ(r_chosen - r_rejected), mean margin and score histograms;
writes eval_rm.json (and eval_rm_scores.jsonl, one line per pair) beside the model."""

add_settings_command(app, "rm", RMEvalSettings, _rm, RM_HELP)


def _policy(settings: PolicyEvalSettings) -> None:
    from alignkit.eval import policy

    result = policy.evaluate(settings)
    keys = ("pairs", "implicit_reward_accuracy", "share_improved", "mean_reward_margin")
    keys += ("prompts", "wins", "ties", "losses", "win_rate", "win_rate_ci95")
    shown = {k: result.metrics[k] for k in keys if k in result.metrics}
    _print_metrics(f"policy: {settings.policy}", shown)
    for name, path in result.files.items():
        typer.echo(f"{name}: {path}")


POLICY_HELP = """Evaluate a policy against its reference: implicit-reward accuracy on held-out
pairs, then a judged win-rate on held-out prompts (both models sample with the same settings
and seeds; ties count half; 95% Wilson interval). Judges: rm:PATH, rule:NAME (see `alignkit
eval judges`) or rule:module:function. Writes eval_policy.json and generations.jsonl."""

add_settings_command(app, "policy", PolicyEvalSettings, _policy, POLICY_HELP)


@app.command("judges")
def judges() -> None:
    """List the registered rule judges (use as --judge rule:NAME)."""
    from alignkit.eval.judges import registered

    for name, rule in sorted(registered().items()):
        kind = "pairwise" if rule.pairwise else "pointwise"
        typer.echo(f"rule:{name}  ({kind})  {rule.help}")
