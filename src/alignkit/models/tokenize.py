"""Tokenizing prompt+response sequences with alignkit's truncation rule.

TRL's trainers drop examples longer than `max_length`; alignkit truncates instead, so no
training pair is silently lost: `right` keeps the start, `left` keeps the end (the response,
when a prompt is long). Encoders (BERT-style reward backbones) get prompt and response as a
text pair; causal models get the chat template for conversational data, else plain text plus
the EOS token.
"""

from __future__ import annotations

from typing import Any, Literal

from alignkit.messages import as_text

# Encoder-only model types: a reward model on one reads prompt and response as a text pair
# through its [CLS]-like pooler, and none of them can be a policy (transformers would still
# build some of them as a decoder-less "causal LM")
ENCODER_TYPES = frozenset(
    {"albert", "bert", "camembert", "deberta", "deberta-v2", "distilbert", "electra"}
    | {"modernbert", "mpnet", "roberta", "xlm-roberta"}
)


def is_encoder(model: Any) -> bool:
    """Whether a loaded model is one of ENCODER_TYPES (by its config's model_type)."""
    return getattr(getattr(model, "config", None), "model_type", "") in ENCODER_TYPES


def _as_list(ids: Any) -> list[int]:
    if hasattr(ids, "keys"):  # BatchEncoding from apply_chat_template
        ids = ids["input_ids"]
    return list(ids)


def sequence_ids(tokenizer, prompt: Any, response: Any, encoder: bool) -> list[int]:
    if isinstance(prompt, list):  # chat messages
        messages = prompt + (response if isinstance(response, list) else [response])
        if encoder or not getattr(tokenizer, "chat_template", None):
            return _as_list(tokenizer(as_text(messages, roles=True))["input_ids"])
        return _as_list(tokenizer.apply_chat_template(messages, tokenize=True))
    if encoder:
        return _as_list(tokenizer(prompt, response)["input_ids"])
    ids = _as_list(tokenizer(prompt + response)["input_ids"])
    eos = tokenizer.eos_token_id
    return ids + [eos] if eos is not None and (not ids or ids[-1] != eos) else ids


def positions(model: Any, tokenizer: Any = None) -> int | None:
    """The longest sequence the model can read: its config's position table
    (`max_position_embeddings`, GPT-2's `n_positions`), and the tokenizer's `model_max_length`
    when that is a real number (RoBERTa-style tables hold 2 more rows than usable positions,
    which only the tokenizer says). None when neither names a limit."""
    config = getattr(model, "config", None)
    limits = [getattr(config, key, None) for key in ("max_position_embeddings", "n_positions")]
    if tokenizer is not None:
        limits.append(getattr(tokenizer, "model_max_length", None))
    usable = [n for n in limits if isinstance(n, int) and 0 < n < 1_000_000]  # 1e30: "no limit"
    return min(usable) if usable else None


def fit_length(
    requested: int,
    model: Any,
    tokenizer: Any = None,
    *,
    name: str | None = None,
    flag: str = "--max-length",
    reserve: int = 0,
) -> int:
    """`requested` tokens, capped so that it plus `reserve` (the tokens generated after a
    prompt) fits the model's positions, with one line saying so: past them a BERT-style model
    fails deep in its embeddings ("the expanded size of the tensor (517) must match ... (512)")
    and a rotary one reads positions it never saw."""
    from alignkit.data.load import note
    from alignkit.errors import AlignkitError

    limit = positions(model, tokenizer)
    if limit is None or requested + reserve <= limit:
        return requested
    fitted = limit - reserve
    name = name or getattr(getattr(model, "config", None), "name_or_path", "") or "the model"
    if fitted < 8:
        raise AlignkitError(
            f"{name} reads {limit} positions: {reserve} new tokens leave no room for a prompt"
        )
    note(f"{flag} {requested} is past {name}'s {limit} positions: using {fitted}")
    return fitted


def truncate(ids: list[int], max_length: int, side: Literal["right", "left"], encoder: bool):
    if len(ids) <= max_length:
        return ids, False
    if side == "right":
        return ids[:max_length], True
    if encoder:  # keep the leading [CLS]-like token the pooler reads
        return ids[:1] + ids[len(ids) - max_length + 1 :], True
    return ids[len(ids) - max_length :], True


def tokenize_pairs(dataset, tokenizer, max_length: int, side: str, encoder: bool):
    """Adds `chosen_ids` / `rejected_ids` (and keeps `margin`), the columns TRL's
    RewardTrainer treats as already processed; returns (dataset, truncated sequence count)."""

    def encode(example):
        out = {}
        truncated = 0
        for key in ("chosen", "rejected"):
            ids = sequence_ids(tokenizer, example["prompt"], example[key], encoder)
            out[f"{key}_ids"], cut = truncate(ids, max_length, side, encoder)
            truncated += cut
        out["_truncated"] = truncated
        return out

    keep = {"margin"} & set(dataset.column_names)
    drop = [c for c in dataset.column_names if c not in keep]
    encoded = dataset.map(encode, remove_columns=drop, desc="tokenizing")
    truncated = int(sum(encoded["_truncated"]))
    return encoded.remove_columns("_truncated"), truncated
