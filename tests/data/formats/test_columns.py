"""Generic tables with a column map: labels from several annotators, ratings, rankings."""

from __future__ import annotations

import pytest

from alignkit.data import ingest
from alignkit.data.formats.base import AdaptContext
from alignkit.data.formats.columns import adapt, check_map
from alignkit.data.schema import Comparison, Drop, PreferencePair
from alignkit.errors import AlignkitError
from tests.data.helpers import read_jsonl, read_splits, write_jsonl

PANDALM_MAP = {
    "prompt": "instruction+input",
    "a": "response1",
    "b": "response2",
    "label": "annotator1,annotator2,annotator3",
    "id": "idx",
}
PANDALM_LABELS = {"1": "a", "2": "b", "0": "tie"}


def test_pandalm_three_annotators_majority(shared_data, tmp_path):
    out = tmp_path / "o"
    report = ingest(
        input=shared_data / "pandalm-testset-v1.json",
        output=out,
        column_map=PANDALM_MAP,
        label_values=PANDALM_LABELS,
    )
    assert report["input"]["rows"] == 999
    assert report["kept"] + report["dropped_total"] == 999
    # 85 items are unanimous ties; items whose votes are split three ways have no majority
    assert report["dropped"]["tie"] >= 85
    agreement = report["agreement"]
    # 60 rows have an empty or non-text response and are dropped before their votes count
    assert report["dropped"]["empty_a"] + report["dropped"]["empty_b"] == 54
    assert agreement["items_multi_annotated"] == 939 == agreement["votes_per_item"]["3"]
    assert 0.7 < agreement["krippendorff_alpha"] < 1.0
    assert 0.8 < agreement["percent_agreement"] < 1.0
    row = next(r for rows in read_splits(out).values() for r in rows)
    assert len(row["votes"]) == 3 and row["annotators"] == [
        "annotator1",
        "annotator2",
        "annotator3",
    ]
    assert row["votes"].count("chosen") >= 2


def test_pandalm_keep_ties_and_unanimous(shared_data, tmp_path):
    src = shared_data / "pandalm-testset-v1.json"
    kept = ingest(
        input=src,
        output=tmp_path / "k",
        column_map=PANDALM_MAP,
        label_values=PANDALM_LABELS,
        keep_ties=True,
    )
    assert "tie" not in kept["dropped"] and "no_majority" not in kept["dropped"]
    unanimous = ingest(
        input=src,
        output=tmp_path / "u",
        column_map=PANDALM_MAP,
        label_values=PANDALM_LABELS,
        aggregate="unanimous",
    )
    majority = ingest(
        input=src, output=tmp_path / "m", column_map=PANDALM_MAP, label_values=PANDALM_LABELS
    )
    assert unanimous["dropped"]["not_unanimous"] > 0
    assert unanimous["kept"] < majority["kept"] < kept["kept"]


def test_stackexchange_pairs_with_a_rename_map(shared_data, tmp_path):
    report = ingest(
        input=shared_data / "stackexchange-paired-tiny.json",
        output=tmp_path / "o",
        column_map={"prompt": "question", "chosen": "response_j", "rejected": "response_k"},
    )
    assert report["input"]["rows"] == 25 and report["kept"] + report["dropped_total"] == 25
    assert report["kept"] >= 20


def test_ratings_become_pairs_with_margin(tmp_path):
    rows = [
        {"q": "Which is better, tea or coffee?", "r1": "Tea.", "r2": "Coffee.", "s1": 3, "s2": 8},
        {"q": "Name a prime number please", "r1": "7", "r2": "9", "s1": 9, "s2": 1},
        {"q": "Say hello to the user", "r1": "Hello", "r2": "Hi", "s1": 5, "s2": 5},
    ]
    out = tmp_path / "o"
    report = ingest(
        input=write_jsonl(tmp_path / "in.jsonl", rows),
        output=out,
        column_map={"prompt": "q", "a": "r1", "b": "r2", "score_a": "s1", "score_b": "s2"},
        train_ratio=1.0,
        eval_ratio=0.0,
        test_ratio=0.0,
    )
    assert report["dropped"] == {"tie": 1}
    train = {r["prompt"]: r for r in read_jsonl(out / "train.jsonl")}
    assert train["Which is better, tea or coffee?"]["chosen"] == "Coffee."
    assert train["Which is better, tea or coffee?"]["margin"] == 5.0
    assert train["Name a prime number please"]["chosen"] == "7"


def test_rankings_best_vs_rest_and_all_pairs():
    row = {"p": "Rank these answers", "x": "X", "y": "Y", "z": "Z", "kx": 2, "ky": 1, "kz": 3}
    ctx = AdaptContext(column_map={"prompt": "p", "responses": "x,y,z", "ranks": "kx,ky,kz"})
    best = adapt(row, ctx)
    assert [(c.a, c.b, c.votes[0].pick) for c in best] == [("Y", "X", "a"), ("Y", "Z", "a")]
    every = adapt(row, AdaptContext(column_map=ctx.column_map, ranking_pairs="all"))
    assert len(every) == 3 and all(isinstance(c, Comparison) for c in every)
    ordered = {"p": "Rank these", "x": "X", "y": "Y", "order": ["y", "x"]}
    ctx2 = AdaptContext(column_map={"prompt": "p", "responses": "x,y", "ranking": "order"})
    (c,) = adapt(ordered, ctx2)
    assert (c.a, c.b, c.votes[0].pick) == ("Y", "X", "a")


def test_ranking_rows_expand_and_are_accounted(tmp_path):
    rows = [
        {
            "p": f"Rank answers for question {i}",
            "x": f"X{i}",
            "y": f"Y{i}",
            "z": f"Z{i}",
            "kx": 1,
            "ky": 2,
            "kz": 3,
        }
        for i in range(6)
    ]
    report = ingest(
        input=write_jsonl(tmp_path / "in.jsonl", rows),
        output=tmp_path / "o",
        column_map={"prompt": "p", "responses": "x,y,z", "ranks": "kx,ky,kz"},
        ranking_pairs="all",
    )
    assert report["expanded"] == 12 and report["records"] == 18 and report["kept"] == 18


def test_labels_outside_the_values_drop_the_row():
    ctx = AdaptContext(
        column_map={"prompt": "p", "a": "a", "b": "b", "label": "l"},
        label_values={"1": "a", "2": "b"},
    )
    out = adapt({"p": "prompt text", "a": "A", "b": "B", "l": 7}, ctx)
    assert isinstance(out, Drop) and out.reason == "unknown_label_value"
    skipped = adapt({"p": "prompt text", "a": "A", "b": "B", "l": None}, ctx)
    assert skipped[0].votes == []


def test_chosen_rejected_map_gives_pairs():
    ctx = AdaptContext(column_map={"prompt": "q", "chosen": "good", "rejected": "bad"})
    (p,) = adapt({"q": "Q?", "good": "G", "bad": "B", "extra": 1}, ctx)
    assert isinstance(p, PreferencePair) and p.metadata == {"extra": 1}


@pytest.mark.parametrize(
    "column_map",
    [
        {"a": "x"},
        {"prompt": "p", "a": "x"},
        {"prompt": "p", "wrong": "x"},
        {"prompt": "p", "a": "x", "b": "y", "score_a": "s"},
    ],
)
def test_bad_maps_are_rejected_before_reading(column_map):
    with pytest.raises(AlignkitError):
        check_map(column_map)
