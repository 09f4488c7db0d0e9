"""alignkit.train.losses' PPO section against numbers worked by hand.

Tensors are (batch, time) over response tokens; mask 1 = real token, 0 = padding. Padding slots
hold deliberately absurd numbers (99, -50, NaN) so a leak shows up in the result.
"""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from alignkit.train.losses import (  # noqa: E402
    AdaptiveKLController,
    FixedKLController,
    gae,
    kl_penalized_rewards,
    masked_whiten,
    ppo_policy_loss,
    ppo_value_loss,
)

NAN = float("nan")


def t(*rows: list[float]) -> torch.Tensor:
    return torch.tensor(rows, dtype=torch.float32)


# --- GAE ---------------------------------------------------------------------------------------


def test_gae_three_steps_by_hand():
    # gamma = 0.9, lam = 0.8, so gamma * lam = 0.72; the value after the last step is 0.
    # t=2: delta = 2 + 0.9*0   - 0.3 = 1.7              A2 = 1.7
    # t=1: delta = 0 + 0.9*0.3 - 0.4 = -0.13            A1 = -0.13 + 0.72*1.7   = 1.094
    # t=0: delta = 1 + 0.9*0.4 - 0.5 = 0.86             A0 = 0.86  + 0.72*1.094 = 1.64768
    # returns = A + V = 1.64768 + 0.5, 1.094 + 0.4, 1.7 + 0.3 = 2.14768, 1.494, 2.0
    adv, ret = gae(t([1, 0, 2]), t([0.5, 0.4, 0.3]), t([1, 1, 1]), gamma=0.9, lam=0.8)
    torch.testing.assert_close(adv, t([1.64768, 1.094, 1.7]))
    torch.testing.assert_close(ret, t([2.14768, 1.494, 2.0]))


def test_gae_padding_gets_zero_and_does_not_leak():
    # row 0: right padding after the 3 real steps; row 1: left padding before them. The padding
    # holds reward 5 / value 99 (or NaN): bootstrapping from it would change every advantage.
    rewards = t([1, 0, 2, 5], [5, 1, 0, 2])
    values = t([0.5, 0.4, 0.3, 99], [NAN, 0.5, 0.4, 0.3])
    mask = t([1, 1, 1, 0], [0, 1, 1, 1])
    adv, ret = gae(rewards, values, mask, gamma=0.9, lam=0.8)
    torch.testing.assert_close(adv, t([1.64768, 1.094, 1.7, 0], [0, 1.64768, 1.094, 1.7]))
    torch.testing.assert_close(ret, t([2.14768, 1.494, 2.0, 0], [0, 2.14768, 1.494, 2.0]))
    # and the real part equals the unpadded row's result exactly
    adv1, _ = gae(t([1, 0, 2]), t([0.5, 0.4, 0.3]), t([1, 1, 1]), 0.9, 0.8)
    assert torch.equal(adv[0, :3], adv1[0]) and torch.equal(adv[1, 1:], adv1[0])


def test_gae_gap_in_mask_is_skipped_and_outputs_detached():
    # a padding slot in the middle is passed through, not taken as the episode's end:
    # [1, pad, 0, 2] gives the same advantages on its real tokens as [1, 0, 2].
    values = t([0.5, 7, 0.4, 0.3]).requires_grad_(True)
    adv, ret = gae(t([1, 5, 0, 2]), values, t([1, 0, 1, 1]), 0.9, 0.8)
    torch.testing.assert_close(adv, t([1.64768, 0, 1.094, 1.7]))
    assert not adv.requires_grad and not ret.requires_grad


def test_gae_gamma_lam_one_is_reward_to_go_minus_value():
    # gamma = lam = 1: A_t = sum_{k>=t} r_k - V_t. Rewards [1, 0, 2]: to-go 3, 2, 2.
    adv, ret = gae(t([1, 0, 2]), t([0.5, 0.4, 0.3]), t([1, 1, 1]), 1.0, 1.0)
    torch.testing.assert_close(adv, t([2.5, 1.6, 1.7]))
    torch.testing.assert_close(ret, t([3.0, 2.0, 2.0]))


