"""`alignkit train ...`: one command per method. Each runs in its own process from flags or a
saved settings file, so a job runner can launch and cancel it without importing torch."""

from __future__ import annotations

import typer

from alignkit.cli.options import add_settings_command
from alignkit.train.dpo import DPOSettings
from alignkit.train.kto import KTOSettings
from alignkit.train.orpo import ORPOSettings
from alignkit.train.rm import RMSettings
from alignkit.train.sft import SFTSettings

app = typer.Typer(help="Train reward models and policies (TRL).", no_args_is_help=True)
# the seed spec's names for the same commands
hrm_hf = typer.Typer(
    help="Seed-spec aliases: rm-train (= train rm), dpo-train (= train dpo).", no_args_is_help=True
)


def _print_result(result) -> None:
    from alignkit.train.rundir import is_main_process

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


def _rm(settings: RMSettings) -> None:
    from alignkit.train import rm

    _print_result(rm.train(settings))


RM_HELP = """Train a reward model (a one-output sequence classifier) on preference pairs with the
Bradley-Terry loss; logs eval loss, accuracy and AUC of chosen > rejected."""

add_settings_command(app, "rm", RMSettings, _rm, RM_HELP)
add_settings_command(hrm_hf, "rm-train", RMSettings, _rm, RM_HELP)


def _dpo(settings: DPOSettings) -> None:
    from alignkit.train import dpo

    _print_result(dpo.train(settings))


DPO_HELP = """Train a policy with DPO or a sibling loss (any TRL loss type), or Factual-DPO
(--loss-type factual --factual-lambda L). The reference is the initial policy unless --ref-model is
given; its log-probs are computed once and reused by later runs."""

add_settings_command(app, "dpo", DPOSettings, _dpo, DPO_HELP)
add_settings_command(hrm_hf, "dpo-train", DPOSettings, _dpo, DPO_HELP)


def _sft(settings: SFTSettings) -> None:
    from alignkit.train import sft

    _print_result(sft.train(settings))


add_settings_command(
    app,
    "sft",
    SFTSettings,
    _sft,
    """Supervised fine-tuning on demonstrations: the chosen side of preference pairs, or the
desirable completions of unpaired feedback (loss on completion tokens only).""",
)


def _kto(settings: KTOSettings) -> None:
    from alignkit.train import kto

    _print_result(kto.train(settings))


add_settings_command(
    app,
    "kto",
    KTOSettings,
    _kto,
    """Train a policy with KTO on unpaired feedback (prompt, completion, desirable or not);
preference pairs are split into one desirable and one undesirable example each.""",
)


def _orpo(settings: ORPOSettings) -> None:
    from alignkit.train import orpo

    _print_result(orpo.train(settings))


add_settings_command(
    app,
    "orpo",
    ORPOSettings,
    _orpo,
    """Train a policy with ORPO (SFT + odds-ratio preference term, no reference model; TRL's
experimental trainer).""",
)
