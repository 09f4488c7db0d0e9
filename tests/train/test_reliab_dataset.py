"""Issue 8, item 6: training checks the dataset folder before it reads it. An ingest's folder
must match the digests in its schema_report.json (no split from another ingest, no leftover
temp files); a folder made by hand trains only after its rows pass, with one line saying it is
not an alignkit ingest; the run records the dataset's digest."""

from __future__ import annotations

import json
import shutil

import pytest

from alignkit.data.load import row_problem, verify_dataset
from alignkit.errors import AlignkitError
from tests.train.helpers import make_dataset, preference_rows


def ingested(folder, n=40, seed=0):
    folder.mkdir(parents=True)
    if seed:  # another ingest's rows
        rows = preference_rows(n, seed=seed)
        src = folder / "pairs.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in rows))
        from alignkit.data import ingest

        ingest(input=src, output=folder / "data", train_ratio=0.8, eval_ratio=0.2, test_ratio=0)
        return folder / "data"
    return make_dataset(folder, n=n)


def by_hand(folder, rows, name="train.jsonl"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder


def test_a_split_from_another_ingest_is_refused(tmp_path):
    a, b = ingested(tmp_path / "a"), ingested(tmp_path / "b", seed=3)
    assert verify_dataset(a).from_ingest
    shutil.copy(b / "eval.jsonl", a / "eval.jsonl")
    with pytest.raises(AlignkitError, match="eval.jsonl do not match its schema_report.json"):
        verify_dataset(a)
    # the same mixed folder without its report is a hand-made one: rows checked, then trains
    (a / "schema_report.json").unlink()
    check = verify_dataset(a)
    assert not check.from_ingest and set(check.files) >= {"train.jsonl", "eval.jsonl"}


def test_an_unfinished_ingests_temp_files_are_refused(tmp_path):
    a = ingested(tmp_path / "a")
    (a / ".train.jsonl.tmp-4242").write_text("{}\n")
    with pytest.raises(AlignkitError, match="unfinished write"):
        verify_dataset(a)


def test_a_truncated_split_is_refused(tmp_path):
    a = ingested(tmp_path / "a")
    lines = (a / "train.jsonl").read_text().splitlines(keepends=True)
    (a / "train.jsonl").write_text("".join(lines[:-3]))
    with pytest.raises(AlignkitError, match="train.jsonl do not match"):
        verify_dataset(a)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ({"prompt": "Hi there", "chosen": "Yes.", "rejected": "No."}, None),
        ({"prompt": [{"role": "user", "content": "Hi"}], "chosen": "a", "rejected": "b"}, None),
        ({"prompt": "Hi", "completion": "Sure.", "label": True}, None),
        ({"prompt": "Hi", "chosen": "Same ", "rejected": " Same"}, "identical"),
        ({"prompt": None, "chosen": "a", "rejected": "b"}, "prompt is missing"),
        ({"prompt": "Hi", "chosen": "  ", "rejected": "b"}, "chosen is empty"),
        ({"prompt": "Hi", "chosen": "a"}, "rejected is missing"),
        ({"prompt": "Hi", "chosen": 3, "rejected": "b"}, "chosen is a int"),
        ({"prompt": "Hi", "chosen": [], "rejected": "b"}, "empty message list"),
        ({"prompt": "Hi", "chosen": ["x"], "rejected": "b"}, "not of chat messages"),
        ({"prompt": "Hi", "completion": "ok", "label": "maybe"}, "not true/false"),
        ({"prompt": "Hi", "text": "ok"}, "neither chosen/rejected"),
        ([1, 2], "not a JSON object"),
    ],
)
def test_hand_made_row_rules(row, problem):
    found = row_problem(row)
    assert found is None if problem is None else problem in found


def test_a_bad_hand_made_row_is_one_line_naming_file_and_line(tmp_path):
    rows = preference_rows(6)
    rows[3] = {**rows[3], "rejected": rows[3]["chosen"]}
    folder = by_hand(tmp_path / "hand", rows)
    with pytest.raises(AlignkitError) as err:
        verify_dataset(folder)
    message = str(err.value)
    assert message == f"{folder / 'train.jsonl'} line 4: chosen and rejected are identical"
    (folder / "train.jsonl").write_text('{"prompt": "a", "chosen": "b", "rejected": "c"}\n{oops\n')
    with pytest.raises(AlignkitError, match=r"train.jsonl line 2 is not valid JSON"):
        verify_dataset(folder)


def test_a_bad_hand_made_parquet_row_is_named(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "hand"
    folder.mkdir()
    rows = preference_rows(4)
    rows[1]["prompt"] = ""
    pq.write_table(pa.Table.from_pylist(rows), folder / "train.parquet")
    with pytest.raises(AlignkitError, match=r"train.parquet row 2: prompt is empty"):
        verify_dataset(folder)


def test_a_hand_made_folder_trains_with_a_note_and_the_digest_is_recorded(tmp_path, capsys):
    pytest.importorskip("torch")
    from alignkit.train import rm

    folder = by_hand(tmp_path / "hand", preference_rows(24))
    out = tmp_path / "run"
    s = rm.RMSettings(
        base_model="tiny-bert", dataset_dir=folder, output_dir=out, max_steps=2, batch_size=4,
        save_steps=100, eval_steps=100, max_length=32,
    )  # fmt: skip
    assert rm.train(s).status == "succeeded"
    notes = [line for line in capsys.readouterr().err.splitlines() if "not an alignkit" in line]
    assert len(notes) == 1, notes
    dataset = json.loads((out / "run.json").read_text())["dataset"]
    assert dataset["digest"] == verify_dataset(folder).digest and not dataset["from_ingest"]
    assert dataset["files"]["train.jsonl"]["rows"] == 24
