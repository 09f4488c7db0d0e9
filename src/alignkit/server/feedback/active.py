"""Active learning: a reward model attached to a feedback dataset orders its queue, the pairs
the model is least sure of first (store.next_record).

`feedback:score` (the job) scores each record's answers with the reward model, prompt +
answer as the model was trained (models/judges.RewardModelJudge, through models/scoring), and
stores the scores and the record's uncertainty u = |σ(r_a - r_b) - ½| in feedback_record_scores,
one row per (record, reward model): a model re-attached later finds its scores there. A record
that has a row for the model is never scored again, and each chunk commits on its own, so a
rerun, or a job killed half-way and started again, scores only what is left.

A ranking's uncertainty is that of its two closest answers: |σ(x) - ½| grows with |x|, so the
smallest over all pairs is the smallest gap between adjacent scores. A rating or thumbs
question asks for no comparison: it is refused in one line.

This module is the server layer's part (the tables, the attach check, the admin page's job);
it never imports a model (the layers test). The command's settings are active_settings.py, and
its function, which joins this module to the reward model, is alignkit.feedback.score."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, func, select, update

from alignkit.errors import AlignkitError, ForbiddenError
from alignkit.jobs.db import writer
from alignkit.jobs.records import JobRecord
from alignkit.jobs.store import JobStore, utcnow, workspace_tag
from alignkit.runfolder import MODEL_DIR, RUN_FILE, run_of
from alignkit.server import paths
from alignkit.server.feedback import store as fb

KIND = "feedback:score"
SCORED_TYPES = ("pairwise", "ranking")
CHUNK = 64  # records per transaction: a killed job loses at most this many records' scores
NOTICE = (
    "Served by reward-model uncertainty: the pairs the reward model is least sure of come first."
)
# (prompts, answers) -> one score per answer: the reward model's, loaded by the caller
Scorer = Callable[[list[Any], list[str]], list[float]]


@dataclass(frozen=True)
class ScoreResult:
    dataset_id: str
    reward_model: str
    scored: int  # records scored by this run
    already: int  # records that had this model's scores before it
    records: int
    seconds: float

    def summary(self) -> str:
        return (
            f"feedback:score {self.dataset_id}: {self.records} records, {self.scored} scored, "
            f"{self.already} scored before, in {self.seconds:.1f} s [{self.reward_model}]"
        )


def uncertainty(scores: Sequence[float]) -> float:
    """|σ(r_a - r_b) - ½| of the two closest scores (a pair: its two)."""
    ordered = sorted(scores)
    gap = min(b - a for a, b in zip(ordered, ordered[1:]))
    return abs(1.0 / (1.0 + math.exp(-gap)) - 0.5)


def reward_model_folder(path: str, roots: Sequence[Path] | None = None) -> str:
    """The run folder of a reward model (`alignkit train rm`'s output, or its model/), resolved;
    with `roots`, it must lie inside them (a user's request, as a member key's paths)."""
    # the roots first: a path outside them is refused before anything is read from it
    if roots is not None and not paths.inside(Path(path), roots):
        raise ForbiddenError(f"reward_model: {path} is outside the server's folders")
    try:
        folder = run_of(Path(path))
    except (OSError, ValueError):  # a NUL byte, a name too long: no folder
        folder = None
    if folder is None:
        raise AlignkitError(f"reward_model: {path} is not a training run's folder")
    try:
        method = orjson.loads((folder / RUN_FILE).read_bytes()).get("method")
    except (OSError, ValueError, AttributeError):
        method = None
    if method != "rm":
        raise AlignkitError(f"reward_model: {path} is not a reward model's run ({method} run)")
    return str(folder.resolve())


def _check_scorable(ds: fb.Dataset) -> None:
    if ds.question_type not in SCORED_TYPES:
        raise AlignkitError(
            f"dataset {ds.name!r} is a {ds.question_type} question: a reward model orders "
            "only pairwise and ranking datasets, whose answers it compares"
        )


def attach(engine: Engine, dataset_id: str, user_id: str | None, reward_model: str | None,
           roots: Sequence[Path] | None = None) -> fb.Dataset:  # fmt: skip
    """Attach a reward model to the dataset (its queue then follows the model's uncertainty
    once scored), or detach it with None; managers only. The scores stay either way."""
    ds = fb.dataset(engine, dataset_id, user_id, manage=True)
    folder = None
    if reward_model is not None:
        _check_scorable(ds)
        folder = reward_model_folder(reward_model, roots)
    with writer(engine).begin() as conn:
        fb.get_dataset(conn, dataset_id, user_id, manage=True)
        conn.execute(
            update(fb.DATASETS).where(fb.DATASETS.c.id == dataset_id).values(reward_model=folder)
        )
        return fb.get_dataset(conn, dataset_id, user_id)


def _scored_with(reward_model: str):
    return (fb.SCORES.c.record_id == fb.RECORDS.c.id) & (fb.SCORES.c.reward_model == reward_model)


def counts(engine: Engine, dataset_id: str, reward_model: str) -> tuple[int, int]:
    """(records scored by the model, records) of the dataset."""
    with engine.connect() as conn:
        total, scored = conn.execute(
            select(func.count(), func.count(fb.SCORES.c.record_id))
            .select_from(fb.RECORDS.outerjoin(fb.SCORES, _scored_with(reward_model)))
            .where(fb.RECORDS.c.dataset_id == dataset_id)
        ).one()
    return scored, total


def _unscored(engine: Engine, dataset_id: str, reward_model: str, limit: int) -> list:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(fb.RECORDS.c.id, fb.RECORDS.c.prompt, fb.RECORDS.c.answers)
                .select_from(fb.RECORDS.outerjoin(fb.SCORES, _scored_with(reward_model)))
                .where(fb.RECORDS.c.dataset_id == dataset_id, fb.SCORES.c.record_id.is_(None))
                .order_by(fb.RECORDS.c.position)
                .limit(limit)
            )
        )


def _save(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Insert, skipping a record that another run scored meanwhile (its scores are the same
    model's): two jobs at once never fail and never write a record twice."""
    with writer(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        conn.execute(insert(fb.SCORES).on_conflict_do_nothing(), rows)


def score_dataset(engine: Engine, dataset_id: str, reward_model: str | None,
                  scorer: Callable[[str], Scorer]) -> ScoreResult:  # fmt: skip
    """Score the dataset's records that have no scores of the reward model (default: the one
    attached) yet. `scorer(folder)` loads the model, on the first chunk that needs it: a rerun
    with nothing left loads nothing."""
    began = time.monotonic()
    ds = fb.dataset(engine, dataset_id, None)
    _check_scorable(ds)
    if reward_model is None and ds.reward_model is None:
        raise AlignkitError(
            f"dataset {ds.name!r} has no reward model attached: attach one, or give --reward-model"
        )
    model = reward_model_folder(reward_model or ds.reward_model)
    already, total = counts(engine, ds.id, model)
    score, scored = None, 0
    while batch := _unscored(engine, ds.id, model, CHUNK):
        score = score or scorer(model)
        prompts = [r.prompt for r in batch for _ in r.answers]
        values = score(prompts, [a for r in batch for a in r.answers])
        rows, start, now = [], 0, utcnow()
        for r in batch:
            mine = [float(v) for v in values[start : start + len(r.answers)]]
            start += len(r.answers)
            rows.append(dict(record_id=r.id, reward_model=model, scores=mine,
                             uncertainty=uncertainty(mine), scored_at=now))  # fmt: skip
        _save(engine, rows)
        scored += len(rows)
    return ScoreResult(ds.id, model, scored, already, total, time.monotonic() - began)


# -- the admin page -------------------------------------------------------------------------


def trained(store: JobStore, workspace_id: str, limit: int = 200) -> list[tuple[str, str]]:
    """(run folder, label) of the reward models that completed jobs trained, newest first:
    what the dataset page offers to attach (a form names no path of its own). The jobs of the
    dataset's workspace and the server-wide ones: another workspace's runs are not shown."""
    from alignkit.commands import COMMANDS

    out = []
    for job in store.list("completed", limit=limit, workspaces=[workspace_id]):
        command = COMMANDS.get(job.kind)
        if command is None or command.makes != "reward_model" or not job.run_dir:
            continue
        folder = Path(job.run_dir)
        if (folder / MODEL_DIR).is_dir() and (folder / RUN_FILE).is_file():
            out.append((str(folder.resolve()), f"{job.kind} {job.id[:8]} ({folder.name})"))
    return out


def tag(dataset_id: str) -> str:
    """The tag that ties a scoring job to its feedback dataset."""
    return f"feedback-score:{dataset_id}"


def submit(store: JobStore, dataset_id: str, user_id: str | None) -> JobRecord:
    """Queue the scoring job of the dataset's attached reward model (managers only)."""
    from alignkit.jobs.api import resolved

    ds = fb.dataset(store.engine, dataset_id, user_id, manage=True)
    if ds.reward_model is None:
        raise AlignkitError("attach a reward model before scoring the records")
    settings = resolved(KIND, {"dataset": ds.id, "reward_model": ds.reward_model})
    user = f"ui:{user_id}" if user_id else None
    tags = ["feedback", tag(ds.id), workspace_tag(ds.workspace_id)]  # its managers see it
    return store.submit(KIND, settings, user=user, tags=tags)


def jobs(store: JobStore, dataset_id: str, limit: int = 5) -> list[JobRecord]:
    """The dataset's scoring jobs, newest first."""
    return [j for j in store.list(kind=KIND, limit=500) if tag(dataset_id) in j.tags][:limit]


@dataclass(frozen=True)
class PageState:
    """The dataset page's active-learning card."""

    reward_model: str | None  # attached
    scored: int  # records the attached model has scored
    records: int
    offered: list[tuple[str, str]]  # (run folder, label) of the reward models to attach
    jobs: list[JobRecord]  # the scoring jobs, newest first


def page_state(store: JobStore, ds: fb.Dataset) -> PageState:
    scored, total = counts(store.engine, ds.id, ds.reward_model) if ds.reward_model else (0, 0)
    offered = trained(store, ds.workspace_id)
    if ds.reward_model and all(value != ds.reward_model for value, _ in offered):
        offered.insert(0, (ds.reward_model, Path(ds.reward_model).name))  # attached by the API
    return PageState(ds.reward_model, scored, total, offered, jobs(store, ds.id))


def attach_offered(store: JobStore, dataset_id: str, user_id: str, choice: str) -> fb.Dataset:
    """The page's attach form: one of the offered reward models ("" detaches)."""
    if not choice:
        return attach(store.engine, dataset_id, user_id, None)
    ds = fb.dataset(store.engine, dataset_id, user_id, manage=True)
    if choice not in {value for value, _ in page_state(store, ds).offered}:
        raise AlignkitError("reward model: pick one of the reward models offered")
    return attach(store.engine, dataset_id, user_id, choice)
