"""alignkit.train.losses against numbers worked by hand.

Three pairs are used throughout (log-probs are per-example sums):

    pair  pi_c  pi_r  ref_c  ref_r   z = (pi_c - pi_r) - (ref_c - ref_r)
    A     -1    -2    -1.5   -1.7    (-1 - (-2)) - (-1.5 - (-1.7)) = 1 - 0.2 = 0.8
    B     -3    -1    -2     -2      (-3 - (-1)) - 0                = -2
    C     -1    -4    -2     -2      (-1 - (-4)) - 0                = 3

-log sigma(x) = log(1 + e^-x) is written softplus(-x) below. A handy identity for cDPO, since
log sigma(x) - log sigma(-x) = x:  -(1-e) log sigma(x) - e log sigma(-x) = -log sigma(x) + e * x.
"""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from alignkit.train.losses import (  # noqa: E402
    LOSSES,
    PreferenceLossOutput,
    dpo_logits,
    factual_dpo_loss,
    hinge_loss,
    ipo_loss,
    kto_loss,
    orient_factual,
    orpo_odds_ratio_loss,
    reward_model_loss,
    sigmoid_loss,
)


def softplus(x: float) -> float:
    return math.log1p(math.exp(x))


def t(*xs: float) -> torch.Tensor:
    return torch.tensor(xs, dtype=torch.float32)


PC, PR, RC, RR = t(-1, -3, -1), t(-2, -1, -4), t(-1.5, -2, -2), t(-1.7, -2, -2)
Z = (0.8, -2.0, 3.0)


def test_dpo_logits_by_hand():
    torch.testing.assert_close(dpo_logits(PC, PR, RC, RR), t(*Z))


def test_sigmoid_by_hand():
    # beta = 0.5: beta*z = 0.4, -1, 1.5
    out = sigmoid_loss(PC, PR, RC, RR, beta=0.5)
    # softplus(-0.4) = log(1.670320) = 0.513015; softplus(1) = 1.313262; softplus(-1.5) = 0.201413
    torch.testing.assert_close(out.losses, t(0.513015, 1.313262, 0.201413))
    torch.testing.assert_close(out.losses, t(softplus(-0.4), softplus(1.0), softplus(-1.5)))
    # rewards: 0.5*(pi - ref): chosen 0.5*0.5, 0.5*-1, 0.5*1; rejected 0.5*-0.3, 0.5*1, 0.5*-2
    torch.testing.assert_close(out.chosen_rewards, t(0.25, -0.5, 0.5))
    torch.testing.assert_close(out.rejected_rewards, t(-0.15, 0.5, -1.0))


def test_sigmoid_label_smoothing_by_hand():
    # eps = 0.1, beta*z = 0.4: 0.9*softplus(-0.4) + 0.1*softplus(0.4)
    #   = 0.9*0.513015 + 0.1*0.913015 = 0.461714 + 0.091302 = 0.553015 (= 0.513015 + 0.1*0.4)
    out = sigmoid_loss(PC, PR, RC, RR, beta=0.5, label_smoothing=0.1)
    expected = [0.9 * softplus(-x) + 0.1 * softplus(x) for x in (0.4, -1.0, 1.5)]
    torch.testing.assert_close(out.losses, t(*expected))
    torch.testing.assert_close(out.losses, t(0.553015, 1.213262, 0.351413))
    # eps = 0 takes the plain -logsigmoid branch, bit-identical to no smoothing
    plain = sigmoid_loss(PC, PR, RC, RR, beta=0.5)
    assert torch.equal(sigmoid_loss(PC, PR, RC, RR, 0.5, label_smoothing=0.0).losses, plain.losses)


def test_hinge_both_sides_by_hand():
    # beta = 0.5: 1 - beta*z = 0.6 (active), 2.0 (active), -0.5 -> 0 (past the hinge)
    out = hinge_loss(PC, PR, RC, RR, beta=0.5)
    torch.testing.assert_close(out.losses, t(0.6, 2.0, 0.0))
    # beta = 2: 1 - 1.6 -> 0, 1 + 4 = 5, 1 - 6 -> 0
    torch.testing.assert_close(hinge_loss(PC, PR, RC, RR, beta=2.0).losses, t(0.0, 5.0, 0.0))


def test_ipo_by_hand():
    # beta = 0.5: target 1/(2*0.5) = 1; (0.8-1)^2 = 0.04, (-2-1)^2 = 9, (3-1)^2 = 4
    torch.testing.assert_close(ipo_loss(PC, PR, RC, RR, beta=0.5).losses, t(0.04, 9.0, 4.0))
    # beta = 0.1: target 5; (0.8-5)^2 = 17.64, (-7)^2 = 49, (-2)^2 = 4
    torch.testing.assert_close(ipo_loss(PC, PR, RC, RR, beta=0.1).losses, t(17.64, 49.0, 4.0))


