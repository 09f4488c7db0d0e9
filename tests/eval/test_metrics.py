"""The evaluation math against numbers worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alignkit.eval import metrics as m


def test_wilson_matches_hand_worked_intervals():
    # 5/10, z = 1.96: centre (0.5 + 3.8416/20) / (1 + 3.8416/10) = 0.5,
    # half = 1.96/1.38416 * sqrt(0.025 + 3.8416/400) = 1.416021 * 0.186021 = 0.263410
    low, high = m.wilson(0.5, 10)
    assert low == pytest.approx(0.236590, abs=1e-6) and high == pytest.approx(0.763410, abs=1e-6)
    # 8/10: centre 0.99208/1.38416 = 0.716738; half = 1.416021 * sqrt(0.016 + 0.009604) = 0.226581
    low, high = m.wilson(0.8, 10)
    assert low == pytest.approx(0.490157, abs=1e-6) and high == pytest.approx(0.943319, abs=1e-6)
    # 0/20 is not the empty interval the normal approximation gives: [0, z²/(n + z²)]
    low, high = m.wilson(0.0, 20)
    assert low == 0.0 and high == pytest.approx(3.8416 / 23.8416, abs=1e-9)
    assert m.wilson(1.0, 20)[1] == 1.0 and m.wilson(1.0, 20)[0] == pytest.approx(20 / 23.8416)
    assert all(math.isnan(x) for x in m.wilson(0.5, 0))


def test_win_rate_counts_a_tie_as_half():
    assert m.win_rate(3, 2, 5) == pytest.approx(0.4)  # (3 + 1) / 10
    assert m.win_rate(0, 4, 0) == 0.5
    assert m.win_rate(7, 0, 1) == 0.875
    assert math.isnan(m.win_rate(0, 0, 0))


def test_ece_on_a_constructed_case():
    # bin [0.8, 0.9): confidences 0.85, 0.85, labels 1, 0 -> |0.5 - 0.85| = 0.35, weight 2/5
    # bin [0.3, 0.4): confidences 0.35 x3, labels 0, 0, 1 -> |1/3 - 0.35| = 1/60, weight 3/5
    probs, labels = np.array([0.85, 0.85, 0.35, 0.35, 0.35]), np.array([1, 0, 0, 0, 1])
    assert m.ece(probs, labels) == pytest.approx(0.4 * 0.35 + 0.6 / 60)
    # perfectly calibrated: half of the 0.5s are right
    assert m.ece(np.array([0.5, 0.5]), np.array([1, 0])) == 0.0
    # probability exactly 1 lands in the last bin, not past it
    assert m.ece(np.array([1.0, 1.0]), np.array([1, 1])) == 0.0
    assert math.isnan(m.ece(np.array([]), np.array([])))


def test_pairwise_ece_counts_each_pair_both_ways():
    # σ(margin) = 0.75 for every pair, all right: (0.75, 1) and (0.25, 0) -> gap 0.25 each
    margin = math.log(3)
    assert m.pairwise_ece(np.full(5, margin)) == pytest.approx(0.25)
    # right 3 times in 4 at confidence 0.75: calibrated
    margins = np.array([margin] * 3 + [-margin])
    assert m.pairwise_ece(margins) == pytest.approx(0.0, abs=1e-12)
    # a zero margin says 1/2 both ways, and is right half of the time
    assert m.pairwise_ece(np.zeros(3)) == 0.0
    rng = np.random.default_rng(0)
    assert 0.0 <= m.pairwise_ece(rng.normal(scale=5, size=100)) <= 1.0


def test_sigmoid_is_stable_and_histograms_share_edges():
    assert m.sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist() == [0.0, 0.5, 1.0]
    h = m.histogram({"chosen": np.array([1.0, 2.0, 3.0]), "rejected": np.array([0.0, 0.5])}, 4)
    assert h["edges"] == [0.0, 0.75, 1.5, 2.25, 3.0]
    assert h["chosen"] == [0, 1, 1, 1] and h["rejected"] == [2, 0, 0, 0]
    assert m.summary(np.array([1.0, 3.0])) == {"mean": 2.0, "std": 1.0, "min": 1.0, "max": 3.0}
    same = m.histogram({"x": np.array([2.0, 2.0])}, 3)  # constant scores still get a range
    assert sum(same["x"]) == 2 and len(same["edges"]) == 4


def test_implicit_reward_metrics_by_hand():
    # pair 1: policy margin 0 - (-2) = 2, reference margin -1 - (-1) = 0 -> improved
    # pair 2: policy margin -3 - (-1) = -2, reference margin -1 - (-2) = 1 -> worse
    out = m.implicit_reward_metrics(
        np.array([0.0, -3.0]), np.array([-2.0, -1.0]), np.array([-1.0, -1.0]),
        np.array([-1.0, -2.0]), beta=0.5,
    )  # fmt: skip
    assert out["pairs"] == 2
    assert out["implicit_reward_accuracy"] == out["share_improved"] == 0.5
    # rewards chosen 0.5*(0+1)=0.5, 0.5*(-3+1)=-1 ; rejected 0.5*(-2+1)=-0.5, 0.5*(-1+2)=0.5
    assert out["mean_reward_chosen"] == pytest.approx(-0.25)
    assert out["mean_reward_rejected"] == pytest.approx(0.0)
    assert out["mean_reward_margin"] == pytest.approx(-0.25)
    assert out["policy_prefers_chosen"] == out["reference_prefers_chosen"] == 0.5
    # a tie is wrong
    tie = m.implicit_reward_metrics(*(np.zeros(1),) * 4, beta=0.1)
    assert tie["implicit_reward_accuracy"] == 0.0 and tie["share_improved"] == 0.0
