"""Every input container alignkit reads gives the same records, and unreadable inputs fail as
one-line AlignkitErrors (or, for one bad row, one dropped row), never a traceback."""

from __future__ import annotations

import csv
import gzip
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from alignkit.data import ingest
from alignkit.errors import AlignkitError

SPLITS = ("train", "eval", "test")
ROWS = [
    {
        "prompt": f"Question {i}: how does one {verb} a {noun}?",
        "chosen": f"You {verb} a {noun} carefully, step by step ({i}).",
        "rejected": f"Nobody can {verb} a {noun}.",
        "id": f"r{i}",
    }
    for i, (verb, noun) in enumerate(
        [
            ("bake", "cake"),
            ("fix", "bike"),
            ("plant", "tree"),
            ("paint", "fence"),
            ("tune", "guitar"),
        ]
    )
]
CONVERSATIONAL = [
    {
        "prompt": [{"role": "user", "content": f"Tell me fact number {i} about the sea."}],
        "chosen": [{"role": "assistant", "content": f"Fact {i}: the sea is salty."}],
        "rejected": [{"role": "assistant", "content": f"Fact {i}: the sea is made of milk."}],
    }
    for i in range(6)
]


# --- writers for each container -------------------------------------------------------------


def _jsonl_bytes(rows: list) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in rows)


