"""Rankings to pairwise comparisons.

A ranking question orders k responses (rank 1 = best); several annotators may each give one.
Each pair of responses becomes a Comparison whose votes are what each annotator's ranking
implies for that pair (equal ranks are a tie), so the usual vote aggregation decides it.

`best`: the response with the best mean rank against each of the others (k-1 pairs; the
InstructGPT-style "best vs rest"). `all`: every unordered pair (k(k-1)/2 pairs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

from alignkit.data.formats.base import RankingPairs
from alignkit.data.schema import Comparison, Text, Vote

# one annotator's ranking: response name -> rank (lower is better)
Ranking = tuple[str | None, Mapping[str, float]]


def _pick(ranks: Mapping[str, float], a: str, b: str) -> str | None:
    if a not in ranks or b not in ranks:
        return None
    if ranks[a] == ranks[b]:
        return "tie"
    return "a" if ranks[a] < ranks[b] else "b"


def ranking_comparisons(
    prompt: Text,
    responses: Mapping[str, Text],
    rankings: Sequence[Ranking],
    mode: RankingPairs = "best",
    **common: Any,
) -> list[Comparison]:
    """Comparisons for the ranked responses; `common` goes into every Comparison (id, source,
    metadata...). Responses no annotator ranked are left out."""
    ranked = [n for n in responses if any(n in r for _, r in rankings)]
    if len(ranked) < 2:
        return []
    if mode == "best":

        def mean_rank(name: str) -> float:
            values = [r[name] for _, r in rankings if name in r]
            return sum(values) / len(values)

        best = min(ranked, key=lambda n: (mean_rank(n), ranked.index(n)))
        pairs = [(best, other) for other in ranked if other != best]
    else:
        pairs = list(combinations(ranked, 2))
    out = []
    base_id = common.pop("id", None)
    for a, b in pairs:
        votes = [Vote(annotator, p) for annotator, r in rankings if (p := _pick(r, a, b))]
        pair_id = f"{base_id}:{a}>{b}" if base_id is not None else None
        out.append(
            Comparison(prompt, responses[a], responses[b], votes=votes, id=pair_id, **common)
        )
    return out
