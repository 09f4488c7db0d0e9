"""Records for a feedback dataset from an uploaded file, every row accounted for: imported, or
rejected with its reason. The file's extension picks the reader:

- `.jsonl`: one JSON object per line, `{"prompt": "...", "answers": ["...", "..."]}`, with an
  optional `metadata` object; blank lines are skipped;
- `.csv` (UTF-8, a header row) and `.parquet`: a `prompt` column, and the answers either as an
  `answers` column (Parquet: a list of texts; CSV: a JSON array of texts in the cell) or as
  columns `answer_1` ... `answer_N` (empty trailing cells are left out, so a row may carry
  fewer answers; a gap is a rejected row).

Other columns (JSONL: other keys) go to the record's metadata, which the export carries. Rows
are numbered from 1: a JSONL file's line, the CSV's data rows after its header, Parquet's rows.
A row is rejected when its prompt is missing or empty, or its answers do not fit the question
(the REST import's own check, questions.check_answers); the other rows are imported through
store.add_records, the REST route's code. A file that cannot be read at all (an unknown
extension, a broken file, no prompt or answers column) is one line and imports nothing.

This is the import's `records` format, its default; the exports that `alignkit data ingest`
reads (Argilla, Label Studio, HH-RLHF, ShareGPT, TRL, a column-mapped table) come in through
feedback/importers.py, which returns the same ImportSummary."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import orjson
from sqlalchemy import Engine

from alignkit.errors import AlignkitError
from alignkit.server.feedback import questions
from alignkit.server.feedback import store as fb

EXTENSIONS = (".jsonl", ".csv", ".parquet")
MAX_BYTES = 64 << 20  # the file is read whole: a bigger one is split by its owner
MAX_ROWS = 50_000
_ANSWER_COLUMN = re.compile(r"answer_([1-9][0-9]*)$")


@dataclass(frozen=True)
class Rejected:
    row: int
    reason: str


@dataclass(frozen=True)
class ImportSummary:
    filename: str
    rows: int  # rows read: imported + rejected (+ merged, for an export)
    ids: list[str]  # the imported records' ids
    rejected: list[Rejected] = field(default_factory=list)
    # an export (feedback/importers.py): the format read, the rows that made records (a pair
    # may give two records for a 1-answer question), rows joined into an earlier row's record
    format: str = "records"
    imported_rows: int | None = None
    merged: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.ids)

    @property
    def rows_imported(self) -> int:
        return self.imported if self.imported_rows is None else self.imported_rows


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def jsonl_rows(data: bytes) -> list[tuple[int, dict | str]]:
    """(line number, the object or why it is not one)."""
    out: list[tuple[int, dict | str]] = []
    for n, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            out.append((n, f"not JSON: {_first_line(exc)}"))
            continue
        out.append((n, value if isinstance(value, dict) else "not a JSON object"))
    return out


def table_rows(data: bytes, kind: str) -> list[tuple[int, dict | str]]:
    import polars as pl

    try:
        if kind == ".csv":
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise AlignkitError("the CSV is not UTF-8 text") from None
            # every cell as text: "007" stays "007", and no column type guessed from a sample
            frame = pl.read_csv(io.StringIO(text), infer_schema=False)
        else:
            frame = pl.read_parquet(io.BytesIO(data))
    except AlignkitError:
        raise
    except Exception as exc:  # polars' and Arrow's many errors for a broken file
        raise AlignkitError(f"could not read the {kind[1:]} file: {_first_line(exc)}") from None
    columns = frame.columns
    if "prompt" not in columns:
        raise AlignkitError(f"the file has no prompt column (its columns: {', '.join(columns)})")
    if "answers" not in columns and "answer_1" not in columns:
        raise AlignkitError("the file has neither an answers column nor answer_1 ... answer_N")
    return list(enumerate(frame.iter_rows(named=True), start=1))


def _answers(row: dict[str, Any], csv: bool) -> list[Any] | str:
    """The row's answers, or why they cannot be read."""
    if "answers" in row:
        value = row["answers"]
        if csv and isinstance(value, str):
            try:
                value = orjson.loads(value)
            except orjson.JSONDecodeError:
                return 'answers: a JSON array of texts, such as ["first", "second"]'
        return value if value is not None else "answers: empty"
    numbered = sorted(
        (int(m.group(1)), key) for key in row if (m := _ANSWER_COLUMN.match(key))
    )  # fmt: skip
    cells = [row[key] for _n, key in numbered]
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()  # a row with fewer answers than the file has columns
    if any(c is None or c == "" for c in cells):
        gap = next(key for (_n, key), c in zip(numbered, cells, strict=False) if c in (None, ""))
        return f"{gap} is empty but a later answer is not"
    if [n for n, _key in numbered[: len(cells)]] != list(range(1, len(cells) + 1)):
        return "answer columns must be numbered answer_1, answer_2, ... without gaps"
    return cells


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)  # a Parquet date or decimal: kept as its text


def _record(row: dict[str, Any], question: dict, csv: bool) -> dict[str, Any] | str:
    prompt = row.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        return "prompt: missing or empty"
    answers = _answers(row, csv)
    if isinstance(answers, str):
        return answers
    try:
        questions.check_answers(question, answers, "row")
    except AlignkitError as exc:
        return str(exc).removeprefix("row.")
    meta = row.get("metadata") if isinstance(row.get("metadata"), dict) else {}
    skip = {"prompt", "answers", *(["metadata"] if meta else [])}
    extra = {
        k: _plain(v) for k, v in row.items()
        if k not in skip and not _ANSWER_COLUMN.match(k) and v is not None
    }  # fmt: skip
    return {"prompt": prompt, "answers": answers, "metadata": {**extra, **meta}}


def read_records(filename: str, data: bytes, question: dict) -> tuple[list[dict], list[Rejected]]:
    """The file's good records (the REST import's shape) and its rejected rows."""
    kind = PurePath(filename).suffix.lower()
    if kind not in EXTENSIONS:
        raise AlignkitError(
            f"{filename or 'the upload'}: a .jsonl, .csv or .parquet file, named so"
        )
    if not data.strip():
        raise AlignkitError(f"{filename} is empty")
    rows = jsonl_rows(data) if kind == ".jsonl" else table_rows(data, kind)
    if not rows:
        raise AlignkitError(f"{filename} has no rows")
    if len(rows) > MAX_ROWS:
        raise AlignkitError(f"{filename} has {len(rows)} rows: at most {MAX_ROWS} per upload")
    good, rejected = [], []
    for n, row in rows:
        record = row if isinstance(row, str) else _record(row, question, kind == ".csv")
        if isinstance(record, str):
            rejected.append(Rejected(n, record))
        else:
            good.append(record)
    return good, rejected


def import_file(engine: Engine, dataset_id: str, user_id: str | None, filename: str,
                data: bytes) -> ImportSummary:  # fmt: skip
    """Read the file and add its good rows to the dataset (its owners and admins only)."""
    ds = fb.dataset(engine, dataset_id, user_id, manage=True)
    if len(data) > MAX_BYTES:
        raise AlignkitError(f"the file is over {MAX_BYTES >> 20} MB: split it")
    good, rejected = read_records(filename, data, ds.question)
    ids = fb.add_records(engine, dataset_id, user_id, good) if good else []
    return ImportSummary(filename, len(good) + len(rejected), ids, rejected)
