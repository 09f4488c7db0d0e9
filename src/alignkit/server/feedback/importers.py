"""Records for a feedback dataset from any export that `alignkit data ingest` reads: Argilla
1.x/2.x, Label Studio, HH-RLHF, ShareGPT, TRL preference / unpaired files, a `datasets`
folder, or any table with a column map. The file goes through the data layer's own steps
(readers.read_source -> formats.pick -> adapt.adapt_source, what the ingest runs before its
validation), and each canonical row becomes records that fit the dataset's question:

- pairwise (2 answers): a pair's chosen and rejected, in a seeded random order, so that the
  annotator cannot learn that A is the chosen one;
- ranking (N answers): the distinct answers of the input row's pairs (a ranking row gives
  several pairs), shuffled; a row with another number of answers than N is rejected;
- rating / thumbs: with `answers` 2, as pairwise; otherwise (1, or not fixed) each answer is
  a record of its own: a pair gives two records, in a seeded random order, and an unpaired
  (KTO) row one.

Unpaired rows (prompt, completion, label) have one answer: a pairwise or ranking question
rejects them. The source's judgement is kept in the record's metadata under `source`:
`{format, row, id?, chosen_index, tie?, agreement?}` for 2+ answers (`preferred`: [winner,
loser] index pairs for a ranking record), `{format, row, id?, role: chosen|rejected|both}` or
`{..., label: true|false}` for a 1-answer record; the row's own metadata stays beside it.

Every input row is accounted for, by its number from 1 in file order (a JSON array's items,
a JSONL file's non-blank lines, a table's rows): imported, or rejected with one line (the data
layer's drop reason and detail, or why its answers do not fit). Rows that an export spreads
over several lines (Label Studio JSON-MIN / CSV: one per annotation) are joined by the format
and counted as `merged`. Annotation-tool rows without a submitted judgement are rejected by
the data layer (`no_submitted_responses`, `no_annotations`...): unlabeled candidates come as
prompt + answers records (ui/imports.py) or as a TRL / column-mapped table.

Conversational texts (ShareGPT, HH-RLHF with messages) become text: an answer is its message's
content; a prompt of one message its content, of several `role: content` turns."""

from __future__ import annotations

import random
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import orjson
from sqlalchemy import Engine

from alignkit.data.adapt import adapt_source
from alignkit.data.formats import FORMATS, pick
from alignkit.data.formats.base import AdaptContext
from alignkit.data.formats.columns import check_map_columns
from alignkit.data.readers import read_source
from alignkit.data.settings import parse_map
from alignkit.errors import AlignkitError
from alignkit.messages import as_text, content
from alignkit.server.feedback import questions
from alignkit.server.feedback import store as fb
from alignkit.server.ui import imports
from alignkit.server.ui.imports import ImportSummary, Rejected

# "records": prompt + answers files (ui/imports.py), the default, as before this module;
# "auto": those when the file has their columns, else the format `data ingest` detects
CHOICES = ("records", "auto", *FORMATS)
DEFAULT_SEED = 0
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ -]{0,150}")
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}")


@dataclass
class ExportRead:
    """An export turned into records: the good ones, the rejected rows, and the counts."""

    format: str
    rows: int  # input rows read (merged ones included)
    records: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    imported_rows: int = 0
    merged: int = 0
    notes: list[str] = field(default_factory=list)


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0]


