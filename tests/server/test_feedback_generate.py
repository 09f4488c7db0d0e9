"""feedback:generate (alignkit/feedback/generate.py): candidate answers sampled from tiny-llama
and a random LoRA over it into a real feedback dataset (SQLite): records with the right answer
counts and metadata that maps every shown answer to its model, the answers equal to
models/generate.py's own for the same streams, idempotent reruns, a stopped run that its rerun
completes with one record per prompt, one-line errors, and the admin page's form that queues
the job, which a worker then runs through the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.server.test_ui_admin import Team, error_line

pytest.importorskip("torch")

PROMPTS = [
    "Please explain why the sky is blue.",
    "How do I boil an egg?",
    "Write a poem about the sea.",
    "What is the capital of France?",
    "Tell me a joke, please.",
]
SAMPLING = dict(max_new_tokens=8, temperature=1.0, top_p=0.95, batch_size=4)


@pytest.fixture(autouse=True)
def _one_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models: thread syncs cost more than the compute
    yield
    torch.set_num_threads(before)


@pytest.fixture
def adapter(tmp_path):
    """A LoRA over tiny-llama with random B: the policy, tiny-llama its reference."""
    from tests.models.test_generate import random_adapter

    return str(random_adapter(tmp_path / "adapter"))


@pytest.fixture
def prompts_file(tmp_path):
    path = tmp_path / "prompts.jsonl"
    lines = [json.dumps({"prompt": p}) for p in PROMPTS[:3]] + [json.dumps(p) for p in PROMPTS[3:]]
    path.write_text("\n".join(lines + [json.dumps(PROMPTS[0])]) + "\n")  # a repeat: asked once
    return path


def new_dataset(store, question: dict, name: str = "gen"):
    from alignkit.server.feedback import auth
    from alignkit.server.feedback import store as fb

    ws = auth.create_workspace(store.engine, f"ws-{name}")
    return fb.create_dataset(store.engine, ws.id, name, question)


def settings(db_url, dataset_id: str, prompts, model_a: str, **kw):
    from alignkit.feedback.settings import GenerateSettings

    return GenerateSettings(dataset=dataset_id, prompts=prompts, model_a=model_a,
                            database=db_url, **{**SAMPLING, **kw})  # fmt: skip


def records(store, dataset_id: str):
    from alignkit.server.feedback import store as fb

    return fb.list_records(store.engine, dataset_id, None, limit=1000)


def by_model(rec) -> dict[tuple[str, int], str]:
    g = rec.meta["generation"]
    return {(m, s): a for m, s, a in zip(g["models"], g["samples"], rec.answers, strict=True)}


def test_pairwise_from_a_policy_and_its_reference(store, db_url, adapter, prompts_file):
    from alignkit.feedback.generate import generate_candidates
    from alignkit.feedback.settings import SEED_STRIDE
    from alignkit.models.generate import generate
    from alignkit.models.inference import load_policy

    ds = new_dataset(store, {"type": "pairwise"})
    s = settings(db_url, ds.id, prompts_file, adapter, model_b="tiny-llama", seed=3)
    first = generate_candidates(s)
    assert (first.prompts, first.generated, first.present) == (5, 5, 0)
    got = records(store, ds.id)
    assert [r.prompt for r in got] == PROMPTS and [r.id for r in got] == first.record_ids
    for i, rec in enumerate(got):
        g = rec.meta["generation"]
        assert len(rec.answers) == 2 and sorted(g["models"]) == sorted([adapter, "tiny-llama"])
        assert g["samples"] == [0, 0] and g["index"] == i and g["run"] == first.run_key
    # each shown answer is the one its model gives on its own column's streams (A: column 0)
    for column, name in enumerate((adapter, "tiny-llama")):
        model, tokenizer = load_policy(name)
        expected = generate(model, tokenizer, PROMPTS, seed=3 * SEED_STRIDE + column,
                            max_prompt_tokens=1024, **SAMPLING)  # fmt: skip
        assert [by_model(r)[(name, 0)] for r in got] == expected
    # the policy and its reference answer differently, and the shown order is not fixed
    assert any(len(set(r.answers)) == 2 for r in got)
    # a second run with the same settings adds nothing; every prompt accounted for
    again = generate_candidates(s)
    assert (again.prompts, again.generated, again.present) == (5, 0, 5)
    assert [r.answers for r in records(store, ds.id)] == [r.answers for r in got]


def test_a_rerun_adds_nothing_on_either_database(any_db_url, tmp_path):
    """The keys are read back from the records' JSON metadata on SQLite and PostgreSQL alike."""
    from alignkit.feedback.generate import generate_candidates
    from alignkit.jobs.store import JobStore

    store = JobStore.open(any_db_url)
    try:
        ds = new_dataset(store, {"type": "rating"})
        (tmp_path / "p.txt").write_text("\n".join(PROMPTS[:3]) + "\n")
        s = settings(any_db_url, ds.id, tmp_path / "p.txt", "tiny-llama")
        made, again = generate_candidates(s), generate_candidates(s)
        assert (made.generated, made.present, again.generated, again.present) == (3, 0, 0, 3)
        got = records(store, ds.id)
        assert [len(r.answers) for r in got] == [1, 1, 1]  # rating, one model: one answer
        assert [r.meta["generation"]["models"] for r in got] == [["tiny-llama"]] * 3
    finally:
        store.engine.dispose()


