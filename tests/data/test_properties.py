"""Property tests of the ingest pipeline on malformed input (hypothesis).

Rows in the TRL preference format and in other shapes (Label Studio tasks, Argilla 2.x records,
HH-RLHF transcripts) are generated and then corrupted (missing keys, wrong types, empty and
whitespace strings, huge fields, NaN/inf, duplicates, non-object and invalid JSON lines,
unicode, chosen == rejected), written as JSONL, JSON arrays, CSV and Parquet, and ingested.

Whatever the input, ingest must not raise (an AlignkitError only when nothing is readable or
the format cannot be detected), and every input row must be accounted for: kept, or dropped
with one reason.

KNOWN_BUGS lists crashes found here that have an xfail regression test (below and in
test_readers.py); the generators avoid their triggers so the properties check everything else.
Remove an entry when its bug is fixed (its strict xfail test then starts failing as a reminder).
"""

from __future__ import annotations

import csv
import io
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignkit.data import ingest
from alignkit.errors import AlignkitError

SPLITS = ("train", "eval", "test")
KNOWN_BUGS: set[str] = set()  # all fixed; each has a regression test below
# error messages that say "nothing readable" or "format not detected"
ALLOWED_ERRORS = (
    "holds no readable records",
    "cannot detect the input format",
    "is not valid JSON",
    "was kept",  # every row dropped: outputs written, exit 1 (NothingKept)
)
# valid rows put first: while these bugs exist, every generated input starts with them
ANCHORED = bool({"no_kept_rows_crash", "null_first_line_segfault"} & KNOWN_BUGS)
PROPS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- strategies -----------------------------------------------------------------------------

UNICODE = [
    "😀🎉 emoji prompt, please answer 👍",
    "مرحبا، كيف حالك اليوم؟ (RTL Arabic)",
    "שלום עולם, what is this? \u200f",
    "Zalgo t̷̢e̴x̸t̵ here",
    "中文问题：天空为什么是蓝色的？",
    "tab\tand\nnewline\r\nand nul \x00 inside",
]
HUGE = "x" * 100_000
texts = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from(UNICODE),
    st.sampled_from(["", " ", "\n\t ", "   \u3000"]),
    st.just(HUGE),
    st.from_regex(r"[A-Za-z]{3,12}( [a-z]{2,9}){2,8}\?", fullmatch=True),
)
good_texts = st.from_regex(r"[A-Z][a-z]{2,9}( [a-z]{2,9}){3,10}[.?]", fullmatch=True)
messages = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant", "system"]), "content": texts}
    ),
    min_size=1,
    max_size=3,
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf]),
)
wrong = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=5), scalars, max_size=3),
)
# a value for a text field: usually a text, sometimes messages, sometimes the wrong type
field_values = st.one_of(good_texts, good_texts, texts, messages, wrong)


@st.composite
def trl_rows(draw) -> dict[str, Any]:
    row = {k: draw(field_values) for k in ("prompt", "chosen", "rejected")}
    if draw(st.integers(0, 5)) == 0:
        row["rejected"] = row["chosen"]  # chosen == rejected
    for key in ("prompt", "chosen", "rejected"):
        if draw(st.integers(0, 9)) == 0:
            del row[key]  # missing key
    extra = draw(
        st.dictionaries(
            st.sampled_from(["id", "margin", "h_chosen", "h_rejected", "note", "score"]),
            scalars if "list_id_crash" in KNOWN_BUGS else wrong,
            max_size=3,
        )
    )
    row.update(extra)
    return row


def _anchor(i: int) -> dict[str, str]:
    return {
        "prompt": f"Anchor question number {i}: what is the answer?",
        "chosen": f"The answer to question {i} is forty-two.",
        "rejected": f"I refuse to answer question {i}.",
    }


SHAPE_ANCHORS: dict[str, dict[str, Any]] = {
    "labelstudio": {
        "id": 1,
        "data": {
            "prompt": "Anchor: which answer is better here?",
            "answer1": "The first answer.",
            "answer2": "The second answer.",
        },
        "annotations": [
            {
                "id": 1,
                "completed_by": 1,
                "result": [{"type": "pairwise", "value": {"selected": "left"}}],
            }
        ],
    },
    "argilla2": {
        "id": "anchor",
        "fields": {
            "prompt": "Anchor: which response is better here?",
            "response1": "The first response.",
            "response2": "The second response.",
        },
        "responses": {"preference": [{"value": "response1", "user_id": "u1"}]},
        "metadata": {},
        "suggestions": {},
        "vectors": {},
        "status": "completed",
    },
    "hh": {
        "chosen": "\n\nHuman: Anchor: what is two plus two?\n\nAssistant: It is four.",
        "rejected": "\n\nHuman: Anchor: what is two plus two?\n\nAssistant: It is five.",
    },
}


