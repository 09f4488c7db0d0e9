"""What the three Argilla adapters share: each turns its row shape into an `ArgRecord`, and
`adapt_record` makes Comparisons from that.

Field roles (column_map "prompt"/"a"/"b" wins): the prompt is the first field named prompt,
instruction, input, question, query, text, context, conversation or messages (or containing
"prompt"/"instruction"); the responses are fields like response1, response_a, generation-1,
answer_2, completion-b (sorted by their suffix), else chosen/rejected, else the only two other
text fields.

Preference values: `ctx.label_values` first; then tie words (tie, equal, both*, same, draw,
neither, none); then a value naming a response field (exactly, or by its suffix: "response1",
"chosen-A", "A", "1"); then position (a/1/first/left = first response). Rankings are a list of
names in order (2.x), a list of {rank, value} or a dict of lists {rank: [...], value: [...]}
(1.x through `datasets`).

Factuality flags (1 = the response has an error), read from submitted answers, then fields, then
metadata; names compared lowercase with separators removed, T standing for the response's
field name, its suffix, or its position letter/number (a/1): h_T, factual_error_T,
T_factual_error, hallucination_T, T_hallucination, T_has_error, has_error_T; inverted (1 = the
response is factual): T_factual, factual_T, T_is_factual, is_factual_T.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from alignkit.data.formats._util import is_text, missing, optional_flag
from alignkit.data.formats.base import AdaptContext, Adapted
from alignkit.data.rankings import ranking_comparisons
from alignkit.data.schema import Comparison, Drop, Vote

SUBMITTED = "submitted"
_PROMPT_NAMES = ("prompt", "instruction", "input", "question", "query", "text", "context")
_PROMPT_NAMES += ("conversation", "messages", "chat")
_RESPONSE_RE = re.compile(
    r"^(?:response|generation|completion|answer|output|reply|candidate|option|summary|model)s?"
    r"[-_ ]?(\d+|[a-d])$"
)
_TIE_WORDS = {"tie", "equal", "same", "draw", "neither", "none", "equivalent", "both"}
_QUESTION_HINTS = ("prefer", "rank", "choice", "chosen", "best", "better", "compar", "pick")
_QUESTION_HINTS += ("winner", "which", "vote", "judg")
_ERROR_PATTERNS = ("h{}", "factualerror{}", "{}factualerror", "hallucination{}")
_ERROR_PATTERNS += ("{}hallucination", "{}haserror", "haserror{}")
_FACTUAL_PATTERNS = ("{}factual", "factual{}", "{}isfactual", "isfactual{}")
_FIRST = {"first": 0, "left": 0, "second": 1, "right": 1}


@dataclass
class Answer:
    user: str | None
    value: Any
    status: str | None


@dataclass
class ArgRecord:
    id: str | None
    fields: dict[str, Any]
    # question -> answers of every status (filtering happens in adapt_record)
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    suggestions: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


def as_list(value: Any) -> list | None:
    """A list from a list/tuple/array; None otherwise."""
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        value = value.tolist()
    return list(value) if isinstance(value, list | tuple) else None


def as_items(value: Any) -> list[dict[str, Any]]:
    """List of dicts from either a list of dicts or a dict of equal-length lists (how Parquet and
    `datasets` return a list-of-struct column)."""
    if isinstance(value, dict):
        cols = {k: as_list(v) for k, v in value.items()}
        n = max((len(v) for v in cols.values() if v is not None), default=0)
        return [{k: v[i] if v and i < len(v) else None for k, v in cols.items()} for i in range(n)]
    return [x for x in as_list(value) or [] if isinstance(x, dict)]


def str_or_none(value: Any) -> str | None:
    return None if missing(value) else str(value)


def _compact(name: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _token(value: Any) -> str | None:
    """The distinguishing end of a name: 'chosen-A' -> 'a', 'response1' -> '1', 'B' -> 'b'."""
    text = str(value).strip().lower()
    if text in _FIRST:
        return text
    m = re.search(r"(\d+)$", text) or re.search(r"(?:^|[^a-z0-9])([a-z])$", text)
    return m.group(1) if m else None


def resolve_name(value: Any, names: list[str]) -> str | None:
    """Which of `names` (response fields, in order) `value` designates, if any."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    for name in names:
        if _compact(value) == _compact(name):
            return name
    token = _token(value)
    if token is None:
        return None
    for name in names:
        if _token(name) == token:
            return name
    if token in _FIRST:
        index = _FIRST[token]
    elif any(s is not None and s.isdigit() == token.isdigit() for s in map(_token, names)):
        return None  # the names carry suffixes of this kind and none matched ("1" on _0/_1 is b)
    else:
        index = int(token) - 1 if token.isdigit() else ord(token) - ord("a")
    return names[index] if 0 <= index < len(names) else None