def test_shown_order_is_shuffled_and_mapped_back():
    from alignkit.feedback.generate import Column, record_of

    s = type("S", (), {"seed": 0, "temperature": 1.0, "top_p": 1.0, "max_new_tokens": 8})()
    columns = [Column("policy", 0), Column("reference", 0)]
    orders = []
    for i in range(40):
        rec = record_of(s, "run", columns, i, f"p{i}", [f"policy {i}", f"reference {i}"])
        g = rec["metadata"]["generation"]
        assert [f"{m} {i}" for m in g["models"]] == rec["answers"]  # the mapping holds
        orders.append(tuple(g["models"]))
        assert rec == record_of(s, "run", columns, i, f"p{i}", [f"policy {i}", f"reference {i}"])
    assert 10 < orders.count(("policy", "reference")) < 30  # both orders, about as often


def test_same_seed_same_answers_and_ranking_samples(store, db_url, adapter, prompts_file):
    """One model, three samples per prompt for a ranking question; the same seed gives the
    same answers in another dataset, another seed other answers."""
    from alignkit.feedback.generate import generate_candidates

    question = {"type": "ranking", "answers": 3}
    one, two, three = (new_dataset(store, question, n) for n in ("one", "two", "three"))
    for ds, seed in ((one, 0), (two, 0), (three, 1)):
        made = generate_candidates(settings(db_url, ds.id, prompts_file, adapter, seed=seed))
        assert (made.generated, made.present) == (5, 0)
    a, b, c = (records(store, ds.id) for ds in (one, two, three))
    assert all(len(r.answers) == 3 and sorted(r.meta["generation"]["samples"]) == [0, 1, 2]
               and r.meta["generation"]["models"] == [adapter] * 3 for r in a)  # fmt: skip
    assert [r.answers for r in a] == [r.answers for r in b]
    assert [by_model(r) for r in a] != [by_model(r) for r in c]
    assert any(len(set(r.answers)) > 1 for r in a)  # three samples, not three copies


