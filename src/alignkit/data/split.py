"""Seeded train/eval/test splits grouped by prompt: no prompt appears in two splits.

Each distinct prompt gets a key, xxh3_64(prompt, seed) (a fixed, documented hash, unlike
polars' own, which may change between releases), and prompts are ordered by it; the
first share goes to train, then eval, then test, with exact counts from the ratios. The order
depends only on the prompt text and the seed, not on the input order, and adding data moves
few existing prompts to another split.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import xxhash

from alignkit.data.settings import SplitRatios

SPLITS = ("train", "eval", "test")


def _counts(n: int, ratios: SplitRatios) -> tuple[int, int, int]:
    """Exact counts; a split with a non-zero ratio gets at least one prompt when there are
    enough prompts for every such split, so a small set still has an eval and a test split."""
    eval_n, test_n = round(n * ratios.eval), round(n * ratios.test)
    if n >= sum(r > 0 for r in (ratios.train, ratios.eval, ratios.test)):
        eval_n, test_n = max(eval_n, int(ratios.eval > 0)), max(test_n, int(ratios.test > 0))
    eval_n = min(eval_n, n)
    test_n = min(test_n, n - eval_n)
    if ratios.train == 0:  # rounding must not leave prompts to a split that asked for none
        test_n = n - eval_n if ratios.test > 0 else 0
        eval_n = n - test_n
    return n - eval_n - test_n, eval_n, test_n


def assign(prompts: pl.Series, ratios: SplitRatios, seed: int) -> tuple[pl.Series, dict]:
    """The split name for every row, given the rows' prompts, and the prompts per split."""
    unique = prompts.unique(maintain_order=True)
    digest = xxhash.xxh3_64_intdigest
    keys = np.fromiter(
        (digest(p.encode("utf-8", "surrogatepass"), seed) for p in unique.to_list()),
        dtype=np.uint64,
        count=len(unique),
    )
    rank = np.empty(len(unique), dtype=np.int64)
    rank[np.argsort(keys, kind="stable")] = np.arange(len(unique))
    n_train, n_eval, n_test = _counts(len(unique), ratios)
    names = np.where(rank < n_train, "train", np.where(rank < n_train + n_eval, "eval", "test"))
    lookup = pl.DataFrame({"prompt": unique, "_split": pl.Series(names.tolist(), dtype=pl.String)})
    joined = prompts.to_frame("prompt").join(lookup, on="prompt", how="left", maintain_order="left")
    return joined["_split"], {"train": n_train, "eval": n_eval, "test": n_test}