def label_pick(value: Any, a: str, b: str, ctx: AdaptContext) -> str | None:
    raw = str(value).strip() if value is not None else ""
    overrides = {str(k).strip().lower(): v for k, v in ctx.label_values.items()}
    if raw.lower() in overrides:
        pick = str(overrides[raw.lower()]).strip().lower()
        return pick if pick in ("a", "b", "tie") else None
    words = re.split(r"[^a-z]+", raw.lower())
    if raw and (words[0] in _TIE_WORDS or raw.lower().startswith("tie")):
        return "tie"
    name = resolve_name(value, [a, b])
    return None if name is None else ("a" if name == a else "b")


def ranking(value: Any) -> list[tuple[Any, float]] | None:
    """(option, rank) pairs of a ranking value, or None when it is not one."""
    items = as_items(value) if isinstance(value, dict) else None
    if items is None:
        seq = as_list(value)
        if not seq or len(seq) < 2:
            return None
        if all(isinstance(x, str) for x in seq):
            return [(x, float(i + 1)) for i, x in enumerate(seq)]
        items = [x for x in seq if isinstance(x, dict)]
        if len(items) != len(seq):
            return None
    out = []
    for i, item in enumerate(items):
        if "value" not in item:
            return None
        rank = item.get("rank")
        out.append((item["value"], float(rank) if isinstance(rank, int | float) else float(i + 1)))
    return out if len(out) >= 2 else None


def pick_fields(rec: ArgRecord, ctx: AdaptContext) -> tuple[str | None, list[str]]:
    """(prompt field, response fields in order)."""
    names = [k for k, v in rec.fields.items() if not missing(v)]
    cmap = ctx.column_map
    prompt = cmap.get("prompt")
    if prompt is None:
        lowered = {n.lower(): n for n in names}
        prompt = next((lowered[p] for p in _PROMPT_NAMES if p in lowered), None)
        prompt = prompt or next(
            (n for n in names if "prompt" in n.lower() or "instruction" in n.lower()), None
        )
    if cmap.get("a") and cmap.get("b"):
        return prompt, [cmap["a"], cmap["b"]]
    rest = [n for n in names if n != prompt]
    matched = [(m.group(1), n) for n in rest if (m := _RESPONSE_RE.match(n.lower()))]
    if len(matched) >= 2:
        key = [(int(s) if s.isdigit() else ord(s), n) for s, n in matched]
        return prompt, [n for _, n in sorted(key)]
    lowered = {n.lower(): n for n in rest}
    if "chosen" in lowered and "rejected" in lowered:
        return prompt, [lowered["chosen"], lowered["rejected"]]
    texts = [n for n in rest if is_text(rec.fields[n])]
    return prompt, texts if len(texts) == 2 else []


def _flag(value: Any) -> int | None:
    if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
        return int(value.strip().lower() == "yes")
    return optional_flag(value)


def _majority_flag(answers: list[Answer]) -> int | None:
    counted = [a for a in answers if a.status in (None, SUBMITTED)]
    flags = [f for a in counted if (f := _flag(a.value)) is not None]
    ones = sum(flags)
    if not flags or ones * 2 == len(flags):
        return None
    return int(ones * 2 > len(flags))


def _flag_keys(names: list[str], i: int) -> tuple[set[str], set[str]]:
    suffix = _token(names[i])
    tokens = {_compact(names[i]), chr(ord("a") + i), suffix or str(i + 1)}
    if suffix is None or not suffix.isdigit():
        tokens.add(str(i + 1))
    errors = {p.format(t) for p in _ERROR_PATTERNS for t in tokens}
    return errors, {p.format(t) for p in _FACTUAL_PATTERNS for t in tokens}


def flags(rec: ArgRecord, names: list[str]) -> dict[str, int | None]:
    sources = {_compact(k): v for src in (rec.metadata, rec.fields) for k, v in src.items()}
    # human answers win over fields and metadata of the same name
    sources.update({_compact(q): _majority_flag(a) for q, a in rec.answers.items() if a})
    out: dict[str, int | None] = {}
    for i, name in enumerate(names):
        errors, factual = _flag_keys(names, i)
        found = [_flag(sources.get(k)) for k in sorted(errors)]
        inverse = [_flag(sources.get(k)) for k in sorted(factual)]
        value = next((f for f in found if f is not None), None)
        if value is None and (inv := next((f for f in inverse if f is not None), None)) is not None:
            value = 1 - inv
        out[name] = value
    return out


def _looks_like_preference(values: list[Any], names: list[str], ctx: AdaptContext) -> bool:
    def ok(v: Any) -> bool:
        if (ranks := ranking(v)) is not None:  # a multi-label answer is a list of strings too
            return all(resolve_name(o, names) for o, _ in ranks)
        if isinstance(v, int) and str(v) not in ctx.label_values:
            return False  # ints are ratings unless mapped; 1/2 would otherwise read as a/b
        return len(names) >= 2 and label_pick(v, names[0], names[1], ctx) is not None

    return bool(values) and all(ok(v) for v in values)