def _text(value: Any, conversational: bool) -> Any:
    """A canonical text as one string (None stays None: a missing text)."""
    if value is None:
        return None
    if conversational and isinstance(value, str):
        value = orjson.loads(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and len(value) == 1:
        return content(value[0])
    return as_text(value, roles=True, sep="\n\n")


def _meta(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            return {"metadata": value}
    return dict(value) if isinstance(value, dict) else {}


def _missing(prompt: Any, answers: list[Any], names: tuple[str, ...] = ()) -> str | None:
    """Why the texts are unusable, naming an answer by the source's terms (chosen,
    rejected, completion) where it has them."""
    if not isinstance(prompt, str) or not prompt.strip():
        return "prompt: missing or empty"
    for i, answer in enumerate(answers):
        if not isinstance(answer, str) or not answer.strip():
            return f"{names[i] if i < len(names) else 'an answer'}: missing or empty"
    return None


def _source(fmt: str, row: int, item: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"format": fmt, "row": row}
    if item.get("id") is not None:
        out["id"] = item["id"]
    return out


class _Builder:
    """Canonical rows of one input row -> records for the question, or why they do not fit."""

    def __init__(self, question: dict[str, Any], fmt: str, kind: str, conversational: bool,
                 seed: int) -> None:  # fmt: skip
        self.question, self.fmt, self.kind = question, fmt, kind
        self.conversational = conversational
        self.rng = random.Random(seed)
        want = question.get("answers")
        if question["type"] in ("pairwise", "ranking"):
            self.mode = question["type"]
        else:  # rating / thumbs
            self.mode = "pairwise" if want == 2 else "single" if want in (None, 1) else "none"

    def records(self, row: int, items: list[dict[str, Any]]) -> list[dict[str, Any]] | str:
        texts = [self._texts(item) for item in items]
        prompts = {t[0] for t in texts}
        if len(prompts) > 1:  # one row, several prompts: not an honest single record
            return "the row's pairs have different prompts"
        if self.kind == "unpaired":
            return self._unpaired(row, items[0], texts[0])
        if self.mode == "none":
            want = self.question.get("answers")
            return f"answers: {want} for a {self.question['type']} question, not 2 (a pair)"
        if self.mode == "single":
            return self._singles(row, items, texts)
        if self.mode == "ranking":
            return self._ranking(row, items, texts)
        return [self._pair(row, item, t) for item, t in zip(items, texts, strict=True)]

    def _texts(self, item: dict[str, Any]) -> tuple[Any, ...]:
        cols = ("prompt", "completion") if self.kind == "unpaired" else (
            "prompt", "chosen", "rejected")  # fmt: skip
        return tuple(_text(item.get(c), self.conversational) for c in cols)

    def _check(self, prompt: Any, answers: list[Any], names: tuple[str, ...] = ()) -> str | None:
        why = _missing(prompt, answers, names)
        if why:
            return why
        if len(answers) == 2 and answers[0].strip() == answers[1].strip():
            return "the two answers are identical"
        try:
            questions.check_answers(self.question, answers, "row")
        except AlignkitError as exc:
            return str(exc).removeprefix("row.")
        return None

    def _record(self, prompt: str, answers: list[str], item: dict, source: dict) -> dict:
        return {"prompt": prompt, "answers": answers,
                "metadata": {**_meta(item.get("metadata")), "source": source}}  # fmt: skip

    def _pair(self, row: int, item: dict[str, Any], texts: tuple) -> dict[str, Any] | str:
        prompt, chosen, rejected = texts
        why = self._check(prompt, [chosen, rejected], ("chosen", "rejected"))
        if why:
            return why
        flip = self.rng.random() < 0.5
        answers = [rejected, chosen] if flip else [chosen, rejected]
        source = _source(self.fmt, row, item)
        if item.get("tie"):
            source |= {"chosen_index": None, "tie": True}
        else:
            source["chosen_index"] = 1 if flip else 0
        if item.get("agreement") is not None:
            source["agreement"] = item["agreement"]
        return self._record(prompt, answers, item, source)

    def _ranking(self, row: int, items: list[dict], texts: list[tuple]) -> list[dict] | str:
        prompt = texts[0][0]
        answers: list[str] = []
        for _p, chosen, rejected in texts:
            for answer in (chosen, rejected):
                if answer not in answers:
                    answers.append(answer)
        why = self._check(prompt, answers)
        if why:
            return why
        self.rng.shuffle(answers)
        index = {a: i for i, a in enumerate(answers)}
        preferred = [[index[c], index[r]] for _p, c, r in texts]
        ties = [bool(item.get("tie")) for item in items]
        losers = {lo for (_hi, lo), tie in zip(preferred, ties, strict=True) if not tie}
        best = [i for i in range(len(answers)) if i not in losers]
        source = _source(self.fmt, row, items[0])
        source["chosen_index"] = best[0] if len(best) == 1 and not all(ties) else None
        source["preferred"] = [p for p, tie in zip(preferred, ties, strict=True) if not tie]
        return [self._record(prompt, answers, items[0], source)]

    def _singles(self, row: int, items: list[dict], texts: list[tuple]) -> list[dict] | str:
        prompt = texts[0][0]
        roles: dict[str, set[str]] = {}
        for item, (_p, chosen, rejected) in zip(items, texts, strict=True):
            tie = bool(item.get("tie"))
            roles.setdefault(chosen, set()).add("tie" if tie else "chosen")
            roles.setdefault(rejected, set()).add("tie" if tie else "rejected")
        answers = list(roles)
        for answer in answers:
            why = self._check(prompt, [answer])
            if why:
                return why
        self.rng.shuffle(answers)
        out = []
        for answer in answers:
            role = roles[answer]
            source = _source(self.fmt, row, items[0])
            source["role"] = role.pop() if len(role) == 1 else "both"
            out.append(self._record(prompt, [answer], items[0], source))
        return out

    def _unpaired(self, row: int, item: dict[str, Any], texts: tuple) -> list[dict] | str:
        if self.mode != "single":
            return (f"an unpaired row has one answer: a {self.question['type']} question "
                    f"needs {self.question.get('answers') or 2}")  # fmt: skip
        prompt, completion = texts
        why = self._check(prompt, [completion], ("completion",))
        if why:
            return why
        source = _source(self.fmt, row, item) | {"label": item.get("label")}
        return [self._record(prompt, [completion], item, source)]


def read_export(path: str | Path, question: dict[str, Any], fmt: str = "auto", *,
                column_map: Mapping[str, str] | None = None, seed: int = DEFAULT_SEED,
                source_name: str | None = None) -> ExportRead:  # fmt: skip
    """Read an export (a file, or a `datasets.save_to_disk` folder) into records for the
    question. A file that cannot be read, or whose format is not detected, is one
    AlignkitError line; a bad row is a Rejected entry."""
    path = Path(path)
    column_map = dict(column_map or {})
    if fmt == "records":
        raise AlignkitError("format 'records' is read by ui/imports.py, not from an export")
    try:
        source = read_source(path, max_bytes=imports.MAX_BYTES)
    except (OSError, EOFError, ValueError) as exc:  # a broken gzip, a file cut short...
        if isinstance(exc, AlignkitError):
            raise
        raise AlignkitError(f"could not read {path.name}: {_first_line(str(exc))}") from None
    if source.n_rows > imports.MAX_ROWS:
        raise AlignkitError(
            f"{path.name} has {source.n_rows} rows: at most {imports.MAX_ROWS} per import"
        )
    ctx = AdaptContext(source=source_name or path.name, column_map=column_map)
    chosen_fmt = pick("columns" if column_map and fmt == "auto" else fmt, source.sample(), ctx)
    if chosen_fmt.name == "columns":
        if not column_map:
            raise AlignkitError("the columns format needs a column map (prompt=..., a=..., ...)")
        check_map_columns(column_map, source.columns())
    adapted = adapt_source(source, chosen_fmt, ctx, "majority", keep_ties=True)
    c = adapted.canonical
    out = ExportRead(chosen_fmt.name, source.n_rows, merged=adapted.merged)
    out.notes = [*source.notes, *adapted.notes]
    why_not: dict[int, str] = {}
    for row, drop in adapted.drops:
        why_not.setdefault(row, _first_line(f"{drop.reason}: {drop.detail}".rstrip(": ")))
    by_row: dict[int, list[dict[str, Any]]] = {}
    for item in c.frame.iter_rows(named=True):
        by_row.setdefault(item["_row"], []).append(item)
    builder = _Builder(question, chosen_fmt.name, c.kind, c.conversational, seed)
    for row in sorted(set(by_row) | set(why_not)):
        items = by_row.get(row)
        made = builder.records(row + 1, items) if items else why_not[row]
        if isinstance(made, list):
            bad = next((m for m in made if isinstance(m, str)), None)
            made = bad if bad is not None else made
        if isinstance(made, str):
            out.rejected.append(Rejected(row + 1, made))
        else:
            out.records.extend(made)
            out.imported_rows += 1
    if out.merged:
        out.notes.append(f"{out.merged} rows were joined into an earlier row's record")
    accounted = out.imported_rows + len(out.rejected) + out.merged
    if accounted != out.rows:  # every row imported, rejected or merged, once
        raise AlignkitError(
            f"internal accounting error: {out.rows} rows but {accounted} accounted for; "
            "please report it"
        )
    return out


def import_export(
    engine: Engine, dataset_id: str, user_id: str | None, path: str | Path, fmt: str = "auto",
    *, column_map: Mapping[str, str] | None = None, seed: int = DEFAULT_SEED,
    filename: str | None = None,
) -> ImportSummary:  # fmt: skip
    """Read the export at `path` and add its records to the dataset (owners and admins)."""
    ds = fb.dataset(engine, dataset_id, user_id, manage=True)
    name = filename or Path(path).name
    got = read_export(path, ds.question, fmt, column_map=column_map, seed=seed,
                      source_name=name)  # fmt: skip
    ids = fb.add_records(engine, dataset_id, user_id, got.records) if got.records else []
    return ImportSummary(
        name, got.rows, ids, got.rejected, format=got.format, imported_rows=got.imported_rows,
        merged=got.merged, notes=got.notes,
    )  # fmt: skip


def _records_shaped(filename: str, data: bytes) -> bool:
    """The file is one of ui/imports.py's: a .jsonl/.csv/.parquet whose rows carry a prompt
    and answers (an `answers` list or answer_1 ... answer_N)."""
    kind = PurePath(filename or "").suffix.lower()
    if kind not in imports.EXTENSIONS:
        return False
    try:
        rows = imports.jsonl_rows(data) if kind == ".jsonl" else imports.table_rows(data, kind)
    except AlignkitError:  # no prompt or answers column, or unreadable: not that shape
        return False
    return any(
        isinstance(r, dict) and "prompt" in r and ("answers" in r or "answer_1" in r)
        for _n, r in rows[:200]
    )


def parse_column_map(text: str | Mapping[str, str] | None) -> dict[str, str]:
    """`prompt=instruction a=response1 b=response2 label=annotator1,annotator2` (space- or
    line-separated target=column, as `--map`), a JSON object, or a mapping."""
    if text is None or isinstance(text, Mapping):
        return parse_map(dict(text or {}))
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            raise AlignkitError("column map: a JSON object or target=column items") from None
        if not isinstance(value, dict):
            raise AlignkitError("column map: a JSON object or target=column items")
        return parse_map(value)
    return parse_map(text.split())


def import_upload(engine: Engine, dataset_id: str, user_id: str | None, filename: str,
                  data: bytes, fmt: str | None = None, column_map: str | Mapping | None = None,
                  seed: int = DEFAULT_SEED) -> ImportSummary:  # fmt: skip
    """An uploaded file's records: `fmt` None or "records" is the prompt + answers reader
    (ui/imports.py, as before); "auto" uses it for files shaped so and detects the export
    format otherwise; a format's name reads the file as that format."""
    fmt = fmt or "records"
    if fmt not in CHOICES:
        raise AlignkitError(f"format: one of {', '.join(CHOICES)}, not {fmt!r}")
    mapping = parse_column_map(column_map)
    if fmt == "records" or (fmt == "auto" and not mapping and _records_shaped(filename, data)):
        return imports.import_file(engine, dataset_id, user_id, filename, data)
    fb.dataset(engine, dataset_id, user_id, manage=True)  # the caller's right, before reading
    if len(data) > imports.MAX_BYTES:
        raise AlignkitError(f"the file is over {imports.MAX_BYTES >> 20} MB: split it")
    name = PurePath(filename or "").name
    if name in ("", ".", ".."):
        raise AlignkitError("the upload needs a file name (its extension picks the reader)")
    if not data.strip():
        raise AlignkitError(f"{name} is empty")
    # the file is written under its own name when that is a plain one (the reader's messages
    # name it), else as `upload` with its extensions, which pick the reader
    suffixes = "".join(s for s in PurePath(name).suffixes[-2:] if _SUFFIX.fullmatch(s))
    disk = name if _PLAIN.fullmatch(name) else f"upload{suffixes}"
    with tempfile.TemporaryDirectory(prefix="alignkit-import-") as tmp:
        path = Path(tmp) / disk
        path.write_bytes(data)
        return import_export(engine, dataset_id, user_id, path, fmt, column_map=mapping,
                             seed=seed, filename=name)  # fmt: skip
