"""Preference, reward-model and PPO losses as pure tensor functions.

In the preference losses every input is a 1-D float tensor of per-example *summed* log-probs
(one entry per pair; IPO wants length-averaged ones, see ``ipo_loss``) and every loss is
returned per example, unreduced, so the caller picks mean/sum/weighting. The
implicit rewards ``beta * (logp - ref_logp)`` are returned detached, for logging only.
Write z for the DPO logits (pi_c - pi_r) - (ref_c - ref_r).

No trainer calls these: every method trains with TRL's own loss (DPOTrainer, RewardTrainer,
KTOTrainer, ORPOTrainer), and Factual-DPO is TRL's sigmoid loss on a shifted reference
(dpo_trainer.py). They are the math written out, with paper and equation, tested by hand in
tests/train/test_losses.py, and against the TRL code that runs: RewardTrainer.compute_loss and
ORPO's odds_ratio_loss there; DPOTrainer._compute_loss (sigmoid, hinge, ipo, Factual-DPO's
shifted sigmoid), KTOTrainer._compute_loss (kto) and ORPO's get_batch_loss_metrics in
tests/train/test_loss_parity.py.

The PPO section at the end (online RL: KL-penalised rewards, GAE, whitening, the clipped policy
and value losses, the KL controllers) works per token instead: (batch, time) tensors over the
response tokens with a mask (1 = real token, 0 = padding), reduced to masked means over all
real tokens of the batch, as TRL's PPOTrainer does. No trainer calls those yet either; they are
tested by hand in tests/train/test_ppo_losses.py.
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


# --- PPO (online RL) ---------------------------------------------------------------------------
# Tensors are (batch, time) over response tokens; mask is 1 (or True) on real tokens, 0 on padding.
# Padding may hold anything (even NaN): inputs are zeroed there with torch.where before any
# arithmetic, never multiplied by 0 (NaN * 0 is NaN), and zeroed *first* so that the backward
# pass, too, sees only finite numbers (a where after exp(NaN) still gives a NaN gradient).


def _real(mask: Tensor, *tensors: Tensor) -> Tensor:
    """The mask as bool, after checking every tensor has its shape and some token is real."""
    for x in tensors:
        if x.shape != mask.shape:
            raise ValueError(
                f"shape {tuple(x.shape)} does not match the mask's {tuple(mask.shape)}"
            )
    m = mask.bool()
    if not bool(m.any()):  # one host sync; an empty mask would otherwise give 0/0 = NaN
        raise ValueError("mask has no real tokens")
    return m


def _masked_mean(x: Tensor, m: Tensor) -> Tensor:
    return torch.where(m, x, 0).sum() / m.sum()


def _zero_padding(m: Tensor, *tensors: Tensor) -> tuple[Tensor, ...]:
    return tuple(torch.where(m, x, 0) for x in tensors)


def masked_whiten(x: Tensor, mask: Tensor, shift_mean: bool = True) -> Tensor:
    """(x - mean) / sqrt(var + 1e-8) over the real tokens only, as in the PPO implementations.

    Ziegler et al. 2019 (lm-human-preferences) and TRL whiten advantages this way before the
    policy loss (OpenAI baselines' ppo2 normalises advantages likewise). The variance is
    the *unbiased* one (divided by n - 1, TRL's masked_var), so at least two real tokens are
    needed. shift_mean=False adds the mean back (only the scale changes), TRL's choice for
    whitening rewards. Padding comes back as 0 so it cannot leak into a later masked sum.
    """
    m = _real(mask, x)
    n = m.sum()
    if int(n) < 2:
        raise ValueError("masked_whiten needs at least two real tokens (unbiased variance)")
    (x,) = _zero_padding(m, x)
    mean = _masked_mean(x, m)
    var = torch.where(m, (x - mean) ** 2, 0).sum() / (n - 1)
    out = (x - mean) * torch.rsqrt(var + 1e-8)
    if not shift_mean:
        out = out + mean
    return torch.where(m, out, 0)


@dataclass(frozen=True)
class KLPenalizedRewards:
    rewards: Tensor  # (batch, time): -kl_coef * kl per token, + the score on the last real one
    kl: Tensor  # (batch,): sum over real tokens of logprob - ref_logprob, for logging
    scores: Tensor  # (batch,): the score that was added, after the missing-EOS penalty


def kl_penalized_rewards(
    score: Tensor,
    logprobs: Tensor,
    ref_logprobs: Tensor,
    mask: Tensor,
    kl_coef: float,
    missing_eos_penalty: float | None = None,
    has_eos: Tensor | None = None,
) -> KLPenalizedRewards:
    """Per-token rewards R(x, y) = r(x, y) - beta log(pi(y|x) / rho(y|x)), spread over tokens.

    Ziegler et al. 2019, "Fine-Tuning Language Models from Human Preferences" (arXiv:1909.08593),
    eq. 2; Ouyang et al. 2022 (InstructGPT, arXiv:2203.02155) eq. 2 without its pretraining term.
    The KL term uses the sampled tokens' log-ratio (the k1 estimator) on every real token, and
    the reward model's score, which judges the whole sequence, lands on the last real token: that
    is where the episode ends, and GAE carries it back to earlier tokens. Where ``has_eos`` is
    False the sequence was truncated, so ``missing_eos_penalty`` is subtracted from its score
    (TRL's missing_eos_penalty). Everything returned is detached: in PPO the rewards are fixed
    once the rollout is scored, and gradients must not reach the policy through them.
    """
    m = _real(mask, logprobs, ref_logprobs)
    if bool((m.sum(-1) == 0).any()):
        raise ValueError("every sequence needs at least one real token to carry its score")
    if missing_eos_penalty is not None and has_eos is None:
        raise ValueError("missing_eos_penalty needs has_eos")
    kl = torch.where(m, (logprobs - ref_logprobs).detach(), 0)
    scores = score.detach().to(kl.dtype)
    if missing_eos_penalty is not None:
        scores = torch.where(has_eos.bool(), scores, scores - missing_eos_penalty)
    # The last real token: argmax returns the first maximum, so search the flipped mask.
    last = m.shape[-1] - 1 - m.flip(-1).to(torch.int8).argmax(-1)
    rewards = -kl_coef * kl
    rewards = rewards.scatter_add(-1, last.unsqueeze(-1), scores.unsqueeze(-1))
    return KLPenalizedRewards(rewards, kl.sum(-1), scores)


def gae(
    rewards: Tensor, values: Tensor, mask: Tensor, gamma: float, lam: float
) -> tuple[Tensor, Tensor]:
    """Generalised advantage estimation, A_t = sum_l (gamma lam)^l delta_{t+l}, and returns A + V.

    Schulman et al. 2016, "High-Dimensional Continuous Control Using Generalized Advantage
    Estimation" (arXiv:1506.02438), eq. 16, with delta_t = r_t + gamma V(s_{t+1}) - V(s_t)
    (eq. 10), computed backwards as A_t = delta_t + gamma lam A_{t+1}. The episode ends at the
    last real token, so the value after it is 0 (no bootstrap from padding). Padding positions
    are skipped, not treated as episode ends: they get advantage 0 and return 0, and their
    rewards and values are never read, so a row's real part gives the same numbers padded or
    not, wherever the padding sits. Returns ``(advantages, returns)``, detached: both are
    targets for the losses below.
    """
    m = _real(mask, rewards, values)
    if not (0.0 <= gamma <= 1.0 and 0.0 <= lam <= 1.0):
        raise ValueError(f"gamma and lam must lie in [0, 1], got {gamma}, {lam}")
    r, v = rewards.detach(), values.detach()
    next_value = torch.zeros_like(v[..., 0])
    next_adv = torch.zeros_like(v[..., 0])
    advantages = torch.zeros_like(v)
    for t in reversed(range(v.shape[-1])):  # T is a response length; the loop is cheap
        real = m[..., t]
        delta = r[..., t] + gamma * next_value - v[..., t]
        adv = delta + gamma * lam * next_adv
        advantages[..., t] = torch.where(real, adv, 0)
        # A padding step passes the next real step's value and advantage through unchanged.
        next_value = torch.where(real, v[..., t], next_value)
        next_adv = torch.where(real, adv, next_adv)
    returns = torch.where(m, advantages + v, 0)
    return advantages, returns


@dataclass(frozen=True)
class PPOPolicyLossOutput:
    loss: Tensor  # scalar: masked mean of -min(ratio A, clip(ratio) A)
    clip_frac: Tensor  # share of real tokens where the clipped term was taken, detached
    approx_kl: Tensor  # masked mean of (ratio - 1) - log ratio, detached


def ppo_policy_loss(
    logprobs: Tensor,
    old_logprobs: Tensor,
    advantages: Tensor,
    mask: Tensor,
    clip_range: float,
) -> PPOPolicyLossOutput:
    """PPO's clipped surrogate, -min(r A, clip(r, 1 - eps, 1 + eps) A), r = pi / pi_old.

    Schulman et al. 2017, "Proximal Policy Optimization Algorithms" (arXiv:1707.06347), eq. 7,
    negated to a loss (so the min becomes a max) and averaged over the batch's real tokens. The
    clip only binds where it would let the objective grow (r > 1 + eps with A > 0, r < 1 - eps
    with A < 0); there the term is constant in the policy and its gradient is zero. clip_frac
    counts tokens where the clipped term is strictly larger (ties are unclipped). approx_kl is
    the (r - 1) - log r estimator of KL(pi_old || pi) (Schulman 2020, "Approximating KL
    Divergence", k3): unbiased under pi_old's samples and never negative. TRL logs
    0.5 (log r)^2 (k2) instead; the two agree to second order. old_logprobs and advantages are
    detached: they are rollout constants, and a gradient through A would reach the value head.
    """
    m = _real(mask, logprobs, old_logprobs, advantages)
    if not clip_range > 0:
        raise ValueError(f"clip_range must be > 0, got {clip_range}")
    logprobs, old, adv = _zero_padding(m, logprobs, old_logprobs.detach(), advantages.detach())
    log_ratio = logprobs - old
    ratio = torch.exp(log_ratio)
    unclipped = -adv * ratio
    clipped = -adv * torch.clamp(ratio, 1.0 - clip_range, 1.0 + clip_range)
    loss = _masked_mean(torch.maximum(unclipped, clipped), m)
    with torch.no_grad():
        clip_frac = _masked_mean((clipped > unclipped).to(ratio.dtype), m)
        approx_kl = _masked_mean((ratio - 1.0) - log_ratio, m)
    return PPOPolicyLossOutput(loss, clip_frac, approx_kl)


@dataclass(frozen=True)
class PPOValueLossOutput:
    loss: Tensor  # scalar: 0.5 * masked mean of max((v - R)^2, (v_clipped - R)^2)
    clip_frac: Tensor  # share of real tokens where the clipped term was taken, detached


def ppo_value_loss(
    values: Tensor,
    old_values: Tensor,
    returns: Tensor,
    mask: Tensor,
    clip_range_value: float,
) -> PPOValueLossOutput:
    """Clipped value loss, 0.5 max((V - R)^2, (clip(V, V_old - eps, V_old + eps) - R)^2).

    Not in the PPO paper (its eq. 9 has a plain squared error); it is the value clipping of
    OpenAI baselines' ppo2, used by Ziegler et al. 2019's lm-human-preferences and TRL's
    PPOTrainer, and studied by Engstrom et al. 2020 ("Implementation Matters in Deep Policy
    Gradients", arXiv:2005.12729). Taking the max is pessimistic: once V has moved more than eps
    from V_old, the clipped branch is constant in V and, when larger, stops the update. Averaged
    over real tokens; old_values and returns are detached rollout targets.
    """
    m = _real(mask, values, old_values, returns)
    if not clip_range_value > 0:
        raise ValueError(f"clip_range_value must be > 0, got {clip_range_value}")
    values, old, target = _zero_padding(m, values, old_values.detach(), returns.detach())
    v_clipped = old + torch.clamp(values - old, -clip_range_value, clip_range_value)
    unclipped = (values - target) ** 2
    clipped = (v_clipped - target) ** 2
    loss = 0.5 * _masked_mean(torch.maximum(unclipped, clipped), m)
    with torch.no_grad():
        clip_frac = _masked_mean((clipped > unclipped).to(values.dtype), m)
    return PPOValueLossOutput(loss, clip_frac)


@dataclass
class AdaptiveKLController:
    """The KL coefficient beta, adapted towards a target KL (Ziegler et al. 2019, section 2.2).

    e = clip(KL / KL_target - 1, -0.2, 0.2), beta <- beta (1 + e n_steps / horizon): the paper's
    K_beta is n_steps / horizon here, as in its lm-human-preferences code and TRL. The clip
    bounds each step's change, so one noisy KL estimate cannot swing beta far.
    """

    value: float
    target: float
    horizon: float

    def __post_init__(self) -> None:
        if not (self.value >= 0 and self.target > 0 and self.horizon > 0):
            raise ValueError("need value >= 0, target > 0 and horizon > 0")

    def update(self, current_kl: float, n_steps: int) -> float:
        error = min(max(float(current_kl) / self.target - 1.0, -0.2), 0.2)
        self.value *= 1.0 + error * n_steps / self.horizon
        return self.value


@dataclass
class FixedKLController:
    """A constant KL coefficient with AdaptiveKLController's interface (update changes nothing)."""

    value: float

    def update(self, current_kl: float, n_steps: int) -> float:
        return self.value
