"""`alignkit demo`: the main job end to end, offline, with a final summary table."""

from __future__ import annotations

import typer

from alignkit.cli.options import add_settings_command
from alignkit.demo.pipeline import DemoSettings

HELP = """Run the whole job offline on the packaged models: write an annotation export (Argilla 2.x
shape), ingest it, train a reward model (minilm-l6) and a DPO policy (SmolLM2-135M-Instruct +
LoRA), evaluate both against the reference, and write report.html."""


def _fmt_ci(win: dict) -> str:
    low, high = win["win_rate_ci95"]
    counts = f"{win['wins']}W/{win['ties']}T/{win['losses']}L"
    return f"{win['win_rate']:.1%} [{low:.1%}, {high:.1%}]  ({counts})"


def _print_summary(summary: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    met = summary["targets_met"]
    mark = {True: "[green]met[/]", False: "[red]missed[/]"}
    table = Table(title="alignkit demo", title_justify="left")
    table.add_column("")
    table.add_column("result")
    table.add_column("target")
    data = summary["data"]
    table.add_row(
        "data", f"{data['kept']} of {data['records']} records kept; splits {data['splits']}", ""
    )
    rm = summary["rm"]
    table.add_row("reward model AUC (test)", f"{rm['auc']:.3f}  (accuracy {rm['accuracy']:.3f})",
                  f"≥ 0.95 {mark[met['rm_auc']]}")  # fmt: skip
    pvr = summary["policy_vs_reference"]
    table.add_row("win-rate vs reference, oracle", _fmt_ci(pvr["oracle"]),
                  f"≥ 65%, low > 55% {mark[met['win_rate'] and met['win_rate_low']]}")  # fmt: skip
    table.add_row("win-rate vs reference, RM judge", _fmt_ci(pvr["rm"]), "")
    table.add_row("house-style pass rate", f"policy {summary['policy_pass_rate']:.1%}, "
                  f"reference {summary['reference_pass_rate']:.1%}", "")  # fmt: skip
    acc = summary["implicit_reward_accuracy"]
    if acc is not None:
        table.add_row("implicit-reward accuracy (test)", f"{acc:.3f}", "")
    table.add_row("time", f"{summary['total_s'] / 60:.1f} min", "≤ 15 min")
    Console().print(table)
    typer.echo(f"everything is in {summary['output_dir']}/")
    if summary["report"]:
        typer.echo(f"report: {summary['report']}")


def _demo(settings: DemoSettings) -> None:
    from alignkit.demo.pipeline import run_demo

    _print_summary(run_demo(settings))


def register(app: typer.Typer) -> None:
    add_settings_command(app, "demo", DemoSettings, _demo, HELP)