def pick_question(rec: ArgRecord, names: list[str], ctx: AdaptContext) -> str | Drop:
    wanted = ctx.question or ctx.column_map.get("question")
    if wanted:
        return wanted
    flag_keys = set().union(*(k for i in range(len(names)) for k in _flag_keys(names, i)))
    found = []
    for q, answers in rec.answers.items():
        if _compact(q) in flag_keys or not answers:
            continue
        hinted = any(h in q.lower() for h in _QUESTION_HINTS)
        shaped = _looks_like_preference([a.value for a in answers], names, ctx)
        if shaped or hinted:
            found.append((not shaped, not hinted, q))
    if found:
        return min(found)[2]
    return Drop(
        "no_preference_question", f"no question looks like a preference: {list(rec.answers)}"
    )


def adapt_record(rec: ArgRecord, ctx: AdaptContext) -> Adapted:
    if not any(rec.answers.values()):
        return Drop("no_submitted_responses", "record has no responses")
    prompt_name, names = pick_fields(rec, ctx)
    if prompt_name is None or missing(rec.fields.get(prompt_name)):
        return Drop("missing_prompt", f"no prompt field among {list(rec.fields)}")
    prompt = rec.fields[prompt_name]
    if not is_text(prompt):
        return Drop("bad_type_prompt", f"field '{prompt_name}' is not text")
    if len(names) < 2:
        return Drop("missing_responses", f"no two response fields among {list(rec.fields)}")
    question = pick_question(rec, names, ctx)
    if isinstance(question, Drop):
        return question
    answers = [a for a in rec.answers.get(question, []) if a.status in (None, SUBMITTED)]
    if not answers:
        return Drop("no_submitted_responses", f"no submitted response to '{question}'")
    used = {prompt_name, *names}
    meta = dict(rec.metadata)
    scalars = {k: v for k, v in rec.fields.items() if isinstance(v, str | int | float | bool)}
    meta.update({k: v for k, v in scalars.items() if k not in used and not missing(v)})
    if not missing(rec.suggestions.get(question)):
        meta["suggestion"] = rec.suggestions[question]  # model output: context, never a vote
    common = {"source": ctx.source, "metadata": meta or None}
    rankings = [ranking(a.value) for a in answers]
    if all(r is not None for r in rankings):
        return _ranked(rec, prompt_name, names, answers, rankings, common, ctx)
    return _labelled(rec, prompt, names[:2], answers, common, ctx)


def _texts(rec: ArgRecord, names: list[str]) -> dict[str, Any] | Drop:
    for name in names:
        if not is_text(rec.fields.get(name)):
            return Drop("missing_response", f"response field '{name}' is missing or not text")
    return {n: rec.fields[n] for n in names}


def _labelled(rec, prompt, names, answers, common, ctx) -> Adapted:
    a, b = names
    votes = []
    for ans in answers:
        pick = label_pick(ans.value, a, b, ctx)
        if pick is None:
            return Drop("unknown_label_value", f"cannot read {ans.value!r} as {a}/{b}/tie")
        votes.append(Vote(ans.user, pick))
    texts = _texts(rec, names)
    if isinstance(texts, Drop):
        return texts
    h = flags(rec, names)
    return [Comparison(prompt, texts[a], texts[b], votes, rec.id, h_a=h[a], h_b=h[b], **common)]


def _ranked(rec, prompt_name, names, answers, rankings, common, ctx) -> Adapted:
    prompt = rec.fields[prompt_name]
    # options may also name other text fields, but only exactly: position could hit the prompt
    others = {_compact(n): n for n in rec.fields if n not in names and n != prompt_name}
    candidates = names + list(others.values())
    per_user = []
    for ans, ranks in zip(answers, rankings, strict=True):
        resolved = {}
        for option, rank in ranks:
            name = resolve_name(option, names) or others.get(_compact(option))
            if name is None:
                return Drop("unknown_ranking_value", f"ranking option {option!r} is no field")
            resolved[name] = rank
        per_user.append((ans.user, resolved))
    ranked = [n for n in candidates if any(n in r for _, r in per_user)]
    texts = _texts(rec, ranked)
    if isinstance(texts, Drop):
        return texts
    out = ranking_comparisons(prompt, texts, per_user, mode=ctx.ranking_pairs, id=rec.id, **common)
    h = flags(rec, ranked)
    by_text = {id(texts[n]): n for n in ranked}
    for comp in out:
        comp.h_a, comp.h_b = h[by_text[id(comp.a)]], h[by_text[id(comp.b)]]
    return out or Drop("no_submitted_responses", "rankings name fewer than two responses")
