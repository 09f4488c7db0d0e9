"""The canonical records every input format is adapted into.

Column names follow TRL's dataset formats (`prompt/chosen/rejected` for preference data,
`prompt/completion/label` for unpaired feedback), so a written split loads straight into
`DPOTrainer`, `RewardTrainer` or `KTOTrainer`. A text is either a plain string or a list of
chat messages (`{"role": ..., "content": ...}`), TRL's "standard" and "conversational" forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Message = dict[str, Any]
Text = str | list[Message]
Pick = Literal["a", "b", "tie"]
Kind = Literal["preference", "unpaired"]

# Columns written for each kind, in output order; optional columns that are null in every row
# are left out of the files.
PREFERENCE_COLUMNS = (
    "prompt",
    "chosen",
    "rejected",
    "id",
    "source",
    "annotators",
    "votes",
    "agreement",
    "tie",
    "h_chosen",
    "h_rejected",
    "margin",
    "metadata",
)
UNPAIRED_COLUMNS = ("prompt", "completion", "label", "id", "source", "annotators", "metadata")
TEXT_COLUMNS: dict[Kind, tuple[str, ...]] = {
    "preference": ("prompt", "chosen", "rejected"),
    "unpaired": ("prompt", "completion"),
}
# Columns that hold JSON values (chat messages, lists, dicts) in the internal frame.
JSON_COLUMNS = ("annotators", "votes", "metadata")


@dataclass(slots=True)
class PreferencePair:
    """One prompt with a preferred (`chosen`) and a dispreferred (`rejected`) response.

    `votes` holds, per entry of `annotators`, which response that annotator preferred, in the
    oriented terms `chosen` / `rejected` / `tie`. `h_chosen` / `h_rejected` are factuality flags
    (1 = the response contains a factual error), which Factual-DPO needs.
    """

    prompt: Text
    chosen: Text
    rejected: Text
    id: str | None = None
    source: str | None = None
    annotators: list[str] | None = None
    votes: list[str] | None = None
    agreement: float | None = None
    tie: bool | None = None
    h_chosen: int | None = None
    h_rejected: int | None = None
    margin: float | None = None
    metadata: dict[str, Any] | None = None


@dataclass(slots=True)
class Feedback:
    """Unpaired feedback for KTO: one completion judged desirable (`label=True`) or not."""

    prompt: Text
    completion: Text
    label: bool
    id: str | None = None
    source: str | None = None
    annotators: list[str] | None = None
    metadata: dict[str, Any] | None = None


@dataclass(slots=True)
class Vote:
    """One annotator's judgement between responses `a` and `b` of a Comparison."""

    annotator: str | None
    pick: Pick


@dataclass(slots=True)
class Comparison:
    """Two responses and the raw votes on them, before aggregation decides chosen/rejected.

    Adapters of annotation-tool exports yield these; `data.aggregate.resolve` turns each into a
    PreferencePair (or a Drop, for a tie or a missing majority). `score_a/score_b` carry ratings,
    which become the pair's margin.
    """

    prompt: Text
    a: Text
    b: Text
    votes: list[Vote] = field(default_factory=list)
    id: str | None = None
    source: str | None = None
    h_a: int | None = None
    h_b: int | None = None
    score_a: float | None = None
    score_b: float | None = None
    metadata: dict[str, Any] | None = None


@dataclass(slots=True)
class Drop:
    """Why one input row produced no record. `reason` is a short stable key (it is a key of
    `schema_report.json["dropped"]`); `detail` is free text for dropped.jsonl."""

    reason: str
    detail: str = ""


Item = PreferencePair | Feedback | Comparison