def test_gae_rejects_bad_arguments():
    with pytest.raises(ValueError, match="gamma"):
        gae(t([1.0]), t([0.0]), t([1]), 1.5, 0.9)
    with pytest.raises(ValueError, match="no real tokens"):
        gae(t([1.0]), t([0.0]), t([0]), 0.9, 0.9)
    with pytest.raises(ValueError, match="shape"):
        gae(t([1.0, 2.0]), t([0.0]), t([1]), 0.9, 0.9)


# --- clipped policy objective ------------------------------------------------------------------

# eps = 0.2, so the ratio is clipped to [0.8, 1.2]. old log-probs are -1 everywhere and
# log-probs = -1 + log(ratio). With L_t = max(-A r, -A clip(r)) (the negated min of eq. 7):
#   a: A = +1, r = 1.5 (above 1.2): -1.5 vs -1.2 -> -1.2, clipped, constant in the policy
#   b: A = -2, r = 0.5 (below 0.8): 1.0 vs 1.6   -> 1.6, clipped, constant in the policy
#   c: A = +1, r = 1.1 (inside):    -1.1 vs -1.1 -> -1.1, unclipped (a tie is not clipped)
#   d: A = +1, r = 0.5 (below 0.8, but A > 0): -0.5 vs -0.8 -> -0.5, unclipped: the clip only
#      binds on the side that would let the objective grow
#   e: padding (A = 50, log-prob NaN): ignored, and its gradient is 0, not NaN
# loss = (-1.2 + 1.6 - 1.1 - 0.5) / 4 = -1.2 / 4 = -0.3;  clip fraction = 2 / 4 = 0.5
# d loss / d logprob = -A r / 4 on unclipped tokens (dr/dlogp = r): c -> -1.1/4 = -0.275,
#   d -> -0.5/4 = -0.125; a, b (clipped) and e (padding) -> 0.
# approx KL = mean of (r - 1) - log r:
#   a: 0.5 - ln 1.5 = 0.094535   b, d: -0.5 - ln 0.5 = 0.193147   c: 0.1 - ln 1.1 = 0.004690
#   (0.094535 + 2*0.193147 + 0.004690) / 4 = 0.121380
RATIOS = [1.5, 0.5, 1.1, 0.5]
ADVANTAGES = t([1, -2, 1, 1, 50])
POLICY_MASK = t([1, 1, 1, 1, 0])


def _logprobs() -> torch.Tensor:
    return t([-1 + math.log(r) for r in RATIOS] + [NAN]).requires_grad_(True)


def test_policy_loss_both_sides_of_the_clip_by_hand():
    logprobs = _logprobs()
    old = torch.full_like(logprobs, -1.0)
    out = ppo_policy_loss(logprobs, old, ADVANTAGES, POLICY_MASK, clip_range=0.2)
    torch.testing.assert_close(out.loss, torch.tensor(-0.3))
    torch.testing.assert_close(out.clip_frac, torch.tensor(0.5))
    kl = [(r - 1) - math.log(r) for r in RATIOS]
    torch.testing.assert_close(out.approx_kl, torch.tensor(sum(kl) / 4))
    torch.testing.assert_close(out.approx_kl, torch.tensor(0.121380))
    assert not out.clip_frac.requires_grad and not out.approx_kl.requires_grad

    out.loss.backward()
    torch.testing.assert_close(logprobs.grad, t([0, 0, -0.275, -0.125, 0]))


def test_policy_loss_no_clip_at_ratio_one_is_minus_mean_advantage():
    # r = 1 everywhere: loss = -mean(A) over real tokens = -(1 - 2 + 1 + 1) / 4 = -0.25, no clip,
    # approx KL 0, and the gradient is -A / 4 on real tokens (the policy-gradient direction).
    logprobs = torch.full((1, 5), -1.0, requires_grad=True)
    out = ppo_policy_loss(logprobs, logprobs.detach(), ADVANTAGES, POLICY_MASK, 0.2)
    torch.testing.assert_close(out.loss, torch.tensor(-0.25))
    assert out.clip_frac.item() == 0.0 and out.approx_kl.item() == 0.0
    out.loss.backward()
    torch.testing.assert_close(logprobs.grad, t([-0.25, 0.5, -0.25, -0.25, 0]))


