"""Records imported from the exports that `alignkit data ingest` reads (feedback/importers.py):
real files from ../shared/data (the first 20 rows, written below tmp_path), the Argilla SDK's
export fixture, and small hand-written files for malformed rows. Every row is imported or
rejected with its reason; the answers are the source's texts in a seeded order, and the
source's judgement is in the record's metadata. One round trip: import HH-RLHF pairs,
annotate them through the store, export, and `data ingest` the export."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from tests.server.feedback_env import env, headers  # noqa: F401  (SQLite, then PostgreSQL)

ARGILLA = Path(__file__).resolve().parents[1] / "assets" / "argilla" / "preference-export.jsonl"
N = 20
ROLES = {"human": "user", "gpt": "assistant", "system": "system"}  # ShareGPT's names


def _dataset(env, question: dict, name: str = "ds"):  # noqa: F811
    from alignkit.server.feedback import auth
    from alignkit.server.feedback import store as fb

    ws = auth.create_workspace(env.store.engine, f"ws-{name}")
    return fb.create_dataset(env.store.engine, ws.id, name, question)


def _records(env, dataset_id: str):  # noqa: F811
    from alignkit.server.feedback import store as fb

    return fb.list_records(env.store.engine, dataset_id, None, limit=1000)


def _import(env, dataset_id: str, path: Path, fmt: str = "auto", **kw):  # noqa: F811
    from alignkit.server.feedback import importers

    return importers.import_export(env.store.engine, dataset_id, None, path, fmt, **kw)


def _head_jsonl(src: Path, dest: Path, n: int = N) -> list[dict]:
    opener = gzip.open if src.suffix == ".gz" else open
    with opener(src, "rt", encoding="utf-8") as fh:
        rows = [json.loads(next(fh)) for _ in range(n)]
    dest.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return rows


def _head_json(src: Path, dest: Path, n: int = N) -> list[dict]:
    rows = json.loads(src.read_text())[:n]
    dest.write_text(json.dumps(rows))
    return rows


def _one_line(reason: str) -> bool:
    return bool(reason.strip()) and "\n" not in reason


def _accounted(summary) -> None:
    assert summary.rows_imported + len(summary.rejected) + summary.merged == summary.rows
    assert all(_one_line(r.reason) for r in summary.rejected)
    rows = [r.row for r in summary.rejected]
    assert len(rows) == len(set(rows)) and all(1 <= r <= summary.rows for r in rows)


def _hh_split(raw: dict, prompt: str, answer: str, key: str) -> None:
    """The record's prompt is the shared dialogue, the answer the final turn of `key`."""
    assert raw[key].startswith(prompt)
    assert raw[key][len(prompt) :].strip() == answer


# -- real exports ---------------------------------------------------------------------------


def test_hh_rlhf_pairs_in_a_seeded_order(env, shared_data, tmp_path):  # noqa: F811
    raw = _head_jsonl(shared_data / "hh-rlhf-harmless-base-test.jsonl.gz", tmp_path / "hh.jsonl")
    ds = _dataset(env, {"type": "pairwise"})
    summary = _import(env, ds.id, tmp_path / "hh.jsonl")
    assert (summary.format, summary.rows) == ("hh-rlhf", N)
    _accounted(summary)
    records = _records(env, ds.id)
    assert len(records) == summary.imported == summary.rows_imported >= N - 2
    seen = set()
    for rec in records:
        src = rec.meta["source"]
        assert src["format"] == "hh-rlhf" and set(src) >= {"row", "chosen_index"}
        ci = src["chosen_index"]
        seen.add(ci)
        row = raw[src["row"] - 1]
        _hh_split(row, rec.prompt, rec.answers[ci], "chosen")
        _hh_split(row, rec.prompt, rec.answers[1 - ci], "rejected")
    assert seen == {0, 1}  # the chosen answer is not always A
    imported_rows = {r.meta["source"]["row"] for r in records}
    assert imported_rows | {r.row for r in summary.rejected} == set(range(1, N + 1))
    # the order is seeded: the same seed gives the same order, another seed another one
    again = _dataset(env, {"type": "pairwise"}, "again")
    other = _dataset(env, {"type": "pairwise"}, "other")
    _import(env, again.id, tmp_path / "hh.jsonl")
    _import(env, other.id, tmp_path / "hh.jsonl", seed=7)
    order = [r.meta["source"]["chosen_index"] for r in records]
    assert [r.meta["source"]["chosen_index"] for r in _records(env, again.id)] == order
    assert [r.meta["source"]["chosen_index"] for r in _records(env, other.id)] != order


