"""Preference and reward-model losses as pure tensor functions.

Every input is a 1-D float tensor of per-example *summed* log-probs (one entry per pair; IPO
wants length-averaged ones, see ``ipo_loss``) and
every loss is returned per example, unreduced, so the caller picks mean/sum/weighting. The
implicit rewards ``beta * (logp - ref_logp)`` are returned detached, for logging only.
Write z for the DPO logits (pi_c - pi_r) - (ref_c - ref_r).

No trainer calls these: every method trains with TRL's own loss (DPOTrainer, RewardTrainer,
KTOTrainer, ORPOTrainer), and Factual-DPO is TRL's sigmoid loss on a shifted reference
(dpo_trainer.py). They are the math written out, with paper and equation, tested by hand in
tests/train/test_losses.py, and against the TRL code that runs where a test says so (the reward
model's RewardTrainer.compute_loss and ORPO's odds_ratio_loss; not yet KTO's or DPO's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor


@dataclass(frozen=True)
class PreferenceLossOutput:
    losses: Tensor  # per example, not reduced
    chosen_rewards: Tensor  # beta * (policy_chosen - ref_chosen), detached
    rejected_rewards: Tensor  # beta * (policy_rejected - ref_rejected), detached


def dpo_logits(
    policy_chosen: Tensor, policy_rejected: Tensor, ref_chosen: Tensor, ref_rejected: Tensor
) -> Tensor:
    """z = (pi_c - pi_r) - (ref_c - ref_r): the argument of sigma in Rafailov et al. 2023, eq. 7."""
    return (policy_chosen - policy_rejected) - (ref_chosen - ref_rejected)


def _check_beta(beta: float) -> None:
    if not beta > 0:
        raise ValueError(f"beta must be > 0, got {beta}")


def _rewards(beta: float, policy: Tensor, ref: Tensor) -> Tensor:
    return (beta * (policy - ref)).detach()


def _output(
    losses: Tensor, beta: float, pc: Tensor, pr: Tensor, rc: Tensor, rr: Tensor
) -> PreferenceLossOutput:
    return PreferenceLossOutput(losses, _rewards(beta, pc, rc), _rewards(beta, pr, rr))


def _smoothed_logistic(logits: Tensor, label_smoothing: float) -> Tensor:
    # logsigmoid, not log(sigmoid(x)): the latter is -inf (and its gradient NaN) for x << 0.
    if not 0.0 <= label_smoothing < 0.5:
        raise ValueError(f"label_smoothing must lie in [0, 0.5), got {label_smoothing}")
    if label_smoothing == 0.0:
        # Exactly TRL's "sigmoid" expression, so eps=0 stays bit-identical to plain DPO.
        return -F.logsigmoid(logits)
    eps = label_smoothing
    return -(1.0 - eps) * F.logsigmoid(logits) - eps * F.logsigmoid(-logits)


def sigmoid_loss(
    policy_chosen: Tensor,
    policy_rejected: Tensor,
    ref_chosen: Tensor,
    ref_rejected: Tensor,
    beta: float,
    label_smoothing: float = 0.0,
) -> PreferenceLossOutput:
    """DPO: -log sigma(beta * z)  (Rafailov et al. 2023, arXiv:2305.18290, eq. 7).

    With label_smoothing eps > 0 this is conservative DPO (cDPO; Mitchell 2023, "A note on DPO
    with noisy preferences & relationship to IPO"): the label is flipped with probability eps,
    -(1 - eps) log sigma(beta z) - eps log sigma(-beta z). TRL 1.16's "sigmoid" ignores
    label_smoothing (it only feeds "robust"/"exo_pair"/"aot"), so parity holds only at eps = 0.
    """
    _check_beta(beta)
    z = dpo_logits(policy_chosen, policy_rejected, ref_chosen, ref_rejected)
    losses = _smoothed_logistic(beta * z, label_smoothing)
    return _output(losses, beta, policy_chosen, policy_rejected, ref_chosen, ref_rejected)


def hinge_loss(
    policy_chosen: Tensor,
    policy_rejected: Tensor,
    ref_chosen: Tensor,
    ref_rejected: Tensor,
    beta: float,
) -> PreferenceLossOutput:
    """Hinge / SLiC: relu(1 - beta * z).

    SLiC-HF's rank-calibration term (Zhao et al. 2023, arXiv:2305.10425, eq. 1) is
    max(0, delta - log P(y+|x) + log P(y-|x)). This is the reference-normalised form of RSO
    (Liu et al. 2023, arXiv:2309.06657) and TRL's "hinge": beta * max(0, 1/beta - z), i.e.
    SLiC's margin delta = 1/beta, scaled by beta.
    """
    _check_beta(beta)
    z = dpo_logits(policy_chosen, policy_rejected, ref_chosen, ref_rejected)
    losses = torch.relu(1.0 - beta * z)
    return _output(losses, beta, policy_chosen, policy_rejected, ref_chosen, ref_rejected)


def ipo_loss(
    policy_chosen: Tensor,
    policy_rejected: Tensor,
    ref_chosen: Tensor,
    ref_rejected: Tensor,
    beta: float,
) -> PreferenceLossOutput:
    """IPO: (z - 1/(2 beta))^2  (Azar et al. 2023, arXiv:2310.12036, eq. 17; beta is their tau).

    Pass **length-averaged** log-probs (sum over completion tokens / completion length) for IPO,
    not sums: TRL 1.16 divides each sequence's log-ratio by its completion-token count before
    this square (the authors confirmed the paper's results use that form), otherwise the target
    1/(2 beta) is compared with a quantity that grows with length. This function does not
    normalise; z is computed from whatever the caller passes.
    """
    _check_beta(beta)
    z = dpo_logits(policy_chosen, policy_rejected, ref_chosen, ref_rejected)
    losses = (z - 1.0 / (2.0 * beta)) ** 2
    return _output(losses, beta, policy_chosen, policy_rejected, ref_chosen, ref_rejected)


def orient_factual(h_chosen: Tensor, h_rejected: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """F-DPO label flipping: which pairs to swap so the chosen response is never less factual.

    h = 1 marks a factual error (hallucination), 0 a factual response. A pair with
    (h_chosen, h_rejected) = (1, 0) is swapped (chosen <-> rejected) rather than dropped, as in
    Chaduvula et al. 2026 (arXiv:2601.03027) and their AIXpert code. Returns
    ``(swap, h_chosen', h_rejected')``: a bool mask the trainer applies to the *data* (texts and
    their log-probs) and the oriented labels, after which h_rejected' - h_chosen' is in {0, 1}.
    """
    swap = (h_chosen > h_rejected).bool()
    return swap, torch.where(swap, h_rejected, h_chosen), torch.where(swap, h_chosen, h_rejected)


def factual_dpo_loss(
    policy_chosen: Tensor,
    policy_rejected: Tensor,
    ref_chosen: Tensor,
    ref_rejected: Tensor,
    beta: float,
    factual_lambda: float,
    h_chosen: Tensor,
    h_rejected: Tensor,
    label_smoothing: float = 0.0,
) -> PreferenceLossOutput:
    """F-DPO: -log sigma(beta * (z - lambda * dh)), dh = h_rejected - h_chosen.

    Chaduvula et al. 2026, "Reducing Hallucinations in LLMs via Factuality-Aware Preference
    Learning" (arXiv:2601.03027; code: VectorInstitute/Factual-Preference-Alignment, "AIXpert"),
    the factuality-aware margin m - lambda * dh inside beta (their README's form; the equation
    number was not checked against the PDF). Precondition: pairs are oriented with
    ``orient_factual``, so dh is in {0, 1}; dh < 0 raises, because the margin would then reward
    the hallucinated response. dh = 1 (chosen factual, rejected hallucinated) moves the sigmoid's
    midpoint from z = 0 to z = lambda, so such pairs keep a larger loss and gradient until the
    policy separates them by lambda more; dh = 0 is exactly ``sigmoid_loss`` (same ops). Note
    lambda sits inside beta: the issue's "beta z - lambda dh" is this with lambda' = beta lambda.
    label_smoothing applies cDPO to the shifted logits, as in ``sigmoid_loss``.
    """
    _check_beta(beta)
    if factual_lambda < 0:
        raise ValueError(f"factual_lambda must be >= 0, got {factual_lambda}")
    z = dpo_logits(policy_chosen, policy_rejected, ref_chosen, ref_rejected)
    delta_h = (h_rejected - h_chosen).to(z.dtype)
    if bool((delta_h < 0).any()):  # one host sync per step; cheap next to a forward pass
        raise ValueError(
            "h_rejected - h_chosen < 0 for some pairs: orient them with orient_factual"
        )
    losses = _smoothed_logistic(beta * (z - factual_lambda * delta_h), label_smoothing)
    return _output(losses, beta, policy_chosen, policy_rejected, ref_chosen, ref_rejected)


def reward_model_loss(
    chosen_scores: Tensor, rejected_scores: Tensor, margin: Tensor | float | None = None
) -> Tensor:
    """Bradley-Terry reward-model loss, -log sigma(r_c - r_r - m), per example.

    Ouyang et al. 2022 (InstructGPT, arXiv:2203.02155) eq. 1 / Stiennon et al. 2020 eq. 1; the
    optional margin m(r) is Llama 2's (Touvron et al. 2023, arXiv:2307.09288, eq. 2), larger for
    pairs rated more distinct. Same expression as TRL 1.16's RewardTrainer.
    """
    diff = chosen_scores - rejected_scores
    if margin is not None:
        diff = diff - margin
    return -F.logsigmoid(diff)


# Plain registry keyed by the config's loss name; reward_model_loss has a different signature.
LOSSES: dict[str, Callable[..., PreferenceLossOutput]] = {
    "sigmoid": sigmoid_loss,
    "hinge": hinge_loss,
    "ipo": ipo_loss,
    "factual": factual_dpo_loss,
}


def _log1mexp(x: Tensor) -> Tensor:
    """log(1 - exp(x)) for x < 0, stable on both sides of -ln 2 (Maechler 2012)."""
    return torch.where(
        x < -0.6931471805599453, torch.log1p(-torch.exp(x)), torch.log(-torch.expm1(x))
    )


def orpo_odds_ratio_loss(chosen_avg_logp: Tensor, rejected_avg_logp: Tensor, lam: float) -> Tensor:
    """ORPO's odds-ratio term, lambda * -log sigma(log odds(y_w|x) - log odds(y_l|x)), per example.

    Hong et al. 2024, "ORPO: Monolithic Preference Optimization without Reference Model"
    (arXiv:2403.07691), eqs. 4 and 7: odds(y|x) = P(y|x) / (1 - P(y|x)) with P the *length-
    averaged* token probability, so log odds = logp - log(1 - exp(logp)). The full objective
    (eq. 6) adds the chosen response's NLL; TRL's ORPOTrainer computes both (its `beta` is
    this lambda). Inputs must be < 0 (probabilities below 1).
    """
    c, r = chosen_avg_logp.float(), rejected_avg_logp.float()
    log_odds = (c - r) - (_log1mexp(c) - _log1mexp(r))
    return -lam * F.logsigmoid(log_odds)


def kto_loss(
    policy_logps: Tensor,
    ref_logps: Tensor,
    desirable: Tensor,
    kl: Tensor | float,
    beta: float,
    desirable_weight: float = 1.0,
    undesirable_weight: float = 1.0,
) -> Tensor:
    """KTO per example: lambda_y - v(x, y) (Ethayarajh et al. 2024, "KTO: Model Alignment as
    Prospect Theoretic Optimization", arXiv:2402.01306, eq. 7).

    r = log pi(y|x) - log pi_ref(y|x), z0 = the batch's KL(pi || pi_ref) estimate (detached,
    clamped at 0); v = lambda_D sigma(beta (r - z0)) for a desirable y, lambda_U sigma(beta
    (z0 - r)) for an undesirable one. So the loss is lambda_y (1 - sigma(...)), the form TRL's
    KTOTrainer computes.
    """
    _check_beta(beta)
    z0 = torch.as_tensor(kl, dtype=policy_logps.dtype).detach().clamp(min=0)
    r = policy_logps - ref_logps
    good = desirable.bool()
    value = torch.where(good, torch.sigmoid(beta * (r - z0)), torch.sigmoid(beta * (z0 - r)))
    weight = torch.where(good, desirable_weight, undesirable_weight).to(value.dtype)
    return weight * (1 - value)