def test_policy_loss_does_not_backprop_into_advantages_or_old_logprobs():
    adv = ADVANTAGES.clone().requires_grad_(True)
    old = torch.full((1, 5), -1.0, requires_grad=True)
    ppo_policy_loss(_logprobs(), old, adv, POLICY_MASK, 0.2).loss.backward()
    assert adv.grad is None and old.grad is None


def test_policy_loss_rejects_bad_clip_range():
    with pytest.raises(ValueError, match="clip_range"):
        ppo_policy_loss(_logprobs(), _logprobs(), ADVANTAGES, POLICY_MASK, 0.0)


# --- clipped value loss ------------------------------------------------------------------------


def test_value_loss_takes_the_larger_clipped_branch_by_hand():
    # eps = 0.2. Token 1: V_old = 0, V = 1, R = 2. V moved past the clip: V_clip = 0 + 0.2 = 0.2.
    #   unclipped (1 - 2)^2 = 1;  clipped (0.2 - 2)^2 = 3.24  -> max = 3.24, the clipped branch,
    #   constant in V: gradient 0.
    # Token 2: V_old = 0, V = 1, R = 0. unclipped (1 - 0)^2 = 1; clipped (0.2 - 0)^2 = 0.04
    #   -> max = 1, unclipped; d/dV of 0.5 * (V - R)^2 / 2 tokens = (V - R) / 2 = 0.5.
    # Token 3: padding.
    # loss = 0.5 * (3.24 + 1) / 2 = 1.06;  clip fraction = 1 / 2 = 0.5
    values = t([1, 1, NAN]).requires_grad_(True)
    out = ppo_value_loss(values, t([0, 0, 0]), t([2, 0, -50]), t([1, 1, 0]), 0.2)
    torch.testing.assert_close(out.loss, torch.tensor(1.06))
    torch.testing.assert_close(out.clip_frac, torch.tensor(0.5))
    out.loss.backward()
    torch.testing.assert_close(values.grad, t([0, 0.5, 0]))


def test_value_loss_inside_the_clip_is_half_mse():
    # V - V_old = 0.1 < eps: both branches equal, 0.5 * mean((0.1 - 1)^2, (0.1 + 1)^2)
    #   = 0.5 * (0.81 + 1.21) / 2 = 0.505, nothing clipped.
    out = ppo_value_loss(t([0.1, 0.1]), t([0, 0]), t([1, -1]), t([1, 1]), 0.2)
    torch.testing.assert_close(out.loss, torch.tensor(0.505))
    assert out.clip_frac.item() == 0.0


# --- KL-penalised rewards ----------------------------------------------------------------------


def test_kl_penalized_rewards_by_hand():
    # kl_coef = 0.1. Row 0: 3 real tokens, log-ratio [-1 - -1.5, -2 - -1, -0.5 - -0.5]
    #   = [0.5, -1, 0] -> -0.1 * kl = [-0.05, 0.1, 0]; score 2 lands on t=2 -> [-0.05, 0.1, 2.0]
    #   KL sum = 0.5 - 1 + 0 = -0.5. Has an EOS: no penalty.
    # Row 1: 2 real tokens, log-ratio [-1 - -2, -1 - -1.2] = [1, 0.2] -> [-0.1, -0.02];
    #   no EOS, so score 1 - penalty 3 = -2 lands on t=1 -> [-0.1, -0.02 - 2] = [-0.1, -2.02]
    #   KL sum = 1.2.
    # Padding (logprob 7 / NaN) gets 0.
    logprobs = t([-1, -2, -0.5, 7], [-1, -1, 7, NAN])
    ref = t([-1.5, -1, -0.5, 3], [-2, -1.2, 3, 3])
    mask = t([1, 1, 1, 0], [1, 1, 0, 0])
    score, has_eos = torch.tensor([2.0, 1.0]), torch.tensor([True, False])
    out = kl_penalized_rewards(score, logprobs, ref, mask, 0.1, 3.0, has_eos)
    torch.testing.assert_close(out.rewards, t([-0.05, 0.1, 2.0, 0], [-0.1, -2.02, 0, 0]))
    torch.testing.assert_close(out.kl, torch.tensor([-0.5, 1.2]))
    torch.testing.assert_close(out.scores, torch.tensor([2.0, -2.0]))

    # without the penalty row 1's last token is -0.02 + 1 = 0.98
    plain = kl_penalized_rewards(score, logprobs, ref, mask, 0.1)
    torch.testing.assert_close(plain.rewards, t([-0.05, 0.1, 2.0, 0], [-0.1, 0.98, 0, 0]))


