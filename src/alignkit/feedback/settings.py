"""Typed settings of `alignkit feedback generate`. Only the standard library is imported here,
so that `alignkit --help` stays instant and the web app checks a form's settings without
loading torch or the database layer (as data/settings.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alignkit.errors import AlignkitError

# the stream seed of answer column c is seed * SEED_STRIDE + c (generate.py's streams take any
# integer), so no two columns of a run, and no two seeds, ever share a stream
SEED_STRIDE = 1000
MAX_ANSWERS_PER_MODEL = 100


def _opt(help: str, **cli) -> dict:
    return {"help": help, **cli}


@dataclass
class GenerateSettings:
    dataset: str = field(
        metadata=_opt("The feedback dataset's id (its admin page's address has it).", required=True)
    )
    prompts: Path = field(
        metadata=_opt(
            "The prompts: an ingest output folder (the unique prompts of --split), a .jsonl file "
            '(one {"prompt": ...} object or JSON string per line) or a .txt file (one prompt '
            "per line).",
            required=True,
        )
    )
    model_a: str = field(
        metadata=_opt(
            "The first model (the current policy, say): a name, a model folder, or a training "
            "run folder (a LoRA run's adapter is loaded over its base).",
            required=True,
        )
    )
    model_b: str | None = field(
        default=None,
        metadata=_opt("A second model (the reference, say); the answers' order is shuffled."),
    )
    answers_per_model: int | None = field(
        default=None,
        metadata=_opt(
            "Answers each model gives per prompt (default: the question's number of answers "
            "split between the models; pairwise with one model: 2 samples)."
        ),
    )
    split: str = field(default="train", metadata=_opt("The split of an ingest folder."))
    num_prompts: int | None = field(
        default=None, metadata=_opt("At most this many prompts, the first ones (default: all).")
    )
    max_new_tokens: int = field(default=96, metadata=_opt("Tokens per answer."))
    temperature: float = field(default=0.7, metadata=_opt("Sampling temperature (0: greedy)."))
    top_p: float = field(default=0.9, metadata=_opt("Nucleus sampling mass."))
    seed: int = field(default=0, metadata=_opt("Seed of the sampling and of the answers' order."))
    batch_size: int = field(default=8, metadata=_opt("Sequences per forward pass."))
    chunk_size: int = field(
        default=32,
        metadata=_opt(
            "Prompts answered per write to the dataset: a stopped job keeps what it wrote and "
            "its rerun continues."
        ),
    )
    max_length: int = field(
        default=1024, metadata=_opt("Prompt + answer tokens (cut to the model's positions).")
    )
    database: str | None = field(
        default=None,
        metadata=_opt(
            "The server's database URL (default: $ALIGNKIT_DATABASE_URL, else the data dir's "
            "SQLite, as `alignkit serve` finds it)."
        ),
    )
    bf16: bool | None = field(
        default=None,
        metadata=_opt("bfloat16 autocast (default: where the hardware runs it fast)."),
    )
    trust_remote_code: bool = field(default=False, metadata=_opt("Run model code from it."))

    def __post_init__(self) -> None:
        self.prompts = Path(self.prompts)
        self.model_b = self.model_b or None
        checks = [
            (bool(str(self.dataset or "").strip()), "--dataset is required"),
            (bool(str(self.model_a or "").strip()), "--model-a is required"),
            (self.model_b != self.model_a, "--model-b is --model-a: give one model and "
             "--answers-per-model 2 for two samples of it"),
            (self.answers_per_model is None
             or 1 <= self.answers_per_model <= MAX_ANSWERS_PER_MODEL,
             f"--answers-per-model must be in 1..{MAX_ANSWERS_PER_MODEL}"),
            (self.num_prompts is None or self.num_prompts >= 1, "--num-prompts must be >= 1"),
            (self.max_new_tokens >= 1, "--max-new-tokens must be >= 1"),
            (self.temperature >= 0, "--temperature must be >= 0"),
            (0 < self.top_p <= 1, "--top-p must be in (0, 1]"),
            (self.seed >= 0, "--seed must be >= 0"),
            (self.batch_size >= 1, "--batch-size must be >= 1"),
            (self.chunk_size >= 1, "--chunk-size must be >= 1"),
            (self.max_length >= 16, "--max-length must be >= 16"),
        ]  # fmt: skip
        for ok, message in checks:
            if not ok:
                raise AlignkitError(message)

    @property
    def models(self) -> list[str]:
        return [self.model_a] + ([self.model_b] if self.model_b else [])
