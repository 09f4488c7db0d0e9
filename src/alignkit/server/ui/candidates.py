"""Generate candidates from a feedback dataset's page: the form queues a `feedback:generate`
job (alignkit/feedback/generate.py) that answers prompts with one or two models and adds the
answers as records; the worker runs it in its own process, the web process loads no model.

As the dashboard's quick runs (ui/quickrun.py), only the choices offered can be picked: the
prompts come from a registered server dataset (an ingest folder), the models from the packaged
ones and the final models of completed policy jobs; the command's own dataclass checks the
rest. The job names the server's database, so that the worker writes where the page reads."""

from __future__ import annotations

from dataclasses import dataclass, fields

from alignkit.commands import COMMANDS
from alignkit.errors import AlignkitError
from alignkit.jobs import offers
from alignkit.jobs.api import resolved
from alignkit.jobs.db import database_url
from alignkit.jobs.records import JobRecord
from alignkit.jobs.store import JobStore, workspace_tag
from alignkit.server import datasets
from alignkit.server.datasets import DatasetRecord
from alignkit.server.feedback import store as fb
from alignkit.server.ui.exports import tag

KIND = "feedback:generate"
SPLITS = ("train", "eval", "test")


@dataclass(frozen=True)
class Field:
    name: str  # the settings dataclass's field
    label: str
    kind: str  # int, float, or optional (a whole number, blank for the default)
    note: str = ""


FIELDS = (
    Field("num_prompts", "Prompts", "optional", "blank: every prompt of the split"),
    Field(
        "answers_per_model",
        "Answers per model",
        "optional",
        "blank: the question's answers shared between the models",
    ),  # fmt: skip
    Field("max_new_tokens", "Max new tokens", "int"),
    Field("temperature", "Temperature", "float", "0: greedy"),
    Field("top_p", "Top p", "float"),
    Field("seed", "Seed", "int", "the same seed gives the same answers"),
)


def sources(store: JobStore, limit: int = 200) -> list[DatasetRecord]:
    """The registered datasets whose ingest is done: their splits hold the prompts."""
    return [d for d in datasets.list_all(store, limit) if d.report is not None]


def models(store: JobStore) -> list[tuple[str, str]]:
    """(value, label): the packaged causal LMs, then the final models of completed policy
    jobs (the current policy of an online loop)."""
    offered = offers.packaged() + offers.trained_policies(store)
    return [(m.value, m.label) for m in offered if m.causal_lm]


def defaults() -> dict[str, str]:
    known = {f.name: f.default for f in fields(COMMANDS[KIND].settings_class())}
    out = {f.name: "" if known[f.name] is None else str(known[f.name]) for f in FIELDS}
    return out | {"prompts": "", "split": "train", "model_a": "", "model_b": ""}


def _value(f: Field, text: str):
    text = text.strip()
    if f.kind == "optional" and not text:
        return None
    convert = float if f.kind == "float" else int
    try:
        return convert(text)
    except ValueError:
        what = "a number" if f.kind == "float" else "a whole number"
        raise AlignkitError(f"{f.label.lower()}: {what}, not {text!r}") from None


def _database(store: JobStore) -> str | None:
    """The server's database for the job: None when the worker finds it by itself (the same
    $ALIGNKIT_DATABASE_URL or data dir); a password is never written into a job's settings."""
    url = store.engine.url
    given = url.render_as_string(hide_password=False)
    if given == database_url():
        return None
    if url.password:
        raise AlignkitError(
            "the server's database is not $ALIGNKIT_DATABASE_URL and has a password: set "
            "ALIGNKIT_DATABASE_URL for the server and its worker"
        )
    return given


def settings_from(store: JobStore, dataset: fb.Dataset, form: dict[str, str]) -> dict:
    """The job's settings from the form, checked by the command's dataclass (AlignkitError,
    one line, for anything it or the form refuses)."""
    by_id = {d.id: d for d in sources(store)}
    if form.get("prompts") not in by_id:
        raise AlignkitError("prompts: pick one of the ingested datasets")
    if form.get("split") not in SPLITS:
        raise AlignkitError(f"split: one of {', '.join(SPLITS)}")
    offered = {value for value, _label in models(store)}
    if form.get("model_a") not in offered:
        raise AlignkitError("model A: pick one of the models offered")
    if form.get("model_b") and form["model_b"] not in offered:
        raise AlignkitError("model B: pick one of the models offered, or none")
    values: dict = {
        "dataset": dataset.id,
        "prompts": by_id[form["prompts"]].path,
        "split": form["split"],
        "model_a": form["model_a"],
        "model_b": form.get("model_b") or None,
        "database": _database(store),
    }
    for f in FIELDS:
        values[f.name] = _value(f, form.get(f.name, ""))
    try:
        return resolved(KIND, values)
    except (TypeError, ValueError) as exc:  # as POST /api/jobs: a check the dataclass missed
        raise AlignkitError(f"bad settings for {KIND}: {exc}") from None


def submit(store: JobStore, dataset_id: str, user_id: str, form: dict[str, str]) -> JobRecord:
    """Queue the job (managers of the dataset's workspace only), tagged with the dataset and
    its workspace (whose managers then see it on the dashboard, ui/runs.py)."""
    ds = fb.dataset(store.engine, dataset_id, user_id, manage=True)
    settings = settings_from(store, ds, form)
    tags = ["feedback", tag(ds.id), "generate", workspace_tag(ds.workspace_id)]
    return store.submit(KIND, settings, user=f"ui:{user_id}", tags=tags)


def jobs(store: JobStore, dataset_id: str, limit: int = 20) -> list[JobRecord]:
    """The dataset's generate jobs, newest first (tags are searched here, as exports.ingests)."""
    return [j for j in store.list(kind=KIND, limit=1000) if tag(dataset_id) in j.tags][:limit]
