"""Validation rules -> one drop reason per row (null when the row passes). Never prints.

Rules run in order and the first that fails names the reason, so each dropped row has exactly
one reason in the report:
  missing_<col> / empty_<col>     null, or only whitespace
  prompt_too_short / _too_long    outside --min-prompt-toks / --max-prompt-toks
  response_too_long               a response over --max-response-toks (when set)
  identical_responses             chosen == rejected (preference data only)
Lengths are tokens of `--tokenizer` when one is given, else approximated from characters
(ceil(chars / 4), the usual rule of thumb for English BPE vocabularies).
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson
import polars as pl

from alignkit.data.canonical import Canonical
from alignkit.messages import as_text

CHARS_PER_TOKEN = 4


@dataclass(frozen=True)
class Rules:
    min_prompt_toks: int = 3
    max_prompt_toks: int = 2048
    max_response_toks: int | None = None
    tokenizer: str | None = None


def _texts(canonical: Canonical, column: str) -> list[str]:
    values = canonical.frame[column].to_list()
    if canonical.conversational:
        return ["" if v is None else as_text(orjson.loads(v)) for v in values]
    return ["" if v is None else v for v in values]


def _token_lengths(canonical: Canonical, tokenizer_path: str) -> dict[str, pl.Series]:
    from alignkit.data.tokens import load_tokenizer

    tokenizer = load_tokenizer(tokenizer_path)
    out = {}
    for c in canonical.text_columns:
        ids = tokenizer(_texts(canonical, c), add_special_tokens=False)["input_ids"]
        out[c] = pl.Series([len(x) for x in ids], dtype=pl.Int64)
    return out


def measure(canonical: Canonical, rules: Rules) -> pl.DataFrame:
    """Add `_len_<col>` (content characters) and `_tok_<col>` (tokens) for every text column."""
    frame = canonical.frame
    if not canonical.conversational:
        frame = frame.with_columns(
            pl.col(c).str.strip_chars().str.len_chars().cast(pl.Int64).alias(f"_len_{c}")
            for c in canonical.text_columns
        )
    if rules.tokenizer:
        tokens = _token_lengths(canonical, rules.tokenizer)
        return frame.with_columns(s.alias(f"_tok_{c}") for c, s in tokens.items())
    return frame.with_columns(
        ((pl.col(f"_len_{c}") + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN).alias(f"_tok_{c}")
        for c in canonical.text_columns
    )


def reasons(canonical: Canonical, rules: Rules) -> pl.Expr:
    """An expression giving each row's first failing rule, or null."""
    checks: list[tuple[pl.Expr, str]] = []
    for c in canonical.text_columns:
        checks.append((pl.col(c).is_null(), f"missing_{c}"))
        checks.append((pl.col(f"_len_{c}") == 0, f"empty_{c}"))
    checks.append((pl.col("_tok_prompt") < rules.min_prompt_toks, "prompt_too_short"))
    checks.append((pl.col("_tok_prompt") > rules.max_prompt_toks, "prompt_too_long"))
    responses = [c for c in canonical.text_columns if c != "prompt"]
    if rules.max_response_toks is not None:
        too_long = pl.any_horizontal(
            pl.col(f"_tok_{c}") > rules.max_response_toks for c in responses
        )
        checks.append((too_long, "response_too_long"))
    if canonical.kind == "preference":
        same = pl.col("chosen").str.strip_chars() == pl.col("rejected").str.strip_chars()
        checks.append((same, "identical_responses"))
    expr = pl.lit(None, dtype=pl.String)
    for condition, reason in reversed(checks):
        expr = pl.when(condition.fill_null(False)).then(pl.lit(reason)).otherwise(expr)
    return expr
