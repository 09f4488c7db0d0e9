"""Issue 8's ingest probes, each as a test: no silent row loss, no crash or hang on hostile
input, a failed / killed / out-of-space / concurrent ingest never damages the folder it writes
into, and the small rules (BOM, NaN, ratios, empty output, ignored flags)."""

from __future__ import annotations

import csv
import errno
import gzip
import importlib
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from alignkit.data import ingest
from alignkit.data.integrity import check_dataset
from alignkit.errors import AlignkitError, BusyError
from alignkit.locks import folder_lock, lock_path
from tests.data.helpers import read_jsonl, write_jsonl


def pair(i: int) -> dict:
    return {
        "prompt": f"Question number {i}: how do tides work on the coast?",
        "chosen": f"Tides follow the moon's pull ({i}).",
        "rejected": f"Tides are random ({i}).",
    }


ROWS = [pair(i) for i in range(100)]


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    code = "from alignkit.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout
    )


def one_line(result: subprocess.CompletedProcess, code: int = 2) -> str:
    assert result.returncode == code, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[-2000:]
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def no_leftovers(parent: Path, name: str) -> bool:
    return not [
        p for p in parent.iterdir() if p.name.startswith(f".{name}.") and "lock" not in p.name
    ]


@pytest.fixture
def good(tmp_path) -> Path:
    """A folder holding a finished ingest of 100 pairs."""
    out = tmp_path / "good"
    ingest(input=write_jsonl(tmp_path / "in.jsonl", ROWS), output=out)
    return out


# --- 1. a reader consumes the whole file or fails ------------------------------------------


def _csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def test_csv_with_one_unbalanced_quote_is_an_error_not_11_rows(tmp_path):
    lines = _csv(ROWS).splitlines()
    lines[11] = lines[11].replace("Tides are random", '"Tides are random', 1)  # row 11 of 100
    (path := tmp_path / "quote.csv").write_text("\n".join(lines) + "\n")
    message = one_line(run_cli("data", "ingest", "-i", str(path), "-o", str(tmp_path / "o")))
    assert "line 12" in message and "never closed" in message
    assert not (tmp_path / "o").exists()


def test_csv_report_records_bytes_and_lines_consumed(tmp_path):
    (path := tmp_path / "ok.csv").write_text(_csv(ROWS))
    report = ingest(input=path, output=tmp_path / "o")
    assert report["input"]["rows"] == 100 and report["input"]["lines"] == 101
    assert report["input"]["size_bytes"] == report["input"]["parsed_bytes"] == path.stat().st_size


def test_json_dict_of_split_lists_is_read_whole(tmp_path):
    data = {"train": ROWS[:60], "test": ROWS[60:90], "validation": ROWS[90:]}
    (path := tmp_path / "splits.json").write_text(json.dumps(data))
    report = ingest(input=path, output=tmp_path / "o")
    assert report["input"]["rows"] == 100 and report["kept"] == 100
    assert any("train (60), test (30), validation (10)" in w for w in report["warnings"])


def test_json_dict_of_two_unrelated_lists_is_refused(tmp_path):
    (path := tmp_path / "two.json").write_text(json.dumps({"data": ROWS[:50], "train": ROWS[50:]}))
    with pytest.raises(AlignkitError, match="several lists of records"):
        ingest(input=path, output=tmp_path / "o")