@st.composite
def labelstudio_rows(draw) -> Any:
    data = {
        "prompt": draw(field_values),
        "answer1": draw(field_values),
        "answer2": draw(field_values),
    }
    annotations = [
        {
            "id": n,
            "completed_by": draw(st.one_of(st.integers(1, 4), st.none(), st.text(max_size=3))),
            "was_cancelled": draw(st.booleans()),
            "result": [
                {
                    "type": draw(st.sampled_from(["pairwise", "pairwise", "choices"])),
                    "value": {"selected": draw(st.sampled_from(["left", "right", "up", None]))},
                }
            ],
        }
        for n in range(draw(st.integers(0, 3)))
    ]
    task: dict[str, Any] = {"id": draw(st.integers(0, 10**6)), "data": data}
    task["annotations"] = annotations
    return _corrupt(draw, task, ("id", "data", "annotations"))


@st.composite
def argilla2_rows(draw) -> Any:
    fields = {
        "prompt": draw(field_values),
        "response1": draw(field_values),
        "response2": draw(field_values),
    }
    responses = {
        "preference": [
            {
                "value": draw(st.sampled_from(["response1", "response2", "tie", 3, None])),
                "user_id": draw(st.sampled_from(["u1", "u2", "u3"])),
            }
            for _ in range(draw(st.integers(0, 3)))
        ]
    }
    record = {
        "id": draw(st.text(max_size=6)),
        "fields": fields,
        "responses": responses,
        "metadata": draw(st.one_of(st.none(), st.dictionaries(st.text(max_size=4), scalars))),
        "suggestions": {},
        "vectors": {},
        "status": draw(st.sampled_from(["completed", "pending"])),
    }
    return _corrupt(draw, record, ("id", "fields", "responses", "status"))


@st.composite
def hh_rows(draw) -> Any:
    turns = draw(st.lists(good_texts, min_size=1, max_size=3))
    history = "".join(f"\n\nHuman: {t}\n\nAssistant: ok." for t in turns[:-1])
    base = f"{history}\n\nHuman: {turns[-1]}\n\nAssistant:"
    row = {
        "chosen": base + " " + draw(texts),
        "rejected": base + " " + draw(texts),
    }
    return _corrupt(draw, row, ("chosen", "rejected"))


def _corrupt(draw, row: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """Sometimes: a key missing, a key with a wrong-typed value, or the row not an object."""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        del row[draw(st.sampled_from(keys))]
    elif choice == 1:
        row[draw(st.sampled_from(keys))] = draw(wrong)
    elif choice == 2:
        return draw(st.one_of(scalars, st.lists(scalars, max_size=2)))
    return row


# raw JSONL lines: a JSON row, or junk
JUNK_LINES = [
    b"not json at all",
    b'{"prompt": "unterminated',
    b"{'single': 'quotes'}",
    b"[1, 2, 3]",
    b"42",
    b"null",
    b'"a string"',
    b'{"prompt": NaN, "chosen": "a", "rejected": "b"}',
    b"{}",
]
BAD_UTF8 = b'{"prompt": "What is \xff\xfe this?", "chosen": "yes it is", "rejected": "no"}'


@st.composite
def jsonl_lines(draw, rows) -> list[tuple[str, bytes]]:
    """(kind, line) pairs; kind is 'row' for a JSON object, else what the junk is."""
    out: list[tuple[str, bytes]] = []
    for _ in range(draw(st.integers(1, 12))):
        pick = draw(st.integers(0, 9))
        if pick == 0:
            line = draw(st.sampled_from(JUNK_LINES))
            out.append(("junk", line))
        elif pick == 1 and "bad_utf8_panic" not in KNOWN_BUGS:
            out.append(("invalid_json", BAD_UTF8))
        elif pick == 2 and out:
            out.append(draw(st.sampled_from(out)))  # a duplicate line
        else:
            value = draw(rows)
            # NaN/inf: the json module writes bare NaN (invalid JSON), orjson writes null
            use_json = draw(st.booleans())
            line = json.dumps(value).encode() if use_json else orjson.dumps(value)
            out.append(("row", line))
    return out


# --- running and checking -------------------------------------------------------------------


def _lines(path: Path) -> list[bytes]:
    return [x for x in path.read_bytes().splitlines() if x.strip()] if path.exists() else []


def _run(path: Path, out: Path, **flags) -> dict | None:
    """The report, or None after an allowed one-line AlignkitError."""
    try:
        return ingest(input=path, output=out, **flags)
    except AlignkitError as exc:
        message = str(exc)
        assert message and "\n" not in message, f"not a one-line error: {message!r}"
        assert any(a in message for a in ALLOWED_ERRORS), f"unexpected error: {message}"
        return None


def _check(report: dict, out: Path, n_rows: int | None = None) -> None:
    rows = report["input"]["rows"]
    if n_rows is not None:
        assert rows == n_rows
    assert report["records"] == rows + report["expanded"] - report["merged"]
    assert report["kept"] + report["dropped_total"] == report["records"]
    assert sum(report["dropped"].values()) == report["dropped_total"]
    assert sum(report["splits"].values()) == report["kept"]
    split_rows = {s: [orjson.loads(x) for x in _lines(out / f"{s}.jsonl")] for s in SPLITS}
    assert {s: len(v) for s, v in split_rows.items()} == report["splits"]
    dropped = [orjson.loads(x) for x in _lines(out / "dropped.jsonl")]
    assert len(dropped) == report["dropped_total"]
    counts: dict[str, int] = {}
    for d in dropped:
        assert isinstance(d["reason"], str) and d["reason"].strip()
        assert 0 <= d["row"] < rows
        counts[d["reason"]] = counts.get(d["reason"], 0) + 1
    assert counts == report["dropped"]
    if report["expanded"] == 0:  # one record per row: a row is dropped at most once
        assert len({d["row"] for d in dropped}) == len(dropped)
        assert len(dropped) <= rows
    prompts = {s: {orjson.dumps(r["prompt"]) for r in v} for s, v in split_rows.items()}
    assert not prompts["train"] & prompts["eval"]
    assert not prompts["train"] & prompts["test"]
    assert not prompts["eval"] & prompts["test"]
    for v in split_rows.values():
        for r in v:
            for col in ("prompt", "chosen", "rejected"):
                if col in r:
                    assert r[col] not in (None, "", [])


def _outputs(out: Path) -> dict[str, bytes]:
    names = [f"{s}.jsonl" for s in SPLITS] + ["dropped.jsonl"]
    return {n: (out / n).read_bytes() for n in names if (out / n).exists()}


def _with_anchors(lines: list[tuple[str, bytes]], k: int = 2) -> list[tuple[str, bytes]]:
    """Rows that always pass, while an empty result still crashes ingest (KNOWN_BUGS)."""
    if not ANCHORED:
        return lines
    return [("row", orjson.dumps(_anchor(i))) for i in range(k)] + lines


@pytest.fixture
def workdir(tmp_path):
    return tmp_path


def _fresh(workdir: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=workdir))