def _ls_votes(task: dict) -> Counter:
    return Counter(
        r["value"]["selected"] for a in task.get("annotations", []) if not a.get("was_cancelled")
        for r in a.get("result", []) if r.get("type") == "pairwise"
    )  # fmt: skip


def test_label_studio_json_export(env, shared_data, tmp_path):  # noqa: F811
    tasks = _head_json(shared_data / "labelstudio-pairwise-export.json", tmp_path / "ls.json")
    ds = _dataset(env, {"type": "pairwise"})
    summary = _import(env, ds.id, tmp_path / "ls.json", "auto")
    assert (summary.format, summary.rows) == ("labelstudio", N)
    _accounted(summary)
    texts = ("prompt", "answer1", "answer2")
    whole = [i + 1 for i, t in enumerate(tasks) if all(t["data"].get(k, "").strip() for k in texts)]
    voted = [i + 1 for i, t in enumerate(tasks) if _ls_votes(t)]
    assert summary.rows_imported == len(set(whole) & set(voted)) >= N - 3
    assert {r.row for r in summary.rejected} == set(range(1, N + 1)) - (set(whole) & set(voted))
    # task 5 of the export has an empty first answer: rejected, saying which one
    why = {r.row: r.reason for r in summary.rejected}
    assert 5 not in whole and why[5] in ("chosen: missing or empty", "rejected: missing or empty")
    for rec in _records(env, ds.id):
        src = rec.meta["source"]
        task = tasks[src["row"] - 1]
        assert rec.prompt == task["data"]["prompt"] and src["id"] == str(task["id"])
        assert sorted(rec.answers) == sorted([task["data"]["answer1"], task["data"]["answer2"]])
        votes = _ls_votes(task)
        if votes["left"] == votes["right"]:
            assert src["chosen_index"] is None and src["tie"] is True
        else:
            winner = "answer1" if votes["left"] > votes["right"] else "answer2"
            assert rec.answers[src["chosen_index"]] == task["data"][winner]


def test_argilla_export(env):  # noqa: F811
    ds = _dataset(env, {"type": "pairwise"})
    summary = _import(env, ds.id, ARGILLA)
    assert (summary.format, summary.rows, summary.rows_imported) == ("argilla2-flat", 8, 7)
    assert [(r.row, r.reason.split(":")[0]) for r in summary.rejected] == [
        (7, "no_submitted_responses")
    ]  # rec-7: nobody answered it
    got = {}
    for rec in _records(env, ds.id):
        src = rec.meta["source"]
        got[src["id"]] = (rec.prompt, None if src.get("tie") else rec.answers[src["chosen_index"]])
        assert rec.meta.get("topic")  # the record's own metadata stays beside the source's
    # submitted responses only, majority wins; 1-1 is a tie
    assert got == {
        "rec-1": ("What is the capital of Australia?", "Canberra."),
        "rec-2": ("How many legs does a spider have?", "Eight."),
        "rec-3": ("Who wrote 'Pride and Prejudice'?", "Jane Austen."),
        "rec-4": ("What is 12 times 12?", "144."),
        "rec-5": ("What is the chemical symbol for gold?", "Au."),
        "rec-6": ("Which planet is known as the Red Planet?", None),
        "rec-8": ("What is the largest ocean on Earth?", "The Pacific Ocean."),
    }


def test_sharegpt_pairs_and_kto_thumbs(env, shared_data, tmp_path):  # noqa: F811
    pairs = _head_json(shared_data / "llamafactory-dpo-en-demo.json", tmp_path / "dpo.json")
    ds = _dataset(env, {"type": "pairwise"})
    summary = _import(env, ds.id, tmp_path / "dpo.json")
    assert (summary.format, summary.rows, summary.rows_imported) == ("sharegpt", N, N)
    multi = False
    for rec in _records(env, ds.id):
        src = rec.meta["source"]
        row = pairs[src["row"] - 1]
        assert rec.answers[src["chosen_index"]] == row["chosen"]["value"]
        assert rec.answers[1 - src["chosen_index"]] == row["rejected"]["value"]
        turns = [("system", row["system"])] if row.get("system") else []
        turns += [(ROLES[t["from"]], t["value"]) for t in row["conversations"]]
        if len(turns) == 1:  # one message: its text
            assert rec.prompt == turns[0][1]
        else:  # several (a system prompt, earlier turns): each as "role: content"
            assert rec.prompt == "\n\n".join(f"{role}: {text}" for role, text in turns)
            multi = True
    assert multi  # the first rows hold both shapes
    kto = _head_json(shared_data / "llamafactory-kto-en-demo.json", tmp_path / "kto.json")
    thumbs = _dataset(env, {"type": "thumbs"}, "thumbs")
    summary = _import(env, thumbs.id, tmp_path / "kto.json")
    assert (summary.format, summary.rows, summary.imported) == ("sharegpt-kto", N, N)
    for rec in _records(env, thumbs.id):
        row = kto[rec.meta["source"]["row"] - 1]
        assert rec.answers == [row["messages"][-1]["content"]]
        assert rec.meta["source"]["label"] is row["label"]
    # unpaired rows have one answer: a pairwise question rejects every one, saying why
    pairwise = _dataset(env, {"type": "pairwise"}, "pw")
    summary = _import(env, pairwise.id, tmp_path / "kto.json")
    assert summary.imported == 0 and len(summary.rejected) == N
    assert summary.rejected[0].reason == (
        "an unpaired row has one answer: a pairwise question needs 2"
    )


