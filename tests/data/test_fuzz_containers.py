"""Issue 8: a fuzz test of the container formats under `read_source` (hypothesis).

Files are written here with the standard csv and json modules, so the number of records N is
known: CSV/TSV with every quoting style, embedded quotes, newlines (LF, CRLF, lone CR) and
separators in cells; JSON arrays, wrapper and split objects, and JSON lines, with nesting,
NaN/Infinity, non-object records and mixed types per key; UTF-8 with and without a BOM, UTF-16,
Latin-1; optionally gzipped. Whatever the file, `read_source` either raises an AlignkitError (one
line) or returns a Source whose `n_rows` is N: the reader consumed the whole file, and a record
it could not use is counted as unreadable, never lost (issue 8, item 1: "rows seen == rows in
the file").

The property is about counting, not values: what a cell reads as (a number, a string) is the
adapters' business.

Found here and fixed (data/guards.py `as_utf8`), with regression tests at the end: UTF-16
without a byte-order mark and UTF-32 were read as UTF-8, NUL-riddled rows with a wrong count.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from alignkit.data.readers import read_source
from alignkit.errors import AlignkitError

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies ----------------------------------------------------------------------------------

# text that stresses parsers: quotes, separators, every line ending, a BOM inside a cell, RTL
# marks and emoji; no surrogates (not encodable) and no NUL (a NUL in a CSV cell has its own
# test below, and NUL-riddled text is what the wide-encoding tests at the end are about)
TRICKY = ['"', "'", ",", "\t", ";", "\n", "\r\n", "\r", "\\", "\ufeff", "\u2028", "😀", "\u200f"]
text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20),
    st.lists(st.sampled_from(TRICKY + ["a", "b", " ", "1"]), max_size=8).map("".join),
)
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),  # past int64: orjson's limit
    st.floats(allow_nan=True, allow_infinity=True),
    text,
)
json_value = st.recursive(
    scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)),
    max_leaves=12,
)
key = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8)
# records are mostly objects with a few shared keys (so values of one key mix types across
# rows), with some non-objects among them, which readers must count as unreadable
record_object = st.dictionaries(
    st.one_of(st.sampled_from(["prompt", "chosen", "rejected", "meta"]), key),
    json_value,
    max_size=5,
)
record = st.one_of(record_object, record_object, record_object, json_value)


def _write(path: Path, payload: bytes, gz: bool) -> Path:
    if gz:
        path = path.with_name(path.name + ".gz")
        payload = gzip.compress(payload)
    path.write_bytes(payload)
    return path


def _encode(text_: str, encoding: str) -> bytes:
    # Latin-1 cannot hold every character: "?" in their place keeps the structure (quotes,
    # separators and line ends are ASCII), and the invalid UTF-8 that results is the point
    return text_.encode(encoding, errors="replace")


def _check(path: Path, expected: int) -> None:
    try:
        source = read_source(path)
    except AlignkitError as exc:
        assert "\n" not in str(exc), str(exc)
        return
    assert source.n_rows == expected, (source.n_rows, expected, path.read_bytes()[:300])


# --- CSV / TSV -----------------------------------------------------------------------------------

cell = st.one_of(text, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none())
QUOTING = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]


@st.composite
def csv_files(draw):
    name = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                   min_size=1, max_size=6).filter(str.strip)  # fmt: skip
    header = draw(st.lists(name, min_size=1, max_size=4, unique=True))
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), max_size=12))
    quoting = draw(st.sampled_from(QUOTING))
    tsv = draw(st.booleans())
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    if any(isinstance(c, str) and "\r" in c for c in [*header, *(c for r in rows for c in r)]):
        # the csv writer quotes only the characters of its own line terminator: with "\n" a
        # lone CR goes out bare, and every reader (rightly) ends the record there
        ending = "\r\n"
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter="\t" if tsv else ",", quoting=quoting, lineterminator=ending)
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return out.getvalue(), ".tsv" if tsv else ".csv", encoding, len(rows), draw(st.booleans())


@FUZZ
@given(csv_files())
def test_csv_reads_every_record_or_fails(generated):
    content, ext, encoding, n, gz = generated
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp) / f"pairs{ext}", _encode(content, encoding), gz)
        _check(path, n)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("embedded quotes and newlines", 'a,b\n"say ""hi""\nthere","x,y"\n"\r\n",2\n'),
        ("a cell that is only a quote", 'a\n""""\n""""\n'),
        ("an empty single-column record", 'a\n""\n""\n'),
        ("no final newline", "a,b\n1,2\n3,4"),
    ],
)
def test_csv_edge_cases(tmp_path, name, content):
    path = tmp_path / "pairs.csv"
    path.write_text(content, encoding="utf-8", newline="")
    expected = len(list(csv.reader(io.StringIO(content, newline="")))) - 1
    _check(path, expected)


def test_csv_with_a_nul_byte_is_one_line_or_counted(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_bytes(b"a,b\n1,\x002\n3,4\n")
    _check(path, 2)


# --- JSON arrays and objects ----------------------------------------------------------------------


@st.composite
def json_files(draw):
    records = draw(st.lists(record, max_size=10))
    shape = draw(st.sampled_from(["array", "wrapper", "splits"]))
    if shape == "array":
        value = records
    elif shape == "wrapper":
        value = {draw(st.sampled_from(["data", "records", "rows", "examples"])): records}
    else:  # a dict of split lists: read as splits, never only the first one
        cut = draw(st.integers(0, len(records)))
        value = {"train": records[:cut], "test": records[cut:]}
    content = json.dumps(
        value,
        ensure_ascii=draw(st.booleans()),
        indent=draw(st.sampled_from([None, 2])),
    )
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return content, encoding, len(records), draw(st.booleans())


@FUZZ
@given(json_files())
def test_json_reads_every_record_or_fails(generated):
    content, encoding, n, gz = generated
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp) / "pairs.json", _encode(content, encoding), gz)
        _check(path, n)


# --- JSON lines ----------------------------------------------------------------------------------


@st.composite
def jsonl_files(draw):
    records = draw(st.lists(record, max_size=12))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    lines = []
    for r in records:
        lines.append(json.dumps(r, ensure_ascii=draw(st.booleans())))
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "   ", "\t"])))  # blank lines are not records
    content = ending.join(lines) + (ending if draw(st.booleans()) else "")
    ext = draw(st.sampled_from([".jsonl", ".ndjson", ".json"]))
    if ext == ".json":  # JSON lines under a .json name are read as such when they are objects
        assume(records and all(isinstance(r, dict) for r in records) and len(records) > 1)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return content, ext, encoding, len(records), draw(st.booleans())


@FUZZ
@given(jsonl_files())
@example(('{"a": 1}\n{"a": [1]}\n{"a": "x"}\n', ".jsonl", "utf-8", 3, False))  # mixed types
@example(('{"a": 1}\nnull\n[1]\n"s"\n{"b": 2}', ".jsonl", "utf-8-sig", 5, False))
@example(('{"a": NaN}\n{"a": Infinity}\n', ".jsonl", "utf-8", 2, True))
def test_jsonl_reads_every_record_or_fails(generated):
    content, ext, encoding, n, gz = generated
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp) / f"pairs{ext}", _encode(content, encoding), gz)
        _check(path, n)


# --- encodings without a UTF-8 or UTF-16 byte-order mark ----------------------------------------

# Found by this fuzz test: text in UTF-16 without a BOM, or in UTF-32 (whose little-endian BOM
# starts like UTF-16's), was read as UTF-8 with a NUL between letters, so 5 records came back as
# 11-12 rows of NUL-riddled garbage. guards.as_utf8 now tells the encoding by its NUL pattern.
FIVE = [{"prompt": f"p{i}", "chosen": "c", "rejected": "r"} for i in range(5)]


def _five_csv(separator: str) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerow(FIVE[0])
    writer.writerows(r.values() for r in FIVE)
    return out.getvalue()


@pytest.mark.parametrize("ext", [".csv", ".tsv"])
@pytest.mark.parametrize(
    "encoding",
    [
        "utf-16",  # with its BOM: decoded
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "utf-32-be",
    ],
)
def test_wide_encodings_in_csv(tmp_path, ext, encoding):
    content = _five_csv("\t" if ext == ".tsv" else ",")
    path = tmp_path / f"pairs{ext}"
    path.write_bytes(content.encode(encoding))
    _check(path, 5)
    try:
        source = read_source(path)
    except AlignkitError:
        return
    assert not any("\x00" in k for row in source.sample() for k in row)  # no garbage keys


# JSON lines split at b"\n": in UTF-16-LE / UTF-32-LE the NUL bytes after the last newline
# made a sixth "line" (an invalid_json row) before the text was decoded first
WIDE_JSON = [
    (ext, enc)
    for ext in (".json", ".jsonl")
    for enc in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be")
]


@pytest.mark.parametrize(("ext", "encoding"), WIDE_JSON)
def test_wide_encodings_in_json_are_counted(tmp_path, ext, encoding):
    rows = [json.dumps(r) for r in FIVE]
    content = "[" + ",".join(rows) + "]" if ext == ".json" else "\n".join(rows) + "\n"
    path = tmp_path / f"pairs{ext}"
    path.write_bytes(content.encode(encoding))
    _check(path, 5)
