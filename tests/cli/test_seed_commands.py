"""The Argilla + TRL guide's commands as a user's shell runs them (issue 13): the
`argilla-export` alias with `--format trl`, and an ingest that keeps nothing.

The Argilla fixture (tests/assets/argilla/preference-export.jsonl) is what
`dataset.records.to_datasets().to_json("export.jsonl")` writes with argilla 2.8.0: eight
records, three annotators, a draft and a discarded response, one record nobody answered, one
without a majority (make_argilla_export.py beside it says how it was made)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_data_cli import run_cli
from tests.data.helpers import read_jsonl, read_splits

ASSETS = Path(__file__).resolve().parents[1] / "assets"
ARGILLA = ASSETS / "argilla" / "preference-export.jsonl"


def test_argilla_export_format_trl_names_the_output_schema(tmp_path):
    out = tmp_path / "DIR"
    args = ["--input", str(ARGILLA), "--output", str(out), "--format", "trl"]
    result = run_cli("data", "argilla-export", *args)
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "schema_report.json").read_text())
    assert report["input"]["format"] == "argilla2-flat"  # detected, not read as TRL
    assert report["settings"]["format"] == "auto"
    assert (report["input"]["rows"], report["kept"]) == (8, 6)
    assert report["dropped"] == {"no_majority": 1, "no_submitted_responses": 1}
    rows = {r["id"]: r for split in read_splits(out).values() for r in split}
    assert set(rows) == {"rec-1", "rec-2", "rec-3", "rec-4", "rec-5", "rec-8"}
    capital = rows["rec-1"]
    assert (capital["prompt"], capital["chosen"], capital["rejected"]) == (
        "What is the capital of Australia?",
        "Canberra.",
        "Sydney.",
    )
    assert capital["votes"] == ["chosen", "chosen", "rejected"]
    # the draft and the discarded response are no votes
    assert rows["rec-4"]["votes"] == ["chosen"] and rows["rec-5"]["votes"] == ["chosen"]
    assert rows["rec-5"]["chosen"] == "Au."
    # the alias without --format gives the same folder contents
    plain = tmp_path / "plain"
    assert run_cli("data", "argilla-export", "-i", str(ARGILLA), "-o", str(plain)).returncode == 0
    assert read_splits(plain) == read_splits(out)


def test_ingest_format_trl_on_an_argilla_export_keeps_nothing_and_exits_1(tmp_path):
    """`data ingest --format trl` means the input format: every row lacks `chosen`. The
    outputs are written (dropped.jsonl says why) and the exit is 1 with one line."""
    out = tmp_path / "DIR"
    result = run_cli("data", "ingest", "-i", str(ARGILLA), "-o", str(out), "--format", "trl")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "no record of preference-export.jsonl was kept (missing_chosen 8" in lines[0]
    assert str(out / "dropped.jsonl") in lines[0]
    assert "Traceback" not in result.stderr
    dropped = read_jsonl(out / "dropped.jsonl")
    assert [d["row"] for d in dropped] == list(range(8))
    assert {d["reason"] for d in dropped} == {"missing_chosen"}
    report = json.loads((out / "schema_report.json").read_text())
    assert (report["kept"], report["dropped_total"]) == (0, 8)
    assert report["splits"] == {"train": 0, "eval": 0, "test": 0}
    assert all((out / f"{s}.jsonl").read_text() == "" for s in ("train", "eval", "test"))


def test_zero_kept_over_an_earlier_good_ingest_leaves_it(tmp_path):
    """Over a folder whose earlier ingest kept records, nothing is written (issue 8: a wrong
    --format must not replace good data) and the one line says so; still exit 1."""
    out = tmp_path / "DIR"
    assert run_cli("data", "ingest", "-i", str(ARGILLA), "-o", str(out)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = run_cli("data", "ingest", "-i", str(ARGILLA), "-o", str(out), "--format", "trl")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "holds an earlier ingest (6 kept) and was left as it was" in lines[0]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    # a folder whose earlier ingest kept nothing is replaced: its dropped.jsonl was that run's
    empty = tmp_path / "EMPTY"
    args = ["-i", str(ARGILLA), "-o", str(empty), "--format", "trl"]
    assert run_cli("data", "ingest", *args).returncode == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"prompt": "A prompt that is long enough", "chosen": "same",
                               "rejected": "same"}) + "\n")  # fmt: skip
    result = run_cli("data", "ingest", "-i", str(bad), "-o", str(empty))
    assert result.returncode == 1 and "identical_responses 1" in result.stderr
    assert [d["reason"] for d in read_jsonl(empty / "dropped.jsonl")] == ["identical_responses"]


def test_low_valid_share_is_a_warning_not_an_error(tmp_path):
    rows = [{"prompt": "A prompt that is long enough", "chosen": "a", "rejected": "a"}] * 9
    rows.append({"prompt": "Another prompt, long enough", "chosen": "yes", "rejected": "no"})
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = run_cli("data", "ingest", "-i", str(src), "-o", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    assert "only 10.0% of records are valid" in result.stdout