def test_a_table_with_a_column_map(env, shared_data, tmp_path):  # noqa: F811
    rows = _head_json(shared_data / "pandalm-testset-v1.json", tmp_path / "pandalm.json")
    ds = _dataset(env, {"type": "pairwise"})
    from alignkit.server.feedback import importers

    mapping = (
        "prompt=instruction+input a=response1 b=response2 label=annotator1,annotator2,annotator3"  # noqa: E501
    )

    summary = _import(env, ds.id, tmp_path / "pandalm.json",
                      column_map=importers.parse_column_map(mapping))  # fmt: skip
    assert (summary.format, summary.rows) == ("columns", N)
    _accounted(summary)
    for rec in _records(env, ds.id):
        src = rec.meta["source"]
        row = rows[src["row"] - 1]
        want = "\n\n".join(t for t in (row["instruction"], row["input"]) if t.strip())
        assert rec.prompt == want
        assert sorted(rec.answers) == sorted([row["response1"], row["response2"]])
        votes = Counter(str(row[f"annotator{i}"]) for i in (1, 2, 3))
        if votes["1"] > max(votes["2"], votes["0"]):
            assert rec.answers[src["chosen_index"]] == row["response1"]
        elif votes["2"] > max(votes["1"], votes["0"]):
            assert rec.answers[src["chosen_index"]] == row["response2"]


# -- question types -------------------------------------------------------------------------


def test_one_answer_questions_get_a_record_per_answer(env, shared_data, tmp_path):  # noqa: F811
    raw = _head_jsonl(shared_data / "hh-rlhf-harmless-base-test.jsonl.gz", tmp_path / "hh.jsonl",
                      5)  # fmt: skip
    rating = _dataset(env, {"type": "rating"}, "rating")
    summary = _import(env, rating.id, tmp_path / "hh.jsonl")
    _accounted(summary)
    records = _records(env, rating.id)
    assert summary.imported == len(records) == 2 * summary.rows_imported
    by_row: dict[int, dict[str, str]] = {}
    for rec in records:
        src = rec.meta["source"]
        assert len(rec.answers) == 1 and "chosen_index" not in src
        by_row.setdefault(src["row"], {})[src["role"]] = rec.answers[0]
        _hh_split(raw[src["row"] - 1], rec.prompt, rec.answers[0], src["role"])
    assert all(set(v) == {"chosen", "rejected"} for v in by_row.values())
    # the pair's two records come in a seeded order, not always chosen first
    roles = [r.meta["source"]["role"] for r in records]
    assert roles[::2] != ["chosen"] * len(by_row) or roles[1::2] != ["rejected"] * len(by_row)
    # a rating of two answers keeps the pair as one record; of three, a pair does not fit
    two = _dataset(env, {"type": "rating", "answers": 2}, "two")
    assert _import(env, two.id, tmp_path / "hh.jsonl").imported == summary.rows_imported
    three = _dataset(env, {"type": "ranking", "answers": 3}, "three")
    summary = _import(env, three.id, tmp_path / "hh.jsonl")
    assert summary.imported == 0
    assert {r.reason for r in summary.rejected} >= {"answers: 3 for a ranking question, not 2"}


