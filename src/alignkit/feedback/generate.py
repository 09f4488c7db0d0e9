"""Candidate answers for a feedback dataset: each prompt is answered by one or two models (the
current policy and its reference, say), and the answers become one record to annotate. This is
the generate step of generate -> annotate -> train -> generate.

    alignkit feedback generate --dataset ID --prompts data/mine --model-a artifacts/dpo/r1 \
        --model-b tiny-llama

Prompts: an ingest output folder (the unique prompts of --split, in file order), or a .jsonl /
.txt file of prompts. Records hold text prompts, so chat prompts (lists of messages) are
refused. The records' answers come from `models/generate.py` (sorted, batched, one seeded random
stream per prompt); model A and model B are loaded as evaluation loads a policy and its
reference (`inference.PolicyAndReference`: a LoRA run over model B is one model).

Every answer column (model, sample) draws its own streams, seeded by (seed, column) and by the
prompt's index in the prompt list, so a rerun, a resumed run or a run of a part of the prompts
gives each prompt the same answers. The answers' order in a record is shuffled with the seed,
so that annotators cannot learn which side is which; the record's metadata keeps, under
"generation", the model and sample of each answer in the order shown.

Idempotent: a record's key is a hash of the settings that decide its answers (prompt source,
models, sampling, seed) and of the prompt and its index; it is stored in the record's metadata,
and prompts whose key the dataset already holds are skipped. Records are written through the
REST API's own `store.add_records`, chunk by chunk, so a stopped job keeps what it wrote and its
rerun (a retried job) continues where it stopped: generated + already present = prompts. Two
jobs on one dataset at once on one machine are refused (a lock); across machines the keys are
re-read before each write, which narrows but does not close the window."""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alignkit.errors import AlignkitError
from alignkit.feedback.settings import SEED_STRIDE, GenerateSettings

PROMPT_FILES = (".jsonl", ".txt")


@dataclass(frozen=True)
class GenerateResult:
    dataset: str
    prompts: int  # the prompts asked for, each accounted for below
    generated: int  # records this run wrote
    present: int  # prompts an earlier run with the same settings already answered
    record_ids: list[str]
    run_key: str
    seconds: float
    identical: int  # records written whose answers are all one text

    def summary(self) -> str:
        return (
            f"feedback:generate {self.dataset}: {self.prompts} prompts, {self.generated} "
            f"records written, {self.present} already present ({self.identical} with identical "
            f"answers) in {self.seconds:.1f} s [run {self.run_key}]"
        )


@dataclass(frozen=True)
class Column:
    model: str
    sample: int  # the model's n-th answer to each prompt


# -- prompts --------------------------------------------------------------------------------


