"""Typed settings of `alignkit data ingest`; the CLI, the Python API and the server share them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from alignkit.data.aggregate import AggregateMode
from alignkit.data.dedup import DedupBy
from alignkit.data.formats.base import RankingPairs
from alignkit.data.guards import DEFAULT_MAX_INPUT_MB
from alignkit.data.split import SplitRatios
from alignkit.data.write import OutputFormat
from alignkit.errors import AlignkitError


@dataclass
class IngestSettings:
    input: Path
    output: Path
    format: str = "auto"  # a name in FORMATS, or auto-detect
    output_format: OutputFormat = "jsonl"
    source: str | None = None  # the `source` column; default: the input file name
    # column map and labels for generic tables (see data/formats/columns.py)
    column_map: dict[str, str] = field(default_factory=dict)
    label_values: dict[str, str] = field(default_factory=dict)  # raw value -> a|b|tie
    # multi-annotator aggregation
    aggregate: AggregateMode = "majority"
    keep_ties: bool = False
    ranking_pairs: RankingPairs = "best"
    as_messages: bool = False  # transcripts (HH-RLHF) as chat messages instead of text
    question: str | None = None  # Argilla question holding the preference
    # validation
    min_prompt_toks: int = 3
    max_prompt_toks: int = 2048
    max_response_toks: int | None = None
    tokenizer: str | None = None  # local tokenizer folder for exact token lengths
    dedup_by: DedupBy = "prompt+chosen+rejected"
    # splits
    train_ratio: float = 0.9
    eval_ratio: float = 0.05
    test_ratio: float = 0.05
    shuffle_seed: int = 42
    # privacy
    anonymize: bool = False
    anonymize_engine: Literal["auto", "patterns", "presidio"] = "auto"
    write_dropped: bool = True  # dropped.jsonl: every dropped row with its reason
    # input guards: FIFOs and devices (`/dev/zero`) only when asked; a size cap so that a huge
    # or endless input fails in one line instead of running the machine out of memory
    allow_special_files: bool = False
    max_input_mb: int = DEFAULT_MAX_INPUT_MB

    def __post_init__(self) -> None:
        if not str(self.output).strip() or Path(self.output).absolute() == Path.cwd():
            # the folder is replaced as a whole (see data/stage.py): never the working directory
            raise AlignkitError("--output must name a folder for the splits (not '' or '.')")
        self.input, self.output = Path(self.input), Path(self.output)
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
        return out