def test_a_ranking_row_is_one_record_of_its_answers(env, tmp_path):  # noqa: F811
    table = tmp_path / "ranked.jsonl"
    table.write_text(
        json.dumps(
            {
                "q": "Sort these fruits by sweetness",
                "r1": "mango",
                "r2": "lemon",
                "r3": "apple",
                "k1": 1,
                "k2": 3,
                "k3": 2,
            }
        )
        + "\n"
    )
    ds = _dataset(env, {"type": "ranking", "answers": 3})
    mapping = {"prompt": "q", "responses": "r1,r2,r3", "ranks": "k1,k2,k3"}
    summary = _import(env, ds.id, table, column_map=mapping)
    assert (summary.rows, summary.rows_imported, summary.imported) == (1, 1, 1)
    (rec,) = _records(env, ds.id)
    src = rec.meta["source"]
    assert sorted(rec.answers) == ["apple", "lemon", "mango"]
    assert rec.answers[src["chosen_index"]] == "mango"
    named = {(rec.answers[hi], rec.answers[lo]) for hi, lo in src["preferred"]}
    assert ("mango", "lemon") in named and ("mango", "apple") in named


# -- malformed input ------------------------------------------------------------------------


def test_malformed_rows_are_rejected_with_their_reasons(env, tmp_path):  # noqa: F811
    lines = [
        json.dumps({"prompt": "What is two plus two?", "chosen": "Four.", "rejected": "Five."}),
        json.dumps({"prompt": "Name a colour", "chosen": "Blue."}),  # no rejected
        json.dumps({"prompt": "   ", "chosen": "Yes.", "rejected": "No."}),
        json.dumps({"prompt": "Say hi", "chosen": "Hi!", "rejected": "Hi!"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps(
            {"prompt": "What is the capital of Peru?", "chosen": "Lima.", "rejected": "Cusco."}
        ),  # fmt: skip
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(lines) + "\n")
    ds = _dataset(env, {"type": "pairwise"})
    summary = _import(env, ds.id, path, "trl")
    assert (summary.format, summary.rows, summary.imported) == ("trl", 7, 2)
    _accounted(summary)
    why = {r.row: r.reason for r in summary.rejected}
    assert set(why) == {2, 3, 4, 5, 6}
    assert why[2].startswith("missing_rejected")
    assert why[3].startswith("empty_prompt") or why[3] == "prompt: missing or empty"
    assert why[4] == "the two answers are identical"
    assert why[5].startswith("invalid_json") and why[6].startswith("not_an_object")
    assert [r.prompt for r in _records(env, ds.id)] == [
        "What is two plus two?", "What is the capital of Peru?"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data", "fmt", "message"),
    [
        ("x.json", b'[{"foo": 1}, {"foo": 2}]', "auto", "cannot detect the input format"),
        ("x.json", b"{broken", "auto", "no readable records"),
        ("x.txt", b"hello", "auto", "unsupported input type '.txt'"),
        ("x.json", b'[{"prompt": "p"}]', "nonsense", "format: one of records, auto"),
        ("x.json", b'[{"prompt": "p"}]', "columns", "needs a column map"),
    ],
)
def test_an_unreadable_export_is_one_line_and_imports_nothing(env, name, data, fmt, message):  # noqa: F811
    from alignkit.errors import AlignkitError
    from alignkit.server.feedback import importers

    ds = _dataset(env, {"type": "pairwise"})
    with pytest.raises(AlignkitError) as exc:
        importers.import_upload(env.store.engine, ds.id, None, name, data, fmt)
    assert message in str(exc.value) and "\n" not in str(exc.value)
    assert _records(env, ds.id) == []


# -- the REST route and the admin page ------------------------------------------------------


def test_rest_import_takes_a_format_and_keeps_old_requests(env, shared_data, tmp_path):  # noqa: F811
    _head_json(shared_data / "labelstudio-pairwise-export.json", tmp_path / "ls.json")
    boss, ann, other = env.user("boss@x.org"), env.user("ann@x.org"), env.user("eve@x.org")
    wid = env.workspace("team", {"b": (boss, "admin"), "a": (ann, "annotator")})
    env.workspace("elsewhere", {"e": (other, "admin")})
    did, _ids = env.dataset(wid, {"type": "pairwise"}, [{"prompt": "p", "answers": ["x", "y"]}])
    url = f"/api/feedback/datasets/{did}/import"
    upload = {"file": ("ls.json", (tmp_path / "ls.json").read_bytes())}
    r = env.client.post(url, files=upload, data={"format": "auto"}, headers=headers(boss))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["format"], body["rows"]) == ("labelstudio", N)
    assert body["imported_rows"] + len(body["rejected"]) == N
    assert len(body["ids"]) == body["imported"]
    assert all(set(x) == {"row", "reason"} for x in body["rejected"])
    # no format: the prompt + answers reader, as before
    lines = b'{"prompt": "q1", "answers": ["a", "b"]}\n{"prompt": "q2", "answers": ["a"]}\n'
    r = env.client.post(url, files={"file": ("r.jsonl", lines)}, headers=env.admin)
    assert r.status_code == 201 and r.json()["format"] == "records"
    assert (r.json()["imported"], r.json()["rejected"]) == (
        1, [{"row": 2, "reason": "answers: 2 for a pairwise question, not 1"}]
    )  # fmt: skip
    # auto reads that file the same way
    r = env.client.post(url, files={"file": ("r.jsonl", lines)}, data={"format": "auto"},
                        headers=env.admin)  # fmt: skip
    assert r.json()["format"] == "records" and r.json()["imported"] == 1
    # the JSON import is as it was
    r = env.client.post(f"/api/feedback/datasets/{did}/records", headers=env.admin,
                        json={"records": [{"prompt": "q3", "answers": ["c", "d"]}]})  # fmt: skip
    assert r.status_code == 201
    total = 1 + body["imported"] + 1 + 1 + 1
    assert len(_records(env, did)) == total
    # a bad format is one line; an annotator is refused; another workspace does not see it
    r = env.client.post(url, files=upload, data={"format": "excel"}, headers=headers(boss))
    assert r.status_code == 422 and "format: one of records, auto" in r.json()["message"]
    assert env.client.post(url, files=upload, headers=headers(ann)).status_code == 403
    assert env.client.post(url, files=upload, headers=headers(other)).status_code == 404
    assert len(_records(env, did)) == total


def test_admin_page_imports_an_export(env, shared_data, tmp_path):  # noqa: F811
    import re

    from alignkit.server.feedback import auth
    from tests.server.test_ui import csrf, ui_login

    _head_jsonl(shared_data / "hh-rlhf-harmless-base-test.jsonl.gz", tmp_path / "hh.jsonl")
    boss = auth.create_user(env.store.engine, "boss@x.org", "correct horse")
    ds = _dataset(env, {"type": "pairwise"})
    auth.set_member(env.store.engine, ds.workspace_id, boss.id, "admin")
    c = env.client
    c.cookies.clear()
    assert ui_login(c, "boss@x.org").status_code == 303
    page = c.get(f"/datasets/{ds.id}/manage")
    assert 'name="format"' in page.text and '<option value="hh-rlhf">' in page.text
    assert '<option value="auto" selected>' in page.text
    token = csrf(page.text)
    r = c.post(f"/datasets/{ds.id}/import", data={"csrf_token": token, "format": "auto"},
               files={"file": ("hh.jsonl", (tmp_path / "hh.jsonl").read_bytes())})  # fmt: skip
    assert r.status_code == 200, r.text
    assert 'id="import-format">hh-rlhf<' in r.text and f"of {N} rows" in r.text
    imported = int(re.search(r'id="imported">(\d+)<', r.text).group(1))
    assert imported == len(_records(env, ds.id)) >= N - 2
    c.cookies.clear()


# -- the round trip -------------------------------------------------------------------------


def test_round_trip_import_annotate_export_ingest(env, shared_data, tmp_path):  # noqa: F811
    from alignkit.data.pipeline import ingest
    from alignkit.io import write_rows
    from alignkit.server.feedback import auth, export, responses

    raw = _head_jsonl(shared_data / "hh-rlhf-harmless-base-test.jsonl.gz", tmp_path / "hh.jsonl")
    ds = _dataset(env, {"type": "pairwise"})
    summary = _import(env, ds.id, tmp_path / "hh.jsonl")
    ann = auth.create_user(env.store.engine, "ann@x.org", "correct horse")
    auth.set_member(env.store.engine, ds.workspace_id, ann.id, "annotator")
    records = _records(env, ds.id)
    for rec in records:  # the annotator agrees with the source
        choice = "ab"[rec.meta["source"]["chosen_index"]]
        responses.respond(env.store.engine, rec.id, ann.id, {"choice": choice})
    out = export.export(env.store.engine, ds.id, None)
    assert out.format == "pairs" and len(out.rows) == summary.imported
    write_rows(out.rows, tmp_path / "export.jsonl")
    report = ingest(input=tmp_path / "export.jsonl", output=tmp_path / "ingested", format="trl",
                    dedup_by="none")  # fmt: skip
    assert report["kept"] + report["dropped_total"] == summary.imported
    folder = tmp_path / "ingested"
    kept = [json.loads(line) for split in ("train", "eval", "test")
            for line in (folder / f"{split}.jsonl").read_text().splitlines()]  # fmt: skip
    assert len(kept) == report["kept"] >= summary.imported - 2
    for row in kept:  # the source's chosen is the ingested chosen again
        src = raw[row["metadata"]["source"]["row"] - 1]
        _hh_split(src, row["prompt"], row["chosen"], "chosen")
        _hh_split(src, row["prompt"], row["rejected"], "rejected")
