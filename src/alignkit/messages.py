"""Chat messages as plain text, in one place below every layer: the ingest's checks count their
words, an encoder reward model reads them as one text, the judges' rules and the report show
them. A value is a text (returned as it is) or a list of {role, content} messages."""

from __future__ import annotations

from typing import Any


def content(message: Any) -> str:
    """A message's text: its content, the text parts of a multimodal one, or "" for none."""
    if not isinstance(message, dict):
        return "" if message is None else str(message)
    value = message.get("content")
    if isinstance(value, list):  # multimodal parts: keep the text ones
        texts = [p.get("text") for p in value if isinstance(p, dict)]
        value = " ".join(t for t in texts if isinstance(t, str))
    return value if isinstance(value, str) else ""


def as_text(value: Any, *, roles: bool = False, sep: str = "\n", last_user: bool = False) -> str:
    """`value` as one text: each message's content (as "role: content" with `roles`) joined by
    `sep`; with `last_user`, only the last user message (else the last message) counts."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return str(value)
    if last_user and value:
        users = [m for m in value if isinstance(m, dict) and m.get("role") == "user"]
        value = [(users or value)[-1]]
    if roles:
        parts = [
            f"{m.get('role', '?')}: {content(m)}" if isinstance(m, dict) else content(m)
            for m in value
        ]
    else:
        parts = [content(m) for m in value]
    return sep.join(parts)
