"""The ingest pipeline end to end: accounting, validation rules, dedup, splits, outputs."""

from __future__ import annotations

import importlib
import json

import pytest

from alignkit.data import ingest
from alignkit.errors import AlignkitError
from tests.data.helpers import read_jsonl, read_splits, write_jsonl


def pair(i: int, **kw) -> dict:
    row = {
        "prompt": f"Question number {i}: what is the answer?",
        "chosen": f"A good answer {i}.",
        "rejected": f"A bad answer {i}.",
    }
    row.update(kw)
    return row


@pytest.fixture
def messy(tmp_path):
    rows = [pair(i) for i in range(40)]
    rows += [
        pair(0),  # duplicate of row 0
        pair(41, prompt="   "),  # whitespace-only prompt
        pair(42, prompt="Hi"),  # 1 approx. token < 3
        pair(43, chosen="same", rejected=" same "),  # identical after strip
        pair(44, prompt="x" * 9000),  # ~2250 approx. tokens > 2048
        {"prompt": "Missing the rejected one, sadly", "chosen": "ok"},
    ]
    return write_jsonl(tmp_path / "in.jsonl", rows)


def test_every_row_is_kept_or_dropped_with_one_reason(messy, tmp_path):
    out = tmp_path / "out"
    report = ingest(input=messy, output=out)
    assert report["input"]["rows"] == 46
    assert report["kept"] == 40
    assert report["dropped"] == {
        "duplicate": 1,
        "empty_prompt": 1,
        "identical_responses": 1,
        "missing_rejected": 1,
        "prompt_too_long": 1,
        "prompt_too_short": 1,
    }
    assert report["kept"] + report["dropped_total"] == report["records"] == 46
    splits = read_splits(out)
    assert sum(len(v) for v in splits.values()) == 40 == sum(report["splits"].values())
    dropped = read_jsonl(out / "dropped.jsonl")
    assert sorted(d["row"] for d in dropped) == [40, 41, 42, 43, 44, 45]
    assert {d["row"]: d["reason"] for d in dropped}[40] == "duplicate"
    # the report on disk is what the function returned
    on_disk = json.loads((out / "schema_report.json").read_text())
    assert on_disk["dropped"] == report["dropped"] and on_disk["kept"] == 40
    assert report["warnings"], "fewer than 95% valid must warn"


def test_outputs_are_trl_columns_and_omit_all_null_optionals(messy, tmp_path):
    out = tmp_path / "out"
    ingest(input=messy, output=out)
    row = read_splits(out)["train"][0]
    assert list(row)[:3] == ["prompt", "chosen", "rejected"]
    assert "h_chosen" not in row and "margin" not in row and "metadata" not in row
    assert row["source"] == "in.jsonl"
    assert not list(out.glob(".*tmp*")), "no temporary files may be left behind"


def test_splits_are_grouped_by_prompt_and_deterministic(tmp_path):
    rows = [pair(i % 30, chosen=f"good {i}", rejected=f"bad {i}") for i in range(300)]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    a, b = tmp_path / "a", tmp_path / "b"
    report = ingest(input=src, output=a, train_ratio=0.8, eval_ratio=0.1, test_ratio=0.1)
    ingest(input=src, output=b, train_ratio=0.8, eval_ratio=0.1, test_ratio=0.1)
    for split in ("train", "eval", "test"):
        assert (a / f"{split}.jsonl").read_bytes() == (b / f"{split}.jsonl").read_bytes()
    prompts = {s: {r["prompt"] for r in rows} for s, rows in read_splits(a).items()}
    assert not (prompts["train"] & prompts["eval"]) and not (prompts["train"] & prompts["test"])
    assert not (prompts["eval"] & prompts["test"])
    assert report["split_prompts"] == {"train": 24, "eval": 3, "test": 3}
    # reversing the input order keeps every prompt in its split
    rev = write_jsonl(tmp_path / "rev.jsonl", rows[::-1])
    ingest(input=rev, output=tmp_path / "c", train_ratio=0.8, eval_ratio=0.1, test_ratio=0.1)
    again = {s: {r["prompt"] for r in rows} for s, rows in read_splits(tmp_path / "c").items()}
    assert again == prompts


def test_dedup_by_prompt_and_none(messy, tmp_path):
    by_prompt = ingest(input=messy, output=tmp_path / "p", dedup_by="prompt")
    assert by_prompt["dropped"]["duplicate"] == 1
    rows = [pair(1), pair(1, chosen="other good answer")]
    src = write_jsonl(tmp_path / "two.jsonl", rows)
    assert ingest(input=src, output=tmp_path / "q", dedup_by="prompt")["kept"] == 1
    assert ingest(input=src, output=tmp_path / "r")["kept"] == 2
    assert ingest(input=messy, output=tmp_path / "n", dedup_by="none")["kept"] == 41


def test_length_bounds_and_response_limit(tmp_path):
    rows = [pair(1), pair(2, chosen="word " * 400)]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    report = ingest(
        input=src,
        output=tmp_path / "o",
        min_prompt_toks=1,
        max_prompt_toks=50,
        max_response_toks=100,
    )
    assert report["dropped"] == {"response_too_long": 1}
    with pytest.raises(AlignkitError):
        ingest(input=src, output=tmp_path / "o", min_prompt_toks=10, max_prompt_toks=5)