def test_ipo_caller_passes_length_averaged_logps():
    # TRL 1.16 averages each sequence's log-ratio over its completion tokens for IPO. Chosen has
    # 4 tokens, rejected 2: sums pi_c=-4, ref_c=-6, pi_r=-6, ref_r=-5
    #   averaged: pi_c=-1, ref_c=-1.5, pi_r=-3, ref_r=-2.5 -> z = (-1+3) - (-1.5+2.5) = 1
    # beta = 0.25: target 2, loss (1-2)^2 = 1
    n_c, n_r = 4.0, 2.0
    out = ipo_loss(t(-4) / n_c, t(-6) / n_r, t(-6) / n_c, t(-5) / n_r, beta=0.25)
    torch.testing.assert_close(out.losses, t(1.0))
    # ... and with beta = 0.5 (target 1) the two differ: averaged 0, summed (3-1)^2 = 4
    torch.testing.assert_close(
        ipo_loss(t(-4) / n_c, t(-6) / n_r, t(-6) / n_c, t(-5) / n_r, 0.5).losses, t(0.0)
    )
    torch.testing.assert_close(ipo_loss(t(-4), t(-6), t(-6), t(-5), 0.5).losses, t(4.0))


def test_factual_by_hand():
    # beta = 0.5, lambda = 1. Pair A (z = 0.8) with dh = 1: 0.5*(0.8 - 1) = -0.1 -> softplus(0.1)
    #   = log(1 + 1.105171) = 0.744397; pair B (z = -2), dh = 1: 0.5*(-3) -> softplus(1.5)
    #   = 1.701413; pair C (z = 3), dh = 0: 0.5*3 = 1.5 -> softplus(-1.5) = 0.201413
    hc, hr = t(0, 0, 1), t(1, 1, 1)
    out = factual_dpo_loss(PC, PR, RC, RR, 0.5, 1.0, hc, hr)
    torch.testing.assert_close(out.losses, t(0.744397, 1.701413, 0.201413))
    torch.testing.assert_close(out.losses, t(softplus(0.1), softplus(1.5), softplus(-1.5)))
    # the margin only adds loss where dh = 1
    plain = sigmoid_loss(PC, PR, RC, RR, 0.5).losses
    assert bool((out.losses[:2] > plain[:2]).all())
    # with cDPO smoothing eps = 0.1: loss + eps * logit = 0.744397 - 0.01, 1.701413 - 0.15, ...
    smoothed = factual_dpo_loss(PC, PR, RC, RR, 0.5, 1.0, hc, hr, label_smoothing=0.1)
    torch.testing.assert_close(smoothed.losses, t(0.734397, 1.551413, 0.351413))
    # rewards are the DPO implicit rewards; the margin does not enter them
    torch.testing.assert_close(out.chosen_rewards, t(0.25, -0.5, 0.5))


def test_factual_reduces_to_dpo_exactly():
    zero = torch.zeros(3)
    for hc in (zero, torch.ones(3)):  # dh = 0 both when both are factual and both hallucinate
        for lam in (0.0, 1.0, 7.5):
            for eps in (0.0, 0.2):
                f = factual_dpo_loss(PC, PR, RC, RR, 0.5, lam, hc, hc.clone(), eps)
                s = sigmoid_loss(PC, PR, RC, RR, 0.5, eps)
                assert torch.equal(f.losses, s.losses)
                assert torch.equal(f.chosen_rewards, s.chosen_rewards)
    # lambda = 0 with dh = 1 is also plain DPO
    f = factual_dpo_loss(PC, PR, RC, RR, 0.5, 0.0, zero, torch.ones(3))
    assert torch.equal(f.losses, sigmoid_loss(PC, PR, RC, RR, 0.5).losses)


def test_factual_rejects_unoriented_pairs():
    # dh = -1 (chosen hallucinated, rejected factual) must be swapped first, not trained on
    with pytest.raises(ValueError, match="orient_factual"):
        factual_dpo_loss(PC, PR, RC, RR, 0.5, 1.0, t(1, 0, 0), t(0, 0, 0))
    with pytest.raises(ValueError, match="factual_lambda"):
        factual_dpo_loss(PC, PR, RC, RR, 0.5, -1.0, t(0, 0, 0), t(0, 0, 0))