def test_jsonl_row_count_matches_its_lines(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", ROWS)
    report = ingest(input=path, output=tmp_path / "o")
    assert report["input"]["lines"] == report["input"]["rows"] == 100
    assert report["kept"] + report["dropped_total"] == 100


# --- 2. no crash, no hang, no memory blow-up -----------------------------------------------


def test_json_nested_10000_deep_is_one_line_not_a_segfault(tmp_path):
    (path := tmp_path / "deep.json").write_bytes(b'{"a": ' + b"[" * 10000 + b"]" * 10000 + b"}")
    one_line(run_cli("data", "ingest", "-i", str(path), "-o", str(tmp_path / "o")))


def test_jsonl_nested_10000_deep_line_costs_one_row(tmp_path):
    deep = b'{"prompt": "p", "m": ' + b"[" * 10000 + b"]" * 10000 + b"}\n"
    path = tmp_path / "deep.jsonl"
    path.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in ROWS[:5]) + deep)
    result = run_cli("data", "ingest", "-i", str(path), "-o", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((tmp_path / "o" / "schema_report.json").read_text())
    assert report["input"]["rows"] == 6 and report["dropped"] == {"too_deep": 1}


def test_jsonl_600_deep_is_dropped_with_a_reason_not_a_traceback(tmp_path):
    deep = {"prompt": "a question of some length?", "chosen": "yes", "rejected": "no"}
    value: object = "x"
    for _ in range(600):
        value = [value]
    deep["metadata"] = value
    path = write_jsonl(tmp_path / "deep.jsonl", [*ROWS[:10], deep])
    report = ingest(input=path, output=tmp_path / "o")
    assert report["kept"] == 10 and report["dropped"] == {"too_deep": 1}


def test_dev_zero_is_refused_as_not_a_regular_file(tmp_path):
    message = one_line(run_cli("data", "ingest", "-i", "/dev/zero", "-o", str(tmp_path / "o")))
    assert "not a regular file" in message and "--allow-special-files" in message


def test_dev_zero_when_allowed_stops_at_the_size_limit(tmp_path):
    result = run_cli(
        "data", "ingest", "-i", "/dev/zero", "-o", str(tmp_path / "o"),
        "--allow-special-files", "--max-input-mb", "4",
    )  # fmt: skip
    assert "larger than the input limit of 4 MB" in one_line(result)


def test_fifo_without_a_writer_does_not_hang(tmp_path):
    os.mkfifo(fifo := tmp_path / "pipe.jsonl")
    message = one_line(
        run_cli("data", "ingest", "-i", str(fifo), "-o", str(tmp_path / "o"), timeout=60)
    )
    assert "FIFO" in message


def test_gzip_bomb_stops_at_the_size_limit(tmp_path):
    with gzip.open(path := tmp_path / "bomb.jsonl.gz", "wb") as fh:
        for _ in range(6):
            fh.write(b" " * (1 << 20))
    with pytest.raises(AlignkitError, match="decompresses to more than"):
        ingest(input=path, output=tmp_path / "o", max_input_mb=5)


# --- 3. a failed ingest leaves the good folder as it was ------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"format": "nope"},  # unknown format
        {"tokenizer": "/no/such/tokenizer"},  # missing tokenizer
        {"format": "labelstudio"},  # wrong format: every row dropped
        {
            "format": "columns",
            "column_map": {"prompt": "promt", "chosen": "chosen", "rejected": "rejected"},
        },
    ],
    ids=["unknown-format", "missing-tokenizer", "wrong-format", "map-typo"],
)
def test_failed_ingest_keeps_the_good_folder(good, tmp_path, kwargs):
    before = snapshot(good)
    with pytest.raises(AlignkitError):
        ingest(input=write_jsonl(tmp_path / "other.jsonl", ROWS[:40]), output=good, **kwargs)
    assert snapshot(good) == before
    assert no_leftovers(good.parent, good.name)


