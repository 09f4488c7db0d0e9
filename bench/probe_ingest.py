"""Bad inputs to `alignkit data ingest`, tried as a demanding user would, with the outcome of each.

Every probe runs the real CLI in its own process, writing into a copy of a folder that holds a
good earlier ingest, and is judged:

- held: a clear one-line `error: ...` with a non-zero exit and the good folder untouched, or
  exit 0 with every record of the file accounted for (report rows == records in the file,
  kept + dropped == records);
- LOST: exit 0 but the report counts fewer (or more) rows than the file holds;
- DAMAGED: a failure that changed the good folder;
- TRACEBACK, CRASH (killed by a signal), HANG (past the time limit).

    .venv/bin/python bench/probe_ingest.py                 # this checkout
    .venv/bin/python bench/probe_ingest.py --src OLD/src   # another version's source tree
    # (an old version reads /dev/zero until memory runs out: add --skip /dev/zero there)

It prints a table per category and the totals; it exits 1 when a probe did not hold.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path


def pair(i: int) -> dict:
    return {
        "prompt": f"Question {i}: why is the sky blue at noon?",
        "chosen": f"Rayleigh scattering favours short wavelengths ({i}).",
        "rejected": f"Because it reflects the sea ({i}).",
    }


ROWS = [pair(i) for i in range(100)]


def jsonl(rows: list) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


@dataclass
class Probe:
    name: str
    category: str
    make: Callable[[Path], Path]  # writes the input under a folder, returns its path
    records: int | None = None  # records in the file, when a successful read must count them
    flags: list[str] = field(default_factory=list)


def _file(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        path = d / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    return make


def _gz(name: str, data: bytes) -> Callable[[Path], Path]:
    return _file(name, gzip.compress(data))


def _special(kind: str) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        if kind == "fifo":
            os.mkfifo(d / "pipe.jsonl")
            return d / "pipe.jsonl"
        if kind == "loop":
            (d / "loop.jsonl").symlink_to(d / "loop.jsonl")
            return d / "loop.jsonl"
        if kind == "unreadable":
            path = d / "secret.jsonl"
            path.write_bytes(jsonl(ROWS[:5]))
            path.chmod(0)
            return path
        if kind == "dir":
            (d / "folder").mkdir()
            return d / "folder"
        return Path(kind)

    return make


def probes() -> list[Probe]:
    lines = csv_text(ROWS).splitlines()
    out: list[Probe] = []

    def add(name, category, make, records=None, flags=()):
        out.append(Probe(name, category, make, records, list(flags)))

    # CSV
    quote = list(lines)
    quote[11] = quote[11].replace("Because", '"Because', 1)
    add("unclosed quote in row 11 of 100", "csv", _file("q.csv", "\n".join(quote) + "\n"))
    quote2 = list(lines)
    quote2[11] = quote2[11].replace("Because", 'Because "x"', 1)
    add("quote inside a field", "csv", _file("q2.csv", "\n".join(quote2) + "\n"), 100)
    bad_after = list(lines)
    bad_after[5] = bad_after[5].replace("Because", '"Because" it', 1)
    add("text after a closing quote", "csv", _file("q3.csv", "\n".join(bad_after) + "\n"))
    ragged = list(lines)
    ragged[3] = "only,two"
    add("ragged row", "csv", _file("r.csv", "\n".join(ragged) + "\n"), 100)
    add("header only", "csv", _file("h.csv", lines[0] + "\n"))
    add("empty file", "csv", _file("e.csv", ""))
    add("BOM", "csv", _file("b.csv", "\ufeff" + csv_text(ROWS)), 100)
    add("UTF-16", "csv", _file("u.csv", csv_text(ROWS).encode("utf-16")), 100)
    add(
        "latin-1 bytes",
        "csv",
        _file("l.csv", csv_text(ROWS).replace("(1)", "(é)").encode("latin-1")),
        100,
    )
    add("NUL byte", "csv", _file("n.csv", csv_text(ROWS).replace("(7)", "(\x00)")), 100)
    add("blank lines (CR CR LF)", "csv", _file("c.csv", csv_text(ROWS).replace("\n", "\r\n")), 100)
    add("LF line ends", "csv", _file("lf.csv", csv_text(ROWS).replace("\r\n", "\n")), 100)
    add(
        "multi-line quoted cells",
        "csv",
        _file("m.csv", csv_text([{**r, "chosen": r["chosen"] + "\nmore"} for r in ROWS])),
        100,
    )
    add(
        "200 KiB cell",
        "csv",
        _file("big.csv", csv_text([{**ROWS[0], "chosen": "x" * 200_000}, *ROWS[1:]])),
        100,
    )
    add("semicolon separator", "csv", _file("s.csv", csv_text(ROWS).replace(",", ";")))
    add("TSV", "csv", _file("t.tsv", csv_text(ROWS).replace(",", "\t")), 100)
    add("no trailing newline", "csv", _file("nt.csv", csv_text(ROWS).rstrip("\n")), 100)
    add("gzipped", "csv", _gz("g.csv.gz", csv_text(ROWS).encode()), 100)
    add("truncated gzip", "csv", _file("tg.csv.gz", gzip.compress(csv_text(ROWS).encode())[:-40]))
    # JSON
    add("array", "json", _file("a.json", json.dumps(ROWS)), 100)
    add(
        "dict of train/test/validation",
        "json",
        _file(
            "d.json", json.dumps({"train": ROWS[:60], "test": ROWS[60:90], "validation": ROWS[90:]})
        ),
        100,
    )
    add(
        "dict of data + train",
        "json",
        _file("d2.json", json.dumps({"data": ROWS[:50], "train": ROWS[50:]})),
    )
    add("wrapper under data", "json", _file("w.json", json.dumps({"data": ROWS})), 100)
    add("one record", "json", _file("o.json", json.dumps(ROWS[0])), 1)
    add("10,000 deep", "json", _file("deep.json", b'{"a": ' + b"[" * 10000 + b"]" * 10000 + b"}"))
    add("2,000 deep", "json", _file("deep2.json", b"[" * 2000 + b"]" * 2000))
    add("truncated", "json", _file("tr.json", json.dumps(ROWS)[:-50]))
    add("trailing garbage", "json", _file("tg.json", json.dumps(ROWS) + " garbage"))
    add(
        "NaN values",
        "json",
        _file("nan.json", json.dumps([{**r, "margin": float("nan")} for r in ROWS])),
        100,
    )
    add(
        "Infinity values",
        "json",
        _file("inf.json", json.dumps([{**r, "margin": float("inf")} for r in ROWS])),
        100,
    )
    add("scalar", "json", _file("sc.json", "42"))
    add("array of scalars", "json", _file("as.json", "[1, 2, 3]"), 3)
    add("array with nulls", "json", _file("an.json", json.dumps([None, *ROWS[:9]])), 10)
    add("BOM", "json", _file("bom.json", b"\xef\xbb\xbf" + json.dumps(ROWS).encode()), 100)
    add("UTF-16", "json", _file("u16.json", json.dumps(ROWS).encode("utf-16")), 100)
    add(
        "invalid UTF-8",
        "json",
        _file("iu.json", json.dumps(ROWS).encode().replace(b"(3)", b"(\xff)")),
    )
    add("lines under .json", "json", _file("l.json", jsonl(ROWS)), 100)
    add("empty", "json", _file("e.json", ""))
    add("empty array", "json", _file("ea.json", "[]"))
    add("gzipped", "json", _gz("g.json.gz", json.dumps(ROWS).encode()), 100)
    # JSONL
    add("plain", "jsonl", _file("p.jsonl", jsonl(ROWS)), 100)
    add("BOM", "jsonl", _file("b.jsonl", b"\xef\xbb\xbf" + jsonl(ROWS)), 100)
    add("UTF-16", "jsonl", _file("u.jsonl", jsonl(ROWS).decode().encode("utf-16")), 100)
    add("blank lines", "jsonl", _file("bl.jsonl", jsonl(ROWS).replace(b"\n", b"\n\n", 10)), 100)
    add(
        "one invalid line",
        "jsonl",
        _file("il.jsonl", jsonl(ROWS[:50]) + b"{oops\n" + jsonl(ROWS[50:])),
        101,
    )
    add("null first line", "jsonl", _file("nf.jsonl", b"null\n" + jsonl(ROWS)), 101)
    add("array line", "jsonl", _file("al.jsonl", jsonl(ROWS) + b"[1,2]\n"), 101)
    add(
        "600 deep line",
        "jsonl",
        _file("d6.jsonl", jsonl(ROWS) + b'{"m": ' + b"[" * 600 + b"]" * 600 + b"}\n"),
        101,
    )
    add(
        "10,000 deep line",
        "jsonl",
        _file("d10.jsonl", jsonl(ROWS) + b'{"m": ' + b"[" * 10000 + b"]" * 10000 + b"}\n"),
        101,
    )
    add(
        "NaN values",
        "jsonl",
        _file("nan.jsonl", jsonl([{**r, "margin": float("nan")} for r in ROWS])),
        100,
    )
    add(
        "mixed types in a column",
        "jsonl",
        _file(
            "mt.jsonl",
            jsonl([{**r, "chosen": [1]} if i % 7 == 0 else r for i, r in enumerate(ROWS)]),
        ),
        100,
    )
    add(
        "invalid UTF-8 in one line",
        "jsonl",
        _file("iu.jsonl", jsonl(ROWS).replace(b"(3)", b"(\xff)")),
        100,
    )
    add("truncated last line", "jsonl", _file("tl.jsonl", jsonl(ROWS)[:-30]), 100)
    add("no trailing newline", "jsonl", _file("nt.jsonl", jsonl(ROWS).rstrip(b"\n")), 100)
    add("CRLF", "jsonl", _file("cr.jsonl", jsonl(ROWS).replace(b"\n", b"\r\n")), 100)
    add(
        "new keys in later rows",
        "jsonl",
        _file("nk.jsonl", jsonl([{**r, "extra": i} if i > 50 else r for i, r in enumerate(ROWS)])),
        100,
    )
    add(
        "duplicate keys",
        "jsonl",
        _file(
            "dk.jsonl",
            b'{"prompt": "a long question?", "prompt": "another question?", '
            + b'"chosen": "x", "rejected": "y"}\n'
            + jsonl(ROWS),
        ),
        101,
    )
    add(
        "huge line (5 MB)",
        "jsonl",
        _file("hl.jsonl", jsonl([{**ROWS[0], "chosen": "w " * 2_500_000}, *ROWS[1:]])),
        100,
    )
    add("only blank lines", "jsonl", _file("ob.jsonl", "\n \n\n"))
    add("gzipped", "jsonl", _gz("g.jsonl.gz", jsonl(ROWS)), 100)
    add(
        "gzip bomb over the limit",
        "jsonl",
        _gz("bomb.jsonl.gz", b" " * (8 << 20)),
        flags=["--max-input-mb", "4"],
    )
    add("not gzip", "jsonl", _file("ng.jsonl.gz", jsonl(ROWS)))
    # Parquet
    add("corrupt", "parquet", _file("c.parquet", b"PAR1 not really"))
    add("empty file", "parquet", _file("e.parquet", b""))
    # special files and paths
    add("/dev/zero", "special", _special("/dev/zero"))
    add(
        "/dev/zero allowed, capped",
        "special",
        _special("/dev/zero"),
        flags=["--allow-special-files", "--max-input-mb", "4"],
    )
    add("FIFO with no writer", "special", _special("fifo"))
    add("symlink loop", "special", _special("loop"))
    add("unreadable file (root reads it)", "special", _special("unreadable"), 5)
    add("plain folder", "special", _special("dir"))
    add("missing file", "special", _special("/no/such/file.jsonl"))
    add("unknown extension", "special", _file("x.xlsx", b"PK\x03\x04"))
    # flags
    for name, flags in [
        ("unknown --format", ["--format", "nope"]),
        ("wrong --format", ["--format", "labelstudio"]),
        (
            "--map typo",
            [
                "--format",
                "columns",
                "--map",
                "prompt=promt",
                "--map",
                "chosen=chosen",
                "--map",
                "rejected=rejected",
            ],
        ),
        ("--map without =", ["--map", "prompt"]),
        ("--train-ratio nan", ["--train-ratio", "nan"]),
        ("--train-ratio 2", ["--train-ratio", "2"]),
        ("ratios not summing to 1", ["--train-ratio", "0.5"]),
        ("--aggregate mean", ["--aggregate", "mean"]),
        ("--max-prompt-toks < min", ["--min-prompt-toks", "10", "--max-prompt-toks", "5"]),
        ("missing --tokenizer", ["--tokenizer", "/no/such/tokenizer"]),
        ("--output-format xml", ["--output-format", "xml"]),
        ("--label-values junk", ["--label-values", "q=1"]),
    ]:
        add(name, "flags", _file("in.jsonl", jsonl(ROWS)), flags=flags)
    return out


@dataclass
class Outcome:
    probe: Probe
    verdict: str
    detail: str


def _snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def run_probe(probe: Probe, root: Path, good: Path, env: dict, timeout: float) -> Outcome:
    work = Path(tempfile.mkdtemp(dir=root))
    out = work / "out"
    shutil.copytree(good, out)
    before = _snapshot(out)
    try:
        path = probe.make(work)
    except OSError as exc:
        return Outcome(probe, "SKIPPED", f"cannot build: {exc}")
    cmd = [sys.executable, "-c", "from alignkit.cli import main; main()", "data", "ingest"]
    cmd += ["-i", str(path), "-o", str(out), *probe.flags]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return Outcome(probe, "HANG", f"no answer in {timeout:.0f} s")
    err = done.stderr.strip()
    if done.returncode < 0:
        return Outcome(probe, "CRASH", f"signal {-done.returncode}")
    if "Traceback" in err:
        return Outcome(probe, "TRACEBACK", err.splitlines()[-1][:120])
    if done.returncode != 0:
        one = len(err.splitlines()) == 1 and err.startswith("error:")
        if _snapshot(out) != before:
            return Outcome(probe, "DAMAGED", err[:120])
        return Outcome(
            probe, "held" if one else "UNCLEAR", err.splitlines()[0][:120] if err else ""
        )
    report = json.loads((out / "schema_report.json").read_text())
    rows = report["input"]["rows"]
    balanced = report["kept"] + report["dropped_total"] == report["records"]
    if probe.records is not None and rows != probe.records:
        return Outcome(probe, "LOST", f"read {rows} of {probe.records} records, exit 0")
    if probe.records is None:  # a file that should not have read cleanly
        return Outcome(probe, "LOST", f"exit 0 with {rows} rows from an input that should fail")
    if not balanced:
        return Outcome(probe, "LOST", "kept + dropped != records")
    return Outcome(
        probe, "held", f"{rows} rows: kept {report['kept']}, dropped {report['dropped_total']}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, help="a source tree to test instead of this one")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--only", help="run the probes of this category only")
    parser.add_argument(
        "--skip", action="append", default=[], help="skip probes whose name contains this"
    )
    args = parser.parse_args()
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = str(args.src.resolve())
    chosen = [
        p
        for p in probes()
        if (not args.only or p.category == args.only) and not any(k in p.name for k in args.skip)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "good.jsonl").write_bytes(jsonl(ROWS))
        made = subprocess.run(
            [sys.executable, "-c", "from alignkit.cli import main; main()", "data", "ingest",
             "-i", str(root / "good.jsonl"), "-o", str(root / "good")],
            capture_output=True, text=True, env=env,
        )  # fmt: skip
        if made.returncode != 0:
            print(made.stderr)
            return 2
        with ThreadPoolExecutor(args.jobs) as pool:
            results = list(
                pool.map(lambda p: run_probe(p, root, root / "good", env, args.timeout), chosen)
            )
    width = max(len(r.probe.name) for r in results)
    for category in dict.fromkeys(r.probe.category for r in results):
        print(f"\n## {category}")
        for r in (r for r in results if r.probe.category == category):
            print(f"  {r.probe.name:<{width}}  {r.verdict:<9}  {r.detail}")
    totals = Counter(r.verdict for r in results)
    print(f"\n{len(results)} probes: " + ", ".join(f"{k} {v}" for k, v in totals.most_common()))
    return 0 if set(totals) <= {"held", "SKIPPED"} else 1


if __name__ == "__main__":
    sys.exit(main())