def test_orient_factual():
    # (h_c, h_r): (0,1) keep, (1,0) swap, (1,1) keep, (0,0) keep
    hc, hr = torch.tensor([0, 1, 1, 0]), torch.tensor([1, 0, 1, 0])
    swap, hc2, hr2 = orient_factual(hc, hr)
    assert swap.tolist() == [False, True, False, False]
    assert hc2.tolist() == [0, 0, 1, 0]
    assert hr2.tolist() == [1, 1, 1, 0]
    assert (hr2 - hc2).tolist() == [1, 1, 0, 0]  # only {0, 1} left
    # integer labels are accepted by the loss after orientation
    c, r = torch.full((4,), -1.0), torch.full((4,), -2.0)
    out = factual_dpo_loss(c, r, c, r, 1.0, 2.0, hc2, hr2)
    # z = 0: dh = 1 -> softplus(2) = 2.126928, dh = 0 -> log 2 = 0.693147
    torch.testing.assert_close(out.losses, t(2.126928, 2.126928, 0.693147, 0.693147))


def test_reward_model_loss_by_hand():
    rc, rr = t(2.0, 0.5), t(1.0, 1.5)
    # r_c - r_r = 1, -1: softplus(-1) = 0.313262, softplus(1) = 1.313262
    torch.testing.assert_close(reward_model_loss(rc, rr), t(0.313262, 1.313262))
    # Llama 2 margin m = (1, 0.5): 1-1 = 0 -> log 2 = 0.693147; -1-0.5 = -1.5 -> 1.701413
    torch.testing.assert_close(reward_model_loss(rc, rr, t(1.0, 0.5)), t(0.693147, 1.701413))
    torch.testing.assert_close(reward_model_loss(rc, rr, 1.0), t(math.log(2), softplus(2.0)))
    assert torch.equal(reward_model_loss(rc, rr, 0.0), reward_model_loss(rc, rr))


def test_gradients_flow_and_point_the_right_way():
    pc = PC.clone().requires_grad_(True)
    pr = PR.clone().requires_grad_(True)
    for name, fn in LOSSES.items():
        kwargs = {"factual_lambda": 1.0, "h_chosen": t(0, 0, 0), "h_rejected": t(1, 0, 1)}
        out = fn(pc, pr, RC, RR, 0.5, **(kwargs if name == "factual" else {}))
        pc.grad = pr.grad = None
        out.losses.sum().backward()
        assert torch.isfinite(pc.grad).all() and torch.isfinite(pr.grad).all(), name
        assert not out.chosen_rewards.requires_grad and not out.rejected_rewards.requires_grad
        # raising the chosen log-prob lowers the loss (and the rejected's raises it) for pairs A, B;
        # pair C (z = 3) is past the hinge (grad 0) and past IPO's target (IPO pulls z back down)
        assert bool((pc.grad[:2] < 0).all() and (pr.grad[:2] > 0).all()), name
    # sigmoid: d/d pi_c = -beta * sigma(-beta z) = -0.5 * sigma(-0.4) = -0.5 * 0.401312 = -0.200656
    pc.grad = None
    sigmoid_loss(pc, pr, RC, RR, 0.5).losses.sum().backward()
    torch.testing.assert_close(pc.grad[0], torch.tensor(-0.200656))
    # and numerically: nudging pi_c up by 0.1 lowers the loss
    before = sigmoid_loss(PC, PR, RC, RR, 0.5).losses
    after = sigmoid_loss(PC + 0.1, PR, RC, RR, 0.5).losses
    assert bool((after < before).all())


def test_numerically_stable_at_extreme_logits():
    big = t(1e4, -1e4)
    z0 = torch.zeros(2)
    pc = big.clone().requires_grad_(True)
    out = sigmoid_loss(pc, z0, z0, z0, beta=1.0, label_smoothing=0.1)
    out.losses.sum().backward()
    assert torch.isfinite(out.losses).all() and torch.isfinite(pc.grad).all()
    # -log sigma(1e4) ~ 0 (+ eps*x = 1000), -log sigma(-1e4) ~ 1e4 (- eps*1e4)
    torch.testing.assert_close(out.losses, t(1000.0, 9000.0))
    torch.testing.assert_close(reward_model_loss(big, z0), t(0.0, 1e4))