# --- properties -----------------------------------------------------------------------------


@PROPS
@given(lines=jsonl_lines(trl_rows()), blank=st.booleans(), fmt=st.sampled_from(["auto", "trl"]))
def test_trl_jsonl_accounts_for_every_row_deterministically(workdir, lines, blank, fmt):
    d = _fresh(workdir)
    lines = _with_anchors(lines)
    data = b"\n".join(x for _, x in lines) + b"\n"
    if blank:
        data = b"\n  \n" + data.replace(b"\n", b"\n\n", 2)
    (path := d / "in.jsonl").write_bytes(data)
    report = _run(path, d / "a", format=fmt)
    if report is None:
        return
    _check(report, d / "a", n_rows=len(lines))
    dropped = {x["row"]: x["reason"] for x in map(orjson.loads, _lines(d / "a" / "dropped.jsonl"))}
    for i, (kind, line) in enumerate(lines):
        if kind == "invalid_json" or line in JUNK_LINES[:3]:
            assert dropped.get(i) == "invalid_json"
        elif line == JUNK_LINES[7]:  # NaN reads as a missing value, in JSON and JSONL alike
            assert dropped.get(i) == "missing_prompt"
        elif line in (b"[1, 2, 3]", b"42", b'"a string"') or (
            line == b"null" and "null_line_reason" not in KNOWN_BUGS
        ):
            assert dropped.get(i) == "not_an_object"
    again = _run(path, d / "b", format=fmt)
    assert again is not None
    assert _outputs(d / "a") == _outputs(d / "b")
    volatile = ("created", "timings_s", "files", "settings")
    assert {k: v for k, v in again.items() if k not in volatile} == {
        k: v for k, v in report.items() if k not in volatile
    }


@PROPS
@given(rows=st.lists(st.one_of(trl_rows(), scalars), min_size=1, max_size=10))
def test_trl_json_array_accounts_for_every_row(workdir, rows):
    d = _fresh(workdir)
    if "no_kept_rows_crash" in KNOWN_BUGS:
        rows = [_anchor(0), *rows]
    (path := d / "in.json").write_bytes(orjson.dumps(rows))  # NaN/inf become null
    report = _run(path, d / "out")
    if report is not None:
        _check(report, d / "out", n_rows=len(rows))
        dropped = {x["row"] for x in map(orjson.loads, _lines(d / "out" / "dropped.jsonl"))}
        assert {i for i, r in enumerate(rows) if not isinstance(r, dict)} <= dropped


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value)
    return text[:120_000] if "csv_field_limit" in KNOWN_BUGS else text


