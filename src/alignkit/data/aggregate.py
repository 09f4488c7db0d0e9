"""Multi-annotator aggregation: a Comparison's votes decide chosen vs rejected.

Modes (`--aggregate`):
- majority:  the pick with the most votes wins; a top tied between picks, or a top of "tie"
             votes, is a tie.
- unanimous: every vote must be the same pick; any disagreement drops the item.
- any:       one vote for a response is enough, unless another vote picked the other one.
Ties are dropped, or kept with `tie=True` when `--keep-ties` is set (chosen = the first
response, margin 0), for losses that can use them. Ratings without votes decide by score.

Agreement over the whole set uses Krippendorff's alpha (nominal; Krippendorff 2011, "Computing
Krippendorff's Alpha-Reliability") from per-item value counts, which needs no annotator identity
and so also works for exports where each annotator rated only some items, plus mean pairwise
percent agreement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations

from alignkit.data.schema import Comparison, Drop, PreferencePair, Vote
from alignkit.data.settings import AggregateMode

_ORIENT = {"a": {"a": "chosen", "b": "rejected"}, "b": {"a": "rejected", "b": "chosen"}}


def _decide(votes: list[Vote], mode: AggregateMode) -> str | Drop:
    """'a', 'b' or 'tie', or a Drop for a missing decision."""
    counts = Counter(v.pick for v in votes)
    if mode == "unanimous":
        if len(counts) > 1:
            return Drop("not_unanimous", f"votes {dict(counts)}")
        return next(iter(counts))
    if mode == "any":
        if counts["a"] and counts["b"]:
            return Drop("conflicting_votes", f"votes {dict(counts)}")
        return "a" if counts["a"] else "b" if counts["b"] else "tie"
    top = counts.most_common()
    if len(top) > 1 and top[0][1] == top[1][1]:
        return Drop("no_majority", f"votes {dict(counts)}")
    return top[0][0]


def _scored(c: Comparison) -> str | None:
    if c.score_a is None or c.score_b is None:
        return None
    return "a" if c.score_a > c.score_b else "b" if c.score_b > c.score_a else "tie"


def resolve(c: Comparison, mode: AggregateMode, keep_ties: bool) -> PreferencePair | Drop:
    """Turn one Comparison into a PreferencePair oriented by its votes (or scores)."""
    if c.votes:
        decision = _decide(c.votes, mode)
    else:
        decision = _scored(c) or Drop("no_votes", "no submitted votes and no scores")
    if isinstance(decision, Drop) and not (keep_ties and decision.reason == "no_majority"):
        return decision
    if decision == "tie" or isinstance(decision, Drop):
        if not keep_ties:
            return Drop("tie", "annotators judged the responses equal")
        decision, tie = "a", True
    else:
        tie = None
    orient = _ORIENT[decision]
    winner_first = decision == "a"
    margin = None
    if c.score_a is not None and c.score_b is not None:
        margin = abs(c.score_a - c.score_b)
    agreement = None
    if c.votes:
        agreement = Counter(v.pick for v in c.votes).most_common(1)[0][1] / len(c.votes)
    return PreferencePair(
        prompt=c.prompt,
        chosen=c.a if winner_first else c.b,
        rejected=c.b if winner_first else c.a,
        id=c.id,
        source=c.source,
        annotators=[v.annotator or f"annotator{i}" for i, v in enumerate(c.votes)] or None,
        votes=[orient.get(v.pick, "tie") for v in c.votes] or None,
        agreement=agreement,
        tie=tie,
        h_chosen=c.h_a if winner_first else c.h_b,
        h_rejected=c.h_b if winner_first else c.h_a,
        margin=0.0 if tie else margin,
        metadata=c.metadata,
    )


def agreement_stats(vote_lists: Iterable[list[Vote]]) -> dict:
    """Inter-annotator agreement over the items that have two or more votes."""
    codes = {"a": 0, "b": 1, "tie": 2}
    counts, pair_agree, n_votes = [], [], Counter()
    for votes in vote_lists:
        n_votes[len(votes)] += 1
        if len(votes) < 2:
            continue
        row = [0, 0, 0]
        for v in votes:
            row[codes[v.pick]] += 1
        counts.append(row)
        pairs = list(combinations([v.pick for v in votes], 2))
        pair_agree.append(sum(x == y for x, y in pairs) / len(pairs))
    out: dict = {
        "items_with_votes": sum(n for k, n in n_votes.items() if k > 0),
        "items_multi_annotated": len(counts),
        "votes_per_item": {str(k): n for k, n in sorted(n_votes.items())},
        "percent_agreement": None,
        "krippendorff_alpha": None,
    }
    if counts:
        out["percent_agreement"] = round(sum(pair_agree) / len(pair_agree), 4)
        out["krippendorff_alpha"] = _alpha(counts)
    return out


def _alpha(counts: list[list[int]]) -> float | None:
    import krippendorff
    import numpy as np

    table = np.asarray(counts, dtype=float)
    if (table.sum(axis=0) > 0).sum() < 2:  # a single value overall: alpha is undefined
        return None
    value = krippendorff.alpha(value_counts=table, level_of_measurement="nominal")
    return round(float(value), 4)
