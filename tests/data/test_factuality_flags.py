"""Factuality flags (1 = the response has a factual error) reach the written splits, and so
Factual-DPO, from every format: alignkit's `h_chosen` / `h_rejected` and AIXpert's `h_w` / `h_l`
(Factual-DPO's data: JSONL of prompt / chosen / rejected / h_w / h_l)."""

from __future__ import annotations

import pytest

from alignkit.data import ingest
from alignkit.data.formats._util import factuality_flags
from alignkit.data.formats.base import AdaptContext
from alignkit.data.formats.hh_rlhf import HH_RLHF
from alignkit.data.formats.sharegpt import SHAREGPT
from alignkit.data.formats.trl import TRL_PREFERENCE
from tests.data.helpers import read_splits, write_jsonl

CTX = AdaptContext(source="t")
FLAGS = [(0, 1), (1, 0), (0, 0), (1, 1)]  # (chosen, rejected), one of each


def _hh(i: int) -> dict:
    head = f"\n\nHuman: What is fact number {i} about the moon?\n\nAssistant:"
    return {"chosen": head + f" Fact {i} is true.", "rejected": head + f" Fact {i} is made up."}


def _trl(i: int) -> dict:
    return {
        "prompt": f"What is fact number {i} about the moon?",
        "chosen": f"Fact {i} is true.",
        "rejected": f"Fact {i} is made up.",
    }


def _sharegpt(i: int) -> dict:
    return {
        "conversations": [{"from": "human", "value": f"What is fact number {i} about the moon?"}],
        "chosen": {"from": "gpt", "value": f"Fact {i} is true."},
        "rejected": {"from": "gpt", "value": f"Fact {i} is made up."},
    }


def _rows(make, names: tuple[str, str], n: int = 8, **extra) -> list[dict]:
    rows = []
    for i in range(n):
        h_c, h_r = FLAGS[i % len(FLAGS)]
        rows.append({**make(i), names[0]: h_c, names[1]: h_r, **extra})
    return rows


def _ingested(tmp_path, rows) -> tuple[dict, list[dict]]:
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    report = ingest(input=src, output=tmp_path / "out", dedup_by="none")
    return report, [r for split in read_splits(tmp_path / "out").values() for r in split]


CASES = {
    "hh-rlhf h_chosen/h_rejected": (_hh, ("h_chosen", "h_rejected"), {}, "hh-rlhf"),
    "hh-rlhf h_w/h_l": (_hh, ("h_w", "h_l"), {}, "hh-rlhf"),
    "trl h_w/h_l (columnar path)": (_trl, ("h_w", "h_l"), {}, "trl"),
    "trl h_w/h_l (row path)": (_trl, ("h_w", "h_l"), {"topic": "moon"}, "trl"),
    "sharegpt h_w/h_l": (_sharegpt, ("h_w", "h_l"), {}, "sharegpt"),
    "sharegpt h_chosen/h_rejected": (_sharegpt, ("h_chosen", "h_rejected"), {}, "sharegpt"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_flags_reach_the_splits(case, tmp_path):
    make, names, extra, fmt = CASES[case]
    rows = _rows(make, names, **extra)
    report, out = _ingested(tmp_path, rows)
    assert report["input"]["format"] == fmt and report["kept"] == len(rows)
    assert {"h_chosen", "h_rejected"} <= set(report["columns"])
    if "path)" in case:
        assert report["input"]["adapter"] == ("frame" if "columnar" in case else "rows")
    by_chosen = {r["chosen"] if isinstance(r["chosen"], str) else r["chosen"][0]["content"]: r
                 for r in out}  # fmt: skip
    for i in range(len(rows)):
        r = by_chosen[f"Fact {i} is true."]
        assert (r["h_chosen"], r["h_rejected"]) == FLAGS[i % len(FLAGS)], case
        # the flags are columns, not metadata
        assert not set(names) & set(r.get("metadata") or {}), r["metadata"]
    if extra:
        assert all(r["metadata"] == extra for r in out)


def test_factual_dpo_accepts_hh_rows_with_flags(tmp_path):
    """The loader and Factual-DPO's orientation take the written split (issue 13: before,
    HH-shaped rows lost their flags and `--loss-type factual` refused the data)."""
    pytest.importorskip("datasets")
    from alignkit.data.load import load_split
    from alignkit.train.dpo import factual_columns

    _ingested(tmp_path, _rows(_hh, ("h_chosen", "h_rejected"), n=40))
    train = load_split(tmp_path / "out", "train", ("prompt", "chosen", "rejected"))
    oriented = factual_columns(train, default=None)
    assert set(oriented["delta_h"]) <= {0, 1}
    # (1, 0) pairs were swapped so that the factual answer is preferred
    assert all(
        not (c == 1 and r == 0) for c, r in zip(oriented["h_chosen"], oriented["h_rejected"])
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"h_w": 1, "h_l": 0}, {"h_chosen": 1, "h_rejected": 0}),
        ({"h_w": True, "h_l": "0"}, {"h_chosen": 1, "h_rejected": 0}),
        ({"h_chosen": 0, "h_w": 1}, {"h_chosen": 0, "h_rejected": None}),  # own name first
        ({"h_chosen": None, "h_w": 1.0}, {"h_chosen": 1, "h_rejected": None}),
        ({"h_w": "maybe", "h_l": 2}, {"h_chosen": None, "h_rejected": None}),
        ({}, {"h_chosen": None, "h_rejected": None}),
    ],
)
def test_factuality_flags_names(row, expected):
    assert factuality_flags(row) == expected


def test_adapters_take_aixpert_names_per_row():
    hh = HH_RLHF.adapt({**_hh(1), "h_w": 0, "h_l": 1, "x": 2}, CTX)[0]
    trl = TRL_PREFERENCE.adapt({**_trl(1), "h_w": 0, "h_l": 1, "x": 2}, CTX)[0]
    sg = SHAREGPT.adapt({**_sharegpt(1), "h_w": 0, "h_l": 1, "x": 2}, CTX)[0]
    for pair in (hh, trl, sg):
        assert (pair.h_chosen, pair.h_rejected, pair.metadata) == (0, 1, {"x": 2})
