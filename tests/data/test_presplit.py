"""Files already split (`data ingest --input train.jsonl --eval-input eval.jsonl`): each file
whole into its split, not re-split; every row kept in its split or dropped with its reason;
AIXpert's h_w/h_l arrive as h_chosen/h_rejected; one report whose digests the loader checks."""

from __future__ import annotations

import json

from alignkit.commands import COMMANDS
from alignkit.data.load import verify_dataset
from alignkit.data.settings import IngestSettings


def rows(n: int, start: int = 0, h=(0, 1)) -> list[dict]:
    return [
        {"prompt": f"Which year did event number {i} happen?", "chosen": f"In {1900 + i}.",
         "rejected": f"In {1800 + i}.", "h_w": h[0], "h_l": h[1]}
        for i in range(start, start + n)
    ]  # fmt: skip


def write(path, items):
    path.write_text("".join(json.dumps(r) + "\n" for r in items))
    return path


def read(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_each_file_is_its_split_as_given(tmp_path):
    train = write(tmp_path / "train.jsonl", rows(7) + rows(1))  # one duplicate pair
    short = {"prompt": "hi", "chosen": "a", "rejected": "b", "h_w": 1, "h_l": 0}
    evals = write(tmp_path / "eval.jsonl", rows(3, start=100, h=(1, 0)) + [short])
    out = tmp_path / "data"
    s = IngestSettings(input=train, eval_input=evals, output=out)
    report = COMMANDS["data:ingest"](s)
    got = {k: read(out / f"{k}.jsonl") for k in ("train", "eval", "test")}
    assert [len(v) for v in got.values()] == [7, 3, 0]
    assert [r["prompt"] for r in got["eval"]] == [r["prompt"] for r in rows(3, start=100)]
    assert {(r["h_chosen"], r["h_rejected"]) for r in got["train"]} == {(0, 1)}
    assert {(r["h_chosen"], r["h_rejected"]) for r in got["eval"]} == {(1, 0)}
    dropped = read(out / "dropped.jsonl")
    assert [(d["split"], d["reason"]) for d in dropped] == [
        ("train", "duplicate"), ("eval", "prompt_too_short")
    ]  # fmt: skip
    assert report["records"] == 12 == report["kept"] + report["dropped_total"]
    assert report["splits"] == {"train": 7, "eval": 3, "test": 0}
    assert report["given_splits"]["eval"]["input"]["path"] == str(evals)
    assert report["input"]["rows"] == 12 and report["settings"]["eval_input"] == str(evals)
    check = verify_dataset(out)  # the report's digests are the files'
    assert check.from_ingest and set(check.files) == {"train.jsonl", "eval.jsonl", "test.jsonl"}


def test_without_eval_input_it_is_the_usual_ingest(tmp_path):
    src = write(tmp_path / "all.jsonl", rows(20))
    report = COMMANDS["data:ingest"](IngestSettings(input=src, output=tmp_path / "d"))
    assert "given_splits" not in report and sum(report["splits"].values()) == 20
