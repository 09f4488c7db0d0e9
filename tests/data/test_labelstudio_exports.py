"""Label Studio's three export types of one pairwise project give the same pairs.

The fixtures (tests/assets/labelstudio/, README there) are real exports from a Label Studio
1.23.2 server: six tasks, one or two annotations each, one task whose only annotation was
skipped and one with an annotation and a skipped one. JSON-MIN and CSV hold one row per
non-skipped annotation and nothing of the skipped task (Label Studio's converter leaves it out).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alignkit.data import ingest
from alignkit.data.formats.base import AdaptContext
from alignkit.data.formats.labelstudio import LABELSTUDIO
from alignkit.data.readers import read_source
from tests.data.helpers import read_jsonl, read_splits

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "labelstudio"
EXPORTS = {
    "JSON": "pairwise-export.json",
    "JSON_MIN": "pairwise-export-min.json",
    "CSV": "pairwise-export.csv",
}
SKIPPED_TASK_PROMPT = "Translate 'good morning' into French."


def _ingest(kind: str, tmp_path: Path) -> tuple[dict, list[dict], list[dict]]:
    out = tmp_path / kind
    report = ingest(input=ASSETS / EXPORTS[kind], output=out, source="ls")
    rows = [r for split in read_splits(out).values() for r in split]
    return report, sorted(rows, key=lambda r: r["id"]), read_jsonl(out / "dropped.jsonl")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ls")
    return {kind: _ingest(kind, tmp) for kind in EXPORTS}


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_each_export_is_detected_and_ingests(kind, results):
    report, rows, _ = results[kind]
    assert report["input"]["format"] == "labelstudio"
    assert report["kept"] == 4
    assert [r["id"] for r in rows] == ["1", "2", "3", "6"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["1"]["chosen"] == "Water boils at 100 °C (212 °F) at sea level."
    assert by_id["2"]["chosen"] == "13 is prime; so are 11, 17 and 19."  # "right" picked
    assert by_id["3"]["prompt"].startswith('Write a one-line greeting that says "hello"')
    assert by_id["3"]["votes"] == ["chosen", "chosen"] and by_id["3"]["annotators"] == ["1", "2"]
    # task 6: the skipped annotation is no vote
    assert by_id["6"]["votes"] == ["chosen"] and by_id["6"]["annotators"] == ["2"]
    assert report["kept"] + report["dropped_total"] == report["records"]
    assert report["records"] == report["input"]["rows"] - report["merged"]


def test_json_min_and_csv_rows_join_into_tasks(results):
    for kind in ("JSON_MIN", "CSV"):
        report, _, _ = results[kind]
        # 7 annotation rows, 5 tasks: the second annotation of tasks 3 and 4 joins its task
        assert (report["input"]["rows"], report["merged"], report["records"]) == (7, 2, 5)
        assert any("leaves out skipped" in w for w in report["warnings"])
    assert results["JSON"][0]["merged"] == 0
    assert not any("leaves out skipped" in w for w in results["JSON"][0]["warnings"])


def test_the_three_exports_give_the_same_pairs(results):
    json_report, json_rows, json_dropped = results["JSON"]
    for kind in ("JSON_MIN", "CSV"):
        report, rows, dropped = results[kind]
        assert rows == json_rows, kind  # same prompts, chosen, rejected, votes, metadata
        assert report["kept"] == json_report["kept"]
        assert report["splits"] == json_report["splits"]
        assert report["agreement"] == json_report["agreement"]
        assert report["length_bias"] == json_report["length_bias"]
        # the same drops with the same reasons, but for the task whose only annotation was
        # skipped: JSON holds it (dropped: no annotation), JSON-MIN and CSV have no row of it
        assert report["dropped"] == {"no_majority": 1}
        assert json_report["dropped"] == {"no_majority": 1, "no_annotations": 1}
        assert [d["reason"] for d in dropped] == ["no_majority"]
    assert [d["reason"] for d in json_dropped] == ["no_majority", "no_annotations"]
    tasks = json.loads((ASSETS / EXPORTS["JSON"]).read_text())
    skipped_row = next(d["row"] for d in json_dropped if d["reason"] == "no_annotations")
    skipped = tasks[skipped_row]
    assert skipped["data"]["prompt"] == SKIPPED_TASK_PROMPT
    assert [a["was_cancelled"] for a in skipped["annotations"]] == [True]
    for kind in ("JSON_MIN", "CSV"):
        assert SKIPPED_TASK_PROMPT not in (ASSETS / EXPORTS[kind]).read_text()


def test_cli_accepts_all_three(tmp_path):
    from typer.testing import CliRunner

    from alignkit.cli import app

    for kind, name in EXPORTS.items():
        out = tmp_path / kind
        result = CliRunner().invoke(
            app, ["data", "ingest", "-i", str(ASSETS / name), "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert "cannot detect" not in result.output


CTX = AdaptContext(source="ls")


def _min_row(task_id, annotation_id, annotator, selected, **extra):
    row = {
        "prompt": "Which answer is better?",
        "answer1": "first",
        "answer2": "second",
        "id": task_id,
        "comparison": [{"selected": selected}],
        "annotator": annotator,
        "annotation_id": annotation_id,
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "lead_time": 1.0,
    }
    row.update(extra)
    return row


def test_group_orders_votes_by_annotation_and_keeps_first_row_index():
    rows = [(0, _min_row(9, 12, 2, "right")), (1, _min_row(9, 11, 1, "left"))]
    grouped = LABELSTUDIO.group(rows, CTX)
    assert grouped.merged == 1 and [i for i, _ in grouped.rows] == [0]
    (c,) = LABELSTUDIO.adapt(grouped.rows[0][1], CTX)
    assert [(v.annotator, v.pick) for v in c.votes] == [("1", "a"), ("2", "b")]
    assert c.metadata == {"annotation_ids": [11, 12]}


def test_unannotated_task_row_and_csv_cells():
    # download_all_tasks=true: an unannotated task's row has no tag column and annotator None
    empty = {k: v for k, v in _min_row(5, None, None, "left").items() if k != "comparison"}
    csv_row = {k: (None if v is None else str(v)) for k, v in _min_row(6, 3, 1, "left").items()}
    csv_row["comparison"] = '[{"selected":"right"}]'
    assert LABELSTUDIO.detect([empty, csv_row], CTX)
    grouped = LABELSTUDIO.group([(0, empty), (1, csv_row)], CTX)
    out = [LABELSTUDIO.adapt(r, CTX) for _, r in grouped.rows]
    assert out[0].reason == "no_annotations"
    (c,) = out[1]
    assert (c.id, c.votes[0].pick, c.metadata) == ("6", "b", {"annotation_ids": [3]})


def test_csv_renames_a_data_key_that_collides_with_the_tag():
    row = _min_row(1, 1, 1, "left", _data_comparison="task text")
    grouped = LABELSTUDIO.group([(0, row)], CTX)
    (c,) = LABELSTUDIO.adapt(grouped.rows[0][1], CTX)
    assert c.metadata["comparison"] == "task text"


def test_csv_reads_like_json_min():
    csv_rows = [r for _, r in read_source(ASSETS / EXPORTS["CSV"]).iter_rows()]
    min_rows = json.loads((ASSETS / EXPORTS["JSON_MIN"]).read_text())
    assert len(csv_rows) == len(min_rows) == 7
    for c, m in zip(csv_rows, min_rows, strict=True):
        assert (c["prompt"], c["answer1"], c["answer2"]) == (
            m["prompt"],
            m["answer1"],
            m["answer2"],
        )