@PROPS
@given(
    rows=st.lists(trl_rows(), min_size=1, max_size=10),
    ragged=st.lists(st.integers(0, 12), max_size=2),
    delimiter=st.sampled_from([",", "\t"]),
    fmt=st.sampled_from(["auto", "trl"]),
)
def test_trl_csv_accounts_for_every_row(workdir, rows, ragged, delimiter, fmt):
    d = _fresh(workdir)
    if "no_kept_rows_crash" in KNOWN_BUGS:
        rows = [_anchor(0), _anchor(1), *rows]
    header = ["prompt", "chosen", "rejected", "id"]
    records = [[_cell(r.get(k)) for k in header] for r in rows]
    for at in ragged:  # rows with a wrong number of fields
        records.insert(min(at, len(records)), ["too", "few"])
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(records)
    (path := d / ("in.csv" if delimiter == "," else "in.tsv")).write_text(buf.getvalue())
    report = _run(path, d / "out", format=fmt)
    if report is not None:
        _check(report, d / "out", n_rows=len(records))
        assert report["dropped"].get("bad_field_count", 0) == len(ragged)


@PROPS
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "prompt": st.one_of(st.none(), texts, good_texts),
                "chosen": st.one_of(st.none(), texts, good_texts),
                "rejected": st.one_of(st.none(), texts, good_texts),
                "margin": st.floats(allow_nan=True, allow_infinity=True),
                "id": st.integers(0, 5),
            }
        ),
        min_size=1,
        max_size=10,
    ),
    conversational=st.booleans(),
    fmt=st.sampled_from(["auto", "trl"]),
)
def test_trl_parquet_accounts_for_every_row(workdir, rows, conversational, fmt):
    d = _fresh(workdir)
    if "no_kept_rows_crash" in KNOWN_BUGS:
        rows = [{**_anchor(0), "margin": 1.0, "id": 0}, *rows]
    rows = rows + rows[: len(rows) // 3]  # duplicates
    if conversational:  # chosen as chat messages (list<struct>), as datasets writes them
        rows = [
            {
                **r,
                "chosen": None
                if r["chosen"] is None
                else [{"role": "assistant", "content": r["chosen"]}],
            }
            for r in rows
        ]
    pq.write_table(pa.Table.from_pylist(rows), path := d / "in.parquet")
    report = _run(path, d / "out", format=fmt)
    if report is not None:
        _check(report, d / "out", n_rows=len(rows))


@PROPS
@given(
    shape=st.sampled_from(["labelstudio", "argilla2", "hh"]),
    data=st.data(),
    as_array=st.booleans(),
)
def test_other_shapes_account_for_every_row(workdir, shape, data, as_array):
    d = _fresh(workdir)
    strategy = {"labelstudio": labelstudio_rows, "argilla2": argilla2_rows, "hh": hh_rows}[shape]
    rows = data.draw(st.lists(strategy(), min_size=1, max_size=8))
    rows = rows + rows[:2]  # duplicates
    if ANCHORED:
        rows = [SHAPE_ANCHORS[shape], *rows]
    if as_array:
        (path := d / "in.json").write_bytes(orjson.dumps(rows))
    else:
        lines = [orjson.dumps(r) for r in rows]
        (path := d / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    report = _run(path, d / "out")
    if report is not None:
        _check(report, d / "out", n_rows=len(rows))


# --- regressions: bugs these tests found, now fixed ---


def test_nothing_kept_is_not_a_crash(tmp_path):
    rows = [{"prompt": "What is the question here?", "chosen": None, "rejected": "no"}] * 2
    (path := tmp_path / "in.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    # nothing kept is a one-line error with exit 1, no crash; the outputs are written so that
    # dropped.jsonl says why (issue 13)
    with pytest.raises(
        AlignkitError, match=r"no record of in.jsonl was kept \(missing_chosen 2"
    ) as e:
        ingest(input=path, output=tmp_path / "out")
    assert e.value.exit_code == 1
    assert len((tmp_path / "out" / "dropped.jsonl").read_text().splitlines()) == 2


@pytest.mark.parametrize("fmt", ["auto", "trl"])
def test_every_row_dropped_by_the_adapter_is_not_a_crash(fmt, tmp_path):
    rows = [{"prompt": "What is the question here?", "chosen": 5, "rejected": "no"}] * 3
    (path := tmp_path / "in.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    with pytest.raises(
        AlignkitError, match=r"was kept \(bad_type_chosen 3; first: 'chosen' is int"
    ):
        ingest(input=path, output=tmp_path / "out", format=fmt)
