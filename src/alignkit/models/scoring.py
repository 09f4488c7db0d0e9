"""Scoring pairs with a reward model, and the pairwise metrics of its scores."""

from __future__ import annotations

import numpy as np


def score_ids(model, sequences: list[list[int]], pad_id: int, batch_size: int = 32) -> np.ndarray:
    """One scalar score per token sequence (right-padded batches, eval mode, no grad)."""
    import torch

    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    scores = []
    with torch.no_grad():
        for start in range(0, len(sequences), batch_size):
            batch = sequences[start : start + batch_size]
            width = max(len(s) for s in batch)
            ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for i, s in enumerate(batch):
                ids[i, : len(s)] = torch.tensor(s)
                mask[i, : len(s)] = 1
            out = model(input_ids=ids.to(device), attention_mask=mask.to(device))
            scores.append(out.logits[:, 0].float().cpu().numpy())
    model.train(was_training)
    return np.concatenate(scores) if scores else np.zeros(0)


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, tied values sharing the mean of their ranks."""
    order = np.argsort(values, kind="mergesort")
    _, first, counts = np.unique(values[order], return_index=True, return_counts=True)
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)
    return ranks


def auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """ROC AUC of chosen (positive) vs rejected (negative) scores: the probability that a random
    chosen response outscores a random rejected one, ties counting half (Mann-Whitney U)."""
    if len(positive) == 0 or len(negative) == 0:
        return float("nan")
    ranks = _average_ranks(np.concatenate([positive, negative]))
    u = ranks[: len(positive)].sum() - len(positive) * (len(positive) + 1) / 2
    return float(u / (len(positive) * len(negative)))


def pair_metrics(chosen: np.ndarray, rejected: np.ndarray) -> dict[str, float]:
    """Accuracy counts a tie as wrong; AUC pools all chosen against all rejected scores."""
    margin = chosen - rejected
    return {
        "accuracy": float((margin > 0).mean()) if len(margin) else float("nan"),
        "auc": auc(chosen, rejected),
        "mean_margin": float(margin.mean()) if len(margin) else float("nan"),
    }
