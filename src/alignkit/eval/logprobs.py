"""Sequence log-probabilities of responses given their prompt, tokenized as DPO trained on them.

TRL 1.16's DPOTrainer tokenizes a pair as: plain text -> `tokenizer(prompt)` and
`tokenizer(prompt + response + eos)`; chat messages -> the chat template of the prompt with the
generation prompt, and of prompt + response. The response starts where the prompt's tokens and
the full sequence's tokens first differ (the smaller point of chosen and rejected), the whole
sequence is then cut to max_length (`keep_start` for truncation=right, `keep_end` for left), and
log π(y|x) sums the log-probabilities of the response tokens that remain. Doing the same here
makes the implicit rewards those that the training loss saw."""

from __future__ import annotations

from typing import Any

import numpy as np


def _ids(tokenizer, text: Any, **kwargs) -> list[int]:
    if isinstance(text, list):
        out = tokenizer.apply_chat_template(text, tokenize=True, return_dict=True, **kwargs)
    else:
        out = tokenizer(text=text)
    return list(out["input_ids"])


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def pair_tokens(tokenizer, prompt: Any, chosen: Any, rejected: Any):
    """(prompt_ids, chosen_ids, rejected_ids) exactly as TRL's DPO tokenization gives them."""
    if isinstance(prompt, list):
        prompt_ids = _ids(tokenizer, prompt, add_generation_prompt=True)
        full = [_ids(tokenizer, prompt + _messages(r)) for r in (chosen, rejected)]
    else:
        eos = tokenizer.eos_token or ""
        texts = [r if r.endswith(eos) else r + eos for r in (chosen, rejected)]
        prompt_ids = _ids(tokenizer, prompt)
        full = [_ids(tokenizer, prompt + t) for t in texts]
    cut = min(_common_prefix(prompt_ids, f) for f in full)
    return prompt_ids[:cut], full[0][cut:], full[1][cut:]


def _messages(response: Any) -> list[dict]:
    if isinstance(response, list):
        return response
    return [{"role": "assistant", "content": str(response)}]


def sequence(prompt_ids, response_ids, max_length: int, truncation: str):
    """(ids, response mask) of prompt + response, cut to max_length like TRL's collator."""
    ids = prompt_ids + response_ids
    mask = [0] * len(prompt_ids) + [1] * len(response_ids)
    if len(ids) > max_length:
        cut = slice(None, max_length) if truncation == "right" else slice(-max_length, None)
        ids, mask = ids[cut], mask[cut]
    return ids, mask


def sequence_logps(model, sequences, pad_id: int, batch_size: int = 8) -> np.ndarray:
    """Σ log p(token) over the masked tokens of each (ids, mask), in the order given; computed in
    right-padded batches of sequences of similar length (less padding)."""
    import torch

    from alignkit.models.generate import length_batches

    device = next(model.parameters()).device
    out = np.zeros(len(sequences))
    with torch.no_grad():
        for rows in length_batches([len(ids) for ids, _ in sequences], batch_size):
            batch = [sequences[i] for i in rows]
            width = max(len(ids) for ids, _ in batch)
            ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
            attention = torch.zeros((len(batch), width), dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.float32)
            for i, (s, m) in enumerate(batch):
                ids[i, : len(s)] = torch.tensor(s)
                attention[i, : len(s)] = 1
                mask[i, : len(m)] = torch.tensor(m, dtype=torch.float32)
            ids, attention, mask = ids.to(device), attention.to(device), mask.to(device)
            logits = model(input_ids=ids, attention_mask=attention).logits[:, :-1].float()
            targets = ids[:, 1:].unsqueeze(-1)
            # gather minus logsumexp: one vocab-sized tensor fewer than log_softmax
            token = logits.gather(-1, targets).squeeze(-1) - logits.logsumexp(-1)
            out[rows] = (token * mask[:, 1:]).sum(-1).double().cpu().numpy()
    return out