def test_length_bias_and_contradictions(tmp_path):
    rows = [
        pair(1, chosen="a much longer chosen answer", rejected="short"),
        pair(2, chosen="short", rejected="a much longer rejected answer"),
        pair(3, chosen="x", rejected="y"),
        pair(3, chosen="y", rejected="x"),
    ]
    report = ingest(input=write_jsonl(tmp_path / "in.jsonl", rows), output=tmp_path / "o")
    assert report["length_bias"]["chosen_longer_share"] == 0.25
    assert report["length_bias"]["chosen_shorter_share"] == 0.25
    assert report["contradictions"] == 2


def test_conversational_rows_make_the_whole_set_conversational(tmp_path):
    rows = [
        {
            "prompt": [{"role": "user", "content": "What is the capital of France?"}],
            "chosen": [{"role": "assistant", "content": "Paris."}],
            "rejected": [{"role": "assistant", "content": "Lyon."}],
        },
        pair(2),
    ]
    out = tmp_path / "o"
    report = ingest(
        input=write_jsonl(tmp_path / "in.jsonl", rows),
        output=out,
        train_ratio=1.0,
        eval_ratio=0.0,
        test_ratio=0.0,
    )
    assert report["input"]["conversational"] and report["kept"] == 2
    train = read_splits(out)["train"]
    assert train[0]["chosen"] == [{"role": "assistant", "content": "Paris."}]
    assert train[1]["prompt"] == [{"role": "user", "content": pair(2)["prompt"]}]


def test_factuality_flags_and_margin_are_kept(tmp_path):
    rows = [pair(i, h_chosen=0, h_rejected=1, margin=0.5) for i in range(5)]
    out = tmp_path / "o"
    ingest(input=write_jsonl(tmp_path / "in.jsonl", rows), output=out)
    row = read_splits(out)["train"][0]
    assert (row["h_chosen"], row["h_rejected"], row["margin"]) == (0, 1, 0.5)


def test_unpaired_feedback(tmp_path):
    rows = [
        {"prompt": f"Say something nice {i}", "completion": f"Nice {i}", "label": i % 2 == 0}
        for i in range(10)
    ]
    rows.append({"prompt": "Say something", "completion": "x", "label": "maybe"})
    out = tmp_path / "o"
    report = ingest(input=write_jsonl(tmp_path / "in.jsonl", rows), output=out)
    assert report["input"]["kind"] == "unpaired" and report["kept"] == 10
    assert report["dropped"] == {"bad_label": 1}
    row = read_splits(out)["train"][0]
    assert set(row) >= {"prompt", "completion", "label"} and isinstance(row["label"], bool)


def test_anonymize_scrubs_outputs_and_counts(tmp_path):
    rows = [
        pair(i, chosen=f"Write to jane.doe{i}@example.com or see https://example.org/x")
        for i in range(4)
    ]
    out = tmp_path / "o"
    report = ingest(input=write_jsonl(tmp_path / "in.jsonl", rows), output=out, anonymize=True)
    assert report["anonymize"]["replaced"]["email"] == 4
    assert report["anonymize"]["replaced"]["url"] == 4
    text = "".join(p.read_text() for p in out.glob("*.jsonl"))
    assert "@example.com" not in text and "<EMAIL>" in text


def test_unknown_format_and_bad_flags_are_one_line_errors(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"foo": 1, "bar": 2}])
    with pytest.raises(AlignkitError) as err:
        ingest(input=src, output=tmp_path / "o")
    assert "\n" not in str(err.value) and "cannot detect" in str(err.value)
    with pytest.raises(AlignkitError):
        ingest(input=src, output=tmp_path / "o", format="nope")
    with pytest.raises(AlignkitError):
        ingest(input=src, output=tmp_path / "o", aggregate="mean")


def test_one_malformed_record_does_not_stop_detection(shared_data, tmp_path):
    tasks = json.loads((shared_data / "labelstudio-pairwise-export.json").read_text())
    tasks.insert(3, {"id": 999, "data": "not an object", "annotations": "broken"})
    src = tmp_path / "ls.json"
    src.write_text(json.dumps(tasks))
    report = ingest(input=src, output=tmp_path / "o")
    assert report["input"]["format"] == "labelstudio"
    assert report["input"]["rows"] == 33 and report["kept"] + report["dropped_total"] == 33
    assert {d["row"] for d in read_jsonl(tmp_path / "o" / "dropped.jsonl")} >= {3}


def test_rerun_replaces_outputs_and_a_killed_rerun_keeps_the_old_ones(tmp_path, monkeypatch):
    src = write_jsonl(tmp_path / "in.jsonl", [pair(i) for i in range(20)])
    out = tmp_path / "o"
    ingest(input=src, output=out)
    ingest(input=src, output=out, output_format="parquet")
    assert [p.name for p in out.glob("*.jsonl")] == ["dropped.jsonl"]
    assert {p.name for p in out.glob("*.parquet")} == {
        "train.parquet",
        "eval.parquet",
        "test.parquet",
    }

    # a run killed while writing leaves the previous result exactly as it was

    before = {p.name: p.read_bytes() for p in out.iterdir()}

    ingest_module = importlib.import_module(
        "alignkit.data.pipeline"
    )  # the package exports the function

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest_module, "write_split", killed)
    with pytest.raises(KeyboardInterrupt):
        ingest(input=src, output=out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(out.glob(".*tmp*")) and not list(tmp_path.glob(".o.tmp*"))
