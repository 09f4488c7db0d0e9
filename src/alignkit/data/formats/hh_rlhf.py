"""Anthropic HH-RLHF: `{"chosen": "\\n\\nHuman: ...\\n\\nAssistant: ...", "rejected": ...}`.

Both texts are whole dialogues that share everything but the final Assistant turn. The prompt is
the shared dialogue up to and including the last "\\n\\nAssistant:" before the texts differ, kept
in the HH text form (or, with `as_messages`, as user/assistant messages); the responses are the
two final turns, stripped. Factuality flags beside the dialogues (`h_chosen` / `h_rejected`, or
AIXpert's `h_w` / `h_l`) become the pair's flags, for Factual-DPO.

Only "\\n\\nHuman:" / "\\n\\nAssistant:" count as turn boundaries, so a bare "Human:" inside a
turn (the model role-playing the user: 48 rows of harmless-base test, 43 of them kept) stays
text. Rows whose turn structure cannot be split honestly are dropped; in harmless-base test
(2,312 rows, 2,299 kept):

- empty_response (4): the chosen final turn is empty.
- multi_turn_response (5): one response contains further "\\n\\nHuman:"/"\\n\\nAssistant:" turns
  (the model kept writing both sides), so the two texts have different turn counts.
- non_alternating_turns (4): the shared dialogue has two Assistant turns in a row (an earlier
  response that contained "\\n\\nAssistant:"); as messages this would be two assistant messages
  in a row, which chat templates reject, and as text the "prompt" is not a real dialogue.
- diverged_before_final_turn (0 there): both texts go on past their first difference, so the
  dialogues differ before the final turn and no shared prompt exists.
"""

from __future__ import annotations

import os
import re
from typing import Any

from alignkit.data.formats._util import FLAG_COLUMNS, factuality_flags
from alignkit.data.formats.base import AdaptContext, Adapted, Format
from alignkit.data.schema import Drop, PreferencePair

HUMAN = "\n\nHuman:"
ASSISTANT = "\n\nAssistant:"
_TURN = re.compile(r"\n\n(Human|Assistant):")
_ROLES = {"Human": "user", "Assistant": "assistant"}
_KNOWN = {"chosen", "rejected", "id", *FLAG_COLUMNS}


def _starts_hh(value: Any) -> bool:
    return isinstance(value, str) and (value.startswith(HUMAN) or value.startswith("Human:"))


def detect(rows: list[dict[str, Any]], ctx: AdaptContext) -> bool:
    if not rows:
        return False
    for r in rows:
        if "prompt" in r or "chosen" not in r or "rejected" not in r:
            return False
        if not all(r[k] is None or isinstance(r[k], str) for k in ("chosen", "rejected")):
            return False
    hits = sum(_starts_hh(r["chosen"]) and _starts_hh(r["rejected"]) for r in rows)
    # a stray broken row must not hide the format; it is dropped in adapt
    return hits >= max(1, 0.9 * len(rows))


def _text(row: dict[str, Any], key: str) -> str | Drop:
    value = row.get(key)
    if value is None:
        return Drop(f"missing_{key}", f"no '{key}' value")
    if not isinstance(value, str):
        return Drop(f"bad_type_{key}", f"'{key}' is {type(value).__name__}, not a string")
    if not value.strip():
        return Drop(f"empty_{key}", f"'{key}' is empty")
    if not _starts_hh(value):
        return Drop("not_hh_dialogue", f"'{key}' does not start with 'Human:'")
    return HUMAN + value[len("Human:") :] if value.startswith("Human:") else value


def _turns(dialogue: str) -> list[tuple[str, str]]:
    """[(role, content)] of a text that starts with a turn marker."""
    parts = _TURN.split(dialogue)
    return [(_ROLES[parts[i]], parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]


def split(chosen: str, rejected: str) -> tuple[str, str, str] | Drop:
    """(prompt, chosen response, rejected response) of two normalised HH dialogues."""
    if chosen == rejected:
        return Drop("identical_responses", "chosen and rejected are the same text")
    shared = os.path.commonprefix([chosen, rejected])
    cut = shared.rfind(ASSISTANT)
    if cut < 0:
        return Drop("no_shared_prompt", "the dialogues differ before the first Assistant turn")
    prompt = chosen[: cut + len(ASSISTANT)]
    tail_c, tail_r = chosen[len(prompt) :], rejected[len(prompt) :]
    more_c, more_r = _TURN.search(tail_c), _TURN.search(tail_r)
    if more_c and more_r:
        return Drop("diverged_before_final_turn", "the dialogues differ before the final turn")
    if more_c or more_r:
        which = "chosen" if more_c else "rejected"
        return Drop("multi_turn_response", f"the {which} response contains further turns")
    resp_c, resp_r = tail_c.strip(), tail_r.strip()
    if not resp_c or not resp_r:
        which = "chosen" if not resp_c else "rejected"
        return Drop("empty_response", f"the {which} final turn is empty")
    turns = _turns(prompt)
    roles = [role for role, _ in turns]
    expected = ["user", "assistant"] * (len(roles) // 2)
    if roles != expected:
        return Drop("non_alternating_turns", "the dialogue does not alternate Human/Assistant")
    if any(not content for _, content in turns[:-1]):
        return Drop("empty_turn", "a turn of the shared dialogue is empty")
    return prompt, resp_c, resp_r


def adapt(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    chosen = _text(row, "chosen")
    if isinstance(chosen, Drop):
        return chosen
    rejected = _text(row, "rejected")
    if isinstance(rejected, Drop):
        return rejected
    parts = split(chosen, rejected)
    if isinstance(parts, Drop):
        return parts
    prompt, resp_c, resp_r = parts
    if ctx.as_messages:
        # the last turn is the empty "Assistant:" that the responses complete
        prompt_out: Any = [{"role": r, "content": c} for r, c in _turns(prompt)[:-1]]
        chosen_out: Any = [{"role": "assistant", "content": resp_c}]
        rejected_out: Any = [{"role": "assistant", "content": resp_r}]
    else:
        original = row["chosen"]
        prompt_out = prompt if original.startswith(HUMAN) else prompt[2:]
        chosen_out, rejected_out = resp_c, resp_r
    meta = {k: v for k, v in row.items() if k not in _KNOWN and v is not None}
    return [
        PreferencePair(
            prompt=prompt_out,
            chosen=chosen_out,
            rejected=rejected_out,
            id=None if row.get("id") is None else str(row["id"]),
            source=ctx.source,
            # factuality flags beside the dialogues (h_chosen/h_rejected, or AIXpert's h_w/h_l)
            **factuality_flags(row),
            metadata=meta or None,
        )
    ]


HH_RLHF = Format(
    name="hh-rlhf",
    description="Anthropic HH-RLHF dialogues: chosen/rejected transcripts sharing a prefix",
    kind="preference",
    detect=detect,
    adapt=adapt,
    priority=10,
)
