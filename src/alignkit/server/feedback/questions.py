"""The question types of a feedback dataset, what a record must carry for each and what a
submitted answer looks like:

- pairwise: two answers; `{"choice": "a"|"b"|"tie"}`, with `factual_error: {"a": bool, "b":
  bool}` when the question asks for the flags and `rationale` (text) when it asks for one;
- ranking: N answers; `{"ranking": [best index, ..., worst index]}`, a permutation;
- rating: `{"ratings": [1-5 per answer]}`; thumbs: `{"thumbs": [true|false per answer]}`."""

from __future__ import annotations

from typing import Any

from alignkit.errors import AlignkitError
from alignkit.server.feedback.models import QUESTION_TYPES


def check_question(question: dict[str, Any]) -> dict[str, Any]:
    kind = question.get("type")
    if kind not in QUESTION_TYPES:
        raise AlignkitError(f"question.type must be one of {', '.join(QUESTION_TYPES)}")
    out = {"type": kind}
    if kind == "pairwise":
        out["factual_errors"] = bool(question.get("factual_errors", False))
        out["rationale"] = bool(question.get("rationale", False))
    n = question.get("answers")
    if n is not None and (not isinstance(n, int) or n < 1 or (kind == "pairwise" and n != 2)):
        raise AlignkitError("question.answers: the number of answers per record")
    out["answers"] = 2 if kind == "pairwise" else n
    return out


def check_answers(question: dict[str, Any], answers: Any, where: str) -> None:
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        raise AlignkitError(f"{where}.answers: a list of texts")
    want = question.get("answers")
    least = 2 if question["type"] in ("pairwise", "ranking") else 1
    if (want is not None and len(answers) != want) or len(answers) < least:
        raise AlignkitError(
            f"{where}.answers: {want or f'at least {least}'} for a {question['type']} question,"
            f" not {len(answers)}"
        )


def _bad(message: str):
    raise AlignkitError(f"value: {message}")


def check_value(question: dict[str, Any], answers: list[str], value: dict[str, Any]) -> None:
    """A submitted answer must be complete (a draft may be anything)."""
    kind, n = question["type"], len(answers)
    if kind == "pairwise":
        if value.get("choice") not in ("a", "b", "tie"):
            _bad('choice must be "a", "b" or "tie"')
        flags = value.get("factual_error")
        if flags is not None and (
            not question.get("factual_errors")
            or not isinstance(flags, dict)
            or set(flags) - {"a", "b"}
            or not all(isinstance(v, bool) for v in flags.values())
        ):
            _bad('factual_error: {"a": bool, "b": bool}, where the question asks for it')
        rationale = value.get("rationale")
        if rationale is not None and not isinstance(rationale, str):
            _bad("rationale: a text")
    elif kind == "ranking":
        ranking = value.get("ranking")
        if not isinstance(ranking, list) or sorted(ranking) != list(range(n)):
            _bad(f"ranking: the answers' indices 0..{n - 1}, best first, each once")
    elif kind == "rating":
        ratings = value.get("ratings")
        if not isinstance(ratings, list) or len(ratings) != n or not all(
            isinstance(r, int) and not isinstance(r, bool) and 1 <= r <= 5 for r in ratings
        ):  # fmt: skip
            _bad(f"ratings: {n} integers from 1 to 5, one per answer")
    else:
        thumbs = value.get("thumbs")
        if not isinstance(thumbs, list) or len(thumbs) != n or not all(
            isinstance(t, bool) for t in thumbs
        ):  # fmt: skip
            _bad(f"thumbs: {n} true/false, one per answer")
