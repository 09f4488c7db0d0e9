"""Vote aggregation and agreement, against numbers worked by hand."""

from __future__ import annotations

import pytest

from alignkit.data.aggregate import agreement_stats, resolve
from alignkit.data.schema import Comparison, Drop, PreferencePair, Vote


def comp(*picks: str, **kw) -> Comparison:
    votes = [Vote(f"u{i}", p) for i, p in enumerate(picks)]
    return Comparison("prompt", "A", "B", votes=votes, h_a=0, h_b=1, **kw)


def test_majority_orients_pair_and_votes():
    pair = resolve(comp("b", "b", "a"), "majority", keep_ties=False)
    assert isinstance(pair, PreferencePair)
    assert (pair.chosen, pair.rejected) == ("B", "A")
    assert (pair.h_chosen, pair.h_rejected) == (1, 0)
    assert pair.votes == ["chosen", "chosen", "rejected"]
    assert pair.annotators == ["u0", "u1", "u2"]
    assert pair.agreement == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("picks", "mode", "reason"),
    [
        (("a", "b"), "majority", "no_majority"),
        (("a", "b", "tie"), "majority", "no_majority"),
        (("tie", "tie", "a"), "majority", "tie"),
        (("a", "a", "b"), "unanimous", "not_unanimous"),
        (("a", "b"), "any", "conflicting_votes"),
        ((), "majority", "no_votes"),
    ],
)
def test_undecided_items_are_dropped_with_reason(picks, mode, reason):
    out = resolve(comp(*picks), mode, keep_ties=False)
    assert isinstance(out, Drop) and out.reason == reason


def test_unanimous_and_any():
    assert resolve(comp("a", "a"), "unanimous", False).chosen == "A"
    assert resolve(comp("b", "tie", "tie"), "any", False).chosen == "B"


def test_keep_ties_marks_tie_with_zero_margin():
    pair = resolve(comp("tie", "tie"), "majority", keep_ties=True)
    assert pair.tie is True and pair.margin == 0.0
    split = resolve(comp("a", "b"), "majority", keep_ties=True)
    assert split.tie is True


def test_scores_decide_when_there_are_no_votes():
    c = Comparison("p", "A", "B", score_a=2.0, score_b=7.5)
    pair = resolve(c, "majority", False)
    assert (pair.chosen, pair.margin) == ("B", 5.5)
    equal = Comparison("p", "A", "B", score_a=3.0, score_b=3.0)
    assert resolve(equal, "majority", False).reason == "tie"


def test_agreement_by_hand():
    # items (a,a), (b,a), (b,b): coincidences o_aa=2, o_bb=2, o_ab=o_ba=1, n=6, n_a=n_b=3
    # D_o = 2/6, D_e = 2*3*3/(6*5) = 0.6, alpha = 1 - (1/3)/0.6 = 4/9
    votes = [
        [Vote("1", "a"), Vote("2", "a")],
        [Vote("1", "b"), Vote("2", "a")],
        [Vote("1", "b"), Vote("2", "b")],
        [Vote("1", "a")],
    ]
    stats = agreement_stats(votes)
    assert stats["krippendorff_alpha"] == pytest.approx(4 / 9, abs=1e-4)
    assert stats["percent_agreement"] == pytest.approx(2 / 3, abs=1e-4)
    assert stats["items_multi_annotated"] == 3
    assert stats["votes_per_item"] == {"1": 1, "2": 3}


def test_agreement_perfect_single_value_is_undefined_alpha():
    stats = agreement_stats([[Vote("1", "a"), Vote("2", "a")]] * 3)
    assert stats["percent_agreement"] == 1.0 and stats["krippendorff_alpha"] is None
