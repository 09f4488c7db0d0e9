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
