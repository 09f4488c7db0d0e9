"""Typed settings of `alignkit data ingest`; the CLI, the Python API, the job runner and the
server share them. One field, one flag: the CLI's options are made from these fields
(`cli/options.py`), and `--config ingest.yaml` loads the same names from a file.

Only the standard library is imported here (the choices live here, not in the modules that
use them), so that `alignkit --help` and a server validating a request stay light."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from alignkit.errors import AlignkitError

AggregateMode = Literal["majority", "unanimous", "any"]
DedupBy = Literal["prompt+chosen+rejected", "prompt", "none"]
RankingPairs = Literal["best", "all"]
OutputFormat = Literal["jsonl", "parquet"]
AnonymizeEngine = Literal["auto", "patterns", "presidio"]
DEFAULT_MAX_INPUT_MB = 4096


@dataclass(frozen=True)
class SplitRatios:
    train: float = 0.9
    eval: float = 0.05
    test: float = 0.05

    def __post_init__(self) -> None:
        values = (self.train, self.eval, self.test)
        # `not 0 <= v <= 1` also refuses NaN, which every comparison lets through
        if any(not 0 <= v <= 1 for v in values) or not abs(sum(values) - 1.0) <= 1e-6:
            raise AlignkitError(
                f"--train-ratio/--eval-ratio/--test-ratio must be in [0, 1] and sum to 1, "
                f"got {self.train}, {self.eval}, {self.test}"
            )


def parse_map(items: list[str] | dict[str, str]) -> dict[str, str]:
    """`--map target=column` (repeatable) -> {target: column}; a repeated `label` target adds
    one more annotator column. A mapping (from a --config file) passes through."""
    if isinstance(items, dict):
        return {str(k): str(v) for k, v in items.items()}
    out: dict[str, str] = {}
    for item in items:
        target, sep, column = item.partition("=")
        if not sep or not target.strip() or not column.strip():
            raise AlignkitError(f"--map expects target=column, got '{item}'")
        target, column = target.strip(), column.strip()
        out[target] = f"{out[target]},{column}" if target == "label" and target in out else column
    return out


def parse_label_values(spec: str | dict[str, str] | None) -> dict[str, str]:
    """`a=1,b=2,tie=0` -> {"1": "a", "2": "b", "0": "tie"}; a pick may be given several values
    (`a=1,a=A`). A mapping of raw value -> pick (from a --config file) passes through."""
    if isinstance(spec, dict):
        return {str(k): str(v) for k, v in spec.items()}
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


def _opt(help: str, **cli) -> dict:
    """Field metadata: the help text, and how the CLI spells the option (see cli/options.py):
    `flags` (names), `cli_type` (what the shell gives, when not the field's type), `required`,
    and `argument` (a positional argument instead of an option)."""
    return {"help": help, **cli}


@dataclass
class IngestSettings:
    input: Path = field(
        metadata=_opt("Export file or datasets folder.", flags=("--input", "-i"), required=True)
    )
    output: Path = field(
        metadata=_opt("Folder for the splits and report.", flags=("--output", "-o"), required=True)
    )
    # files already split: each is ingested whole into its split (data/presplit.py), and
    # --input is then the train split; the ratios below are not used
    eval_input: Path | None = field(
        default=None, metadata=_opt("A file of eval pairs, kept as the eval split (not re-split).")
    )
    test_input: Path | None = field(
        default=None, metadata=_opt("A file of test pairs, kept as the test split (not re-split).")
    )
    format: str = field(default="auto", metadata=_opt("Input format name, or auto to detect it."))
    output_format: OutputFormat = field(default="jsonl", metadata=_opt("jsonl or parquet."))
    source: str | None = field(
        default=None, metadata=_opt("Value of the source column (default: the input's name).")
    )
    # column map and labels for generic tables (see data/formats/columns.py)
    column_map: dict[str, str] = field(
        default_factory=dict,
        metadata=_opt(
            "Column map target=column (repeatable).",
            flags=("--map",),
            cli_type=list[str],
            parse=parse_map,
        ),
    )
    label_values: dict[str, str] = field(
        default_factory=dict,
        metadata=_opt(
            "Label values, e.g. a=1,b=2,tie=0 (for --map label=...).",
            cli_type=str,
            parse=parse_label_values,
        ),
    )
    # multi-annotator aggregation
    aggregate: AggregateMode = field(default="majority", metadata=_opt("How votes combine."))
    keep_ties: bool = field(
        default=False, metadata=_opt("Keep tied items (tie=true) instead of dropping.")
    )
    ranking_pairs: RankingPairs = field(
        default="best", metadata=_opt("Rankings to pairs: best (vs rest) or all.")
    )
    as_messages: bool = field(
        default=False,
        metadata=_opt("Transcripts as chat messages, not text.", flags=("--messages",)),
    )
    question: str | None = field(
        default=None, metadata=_opt("Argilla question with the preference.")
    )
    # validation
    min_prompt_toks: int = field(default=3, metadata=_opt("Drop prompts shorter than this."))
    max_prompt_toks: int = field(default=2048, metadata=_opt("Drop prompts longer than this."))
    max_response_toks: int | None = field(default=None, metadata=_opt("Drop longer responses."))
    tokenizer: str | None = field(default=None, metadata=_opt("Local tokenizer for exact lengths."))
    dedup_by: DedupBy = field(default="prompt+chosen+rejected", metadata=_opt("Exact dedup key."))
    # splits
    train_ratio: float = field(default=0.9, metadata=_opt("Share of prompts for train."))
    eval_ratio: float = field(default=0.05, metadata=_opt("Share of prompts for eval."))
    test_ratio: float = field(default=0.05, metadata=_opt("Share of prompts for test."))
    shuffle_seed: int = field(default=42, metadata=_opt("Seed of the prompt-grouped split."))
    # privacy
    anonymize: bool = field(
        default=False, metadata=_opt("Scrub e-mails, phones, cards, IPs, URLs.")
    )
    anonymize_engine: AnonymizeEngine = field(
        default="auto", metadata=_opt("Scrubber: Presidio when installed, else patterns.")
    )
    write_dropped: bool = field(
        default=True, metadata=_opt("Write dropped.jsonl: every dropped row with its reason.")
    )
    # input guards: FIFOs and devices (`/dev/zero`) only when asked; a size cap so that a huge
    # or endless input fails in one line instead of running the machine out of memory
    allow_special_files: bool = field(
        default=False,
        metadata=_opt("Read a FIFO or device (e.g. /dev/stdin), not only regular files."),
    )
    max_input_mb: int = field(
        default=DEFAULT_MAX_INPUT_MB,
        metadata=_opt("Refuse inputs larger than this (after decompression)."),
    )

    def __post_init__(self) -> None:
        if not str(self.output).strip() or Path(self.output).absolute() == Path.cwd():
            # the folder is replaced as a whole (see data/stage.py): never the working directory
            raise AlignkitError("--output must name a folder for the splits (not '' or '.')")
        self.input, self.output = Path(self.input), Path(self.output)
        self.eval_input = None if self.eval_input is None else Path(self.eval_input)
        self.test_input = None if self.test_input is None else Path(self.test_input)
        self.column_map = parse_map(self.column_map)
        self.label_values = parse_label_values(self.label_values)
        if self.max_input_mb < 1:
            raise AlignkitError("--max-input-mb must be >= 1")
        self.ratios  # noqa: B018 - validates the ratios
        if self.min_prompt_toks < 0 or self.max_prompt_toks < self.min_prompt_toks:
            raise AlignkitError("--min-prompt-toks must be >= 0 and <= --max-prompt-toks")
        if self.max_response_toks is not None and self.max_response_toks < 1:
            raise AlignkitError("--max-response-toks must be >= 1")
        choices = {
            "output_format": ("jsonl", "parquet"),
            "aggregate": ("majority", "unanimous", "any"),
            "ranking_pairs": ("best", "all"),
            "dedup_by": ("prompt+chosen+rejected", "prompt", "none"),
            "anonymize_engine": ("auto", "patterns", "presidio"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise AlignkitError(
                    f"--{name.replace('_', '-')} must be one of {', '.join(allowed)}"
                )
        bad = {k: v for k, v in self.label_values.items() if v not in ("a", "b", "tie")}
        if bad:
            raise AlignkitError(f"--label-values must map to a, b or tie, got {bad}")

    @property
    def ratios(self) -> SplitRatios:
        return SplitRatios(self.train_ratio, self.eval_ratio, self.test_ratio)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["input"], out["output"] = str(self.input), str(self.output)
        for name in ("eval_input", "test_input"):
            out[name] = None if out[name] is None else str(out[name])
        return out


@dataclass
class StatsSettings:
    directory: Path = field(
        metadata=_opt("An ingest output folder (or its schema_report.json).", argument=True)
    )

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)

    def to_dict(self) -> dict:
        return {"directory": str(self.directory)}