def test_kl_penalized_rewards_are_detached_and_validated():
    logprobs = t([-1.0, -2.0]).requires_grad_(True)
    out = kl_penalized_rewards(torch.tensor([1.0]), logprobs, t([-1.0, -1.0]), t([1, 1]), 0.1)
    assert not out.rewards.requires_grad and not out.kl.requires_grad
    with pytest.raises(ValueError, match="has_eos"):
        kl_penalized_rewards(torch.tensor([1.0]), logprobs, t([-1.0, -1.0]), t([1, 1]), 0.1, 1.0)
    with pytest.raises(ValueError, match="every sequence"):
        kl_penalized_rewards(
            torch.tensor([1.0, 1.0]), t([-1, -1], [-1, -1]), t([-1, -1], [-1, -1]),
            t([1, 1], [0, 0]), 0.1,
        )  # fmt: skip


# --- whitening ---------------------------------------------------------------------------------


def test_masked_whiten_ignores_padding():
    # Real entries 1..6: mean 3.5, squared deviations 6.25 2.25 0.25 0.25 2.25 6.25 = 17.5,
    # unbiased variance 17.5 / 5 = 3.5. So whitened = (x - 3.5) / sqrt(3.5); padding -> 0.
    x = t([1, 2, 3, 100], [4, 5, 6, NAN])
    mask = t([1, 1, 1, 0], [1, 1, 1, 0])
    out = masked_whiten(x, mask)
    s = math.sqrt(3.5)
    expected = t([-2.5 / s, -1.5 / s, -0.5 / s, 0], [0.5 / s, 1.5 / s, 2.5 / s, 0])
    torch.testing.assert_close(out, expected)
    real = out[mask.bool()]
    assert abs(real.mean().item()) < 1e-6
    assert abs(real.std().item() - 1.0) < 1e-6  # torch.std is unbiased too

    # shift_mean=False keeps the mean: (x - 3.5) / sqrt(3.5) + 3.5
    kept = masked_whiten(x, mask, shift_mean=False)
    torch.testing.assert_close(kept, torch.where(mask.bool(), expected + 3.5, 0))
    with pytest.raises(ValueError, match="two real tokens"):
        masked_whiten(x, t([1, 0, 0, 0], [0, 0, 0, 0]))


# --- KL controllers ----------------------------------------------------------------------------


def test_adaptive_kl_controller_by_hand():
    ctl = AdaptiveKLController(value=0.1, target=6.0, horizon=10000)
    # KL 9 above target 6: error = clip(9/6 - 1 = 0.5, -0.2, 0.2) = 0.2
    #   value = 0.1 * (1 + 0.2 * 256 / 10000) = 0.1 * 1.00512 = 0.100512
    assert ctl.update(9.0, 256) == pytest.approx(0.100512)
    assert ctl.value == pytest.approx(0.100512)
    # KL 0.6 far below target: error = clip(0.6/6 - 1 = -0.9) = -0.2
    #   value = 0.100512 * (1 - 0.2 * 256 / 10000) = 0.100512 * 0.99488 = 0.1
    #   (1.00512 * 0.99488 = 1 - 0.00512^2 = 0.9999737856, so 0.09999737856)
    assert ctl.update(0.6, 256) == pytest.approx(0.09999737856)
    # KL 6.6 inside the clip: error = 6.6/6 - 1 = 0.1, factor 1 + 0.1 * 1000 / 10000 = 1.01
    ctl = AdaptiveKLController(value=0.2, target=6.0, horizon=10000)
    assert ctl.update(6.6, 1000) == pytest.approx(0.202)
    with pytest.raises(ValueError):
        AdaptiveKLController(value=0.1, target=0.0, horizon=10000)


def test_fixed_kl_controller_never_moves():
    ctl = FixedKLController(value=0.05)
    assert ctl.update(100.0, 256) == 0.05 and ctl.value == 0.05
