"""The annotate page's form for each question type, both ways: a posted form becomes a response
value of the shape questions.py defines, and a saved value (a draft, a submitted answer) comes
back as what the page's controls show.

Fields: pairwise `choice` (a / b / tie), `factual_error_a|b`, `rationale`; ranking `rank_I`
(answer I's rank, 1 = best); rating `rating_I` (1-5); thumbs `thumb_I` (up / down). A draft
may be partial: its ranking is kept as per-answer `ranks` (a partial order has gaps that a
best-first list cannot hold), ratings and thumbs as lists with null for the unanswered. A
submit must be complete, and each gap is named in one line (422) before the store sees it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alignkit.errors import AlignkitError

THUMBS = {"up": True, "down": False}


def _number(raw: str | None, lo: int, hi: int, what: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        number = int(raw)
    except ValueError:
        number = None
    if number is None or not lo <= number <= hi:
        raise AlignkitError(f"{what}: a whole number from {lo} to {hi}, not {raw[:20]!r}")
    return number


def _pairwise(question: dict, form: Mapping[str, str]) -> dict[str, Any]:
    value: dict[str, Any] = {}
    choice = form.get("choice")
    if choice:
        if choice not in ("a", "b", "tie"):
            raise AlignkitError(f"choice: a, b or tie, not {choice[:20]!r}")
        value["choice"] = choice
    if question.get("factual_errors"):
        value["factual_error"] = {k: bool(form.get(f"factual_error_{k}")) for k in ("a", "b")}
    rationale = (form.get("rationale") or "").strip()
    if question.get("rationale") and rationale:
        value["rationale"] = rationale
    return value


def _ranking(n: int, form: Mapping[str, str], submit: bool) -> dict[str, Any]:
    ranks = [_number(form.get(f"rank_{i}"), 1, n, f"rank of answer {i + 1}") for i in range(n)]
    if sorted(r for r in ranks if r is not None) == list(range(1, n + 1)):
        return {"ranking": sorted(range(n), key=lambda i: ranks[i])}  # best first
    if submit:
        raise AlignkitError(f"ranking: give each of the {n} answers its own rank from 1 to {n}")
    return {"ranks": ranks}


def _marks(kind: str, n: int, form: Mapping[str, str], submit: bool) -> dict[str, Any]:
    if kind == "rating":
        marks = [_number(form.get(f"rating_{i}"), 1, 5, f"rating of answer {i + 1}")
                 for i in range(n)]  # fmt: skip
        key, missing = "ratings", "rate each of the {n} answers from 1 to 5"
    else:
        marks = []
        for i in range(n):
            raw = form.get(f"thumb_{i}") or None
            if raw is not None and raw not in THUMBS:
                raise AlignkitError(f"thumb of answer {i + 1}: up or down, not {raw[:20]!r}")
            marks.append(None if raw is None else THUMBS[raw])
        key, missing = "thumbs", "give each of the {n} answers a thumb up or down"
    if submit and None in marks:
        raise AlignkitError(f"{key}: {missing.format(n=n)}")
    return {key: marks}


def from_form(question: dict, n: int, form: Mapping[str, str], submit: bool) -> dict[str, Any]:
    """The response value a form posts for a record of `n` answers (`submit`: it must be
    complete; a pairwise choice is left to the store's own check, whose line says it)."""
    kind = question["type"]
    if kind == "pairwise":
        return _pairwise(question, form)
    if kind == "ranking":
        return _ranking(n, form, submit)
    return _marks(kind, n, form, submit)


def _listed(values: Any, n: int, ok) -> list:
    values = values if isinstance(values, list) else []
    return [v if ok(v) else None for v in (values + [None] * n)[:n]]


def shown(question: dict, n: int, value: dict[str, Any]) -> dict[str, Any]:
    """What the page's controls show for a saved value (anything a REST client saved as a
    draft included: what does not fit is shown as unanswered)."""
    kind = question["type"]
    if kind == "pairwise":
        flags = value.get("factual_error")
        return {
            "choice": value.get("choice"),
            "flags": flags if isinstance(flags, dict) else {},
            "rationale": value.get("rationale") or "",
        }
    if kind == "ranking":
        ranking = value.get("ranking")
        whole = isinstance(ranking, list) and all(type(i) is int for i in ranking)
        if whole and sorted(ranking) == list(range(n)):
            ranks: list = [None] * n
            for place, i in enumerate(ranking):
                ranks[i] = place + 1
        else:
            ranks = _listed(value.get("ranks"), n, lambda r: isinstance(r, int) and 1 <= r <= n)
        order = sorted((r, i + 1) for i, r in enumerate(ranks) if r is not None)
        return {"ranks": ranks, "order": [i for _r, i in order]}  # answer numbers, best first
    if kind == "rating":
        good = lambda r: isinstance(r, int) and not isinstance(r, bool) and 1 <= r <= 5  # noqa: E731
        return {"ratings": _listed(value.get("ratings"), n, good)}
    thumbs = _listed(value.get("thumbs"), n, lambda t: isinstance(t, bool))
    return {"thumbs": [None if t is None else ("up" if t else "down") for t in thumbs]}
