"""The evaluation math as pure functions over numbers: calibration of a reward model's pairwise
probabilities, score histograms, and the win-rate of a policy with its confidence interval.

AUC and pairwise accuracy live in `alignkit.models.scoring` (training logs them too)."""

from __future__ import annotations

import math

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    # the two-branch form never overflows exp() for large |x|
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def ece(probs: np.ndarray, labels: np.ndarray, n_bins: int = 10) -> float:
    """Expected calibration error (Guo et al. 2017, eq. 3) with `n_bins` equal-width bins on
    [0, 1]: sum over bins of |bin|/N * |mean label - mean probability|. A probability of
    exactly 1 falls in the last bin."""
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.float64)
    if len(probs) == 0:
        return float("nan")
    index = np.minimum((probs * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        members = index == b
        if members.any():
            gap = abs(labels[members].mean() - probs[members].mean())
            total += members.sum() / len(probs) * gap
    return float(total)


def pairwise_ece(margins: np.ndarray, n_bins: int = 10) -> float:
    """ECE of p = σ(r_chosen - r_rejected) as the probability that the chosen response wins.

    Every label is 1 when pairs are always listed chosen-first, so the plain ECE would only
    measure how far p is from 1. As is usual for pairwise reward models, each pair is counted
    in both orders: (p, label 1) and (1 - p, label 0). The result is symmetric in the order of
    the pair, 0 for a model whose stated confidence matches how often it is right, and in [0, 1].
    """
    p = sigmoid(np.asarray(margins, dtype=np.float64))
    probs = np.concatenate([p, 1.0 - p])
    labels = np.concatenate([np.ones_like(p), np.zeros_like(p)])
    return ece(probs, labels, n_bins)


def summary(values: np.ndarray) -> dict[str, float]:
    """Mean, standard deviation, min and max (NaN for no values)."""
    values = np.asarray(values, dtype=np.float64)
    if not len(values):
        return dict.fromkeys(("mean", "std", "min", "max"), float("nan"))
    return {
        "mean": float(values.mean()),
        "std": float(values.std()),
        "min": float(values.min()),
        "max": float(values.max()),
    }


def histogram(groups: dict[str, np.ndarray], bins: int = 20) -> dict[str, list]:
    """Counts of each group over one set of `bins` equal-width edges spanning all the groups, so
    the histograms can be drawn on one axis: {"edges": [bins + 1 floats], name: [bins ints]}."""
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in groups.items()}
    pooled = np.concatenate(list(arrays.values())) if arrays else np.zeros(0)
    edges = np.histogram_bin_edges(pooled, bins=bins)
    out: dict[str, list] = {"edges": [float(e) for e in edges]}
    for name, values in arrays.items():
        out[name] = [int(c) for c in np.histogram(values, bins=edges)[0]]
    return out


def win_rate(wins: int, ties: int, losses: int) -> float:
    """The policy's win-rate against the reference, a tie counting as half a win."""
    n = wins + ties + losses
    return (wins + 0.5 * ties) / n if n else float("nan")


def wilson(p: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval (Wilson 1927) for a proportion `p` observed over `n` trials; z=1.96
    is 95%. Unlike p ± z·sqrt(p(1-p)/n) it stays inside [0, 1] and is not empty at p = 0 or 1.
    A win-rate with ties as half is used as `p` directly, with n the number of judged prompts."""
    if n <= 0:
        return (float("nan"), float("nan"))
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def implicit_reward_metrics(
    policy_chosen: np.ndarray,
    policy_rejected: np.ndarray,
    ref_chosen: np.ndarray,
    ref_rejected: np.ndarray,
    beta: float,
) -> dict[str, float]:
    """DPO's implicit reward r(x, y) = β (log π(y|x) - log π_ref(y|x)) (Rafailov et al. 2023,
    eq. 5) on held-out pairs, from the summed log-probabilities of each response.

    `accuracy` is the share of pairs with r_chosen > r_rejected (a tie is wrong).
    `share_improved` is the share where the policy raised log p(chosen) - log p(rejected) above
    the reference's; r_c - r_r = β[(lp_c - lp_r) - (ref_c - ref_r)], so for β > 0 the two are the
    same number, both reported because both are asked for. The other shares tell them apart
    from the models' own preferences and from which side moved."""
    pc, pr = np.asarray(policy_chosen, np.float64), np.asarray(policy_rejected, np.float64)
    rc, rr = np.asarray(ref_chosen, np.float64), np.asarray(ref_rejected, np.float64)
    if not len(pc):
        return {"pairs": 0}
    reward_c, reward_r = beta * (pc - rc), beta * (pr - rr)
    return {
        "pairs": len(pc),
        "implicit_reward_accuracy": float((reward_c > reward_r).mean()),
        "share_improved": float(((pc - pr) - (rc - rr) > 0).mean()),
        "mean_reward_chosen": float(reward_c.mean()),
        "mean_reward_rejected": float(reward_r.mean()),
        "mean_reward_margin": float((reward_c - reward_r).mean()),
        "policy_prefers_chosen": float((pc > pr).mean()),
        "reference_prefers_chosen": float((rc > rr).mean()),
        "share_chosen_logp_up": float((pc > rc).mean()),
        "share_rejected_logp_down": float((pr < rr).mean()),
        "mean_logp_policy_chosen": float(pc.mean()),
        "mean_logp_policy_rejected": float(pr.mean()),
        "mean_logp_ref_chosen": float(rc.mean()),
        "mean_logp_ref_rejected": float(rr.mean()),
    }