def test_batch_shapes_and_registry():
    g = torch.Generator().manual_seed(0)
    pc, pr, rc, rr = (-torch.rand(5, generator=g) * 10 for _ in range(4))
    assert set(LOSSES) == {"sigmoid", "hinge", "ipo", "factual"}
    for name, fn in LOSSES.items():
        extra = {"factual_lambda": 0.5, "h_chosen": torch.zeros(5), "h_rejected": torch.ones(5)}
        out = fn(pc, pr, rc, rr, 0.1, **(extra if name == "factual" else {}))
        assert isinstance(out, PreferenceLossOutput)
        for x in (out.losses, out.chosen_rewards, out.rejected_rewards):
            assert x.shape == (5,) and x.dtype == torch.float32
    assert reward_model_loss(pc, pr).shape == (5,)
    # float64 in, float64 out
    assert sigmoid_loss(pc.double(), pr.double(), rc.double(), rr.double(), 0.1).losses.dtype == (
        torch.float64
    )


@pytest.mark.parametrize("fn", [sigmoid_loss, hinge_loss, ipo_loss])
def test_invalid_beta(fn):
    with pytest.raises(ValueError, match="beta"):
        fn(PC, PR, RC, RR, 0.0)


def test_invalid_label_smoothing():
    with pytest.raises(ValueError, match="label_smoothing"):
        sigmoid_loss(PC, PR, RC, RR, 0.5, label_smoothing=0.5)


def test_orpo_odds_ratio_by_hand():
    # P_c = 0.5 -> odds 1; P_r = 0.25 -> odds 1/3; log odds ratio = log 3;
    # -log sigma(log 3) = log(1 + 1/3)
    losses = orpo_odds_ratio_loss(t(math.log(0.5)), t(math.log(0.25)), lam=0.1)
    assert losses.item() == pytest.approx(0.1 * math.log(4 / 3), rel=1e-6)
    # equal probabilities: log sigma(0) = -log 2
    assert orpo_odds_ratio_loss(t(-0.1), t(-0.1), 1.0).item() == pytest.approx(math.log(2))


def test_orpo_matches_trl_experimental_trainer():
    from types import SimpleNamespace

    from trl.experimental.orpo import ORPOTrainer

    chosen, rejected = t(-0.05, -0.9, -2.5, -7.0), t(-0.6, -0.2, -3.0, -1e-4)
    fake = SimpleNamespace(beta=0.3, accelerator=SimpleNamespace(device="cpu"))
    trl_losses = ORPOTrainer.odds_ratio_loss(fake, chosen, rejected)[0]
    # TRL returns lambda * log sigma(.) and subtracts it from the NLL
    assert torch.allclose(orpo_odds_ratio_loss(chosen, rejected, 0.3), -trl_losses)


@pytest.mark.parametrize("margin", [None, (0.5, -1.0, 2.0)])
def test_reward_model_loss_matches_trl_reward_trainer(margin):
    """What `alignkit train rm` runs is TRL's RewardTrainer.compute_loss: the same numbers."""
    from collections import defaultdict
    from types import SimpleNamespace

    from trl import RewardTrainer

    chosen, rejected = t(1.5, -0.2, 0.3), t(-0.5, 0.4, 0.3)
    inputs = {"input_ids": None, "attention_mask": None}
    if margin is not None:
        inputs["margin"] = t(*margin)
    model = SimpleNamespace(training=False)
    logits = torch.cat([chosen, rejected]).unsqueeze(-1)
    fake = SimpleNamespace(
        model=model,
        args=SimpleNamespace(center_rewards_coefficient=None),
        accelerator=SimpleNamespace(gather=lambda x: x, gather_for_metrics=lambda x: x),
        _metrics=defaultdict(lambda: defaultdict(list)),
        _total_train_tokens=0,
    )
    loss = RewardTrainer.compute_loss(fake, lambda **kw: SimpleNamespace(logits=logits), inputs)
    ours = reward_model_loss(chosen, rejected, inputs.get("margin")).mean()
    torch.testing.assert_close(loss, ours)


def test_kto_by_hand():
    # r = -10 - (-12) = 2, z0 = 1, beta = 0.5
    policy, ref, kl = t(-10, -10), t(-12, -12), 1.0
    losses = kto_loss(policy, ref, torch.tensor([True, False]), kl, 0.5, 1.0, 2.0)
    s = 1 / (1 + math.exp(-0.5))  # sigma(beta (r - z0)) = sigma(0.5)
    assert losses.tolist() == pytest.approx([1 - s, 2.0 * s], rel=1e-6)
    # a negative KL estimate is clamped to 0: sigma(0.5 * 2) for the desirable one
    low = kto_loss(policy, ref, torch.tensor([True, True]), -3.0, 0.5)
    assert low[0].item() == pytest.approx(1 - 1 / (1 + math.exp(-1.0)), rel=1e-6)