def test_map_typo_names_the_missing_column(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", ROWS[:10])
    bad = {"prompt": "promt", "chosen": "chosen", "rejected": "rejected"}
    with pytest.raises(AlignkitError, match=r"not in the input: promt \(it has: chosen, prompt"):
        ingest(input=path, output=tmp_path / "o", format="columns", column_map=bad)


def test_undetectable_format_keeps_the_good_folder(good, tmp_path):
    before = snapshot(good)
    with pytest.raises(AlignkitError):
        ingest(input=write_jsonl(tmp_path / "odd.jsonl", [{"x": i} for i in range(9)]), output=good)
    assert snapshot(good) == before


def test_folder_with_foreign_files_is_refused_not_replaced(tmp_path):
    (out := tmp_path / "mine").mkdir()
    (out / "notes.txt").write_text("my notes")
    with pytest.raises(AlignkitError, match="did not write"):
        ingest(input=write_jsonl(tmp_path / "in.jsonl", ROWS), output=out)
    assert (out / "notes.txt").read_text() == "my notes"


KILL_CHILD = """
import importlib, os, signal, sys
import alignkit.data.stage as stage
m = importlib.import_module("alignkit.data.pipeline")  # the module, not the function
point = sys.argv[3]
writes = {"n": 0}
real_split, real_json, real_exchange = m.write_split, m.write_json, stage._exchange

def split(frame, path, *a, **k):
    real_split(frame, path, *a, **k)
    writes["n"] += 1
    if point == f"after-split-{writes['n']}":
        os.kill(os.getpid(), signal.SIGKILL)

def report(value, path):
    if point == "before-report":
        os.kill(os.getpid(), signal.SIGKILL)
    real_json(value, path)

def exchange(a, b):
    done = real_exchange(a, b)
    if point == "after-exchange":
        os.kill(os.getpid(), signal.SIGKILL)
    return done

m.write_split, m.write_json, stage._exchange = split, report, exchange
m.ingest(input=sys.argv[1], output=sys.argv[2])
"""


@pytest.mark.parametrize(
    "point", ["after-split-1", "after-split-2", "after-split-3", "before-report", "after-exchange"]
)
def test_sigkill_mid_write_leaves_old_or_new_never_a_mix(good, tmp_path, point):
    before = snapshot(good)
    new_input = write_jsonl(tmp_path / "new.jsonl", [pair(i) for i in range(500, 560)])
    child = subprocess.run(
        [sys.executable, "-c", KILL_CHILD, str(new_input), str(good), point],
        capture_output=True,
        timeout=120,
    )
    assert child.returncode == -9, child.stderr[-2000:]
    if point == "after-exchange":  # the swap happened: entirely the new result
        report = json.loads((good / "schema_report.json").read_text())
        assert report["input"]["path"] == str(new_input)
    else:
        assert snapshot(good) == before
    check_dataset(good)  # either way, the files match their report
    # the next ingest cleans what the killed one left
    ingest(input=new_input, output=good)
    assert no_leftovers(good.parent, good.name)
    assert json.loads((good / "schema_report.json").read_text())["kept"] == 60


def test_swap_without_rename_exchange_recovers_after_a_kill(good, tmp_path, monkeypatch):
    """Where renameat2 cannot exchange, the old folder is renamed aside first; a kill before
    the new one takes its name is undone by the next run."""
    import alignkit.data.stage as stage

    before = snapshot(good)
    aside = good.parent / f".{good.name}.old-12345"
    os.rename(good, aside)  # what a kill between the two renames leaves
    stage.recover(good)
    assert snapshot(good) == before and not aside.exists()
    monkeypatch.setattr(stage, "_exchange", lambda a, b: False)
    report = ingest(input=write_jsonl(tmp_path / "n.jsonl", ROWS[:30]), output=good)
    assert report["kept"] == 30 and no_leftovers(good.parent, good.name)


def test_out_of_space_during_write_keeps_the_good_folder(good, tmp_path, monkeypatch):
    ingest_module = importlib.import_module(
        "alignkit.data.pipeline"
    )  # the package exports the function

    before = snapshot(good)
    real = ingest_module.write_split

    def full(frame, path, *args, **kwargs):
        if path.name.startswith("eval"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(frame, path, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "write_split", full)
    with pytest.raises(OSError):
        ingest(input=write_jsonl(tmp_path / "n.jsonl", ROWS[:50]), output=good)
    assert snapshot(good) == before and no_leftovers(good.parent, good.name)


@pytest.fixture
def small_disk(tmp_path):
    """A real 1 MiB file system (tmpfs), where root may mount one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)])
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root?)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)])


def test_a_real_full_disk_keeps_the_good_folder(small_disk, tmp_path):
    out = small_disk / "data"
    ingest(input=write_jsonl(tmp_path / "small.jsonl", ROWS[:20]), output=out)
    before = snapshot(out)
    big = [{**pair(i), "chosen": "long answer " * 300 + str(i)} for i in range(800)]
    result = run_cli(
        "data", "ingest", "-i", str(write_jsonl(tmp_path / "big.jsonl", big)), "-o", str(out)
    )
    assert "No space left" in one_line(result, code=1)
    assert snapshot(out) == before and no_leftovers(small_disk, "data")


# --- 4. one ingest at a time per folder ----------------------------------------------------


def test_second_ingest_into_a_locked_folder_exits_1_naming_the_holder(good, tmp_path):
    with folder_lock(good, "test"):
        result = run_cli("data", "ingest", "-i", str(tmp_path / "in.jsonl"), "-o", str(good))
    message = one_line(result, code=1)
    assert f"pid {os.getpid()}" in message and "locked" in message


def test_stale_lock_of_a_dead_process_is_taken_over(good, tmp_path):
    lock_path(good).write_text(json.dumps({"pid": 999999, "host": "gone", "since": "then"}))
    report = ingest(input=write_jsonl(tmp_path / "n.jsonl", ROWS[:30]), output=good)
    assert report["kept"] == 30


def test_lock_in_process_raises_busy(good):
    with folder_lock(good, "first"), pytest.raises(BusyError), folder_lock(good, "second"):
        pass


def test_concurrent_ingests_never_mix_their_files(tmp_path):
    inputs = [
        write_jsonl(tmp_path / "a.jsonl", [pair(i) for i in range(80)]),
        write_jsonl(tmp_path / "b.jsonl", [pair(i) for i in range(200, 230)]),
    ]
    out = tmp_path / "shared"
    for _trial in range(3):
        results: list[subprocess.CompletedProcess] = []

        def go(path: Path, results=results) -> None:
            results.append(run_cli("data", "ingest", "-i", str(path), "-o", str(out)))

        threads = [threading.Thread(target=go, args=(p,)) for p in inputs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(r.returncode for r in results) in ([0, 0], [0, 1])
        for r in results:
            if r.returncode == 1:
                assert "locked by pid" in r.stderr
        report = json.loads((out / "schema_report.json").read_text())
        check_dataset(out)  # every split is the one its report describes
        rows = sum(len(read_jsonl(out / f"{s}.jsonl")) for s in ("train", "eval", "test"))
        assert rows == report["kept"] in (80, 30)


# --- 5. the small rules --------------------------------------------------------------------


def test_jsonl_with_a_bom_keeps_its_first_row(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"".join(json.dumps(r).encode() + b"\n" for r in ROWS[:10]))
    report = ingest(input=path, output=tmp_path / "o")
    assert report["kept"] == 10 and report["dropped_total"] == 0


def test_nan_reads_the_same_in_json_and_jsonl(tmp_path):
    rows = [{**pair(i), "margin": float("nan") if i % 2 else 1.5} for i in range(10)]
    (as_json := tmp_path / "n.json").write_text(json.dumps(rows))  # Python writes NaN
    as_jsonl = tmp_path / "n.jsonl"
    as_jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    a = ingest(input=as_json, output=tmp_path / "a")
    b = ingest(input=as_jsonl, output=tmp_path / "b")
    assert a["kept"] == b["kept"] == 10

    def rows(out: Path) -> list[dict]:  # the `source` column names the file: leave it out
        got = [r for s in ("train", "eval", "test") for r in read_jsonl(out / f"{s}.jsonl")]
        return sorted((r["prompt"], r.get("margin")) for r in got)

    assert rows(tmp_path / "a") == rows(tmp_path / "b")
    assert sum(m is None for _, m in rows(tmp_path / "a")) == 5  # NaN reads as missing


@pytest.mark.parametrize("ratio", ["nan", "inf", "-0.5"])
def test_nan_or_infinite_ratio_is_refused(tmp_path, ratio):
    path = write_jsonl(tmp_path / "in.jsonl", ROWS[:10])
    with pytest.raises(AlignkitError, match="train-ratio"):
        ingest(input=path, output=tmp_path / "o", train_ratio=float(ratio))


@pytest.mark.parametrize("output", ["", "."])
def test_empty_or_current_output_is_refused(tmp_path, monkeypatch, output):
    monkeypatch.chdir(tmp_path)
    path = write_jsonl(tmp_path / "in.jsonl", ROWS[:10])
    message = one_line(run_cli("data", "ingest", "-i", str(path), "-o", output))
    assert "--output" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_flags_the_format_does_not_use_are_reported(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", ROWS[:10])
    report = ingest(input=path, output=tmp_path / "o", question="rating", as_messages=True)
    warnings = " ".join(report["warnings"])
    assert "--question is ignored" in warnings and "--messages is ignored" in warnings


def test_report_integrity_matches_the_files(good):
    report = json.loads((good / "schema_report.json").read_text())
    files = report["integrity"]["files"]
    assert set(files) == {"train.jsonl", "eval.jsonl", "test.jsonl"}
    assert sum(f["rows"] for f in files.values()) == report["kept"] == 100
    assert check_dataset(good).digest == report["integrity"]["digest"]


@pytest.mark.parametrize("name", ["u16.csv", "u16.jsonl"])
def test_utf16_text_is_read_as_text_not_as_nul_riddled_rows(tmp_path, name):
    body = (
        _csv(ROWS[:10])
        if name.endswith(".csv")
        else "".join(json.dumps(r) + "\n" for r in ROWS[:10])
    )
    (path := tmp_path / name).write_bytes(body.encode("utf-16"))
    report = ingest(input=path, output=tmp_path / "o")
    assert report["input"]["rows"] == report["kept"] == 10


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_wide_text_without_a_bom_is_decoded(tmp_path, encoding):
    (path := tmp_path / "wide.jsonl").write_bytes(
        "".join(json.dumps(r) + "\n" for r in ROWS[:10]).encode(encoding)
    )
    report = ingest(input=path, output=tmp_path / "o")
    assert report["input"]["rows"] == report["kept"] == 10
