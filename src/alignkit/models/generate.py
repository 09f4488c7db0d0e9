"""Batched sampling from a causal LM for held-out prompts.

Prompts are tokenized once, sorted by length and cut into batches of neighbours, so a batch
pads little: on HH-RLHF's harmless prompts (15 to 727 SmolLM2 tokens, mean 121) a batch of 8
in arbitrary order pads to its longest prompt and spends most of its prefill on padding. Each
batch is left-padded (the new tokens of every row then start at the same position) and decoded
by `model.generate` with its KV cache; it stops when every row has ended (EOS or a stop
string). The answers come back in the order of `prompts`.

A chat prompt goes through the tokenizer's chat template with the generation prompt; a
plain-text prompt is used as it is, since that is how DPO trained on it.

Sampling draws from one random stream per prompt, seeded by (seed, the prompt's index), not
one per batch: two models given the same prompts and seed draw the same uniforms for the same
prompt whatever the batches hold (common random numbers, which narrows the win-rate's noise),
and the answer to a prompt does not depend on the batch size, the sort or the other prompts.
A token is drawn by inverting the CDF of the temperature- and nucleus-warped distribution at
the stream's uniform, so where two models' distributions agree they draw the same token."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

STREAM_KEY = 0x5EED  # mixed into the streams' seeds, so that they are not torch's own seed + i


def prompt_ids(tokenizer, prompt: Any, max_prompt_tokens: int) -> list[int]:
    if isinstance(prompt, list):
        out = tokenizer.apply_chat_template(
            prompt, tokenize=True, add_generation_prompt=True, return_dict=True
        )
        ids = list(out["input_ids"])
    else:
        ids = list(tokenizer(text=prompt)["input_ids"])
    return ids[-max_prompt_tokens:]  # a long prompt keeps its end, nearest the answer


def left_padded(batch: list[list[int]], pad: int):
    """Token id rows as one left-padded (ids, attention_mask) pair of tensors: the new tokens of
    every row then start at the same position."""
    import torch

    width = max(len(ids) for ids in batch)
    ids = torch.full((len(batch), width), pad, dtype=torch.long)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    for i, row in enumerate(batch):
        ids[i, width - len(row) :] = torch.tensor(row)
        attention[i, width - len(row) :] = 1
    return ids, attention


def length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices into `lengths`, sorted by length (ties by index) and cut into batches."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def stream_uniforms(seed: int, indices: Sequence[int], steps: int):
    """(len(indices), steps) float64 uniforms in [0, 1): row r is the stream of prompt
    indices[r] under `seed`, the same in any batch."""
    import numpy as np
    import torch

    rows = [
        np.random.default_rng([STREAM_KEY, seed, int(i)]).random(steps) for i in indices
    ]  # numpy's SeedSequence mixes the three words; seed + i would reuse streams across seeds
    return torch.from_numpy(np.stack(rows)) if rows else torch.zeros((0, steps))


class StreamSampler:
    """A logits processor that samples under greedy decoding: at step t it replaces row r's
    scores by 0 at the token that inverts the warped distribution's CDF at uniforms[r, t] and
    -inf elsewhere, so `generate`'s argmax picks that token. Temperature, then nucleus (top_p),
    top_k off: the distribution of `do_sample=True` with the same settings."""

    def __init__(self, uniforms, prompt_width: int, temperature: float, top_p: float):
        self.uniforms = uniforms
        self.prompt_width = prompt_width
        self.temperature = temperature
        self.top_p = top_p

    def __call__(self, input_ids, scores):
        import torch

        step = input_ids.shape[1] - self.prompt_width
        probs = torch.softmax(scores.float() / self.temperature, dim=-1)
        if self.top_p < 1:
            # keep the smallest set of most likely tokens whose mass reaches top_p (HF's rule:
            # drop a token when the mass of the tokens below it, sorted ascending, is <= 1-top_p)
            sorted_p, sorted_i = torch.sort(probs, descending=False, dim=-1)
            drop = sorted_p.cumsum(-1) <= 1 - self.top_p
            drop[:, -1] = False  # the most likely token always stays
            probs = probs.scatter(1, sorted_i, sorted_p.masked_fill(drop, 0.0))
        cdf = probs.double().cumsum(-1)
        total = cdf[:, -1:]
        # the first token whose CDF passes u * total; kept below total, so that a rounding of
        # u * total up to total cannot run past the last token with any mass
        below = torch.nextafter(total, torch.zeros_like(total))
        target = torch.minimum(self.uniforms[:, step : step + 1] * total, below)
        token = torch.searchsorted(cdf, target, right=True)
        out = torch.full_like(scores, float("-inf"))
        return out.scatter_(1, token, 0.0)


def _cut(text: str, stop: Sequence[str]) -> str:
    ends = [text.find(s) for s in stop if s and s in text]
    return text[: min(ends)] if ends else text


def generate(
    model,
    tokenizer,
    prompts: list[Any],
    *,
    max_new_tokens: int,
    temperature: float,
    top_p: float,
    seed: int,
    batch_size: int,
    max_prompt_tokens: int,
    stop: Sequence[str] = (),
    indices: Sequence[int] | None = None,
) -> list[str]:
    """One response per prompt, in the order of `prompts` (the new tokens only, special tokens
    removed, cut before the first stop string). temperature 0 is greedy decoding; otherwise
    temperature + nucleus sampling (top_k off) from the prompts' own streams (module doc).
    `indices`: each prompt's stream index (default its position in `prompts`), so that a part
    of a longer list, answered on its own, draws the streams it would draw in the whole."""
    import torch
    from transformers import GenerationConfig, LogitsProcessorList

    device = next(model.parameters()).device
    pad = tokenizer.pad_token_id
    eos = (
        model.generation_config.eos_token_id
        if model.generation_config is not None and model.generation_config.eos_token_id is not None
        else tokenizer.eos_token_id
    )
    # greedy for both: sampling is the StreamSampler's argmax, so that no warper from the
    # model's own generation_config (temperature, top_k) is mixed in
    config = GenerationConfig(
        max_new_tokens=max_new_tokens,
        do_sample=False,
        pad_token_id=pad,
        eos_token_id=eos,
        stop_strings=list(stop) or None,
    )
    ids_all = [prompt_ids(tokenizer, p, max_prompt_tokens) for p in prompts]
    if indices is not None and len(indices) != len(prompts):
        raise ValueError("indices: one stream index per prompt")
    responses: list[str] = [""] * len(prompts)
    for rows in length_batches([len(ids) for ids in ids_all], batch_size):
        ids, attention = left_padded([ids_all[i] for i in rows], pad)
        width = ids.shape[1]
        extra: dict[str, Any] = {"tokenizer": tokenizer} if stop else {}
        if temperature > 0:
            streams = rows if indices is None else [indices[i] for i in rows]
            uniforms = stream_uniforms(seed, streams, max_new_tokens).to(device)
            sampler = StreamSampler(uniforms, width, temperature, top_p)
            extra["logits_processor"] = LogitsProcessorList([sampler])
        with torch.no_grad():
            out = model.generate(
                input_ids=ids.to(device),
                attention_mask=attention.to(device),
                generation_config=config,
                **extra,
            )
        for i, row in zip(rows, out[:, width:].tolist(), strict=True):
            text = tokenizer.decode(row, skip_special_tokens=True)
            responses[i] = _cut(text, stop).strip()
    return responses