def _csv_bytes(rows: list[dict], delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode()


def _json_array(d: Path) -> Path:
    (p := d / "rows.json").write_bytes(orjson.dumps(ROWS))
    return p


def _jsonl(d: Path) -> Path:
    (p := d / "rows.jsonl").write_bytes(_jsonl_bytes(ROWS))
    return p


def _ndjson(d: Path) -> Path:
    (p := d / "rows.ndjson").write_bytes(_jsonl_bytes(ROWS))
    return p


def _jsonl_blank_lines(d: Path) -> Path:
    lines = [orjson.dumps(r) for r in ROWS]
    data = b"\n" + b"\n\n".join(lines[:3]) + b"\n  \n\t\n" + b"\n".join(lines[3:]) + b"\n\n"
    (p := d / "blank.jsonl").write_bytes(data)
    return p


def _jsonl_gz(d: Path) -> Path:
    (p := d / "rows.jsonl.gz").write_bytes(gzip.compress(_jsonl_bytes(ROWS)))
    return p


def _json_gz(d: Path) -> Path:
    (p := d / "rows.json.gz").write_bytes(gzip.compress(orjson.dumps(ROWS)))
    return p


def _csv(d: Path) -> Path:
    (p := d / "rows.csv").write_bytes(_csv_bytes(ROWS))
    return p


def _csv_gz(d: Path) -> Path:
    (p := d / "rows.csv.gz").write_bytes(gzip.compress(_csv_bytes(ROWS)))
    return p


def _tsv(d: Path) -> Path:
    (p := d / "rows.tsv").write_bytes(_csv_bytes(ROWS, delimiter="\t"))
    return p


def _parquet_pyarrow(d: Path) -> Path:
    pq.write_table(pa.Table.from_pylist(ROWS), p := d / "rows.parquet")
    return p


def _parquet_polars(d: Path) -> Path:
    import polars as pl

    pl.DataFrame(ROWS).write_parquet(p := d / "polars.parquet")
    return p


def _datasets_folder(d: Path) -> Path:
    import datasets

    datasets.Dataset.from_list(ROWS).save_to_disk(str(p := d / "saved"))
    return p


def _datasets_dict_folder(d: Path) -> Path:
    import datasets

    dd = datasets.DatasetDict(
        {
            "train": datasets.Dataset.from_list(ROWS[:3]),
            "test": datasets.Dataset.from_list(ROWS[3:]),
        }
    )
    dd.save_to_disk(str(p := d / "saved_dict"))
    return p


def _json_holding_lines(d: Path) -> Path:
    (p := d / "lines.json").write_bytes(_jsonl_bytes(ROWS))
    return p


def _json_wrapped(d: Path) -> Path:
    (p := d / "wrapped.json").write_bytes(orjson.dumps({"data": ROWS}))
    return p


CONTAINERS = {
    "json-array": _json_array,
    "jsonl": _jsonl,
    "ndjson": _ndjson,
    "jsonl-blank-lines": _jsonl_blank_lines,
    "jsonl.gz": _jsonl_gz,
    "json.gz": _json_gz,
    "csv": _csv,
    "csv.gz": _csv_gz,
    "tsv": _tsv,
    "parquet-pyarrow": _parquet_pyarrow,
    "parquet-polars": _parquet_polars,
    "datasets-folder": _datasets_folder,
    "datasetdict-folder": _datasets_dict_folder,
    "json-holding-lines": _json_holding_lines,
    "json-wrapping-a-list": _json_wrapped,
}


# --- reading outputs back -------------------------------------------------------------------


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [orjson.loads(x) for x in path.read_bytes().splitlines() if x.strip()]


def _kept(out: Path) -> dict[str, set[tuple]]:
    """split -> {(prompt, chosen, rejected, id)}; `source` is the file name, so it is left out."""
    return {
        s: {
            (r["prompt"], r["chosen"], r["rejected"], r.get("id"))
            for r in _lines(out / f"{s}.jsonl")
        }
        for s in SPLITS
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, set[tuple]]:
    d = tmp_path_factory.mktemp("reference")
    ingest(input=_jsonl(d), output=d / "out")
    kept = _kept(d / "out")
    assert set().union(*kept.values()) == {
        (r["prompt"], r["chosen"], r["rejected"], r["id"]) for r in ROWS
    }
    return kept


@pytest.mark.parametrize("container", list(CONTAINERS))
def test_every_container_gives_the_same_records(container, reference, tmp_path):
    path = CONTAINERS[container](tmp_path)
    report = ingest(input=path, output=tmp_path / "out")
    assert report["input"]["rows"] == len(ROWS)
    assert report["input"]["format"] == "trl"
    assert (report["kept"], report["dropped_total"]) == (len(ROWS), 0)
    assert _kept(tmp_path / "out") == reference
    assert _lines(tmp_path / "out" / "dropped.jsonl") == []


def test_datasetdict_folder_notes_its_splits(tmp_path):
    report = ingest(input=_datasets_dict_folder(tmp_path), output=tmp_path / "out")
    assert any("train (3)" in w and "test (2)" in w for w in report["warnings"])


# --- one bad row costs one row --------------------------------------------------------------


def test_jsonl_invalid_line_is_dropped_with_its_row_index(tmp_path):
    lines = [orjson.dumps(r) for r in ROWS]
    # row 2 is invalid JSON; the blank line before it is not a row
    data = b"\n".join([lines[0], lines[1], b"", b'{"prompt": "broken', lines[2], lines[3]])
    (path := tmp_path / "bad.jsonl").write_bytes(data + b"\n" + lines[4] + b"\n")
    report = ingest(input=path, output=tmp_path / "out")
    assert report["input"]["rows"] == 6
    assert (report["kept"], report["dropped"]) == (5, {"invalid_json": 1})
    (dropped,) = _lines(tmp_path / "out" / "dropped.jsonl")
    assert (dropped["row"], dropped["reason"]) == (2, "invalid_json")
    kept = set().union(*_kept(tmp_path / "out").values())
    assert {k[3] for k in kept} == {r["id"] for r in ROWS}


def test_jsonl_non_object_lines_are_dropped_as_not_an_object(tmp_path):
    lines = [orjson.dumps(r) for r in ROWS[:2]] + [b"42", b"[1, 2]", b"null", b'"text"']
    (path := tmp_path / "mixed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    report = ingest(input=path, output=tmp_path / "out")
    assert (report["input"]["rows"], report["kept"]) == (6, 2)
    assert report["dropped"] == {"not_an_object": 4}
    dropped = _lines(tmp_path / "out" / "dropped.jsonl")
    assert [d["row"] for d in dropped] == [2, 3, 4, 5]


def test_json_array_non_object_items_are_dropped(tmp_path):
    (path := tmp_path / "arr.json").write_bytes(orjson.dumps([ROWS[0], 7, ROWS[1], None]))
    report = ingest(input=path, output=tmp_path / "out")
    assert (report["input"]["rows"], report["kept"]) == (4, 2)
    assert [(d["row"], d["reason"]) for d in _lines(tmp_path / "out" / "dropped.jsonl")] == [
        (1, "not_an_object"),
        (3, "not_an_object"),
    ]


def test_jsonl_wrong_types_are_dropped_not_stringified(tmp_path):
    """A list or object where a text belongs is a bad type, whichever reader path ran."""
    rows = [ROWS[0], {**ROWS[1], "chosen": [1, 2]}, {**ROWS[2], "rejected": {"a": 1}}]
    (path := tmp_path / "types.jsonl").write_bytes(_jsonl_bytes(rows))
    report = ingest(input=path, output=tmp_path / "out")
    assert report["kept"] == 1
    assert report["dropped"] == {"bad_type_chosen": 1, "bad_type_rejected": 1}


@pytest.mark.parametrize("ext,delimiter", [("csv", ","), ("tsv", "\t")])
def test_ragged_row_is_dropped_as_bad_field_count(ext, delimiter, tmp_path):
    text = _csv_bytes(ROWS, delimiter).decode().splitlines()
    text[3] = delimiter.join(["only", "two"])  # data record 2
    text.insert(5, delimiter.join(["a", "b", "c", "d", "e"]))  # data record 4: too many fields
    (path := tmp_path / f"ragged.{ext}").write_text("\n".join(text) + "\n")
    report = ingest(input=path, output=tmp_path / "out")
    assert report["input"]["rows"] == 6
    assert (report["kept"], report["dropped"]) == (4, {"bad_field_count": 2})
    dropped = _lines(tmp_path / "out" / "dropped.jsonl")
    assert [(d["row"], d["reason"]) for d in dropped] == [
        (2, "bad_field_count"),
        (4, "bad_field_count"),
    ]


# --- whole-file failures are one-line AlignkitErrors ----------------------------------------


def _one_line_error(path: Path, out: Path, match: str | None = None) -> str:
    with pytest.raises(AlignkitError) as info:
        ingest(input=path, output=out)
    message = str(info.value)
    assert message and "\n" not in message
    if match:
        assert match in message
    return message


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.json", "empty.csv", "blank.jsonl"])
def test_empty_file_is_an_error(name, tmp_path):
    (path := tmp_path / name).write_bytes(b"\n \n" if name.startswith("blank") else b"")
    _one_line_error(path, tmp_path / "out")


def test_unsupported_extension_is_a_one_line_error(tmp_path):
    (path := tmp_path / "rows.txt").write_bytes(_jsonl_bytes(ROWS))
    _one_line_error(path, tmp_path / "out", match=".txt")


def test_nonexistent_path_is_an_error(tmp_path):
    _one_line_error(tmp_path / "nope.jsonl", tmp_path / "out", match="not found")


def test_plain_folder_is_an_error(tmp_path):
    (folder := tmp_path / "folder").mkdir()
    (folder / "rows.jsonl").write_bytes(_jsonl_bytes(ROWS))
    _one_line_error(folder, tmp_path / "out", match="not a datasets")


@pytest.mark.parametrize("name", ["rows.jsonl.gz", "rows.json.gz", "rows.csv.gz"])
def test_truncated_gzip_is_an_error(name, tmp_path):
    data = gzip.compress(_jsonl_bytes(ROWS * 20))
    (path := tmp_path / name).write_bytes(data[: len(data) // 2])
    _one_line_error(path, tmp_path / "out")


def test_not_gzip_is_an_error(tmp_path):
    (path := tmp_path / "rows.jsonl.gz").write_bytes(_jsonl_bytes(ROWS))
    _one_line_error(path, tmp_path / "out")


def test_corrupt_parquet_is_an_error(tmp_path):
    (path := tmp_path / "rows.parquet").write_bytes(b"PAR1 this is not parquet")
    _one_line_error(path, tmp_path / "out", match="Parquet")


def test_invalid_json_array_is_an_error(tmp_path):
    (path := tmp_path / "rows.json").write_bytes(b'[{"prompt": "a", "chosen": ')
    _one_line_error(path, tmp_path / "out", match="not valid JSON")


# --- outputs load with `datasets` -----------------------------------------------------------


def test_parquet_output_loads_with_datasets_as_messages(tmp_path):
    import datasets

    (path := tmp_path / "conv.jsonl").write_bytes(_jsonl_bytes(CONVERSATIONAL))
    report = ingest(input=path, output=tmp_path / "out", output_format="parquet")
    assert report["kept"] == len(CONVERSATIONAL)
    files = [str(tmp_path / "out" / f"{s}.parquet") for s in SPLITS if report["splits"][s]]
    ds = datasets.load_dataset("parquet", data_files=files, split="train")
    assert len(ds) == len(CONVERSATIONAL)
    assert {"prompt", "chosen", "rejected"} <= set(ds.column_names)
    for row in ds:
        for col in ("prompt", "chosen", "rejected"):
            assert isinstance(row[col], list) and row[col]
            assert all(set(m) == {"role", "content"} for m in row[col])
    got = {json.dumps(r["chosen"], sort_keys=True) for r in ds}
    assert got == {json.dumps(r["chosen"], sort_keys=True) for r in CONVERSATIONAL}


def test_jsonl_output_loads_with_datasets(tmp_path):
    import datasets

    report = ingest(input=_jsonl(tmp_path), output=tmp_path / "out")
    files = [str(tmp_path / "out" / f"{s}.jsonl") for s in SPLITS if report["splits"][s]]
    ds = datasets.load_dataset("json", data_files=files, split="train")
    assert len(ds) == len(ROWS)
    assert {"prompt", "chosen", "rejected"} <= set(ds.column_names)
    assert {r["prompt"] for r in ds} == {r["prompt"] for r in ROWS}


# --- regressions: bugs these tests found, now fixed ---


def test_csv_cell_over_128k_chars_is_not_a_crash(tmp_path):
    rows = [{**ROWS[0], "chosen": "x" * 200_000}, *ROWS[1:]]
    (path := tmp_path / "big.csv").write_bytes(_csv_bytes(rows))
    report = ingest(input=path, output=tmp_path / "out")
    assert report["input"]["rows"] == len(ROWS)
    assert report["kept"] + report["dropped_total"] == len(ROWS)


@pytest.mark.parametrize("first", [b"null", b"\n  null"], ids=["null", "blank-then-null"])
def test_jsonl_starting_with_null_is_not_a_segfault(first, tmp_path):
    (path := tmp_path / "null.jsonl").write_bytes(first + b"\n" + _jsonl_bytes(ROWS))
    code = (
        "import sys; from alignkit.data import ingest; "
        "r = ingest(input=sys.argv[1], output=sys.argv[2]); "
        "print(r['input']['rows'], r['kept'], *r['dropped'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    assert done.stdout.split() == ["6", "5", "not_an_object"]


def test_jsonl_null_line_is_dropped_as_not_an_object(tmp_path):
    lines = [orjson.dumps(r) for r in ROWS]
    (path := tmp_path / "null.jsonl").write_bytes(b"\n".join([*lines[:2], b"null", *lines[2:]]))
    report = ingest(input=path, output=tmp_path / "out")
    assert (report["kept"], report["dropped"]) == (5, {"not_an_object": 1})


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_jsonl_bad_utf8_in_a_string_drops_that_row(tmp_path, monkeypatch):
    monkeypatch.setenv("RUST_BACKTRACE", "0")  # the panic's backtrace is long noise
    lines = [orjson.dumps(r) for r in ROWS]
    lines[2] = lines[2].replace(b"plant", b"pl\xff\xfent")
    (path := tmp_path / "badutf8.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    try:
        report = ingest(input=path, output=tmp_path / "out")
    except BaseException as exc:  # noqa: BLE001 - the panic is not an Exception
        pytest.fail(f"{type(exc).__name__}: {exc}")
    assert report["input"]["rows"] == len(ROWS)
    assert report["kept"] == len(ROWS) - 1
    assert report["dropped"] == {"invalid_json": 1}
    assert _lines(tmp_path / "out" / "dropped.jsonl")[0]["row"] == 2


def test_jsonl_deeply_nested_line_is_not_a_segfault(tmp_path):
    good = _jsonl_bytes(ROWS)
    deep = b'{"prompt": "p", "chosen": "c", "rejected": "r", "m": ' + b"[" * 2000
    (path := tmp_path / "deep.jsonl").write_bytes(good + deep + b"]" * 2000 + b"}\n")
    code = (
        "import sys; from alignkit.data import ingest; "
        "r = ingest(input=sys.argv[1], output=sys.argv[2]); "
        "print(r['input']['rows'], r['kept'] + r['dropped_total'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["6", "6"]


def test_csv_with_utf8_bom_is_read(tmp_path):
    (path := tmp_path / "excel.csv").write_bytes(b"\xef\xbb\xbf" + _csv_bytes(ROWS))
    report = ingest(input=path, output=tmp_path / "out")
    assert report["kept"] == len(ROWS)


def test_json_file_holding_one_conversational_record(tmp_path):
    (path := tmp_path / "one.json").write_bytes(orjson.dumps(CONVERSATIONAL[0]))
    report = ingest(input=path, output=tmp_path / "out")
    assert (report["input"]["rows"], report["kept"]) == (1, 1)


def test_list_typed_id_column_is_not_a_crash(tmp_path):
    rows = [{**r, "id": [i, i + 1]} for i, r in enumerate(ROWS)]
    (path := tmp_path / "ids.jsonl").write_bytes(_jsonl_bytes(rows))
    report = ingest(input=path, output=tmp_path / "out")
    assert report["kept"] + report["dropped_total"] == len(ROWS)


@pytest.mark.parametrize(
    "column",
    [
        pa.array([b"\x00\xff"] * len(ROWS), type=pa.binary()),
        pa.array([Decimal("1.50")] * len(ROWS), type=pa.decimal128(5, 2)),
        pa.array([1] * len(ROWS), type=pa.duration("s")),
    ],
    ids=["binary", "decimal", "duration"],
)
def test_parquet_extra_column_of_non_json_type(column, tmp_path):
    table = pa.Table.from_pylist(ROWS).append_column("extra", column)
    pq.write_table(table, path := tmp_path / "extra.parquet")
    report = ingest(input=path, output=tmp_path / "out")
    assert report["kept"] == len(ROWS)
