"""Prompt-grouped, seeded, order-independent splits."""

from __future__ import annotations

import polars as pl
import pytest

from alignkit.data.split import SplitRatios, _counts, assign
from alignkit.errors import AlignkitError


def test_counts_are_exact_and_small_sets_get_every_split():
    assert _counts(1000, SplitRatios()) == (900, 50, 50)
    assert _counts(10, SplitRatios()) == (8, 1, 1)
    assert _counts(2, SplitRatios()) == (2, 0, 0)
    assert _counts(10, SplitRatios(1.0, 0.0, 0.0)) == (10, 0, 0)
    assert _counts(9, SplitRatios(0.0, 0.5, 0.5)) == (0, 4, 5)


def test_bad_ratios_are_user_errors():
    with pytest.raises(AlignkitError):
        SplitRatios(0.9, 0.2, 0.05)
    with pytest.raises(AlignkitError):
        SplitRatios(1.1, -0.1, 0.0)


def test_no_prompt_in_two_splits_and_order_does_not_matter():
    prompts = pl.Series([f"p{i % 40}" for i in range(200)])
    splits, counts = assign(prompts, SplitRatios(0.8, 0.1, 0.1), seed=7)
    frame = pl.DataFrame({"prompt": prompts, "split": splits})
    assert frame.group_by("prompt").agg(pl.col("split").n_unique())["split"].max() == 1
    per_prompt = dict(zip(frame["prompt"], frame["split"]))
    shuffled = prompts.sample(fraction=1.0, shuffle=True, seed=1)
    again = dict(zip(shuffled, assign(shuffled, SplitRatios(0.8, 0.1, 0.1), seed=7)[0]))
    assert again == per_prompt
    assert sorted(pl.Series(list(per_prompt.values())).value_counts()["count"]) == [4, 4, 32]


def test_seed_changes_assignment():
    prompts = pl.Series([f"p{i}" for i in range(100)])
    a = assign(prompts, SplitRatios(), seed=1)[0].to_list()
    b = assign(prompts, SplitRatios(), seed=2)[0].to_list()
    assert a != b and a == assign(prompts, SplitRatios(), seed=1)[0].to_list()
