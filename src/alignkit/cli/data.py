"""`alignkit data ...`: ingest exports into TRL-ready splits, and show their reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alignkit.errors import AlignkitError

app = typer.Typer(help="Ingest and curate preference data.", no_args_is_help=True)

Opt = typer.Option


def parse_map(items: list[str]) -> dict[str, str]:
    """`--map target=column` (repeatable) -> {target: column}; a repeated `label` target adds
    one more annotator column."""
    out: dict[str, str] = {}
    for item in items:
        target, sep, column = item.partition("=")
        if not sep or not target.strip() or not column.strip():
            raise AlignkitError(f"--map expects target=column, got '{item}'")
        target, column = target.strip(), column.strip()
        out[target] = f"{out[target]},{column}" if target == "label" and target in out else column
    return out


def parse_label_values(spec: str | None) -> dict[str, str]:
    """`a=1,b=2,tie=0` -> {"1": "a", "2": "b", "0": "tie"}; a pick may be given several values
    (`a=1,a=A`)."""
    out: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        pick, sep, value = part.partition("=")
        pick = pick.strip().lower()
        if not sep or pick not in ("a", "b", "tie") or not value.strip():
            raise AlignkitError(f"--label-values expects a=VALUE,b=VALUE,tie=VALUE, got '{part}'")
        out[value.strip()] = pick
    return out


def ingest(
    input: Annotated[Path, Opt("--input", "-i", help="Export file or datasets folder.")],
    output: Annotated[Path, Opt("--output", "-o", help="Folder for the splits and report.")],
    format: Annotated[str, Opt(help="Input format name, or auto to detect it.")] = "auto",
    output_format: Annotated[str, Opt(help="jsonl or parquet.")] = "jsonl",
    map: Annotated[
        list[str] | None, Opt("--map", help="Column map target=column (repeatable).")
    ] = None,
    label_values: Annotated[
        str | None, Opt(help="Label values, e.g. a=1,b=2,tie=0 (for --map label=...).")
    ] = None,
    aggregate: Annotated[str, Opt(help="majority, unanimous or any.")] = "majority",
    keep_ties: Annotated[bool, Opt(help="Keep tied items (tie=true) instead of dropping.")] = False,
    ranking_pairs: Annotated[str, Opt(help="Rankings to pairs: best (vs rest) or all.")] = "best",
    messages: Annotated[bool, Opt(help="Transcripts as chat messages, not text.")] = False,
    question: Annotated[str | None, Opt(help="Argilla question with the preference.")] = None,
    min_prompt_toks: Annotated[int, Opt(help="Drop prompts shorter than this.")] = 3,
    max_prompt_toks: Annotated[int, Opt(help="Drop prompts longer than this.")] = 2048,
    max_response_toks: Annotated[int | None, Opt(help="Drop longer responses.")] = None,
    tokenizer: Annotated[str | None, Opt(help="Local tokenizer for exact lengths.")] = None,
    dedup_by: Annotated[str, Opt(help="prompt+chosen+rejected, prompt or none.")] = (
        "prompt+chosen+rejected"
    ),
    train_ratio: Annotated[float, Opt(help="Share of prompts for train.")] = 0.9,
    eval_ratio: Annotated[float, Opt(help="Share of prompts for eval.")] = 0.05,
    test_ratio: Annotated[float, Opt(help="Share of prompts for test.")] = 0.05,
    shuffle_seed: Annotated[int, Opt(help="Seed of the prompt-grouped split.")] = 42,
    anonymize: Annotated[bool, Opt(help="Scrub e-mails, phones, cards, IPs, URLs.")] = False,
    anonymize_engine: Annotated[str, Opt(help="auto, patterns or presidio.")] = "auto",
    source: Annotated[str | None, Opt(help="Value of the source column.")] = None,
    allow_special_files: Annotated[
        bool, Opt(help="Read a FIFO or device (e.g. /dev/stdin), not only regular files.")
    ] = False,
    max_input_mb: Annotated[
        int | None, Opt(help="Refuse inputs larger than this (default 4096, after decompression).")
    ] = None,
) -> None:
    """Read an export (Argilla, Label Studio, HH-RLHF, ShareGPT, TRL, any table with --map),
    validate, deduplicate and split it by prompt into train/eval/test files plus
    schema_report.json."""
    from alignkit.cli.render import print_report
    from alignkit.data import IngestSettings
    from alignkit.data import ingest as run_ingest

    settings = IngestSettings(
        input=input,
        output=output,
        format=format,
        output_format=output_format,  # type: ignore[arg-type]
        source=source,
        column_map=parse_map(map or []),
        label_values=parse_label_values(label_values),
        aggregate=aggregate,  # type: ignore[arg-type]
        keep_ties=keep_ties,
        ranking_pairs=ranking_pairs,  # type: ignore[arg-type]
        as_messages=messages,
        question=question,
        min_prompt_toks=min_prompt_toks,
        max_prompt_toks=max_prompt_toks,
        max_response_toks=max_response_toks,
        tokenizer=tokenizer,
        dedup_by=dedup_by,  # type: ignore[arg-type]
        train_ratio=train_ratio,
        eval_ratio=eval_ratio,
        test_ratio=test_ratio,
        shuffle_seed=shuffle_seed,
        anonymize=anonymize,
        anonymize_engine=anonymize_engine,  # type: ignore[arg-type]
        allow_special_files=allow_special_files,
        **({"max_input_mb": max_input_mb} if max_input_mb is not None else {}),
    )
    if settings.column_map:
        from alignkit.data.formats.columns import check_map

        check_map(settings.column_map)
    print_report(run_ingest(settings), title=f"ingested {input.name}")


app.command("ingest")(ingest)
# the seed spec's name for the same command
app.command("argilla-export", help="Alias of `alignkit data ingest`.")(ingest)


@app.command("stats")
def stats(
    directory: Annotated[Path, typer.Argument(help="An ingest output folder.")],
) -> None:
    """Print an ingest's schema_report.json as tables."""
    import orjson

    from alignkit.cli.render import print_report

    path = directory / "schema_report.json" if directory.is_dir() else directory
    try:
        report = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise AlignkitError(f"no schema_report.json in {directory}") from None
    except orjson.JSONDecodeError as exc:
        raise AlignkitError(f"{path} is not valid JSON: {exc}") from None
    print_report(report, title=str(directory))


@app.command("sample-export")
def sample_export(
    output: Annotated[Path, typer.Argument(help="Where to write the export (.json).")],
    rows: Annotated[int, Opt(help="Number of records.")] = 340,
    seed: Annotated[int, Opt(help="Random seed.")] = 0,
) -> None:
    """Write the demo's annotation export in Argilla 2.x shape (three simulated annotators)."""
    from alignkit.data.sample import write_sample_export

    if rows < 1:
        raise AlignkitError("--rows must be at least 1")
    path = write_sample_export(output, rows, seed)
    typer.echo(f"wrote {rows} records to {path}")