def _file_prompts(path: Path) -> list[Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AlignkitError(f"--prompts: no such file {path}") from None
    except UnicodeDecodeError:
        raise AlignkitError(f"--prompts: {path} is not UTF-8 text") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if path.suffix == ".txt":
        return [line for _, line in lines]
    out = []
    for n, line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            raise AlignkitError(f"--prompts: {path} line {n} is not JSON") from None
        if isinstance(value, dict):
            value = value.get("prompt")
        if value is None:
            raise AlignkitError(f'--prompts: {path} line {n} has no "prompt"')
        out.append(value)
    return out


def read_prompts(settings: GenerateSettings) -> list[str]:
    """The unique prompts, in the source's order, the first --num-prompts of them."""
    path = settings.prompts
    if path.is_dir():
        from alignkit.data.load import load_split

        found = list(load_split(path, settings.split, ("prompt",))["prompt"])
    elif path.suffix in PROMPT_FILES:
        found = _file_prompts(path)
    elif not path.exists():
        raise AlignkitError(f"--prompts: no such file or folder {path}")
    else:
        raise AlignkitError(f"--prompts: {path.name}: an ingest folder, a .jsonl or a .txt file")
    unique: dict[str, None] = {}
    for n, prompt in enumerate(found, 1):
        if not isinstance(prompt, str):
            what = "a chat (a list of messages)" if isinstance(prompt, list) else "not a text"
            raise AlignkitError(
                f"--prompts: prompt {n} is {what}; feedback records hold text prompts"
            )
        if prompt.strip():
            unique.setdefault(prompt, None)
    prompts = list(unique)[: settings.num_prompts]
    if not prompts:
        raise AlignkitError(f"--prompts: no prompts in {path}")
    return prompts


# -- what a run is, and its records' keys ---------------------------------------------------


def answers_per_model(settings: GenerateSettings, question: dict[str, Any]) -> int:
    """--answers-per-model, or the question's answers split between the models."""
    from alignkit.server.feedback import questions

    n_models = len(settings.models)
    per = settings.answers_per_model
    if per is None:
        want = question.get("answers")
        least = 2 if question["type"] in ("pairwise", "ranking") else 1
        per = -(-(want or least) // n_models)  # ceil: a wrong split fails the check below
    try:
        questions.check_answers(question, ["?"] * (per * n_models), "generated record")
    except AlignkitError as exc:
        raise AlignkitError(
            f"{n_models} model(s) x {per} answer(s) do not fit the dataset's question: {exc}"
        ) from None
    if per > 1 and settings.temperature == 0:
        raise AlignkitError(
            f"--temperature 0 is greedy: {per} answers from one model would be the same text"
        )
    return per


def columns_of(settings: GenerateSettings, per: int) -> list[Column]:
    return [Column(model, s) for model in settings.models for s in range(per)]


def _source(path: Path) -> str:
    return str(path.expanduser().resolve())


def run_key(settings: GenerateSettings, per: int) -> str:
    """A hash of everything that decides the answers (not the batch or chunk sizes, the
    database, or how many of the prompts a run takes)."""
    identity = {
        "prompts": _source(settings.prompts),
        "split": settings.split if settings.prompts.is_dir() else None,
        "models": settings.models,
        "answers_per_model": per,
        "max_new_tokens": settings.max_new_tokens,
        "temperature": settings.temperature,
        "top_p": settings.top_p,
        "seed": settings.seed,
        "max_length": settings.max_length,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


def record_key(run: str, index: int, prompt: str) -> str:
    return hashlib.sha256(f"{run}\0{index}\0{prompt}".encode()).hexdigest()[:32]


def present_keys(engine, dataset_id: str) -> set[str]:
    """The generation keys of the dataset's records."""
    from sqlalchemy import select

    from alignkit.server.feedback.store import RECORDS

    with engine.connect() as conn:
        metas = conn.execute(select(RECORDS.c.meta).where(RECORDS.c.dataset_id == dataset_id))
        return {
            m["generation"]["key"]
            for (m,) in metas
            if isinstance(m, dict) and isinstance(m.get("generation"), dict)
            and "key" in m["generation"]
        }  # fmt: skip


def record_of(settings, run: str, columns: list[Column], index: int, prompt: str,
              answers: list[str]) -> dict[str, Any]:  # fmt: skip
    """One record for add_records: the answers of `columns` (in column order), shown in an
    order shuffled by the run and the prompt; the metadata maps each shown answer back."""
    order = list(range(len(columns)))
    random.Random(f"{run}:{index}").shuffle(order)
    return {
        "prompt": prompt,
        "answers": [answers[c] for c in order],
        "metadata": {
            "generation": {
                "key": record_key(run, index, prompt),
                "run": run,
                "index": index,
                "models": [columns[c].model for c in order],
                "samples": [columns[c].sample for c in order],
                "seed": settings.seed,
                "temperature": settings.temperature,
                "top_p": settings.top_p,
                "max_new_tokens": settings.max_new_tokens,
            }
        },
    }


# -- the run --------------------------------------------------------------------------------


def _engine(settings: GenerateSettings):
    from alignkit.jobs.db import make_engine, upgrade

    engine = make_engine(settings.database)
    upgrade(engine)
    return engine


class _Models:
    """Model A and, when given, model B, handed out B first (a LoRA A over B is one model,
    B's weights until A's adapter is merged in: inference.PolicyAndReference)."""

    def __init__(self, settings: GenerateSettings):
        from alignkit.models.inference import PolicyAndReference, load_policy
        from alignkit.models.tokenize import fit_length

        trust = settings.trust_remote_code
        if settings.model_b is None:
            self.pair, self.single = None, load_policy(settings.model_a, trust)
            loaded = [self.single]
        else:
            self.pair, self.single = (
                PolicyAndReference(settings.model_a, settings.model_b, trust),
                None,
            )
            loaded = [self.pair.limits] if self.pair.shared else [self.pair.reference(),
                                                                  self.pair.policy()]  # fmt: skip
        # the prompt and its answer fit every model's positions
        self.prompt_tokens = settings.max_length
        for model, tokenizer in loaded:
            self.prompt_tokens = fit_length(
                self.prompt_tokens, model, tokenizer, name=settings.model_a,
                reserve=settings.max_new_tokens,
            )  # fmt: skip
        # a shared model cannot go back to B once A is merged: one chunk of every prompt
        self.one_pass = self.pair is not None and self.pair.shared

    def in_order(self, settings: GenerateSettings):
        """(model name, (model, tokenizer)) getters, B first."""
        if self.pair is None:
            return [(settings.model_a, lambda: self.single)]
        return [(settings.model_b, self.pair.reference), (settings.model_a, self.pair.policy)]


def _answer(models: _Models, settings, columns: list[Column], prompts: list[str],
            indices: list[int], bf16: bool) -> list[list[str]]:  # fmt: skip
    """answers[c][j]: column c's answer to prompts[j]."""
    from alignkit.models.generate import generate
    from alignkit.models.inference import autocast

    out: list[list[str]] = [[] for _ in columns]
    for name, get in models.in_order(settings):
        model, tokenizer = get()
        for c, column in enumerate(columns):
            if column.model != name:
                continue
            with autocast(model, bf16):
                out[c] = generate(
                    model, tokenizer, prompts, max_new_tokens=settings.max_new_tokens,
                    temperature=settings.temperature, top_p=settings.top_p,
                    seed=settings.seed * SEED_STRIDE + c, batch_size=settings.batch_size,
                    max_prompt_tokens=models.prompt_tokens, indices=indices,
                )  # fmt: skip
    return out


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def generate_candidates(settings: GenerateSettings) -> GenerateResult:
    """Answer the prompts that the dataset has no record for yet (with these settings), and
    add one record per prompt. The dataset, the question and the prompts are checked before
    any model loads."""
    from alignkit.locks import folder_lock
    from alignkit.models.precision import inference_bf16
    from alignkit.paths import data_dir
    from alignkit.server.feedback import store as fb

    start = time.perf_counter()
    engine = _engine(settings)
    try:
        ds = fb.dataset(engine, settings.dataset, None, manage=True)
        per = answers_per_model(settings, ds.question)
        columns = columns_of(settings, per)
        prompts = read_prompts(settings)
        run = run_key(settings, per)
        lock = data_dir() / "locks" / f"feedback-generate-{ds.id}"
        with folder_lock(lock, f"generating candidates for feedback dataset {ds.id}"):
            have = present_keys(engine, ds.id)
            pending = [i for i, p in enumerate(prompts) if record_key(run, i, p) not in have]
            present = len(prompts) - len(pending)
            _say(f"{len(prompts)} prompts: {present} already present, {len(pending)} to answer")
            written: list[str] = []
            identical = 0
            if pending:
                models = _Models(settings)
                bf16 = inference_bf16(settings.bf16)
                size = len(pending) if models.one_pass else settings.chunk_size
                for at in range(0, len(pending), size):
                    chunk = pending[at : at + size]
                    texts = [prompts[i] for i in chunk]
                    answers = _answer(models, settings, columns, texts, chunk, bf16)
                    records = [
                        record_of(settings, run, columns, i, prompts[i], [a[j] for a in answers])
                        for j, i in enumerate(chunk)
                    ]
                    again = present_keys(engine, ds.id)  # another machine's job since?
                    records = [
                        r for r in records if r["metadata"]["generation"]["key"] not in again
                    ]
                    present += len(chunk) - len(records)
                    written += fb.add_records(engine, ds.id, None, records)
                    identical += sum(len(set(r["answers"])) == 1 for r in records)
                    _say(f"wrote {len(written)} of {len(pending)} records")
    finally:
        engine.dispose()
    return GenerateResult(
        dataset=ds.id, prompts=len(prompts), generated=len(written), present=present,
        record_ids=written, run_key=run, seconds=time.perf_counter() - start,
        identical=identical,
    )  # fmt: skip