def test_a_stopped_run_is_completed_by_its_rerun(store, db_url, adapter, prompts_file,
                                                 monkeypatch):  # fmt: skip
    """One model (two samples per prompt), written two prompts at a time: a run limited to two
    prompts, then a run killed at its second write, then its rerun: one record per prompt,
    each with the answers of an uninterrupted run."""
    from alignkit.feedback.generate import generate_candidates
    from alignkit.server.feedback import store as fb

    ds, whole = (new_dataset(store, {"type": "pairwise"}, n) for n in ("ds", "whole"))
    s = dict(chunk_size=2, seed=5)
    part = generate_candidates(settings(db_url, ds.id, prompts_file, adapter, num_prompts=2, **s))
    assert (part.prompts, part.generated) == (2, 2)
    add, calls = fb.add_records, []

    def dies_on_second_write(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return add(*args, **kw)

    monkeypatch.setattr(fb, "add_records", dies_on_second_write)
    with pytest.raises(RuntimeError, match="killed"):
        generate_candidates(settings(db_url, ds.id, prompts_file, adapter, **s))
    monkeypatch.setattr(fb, "add_records", add)
    assert len(records(store, ds.id)) == 4  # the limited run's 2, then one chunk of 2
    done = generate_candidates(settings(db_url, ds.id, prompts_file, adapter, **s))
    assert (done.prompts, done.generated, done.present) == (5, 1, 4)
    assert done.run_key == part.run_key  # how many prompts a run takes is not its identity
    got = records(store, ds.id)
    assert sorted(r.meta["generation"]["index"] for r in got) == [0, 1, 2, 3, 4]
    assert sorted(r.prompt for r in got) == sorted(PROMPTS)
    assert len({r.meta["generation"]["key"] for r in got}) == 5
    # answered in pieces, each prompt has the answers of one uninterrupted run
    generate_candidates(settings(db_url, whole.id, prompts_file, adapter, **dict(s, chunk_size=8)))
    want = {r.prompt: by_model(r) for r in records(store, whole.id)}
    assert {r.prompt: by_model(r) for r in got} == want
    # another seed is another round: five new records beside the first five
    other = generate_candidates(settings(db_url, ds.id, prompts_file, adapter, chunk_size=2,
                                         seed=6))  # fmt: skip
    assert (other.generated, other.present, len(records(store, ds.id))) == (5, 0, 10)


@pytest.mark.parametrize(
    ("question", "given", "message"),
    [
        ({"type": "pairwise"}, {"dataset": "nope"}, "no feedback dataset with id 'nope'"),
        (
            {"type": "pairwise"},
            {"answers_per_model": 2, "model_b": "tiny-llama"},
            "2 model(s) x 2 answer(s) do not fit the dataset's question",
        ),
        ({"type": "pairwise"}, {"temperature": 0.0}, "--temperature 0 is greedy"),
        ({"type": "rating"}, {"prompts": "chat.jsonl"}, "prompt 1 is a chat (a list of messages)"),
        ({"type": "rating"}, {"prompts": "missing.jsonl"}, "--prompts: no such file"),
        ({"type": "rating"}, {"prompts": "prompts.csv"}, "an ingest folder, a .jsonl or a .txt"),
        ({"type": "rating"}, {"prompts": "blank.txt"}, "--prompts: no prompts in"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(store, db_url, tmp_path, question, given,
                                                  message):  # fmt: skip
    """Each is refused before any model loads (the model named here does not exist)."""
    from alignkit.errors import AlignkitError
    from alignkit.feedback.generate import generate_candidates

    ds = new_dataset(store, question)
    chat = [{"role": "user", "content": "hi"}]
    (tmp_path / "chat.jsonl").write_text(json.dumps({"prompt": chat}) + "\n")
    (tmp_path / "prompts.csv").write_text("prompt\nhi\n")
    (tmp_path / "blank.txt").write_text("\n  \n")
    (tmp_path / "ok.txt").write_text("hello there\n")
    kw = {"dataset": ds.id, **given}
    dataset, prompts = kw.pop("dataset"), tmp_path / kw.pop("prompts", "ok.txt")
    with pytest.raises(AlignkitError, match=re.escape(message)) as caught:
        generate_candidates(settings(db_url, dataset, prompts, "no-such-model", **kw))
    assert "\n" not in str(caught.value)
    assert records(store, ds.id) == []


def test_the_cli_takes_the_job_settings_file(tmp_path, db_url, store):
    """A worker runs `python -m alignkit.cli feedback generate --config settings.json`: a bad
    dataset id is one line on stderr and a non-zero exit."""
    (tmp_path / "p.txt").write_text("hello there\n")
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"dataset": "nope", "prompts": str(tmp_path / "p.txt"),
                                "model_a": "tiny-llama", "database": db_url}))  # fmt: skip
    run = subprocess.run(
        [sys.executable, "-m", "alignkit.cli", "feedback", "generate", "--config", str(path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode != 0
    assert run.stderr.strip() == "error: no feedback dataset with id 'nope' [AK-NOT-FOUND]"


# -- the admin page's form ------------------------------------------------------------------


@pytest.fixture
def team(client, store):
    """SQLite only: a job's settings name the server's database, and a PostgreSQL test
    database's URL carries a password, which is never written into a job (ui/candidates.py)."""
    return Team(client, store)


def ingested(store, tmp_path):
    """An ingest folder registered as a server dataset: the form's prompt source."""
    from alignkit.commands import COMMANDS
    from alignkit.data.settings import IngestSettings
    from alignkit.server import datasets

    rows = [{"prompt": f"what comes after the number {i}?", "chosen": f"{i + 1} comes next",
             "rejected": "no idea"} for i in range(12)]  # fmt: skip
    source = tmp_path / "pairs.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    COMMANDS["data:ingest"](IngestSettings(input=source, output=tmp_path / "prompts"))
    return datasets.register(store, tmp_path / "prompts", name="numbers")


@pytest.mark.slow
def test_the_form_queues_a_job_that_a_worker_runs(team, tmp_path):
    from alignkit.jobs.runner import LocalWorker, WorkerSettings

    source = ingested(team.store, tmp_path)
    ds, _ = team.dataset({"type": "pairwise"}, [])
    token = team.login("boss@x.org")
    c = team.client
    page = c.get(f"/datasets/{ds.id}/manage")
    assert f'href="/datasets/{ds.id}/generate"' in page.text
    form_page = c.get(f"/datasets/{ds.id}/generate")
    assert form_page.status_code == 200 and 'value="tiny-llama"' in form_page.text
    assert f'value="{source.id}"' in form_page.text
    form = {"csrf_token": token, "prompts": source.id, "split": "train", "model_a": "tiny-llama",
            "model_b": "", "num_prompts": "3", "answers_per_model": "", "max_new_tokens": "8",
            "temperature": "1.0", "top_p": "0.9", "seed": "7"}  # fmt: skip
    bad = c.post(f"/datasets/{ds.id}/generate", data=form | {"temperature": "hot"})
    assert bad.status_code == 422 and error_line(bad.text) == "temperature: a number, not 'hot'"
    assert 'value="hot"' in bad.text  # the form again, as typed
    bad = c.post(f"/datasets/{ds.id}/generate", data=form | {"model_a": "/etc"})
    assert bad.status_code == 422 and "model A: pick one" in error_line(bad.text)
    assert team.store.list() == []
    made = c.post(f"/datasets/{ds.id}/generate", data=form, follow_redirects=False)
    assert made.status_code == 303
    assert made.headers["location"] == f"/datasets/{ds.id}/manage#generate"
    (job,) = team.store.list()
    assert (job.kind, job.status) == ("feedback:generate", "scheduled")
    assert job.tags == ("feedback", f"feedback:{ds.id}", "generate", f"workspace:{team.ws.id}")
    assert c.get(f"/dashboard/runs/{job.id}").status_code == 200  # its workspace's admin sees it
    want = {"dataset": ds.id, "prompts": source.path, "split": "train", "model_a": "tiny-llama",
            "model_b": None, "num_prompts": 3, "answers_per_model": None, "seed": 7,
            "database": str(team.store.engine.url)}  # fmt: skip
    assert {k: job.settings[k] for k in want} == want
    page = c.get(f"/datasets/{ds.id}/manage")
    assert 'class="generate-job" data-status="scheduled"' in page.text
    LocalWorker(team.store, WorkerSettings(exit_when_idle=True, poll_s=0.05)).run()
    done = team.store.get(job.id)
    assert done.status == "completed", done.error
    got = records(team.store, ds.id)
    assert len(got) == 3 and all(len(r.answers) == 2 for r in got)
    assert all(r.meta["generation"]["models"] == ["tiny-llama"] * 2 for r in got)
    assert all(r.prompt.startswith("what comes after the number") for r in got)


def test_the_jobs_api_takes_feedback_jobs_from_an_admin_key_only(client, store, tmp_path):
    """A member key reaches no feedback route, so it may not queue a job that writes into a
    feedback dataset (or opens a database it names) either."""
    from tests.server.conftest import assert_error, bearer

    ds = new_dataset(store, {"type": "pairwise"})
    (tmp_path / "p.txt").write_text("hello there\n")
    body = {"kind": "feedback:generate", "settings": {
        "dataset": ds.id, "prompts": str(tmp_path / "p.txt"), "model_a": "tiny-llama"}}  # fmt: skip
    member = client.post("/api/jobs", json=body, headers=bearer(store, "member", "m"))
    assert "admin API key" in assert_error(member, 403, "AK-FORBIDDEN")["message"]
    assert store.list() == []
    admin = client.post("/api/jobs", json=body, headers=bearer(store, "admin", "a"))
    assert admin.status_code == 201 and admin.json()["kind"] == "feedback:generate"


def test_the_form_is_for_managers_and_needs_its_csrf_token(team, tmp_path):
    ds, _ = team.dataset({"type": "pairwise"}, [])
    c = team.client
    token = team.login("ann@x.org")
    assert c.get(f"/datasets/{ds.id}/generate").status_code == 403
    r = c.post(f"/datasets/{ds.id}/generate", data={"csrf_token": token, "model_a": "x"})
    assert r.status_code == 403
    team.login("boss@x.org")
    assert c.post(f"/datasets/{ds.id}/generate", data={"model_a": "tiny-llama"}).status_code == 403
    assert c.get("/datasets/nope/generate").status_code == 404
    assert team.store.list() == []
