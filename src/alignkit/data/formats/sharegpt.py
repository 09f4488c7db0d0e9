"""ShareGPT / LLaMA-Factory chat datasets, preference and KTO.

Preference: `{conversations: [{from, value}], chosen: {from, value}, rejected: {from, value}}`,
optional `system`. KTO: `{messages: [{role, content}], label: bool}` (LLaMA-Factory's demo) or
`{conversations: [...], kto_tag: bool}`; the prompt is every message before the last assistant
message and the completion is that message. Messages may use either tag pair (from/value or
role/content) under either key (conversations or messages).

These formats are chat-native, so the prompt and the responses are always chat messages,
whatever `as_messages` says: a multi-turn prompt has no honest single-string form, and one
output shape for the whole file beats text for some rows and messages for others.

Roles: human/user -> user, gpt/assistant -> assistant, system -> system (only first, or from
the `system` field). Tool turns (function_call, observation) are dropped as `tool_turn`: TRL's
conversational form needs structured `tool_calls` that a ShareGPT string does not carry, and a
tool result without its call would train on half a transcript.
"""

from __future__ import annotations

from typing import Any

from alignkit.data.formats._util import (
    FLAG_COLUMNS,
    extra_metadata,
    factuality_flags,
    mostly,
    optional_bool,
    optional_id,
)
from alignkit.data.formats.base import AdaptContext, Adapted, Format
from alignkit.data.schema import Drop, Feedback, PreferencePair

Message = dict[str, str]

_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant"}
_ROLES["system"] = "system"
_TOOL_ROLES = {"function_call", "observation", "tool", "function", "tool_call"}
_CONV_KEYS = ("conversations", "messages")
_LABEL_KEYS = ("label", "kto_tag")
_PAIR_KNOWN = {"conversations", "messages", "chosen", "rejected", "system", "id", *FLAG_COLUMNS}
_KTO_KNOWN = {"conversations", "messages", "label", "kto_tag", "system", "id"}


def _is_raw_message(value: Any) -> bool:
    return isinstance(value, dict) and (
        {"from", "value"} <= value.keys() or {"role", "content"} <= value.keys()
    )


def _conv_key(row: dict[str, Any]) -> str | None:
    return next((k for k in _CONV_KEYS if k in row), None)


def _is_conversation(value: Any) -> bool:
    return isinstance(value, list) and len(value) > 0 and all(_is_raw_message(m) for m in value)


def _message(raw: Any) -> Message | Drop:
    if not _is_raw_message(raw):
        return Drop("bad_message", f"message {str(raw)[:80]!r} has no from/value or role/content")
    role, content = (raw["from"], raw["value"]) if "from" in raw else (raw["role"], raw["content"])
    if role in _TOOL_ROLES:
        return Drop("tool_turn", f"a '{role}' turn; tool-call transcripts are not supported")
    if role not in _ROLES:
        return Drop("unknown_role", f"role {role!r}")
    if not isinstance(content, str):
        return Drop("bad_message", f"a {role} message's content is {type(content).__name__}")
    if not content.strip():
        return Drop("empty_message", f"a {role} message is empty")
    return {"role": _ROLES[role], "content": content}


def _conversation(row: dict[str, Any]) -> list[Message] | Drop:
    """The row's messages, with the `system` field first, checked to alternate user/assistant
    after an optional leading system message."""
    key = _conv_key(row)
    raw = row.get(key) if key else None
    if not isinstance(raw, list) or not raw:
        return Drop("missing_conversations", "no conversations/messages list")
    messages: list[Message] = []
    system = row.get("system")
    if isinstance(system, str) and system.strip():
        messages.append({"role": "system", "content": system})
    for item in raw:
        message = _message(item)
        if isinstance(message, Drop):
            return message
        if message["role"] == "system" and messages and messages[0]["role"] == "system":
            if len(messages) == 1 and message["content"] == messages[0]["content"]:
                continue  # the system field repeated as the first message
        messages.append(message)
    start = 1 if messages[0]["role"] == "system" else 0
    roles = [m["role"] for m in messages[start:]]
    if roles != [("user", "assistant")[i % 2] for i in range(len(roles))]:
        return Drop("non_alternating_turns", f"roles {roles} do not alternate user/assistant")
    return messages


def detect_preference(rows: list[dict[str, Any]], ctx: AdaptContext) -> bool:
    return mostly(
        rows,
        lambda r: (
            "prompt" not in r
            and _is_conversation(r.get(_conv_key(r) or ""))
            and _is_raw_message(r.get("chosen"))
            and _is_raw_message(r.get("rejected"))
        ),
    )


def _response(row: dict[str, Any], key: str) -> list[Message] | Drop:
    value = row.get(key)
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if value is None:
        return Drop(f"missing_{key}", f"no '{key}' message")
    message = _message(value)
    if isinstance(message, Drop):
        return Drop(f"bad_{key}", f"'{key}': {message.detail}")
    if message["role"] != "assistant":
        return Drop(f"bad_{key}", f"'{key}' is a {message['role']} message, not assistant")
    return [message]


def adapt_preference(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    prompt = _conversation(row)
    if isinstance(prompt, Drop):
        return prompt
    if prompt[-1]["role"] != "user":
        return Drop("last_turn_not_user", "the conversation must end with the user turn")
    chosen = _response(row, "chosen")
    if isinstance(chosen, Drop):
        return chosen
    rejected = _response(row, "rejected")
    if isinstance(rejected, Drop):
        return rejected
    return [
        PreferencePair(
            prompt=prompt,
            chosen=chosen,
            rejected=rejected,
            id=optional_id(row),
            source=ctx.source,
            **factuality_flags(row),
            metadata=extra_metadata(row, _PAIR_KNOWN),
        )
    ]


def _label_key(row: dict[str, Any]) -> str | None:
    return next((k for k in _LABEL_KEYS if k in row), None)


def detect_kto(rows: list[dict[str, Any]], ctx: AdaptContext) -> bool:
    return mostly(
        rows,
        lambda r: (
            "completion" not in r
            and "chosen" not in r
            and _label_key(r) is not None
            and _is_conversation(r.get(_conv_key(r) or ""))
        ),
    )


def adapt_kto(row: dict[str, Any], ctx: AdaptContext) -> Adapted:
    key = _label_key(row)
    label = optional_bool(row.get(key)) if key else None
    if label is None:
        return Drop("bad_label", f"label {row.get(key) if key else None!r} is not a boolean")
    messages = _conversation(row)
    if isinstance(messages, Drop):
        return messages
    if messages[-1]["role"] != "assistant":
        return Drop("last_turn_not_assistant", "no assistant completion at the end")
    return [
        Feedback(
            prompt=messages[:-1],
            completion=messages[-1:],
            label=label,
            id=optional_id(row),
            source=ctx.source,
            metadata=extra_metadata(row, _KTO_KNOWN),
        )
    ]


SHAREGPT = Format(
    name="sharegpt",
    description="ShareGPT / LLaMA-Factory preference: conversations + chosen/rejected messages",
    kind="preference",
    detect=detect_preference,
    adapt=adapt_preference,
    priority=20,
)
SHAREGPT_KTO = Format(
    name="sharegpt-kto",
    description="ShareGPT / LLaMA-Factory KTO: a conversation ending in a labelled answer",
    kind="unpaired",
    detect=detect_kto,
    adapt=adapt_kto,
    priority=20,
)
