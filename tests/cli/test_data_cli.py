"""The `alignkit data` commands as a user runs them: exit codes, one-line errors, output."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from alignkit.cli import app
from alignkit.data.settings import parse_label_values, parse_map
from alignkit.errors import AlignkitError
from tests.data.helpers import read_splits, write_jsonl

runner = CliRunner()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """The installed entry point in a subprocess: what a user's shell sees."""
    code = "from alignkit.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


def test_help_is_instant_and_lists_commands():
    start = time.perf_counter()
    result = run_cli("data", "--help")
    assert result.returncode == 0
    assert "ingest" in result.stdout and "stats" in result.stdout
    assert "argilla-export" in result.stdout
    assert time.perf_counter() - start < 10  # generous: the import check below is the real one


def test_help_imports_nothing_heavy():
    code = "import sys; from alignkit.cli import app; print(sorted(m for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    for heavy in ("polars", "torch", "transformers", "datasets", "pyarrow"):
        assert f"'{heavy}'" not in out


def test_ingest_then_stats(tmp_path):
    rows = [
        {"prompt": f"Tell me fact number {i}", "chosen": f"Fact {i}.", "rejected": "No."}
        for i in range(30)
    ]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out"
    result = runner.invoke(app, ["data", "ingest", "-i", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "kept" in result.output and "30" in result.output
    assert sum(len(v) for v in read_splits(out).values()) == 30
    stats = runner.invoke(app, ["data", "stats", str(out)])
    assert stats.exit_code == 0 and "input rows" in stats.output


def test_alias_has_the_same_flags(tmp_path):
    rows = [{"q": f"Question {i} for you", "good": "yes", "bad": "no"} for i in range(5)]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    args = [
        "-i",
        str(src),
        "-o",
        str(tmp_path / "o"),
        "--map",
        "prompt=q",
        "--map",
        "chosen=good",
        "--map",
        "rejected=bad",
        "--dedup-by",
        "none",
    ]
    result = runner.invoke(app, ["data", "argilla-export", *args])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "o" / "schema_report.json").read_text())
    assert report["kept"] == 5 and report["input"]["format"] == "columns"


def test_low_valid_share_warns(tmp_path):
    rows = [{"prompt": "Hi", "chosen": "a", "rejected": "b"}] * 3
    rows.append({"prompt": "A proper prompt here", "chosen": "a", "rejected": "b"})
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    result = run_cli("data", "ingest", "-i", str(src), "-o", str(tmp_path / "o"))
    assert result.returncode == 0
    assert "warning" in result.stdout and "25.0%" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--input", "/no/such/file.jsonl"],
        ["--train-ratio", "0.5"],
        ["--map", "prompt"],
        ["--label-values", "x=1"],
        ["--format", "nonsense"],
        ["--aggregate", "mean"],
    ],
)
def test_bad_input_is_one_line_and_nonzero(tmp_path, args):
    src = write_jsonl(
        tmp_path / "in.jsonl", [{"prompt": "p p p p", "chosen": "a", "rejected": "b"}]
    )
    base = ["data", "ingest", "-i", str(src), "-o", str(tmp_path / "o")]
    result = run_cli(*base, *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr


def test_unreadable_file_is_one_line(tmp_path):
    bad = tmp_path / "x.parquet"
    bad.write_bytes(b"not parquet at all")
    result = run_cli("data", "ingest", "-i", str(bad), "-o", str(tmp_path / "o"))
    assert result.returncode == 2 and result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_sample_export_round_trip(tmp_path):
    path = tmp_path / "export.json"
    assert runner.invoke(app, ["data", "sample-export", str(path), "--rows", "120"]).exit_code == 0
    out = tmp_path / "o"
    result = runner.invoke(app, ["data", "ingest", "-i", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "schema_report.json").read_text())
    assert report["input"]["format"] == "argilla2" and report["input"]["rows"] == 120
    assert report["agreement"]["items_multi_annotated"] > 100
    row = read_splits(out)["train"][0]
    assert {"h_chosen", "h_rejected", "votes", "annotators"} <= set(row)


def test_parse_helpers():
    assert parse_map(["prompt=q", "label=a1", "label=a2"]) == {"prompt": "q", "label": "a1,a2"}
    assert parse_label_values("a=1,b=2,tie=0,a=A") == {"1": "a", "2": "b", "0": "tie", "A": "a"}
    with pytest.raises(AlignkitError):
        parse_map(["=x"])


def test_unwritable_output_is_one_line(tmp_path):
    src = write_jsonl(
        tmp_path / "in.jsonl", [{"prompt": "p p p p", "chosen": "a", "rejected": "b"}]
    )
    blocker = tmp_path / "file"
    blocker.write_text("I am a file, not a folder")
    result = run_cli("data", "ingest", "-i", str(src), "-o", str(blocker / "out"))
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1


def test_readme_demo_figures(tmp_path):
    """The figures README.md quotes for `make demo` are what the commands produce."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    export = tmp_path / "export.json"
    assert runner.invoke(app, ["data", "sample-export", str(export)]).exit_code == 0
    out = tmp_path / "data"
    assert (
        runner.invoke(
            app, ["data", "ingest", "--input", str(export), "--output", str(out)]
        ).exit_code
        == 0
    )
    report = json.loads((out / "schema_report.json").read_text())
    d, agreement, splits = report["dropped"], report["agreement"], report["splits"]
    kept, rows = report["kept"], report["input"]["rows"]
    claimed = (
        f"It keeps {kept} of {rows} records ({d['duplicate']} duplicates, "
        f"{d['no_submitted_responses']} records with no submitted response, "
        f"{d['no_majority']} with no\nmajority), reports Krippendorff's alpha "
        f"{agreement['krippendorff_alpha']:.2f} and "
        f"{agreement['percent_agreement']:.1%} pairwise agreement"
    )
    assert claimed in readme, claimed
    files = [f"`{s}.jsonl` ({splits[s]})" for s in ("train", "eval", "test")]
    assert ", ".join(files) in readme
