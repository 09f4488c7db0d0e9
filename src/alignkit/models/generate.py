"""Batched sampling from a causal LM for held-out prompts.

Prompts are left-padded (the new tokens of every row then start at the same position). A chat
prompt goes through the tokenizer's chat template with the generation prompt; a plain-text
prompt is used as it is, since that is how DPO trained on it. The torch seed is set to
`seed + batch index` before each batch, so two models given the same prompts, batch size and
seed draw from the same random stream: their samples differ because the models do, not
because of luck (common random numbers, which narrows the win-rate's noise)."""

from __future__ import annotations

from typing import Any


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
) -> list[str]:
    """One response per prompt (the new tokens only, special tokens removed). temperature 0
    is greedy decoding; otherwise plain temperature + nucleus sampling (top_k off)."""
    import torch
    from transformers import GenerationConfig

    device = next(model.parameters()).device
    pad = tokenizer.pad_token_id
    sampling = temperature > 0
    config = GenerationConfig(
        max_new_tokens=max_new_tokens,
        do_sample=sampling,
        temperature=temperature if sampling else None,
        top_p=top_p if sampling else None,
        top_k=0 if sampling else None,
        pad_token_id=pad,
        eos_token_id=model.generation_config.eos_token_id
        if model.generation_config is not None and model.generation_config.eos_token_id is not None
        else tokenizer.eos_token_id,
    )
    responses: list[str] = []
    for index, start in enumerate(range(0, len(prompts), batch_size)):
        batch = [
            prompt_ids(tokenizer, p, max_prompt_tokens) for p in prompts[start : start + batch_size]
        ]
        ids, attention = left_padded(batch, pad)
        width = ids.shape[1]
        torch.manual_seed(seed + index)
        with torch.no_grad():
            out = model.generate(
                input_ids=ids.to(device),
                attention_mask=attention.to(device),
                generation_config=config,
            )
        for row in out[:, width:].tolist():
            responses.append(tokenizer.decode(row, skip_special_tokens=True).strip())
    return responses
