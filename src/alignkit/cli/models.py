"""`alignkit models`: what alignkit does with model folders themselves. Only typer is imported
here; torch and PEFT load when a command runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Model folders: merge a LoRA run into a full model.", no_args_is_help=True)


@app.command()
def merge(
    run_dir: Annotated[
        Path,
        typer.Argument(help="A LoRA run folder (or its model/ adapter folder).", metavar="RUN_DIR"),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The full model's folder.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing non-empty --output.")
    ] = False,
    trust_remote_code: Annotated[
        bool, typer.Option("--trust-remote-code", help="Run the base model's own code.")
    ] = False,
) -> None:
    """Merge a LoRA run's adapter into its base model (PEFT merge_and_unload) and save the full
    model as safetensors with the run's tokenizer, written whole or not at all. Policy adapters
    give a causal LM, reward-model adapters a one-output classifier with the trained head. A
    stage given a LoRA run as its model merges it by itself, into the model cache."""
    from alignkit.models.merge import merge as merge_run

    folder = merge_run(run_dir, output, force=force, trust_remote_code=trust_remote_code)
    typer.echo(f"merged model: {folder}")


merge.__doc__ = " ".join((merge.__doc__ or "").split())  # one paragraph in --help
