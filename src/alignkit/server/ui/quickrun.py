"""The dashboard's quick runs: a reward model (train:rm) or a DPO policy (train:dpo) from a
registered dataset, a model from the packaged ones (or a policy an earlier job trained), and a
few key settings. The form's text becomes the command's settings, which the command's own
dataclass checks (the check POST /api/jobs and the CLI make), and the job is queued through the
store. Only the choices offered can be picked: the dataset and model come from lists, the run
folder is made here under the data dir, so a form names no path of its own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields

from alignkit.commands import COMMANDS
from alignkit.errors import AlignkitError
from alignkit.jobs import offers
from alignkit.jobs.api import resolved
from alignkit.jobs.records import JobRecord
from alignkit.jobs.store import JobStore
from alignkit.paths import data_dir
from alignkit.server import datasets
from alignkit.server.datasets import DatasetRecord

METHODS = {"rm": "train:rm", "dpo": "train:dpo"}
TITLES = {"rm": "Reward model", "dpo": "DPO policy"}
MODEL_FIELD = {"rm": "base_model", "dpo": "policy_model"}
PRECISIONS = ("auto", "fp32", "bf16", "fp16")


@dataclass(frozen=True)
class Field:
    name: str  # the settings dataclass's field
    label: str
    kind: str  # int, float, bool, choice
    methods: tuple[str, ...] = ("rm", "dpo")
    note: str = ""


FIELDS = (
    Field("loss_type", "Loss type", "choice", ("dpo",)),
    Field("beta", "Beta", "float", ("dpo",), "the pull towards the reference"),
    Field("epochs", "Epochs", "float"),
    Field("max_steps", "Max steps", "int", note="-1: the epochs decide"),
    Field("lr", "Learning rate", "float"),
    Field("batch_size", "Batch size", "int", note="pairs per step"),
    Field("logging_steps", "Log every", "int", note="steps between chart points"),
    Field("precision", "Precision", "choice", note="auto: bf16 where the hardware runs it fast"),
    Field("lora", "LoRA adapters only", "bool"),
    Field("lora_r", "LoRA rank", "int"),
)


def kind(method: str) -> str:
    if method not in METHODS:
        raise AlignkitError(f"no quick run for {method!r}: one of {', '.join(METHODS)}")
    return METHODS[method]


def fields_of(method: str) -> list[Field]:
    return [f for f in FIELDS if method in f.methods]


def _settings_class(method: str) -> type:
    return COMMANDS[kind(method)].settings_class()


def defaults(method: str) -> dict[str, str]:
    """The form's first values: the dataclass's own defaults, as text."""
    known = {f.name: f.default for f in fields(_settings_class(method))}
    out = {}
    for f in fields_of(method):
        value = known[f.name]
        out[f.name] = ("on" if value else "") if f.kind == "bool" else str(value)
    out.update(dataset="", model="", ref_model="")
    return out


def choices(method: str) -> dict[str, tuple[str, ...]]:
    if method == "dpo":
        return {"loss_type": offers.loss_types("train:dpo"), "precision": PRECISIONS}
    return {"precision": PRECISIONS}


def trainable(store: JobStore, limit: int = 200) -> list[DatasetRecord]:
    """The registered datasets a quick run can train on: ingested preference pairs."""
    return [
        d for d in datasets.list_all(store, limit)
        if d.report is not None and (d.report.get("input") or {}).get("kind") == "preference"
    ]  # fmt: skip


def models(store: JobStore, method: str) -> list[tuple[str, str]]:
    """(value, label): the packaged models that suit the method (any backbone for a reward
    model, causal LMs for a policy), then, for a policy, the final models of completed jobs."""
    offered = offers.packaged() + (offers.trained_policies(store) if method == "dpo" else [])
    return [(m.value, m.label) for m in offered if method == "rm" or m.causal_lm]


def _number(f: Field, text: str):
    convert = int if f.kind == "int" else float
    try:
        return convert(text.strip())
    except ValueError:
        what = "a whole number" if f.kind == "int" else "a number"
        raise AlignkitError(f"{f.label.lower()}: {what}, not {text.strip()!r}") from None


def settings_from(store: JobStore, method: str, form: dict[str, str]) -> dict:
    """The job's settings from the form, checked by the command's dataclass (AlignkitError,
    one line, for anything it or the form refuses)."""
    command = kind(method)
    by_id = {d.id: d for d in trainable(store)}
    if form.get("dataset") not in by_id:
        raise AlignkitError("dataset: pick one of the ingested preference datasets")
    offered = {value for value, _label in models(store, method)}
    if form.get("model") not in offered:
        raise AlignkitError("model: pick one of the models offered")
    values: dict = {
        "dataset_dir": by_id[form["dataset"]].path,
        MODEL_FIELD[method]: form["model"],
        "output_dir": str(data_dir() / "runs" / f"{method}-{uuid.uuid4().hex[:12]}"),
    }
    if method == "dpo" and form.get("ref_model"):
        if form["ref_model"] not in offered:
            raise AlignkitError("reference: pick one of the models offered, or none")
        values["ref_model"] = form["ref_model"]
    menus = choices(method)
    for f in fields_of(method):
        text = form.get(f.name, "")
        if f.kind == "bool":
            values[f.name] = bool(text)
        elif f.kind == "choice":
            if text not in menus[f.name]:
                raise AlignkitError(f"{f.label.lower()}: one of {', '.join(menus[f.name])}")
            values[f.name] = text
        else:
            values[f.name] = _number(f, text)
    try:
        return resolved(command, values)
    except (TypeError, ValueError) as exc:  # as POST /api/jobs: a check the dataclass missed
        raise AlignkitError(f"bad settings for {command}: {exc}") from None


def submit(store: JobStore, method: str, form: dict[str, str], user_id: str,
           *tags: str) -> JobRecord:  # fmt: skip
    """Queue the quick run, as POST /api/jobs does (store.submit); the job's user names the
    UI user who launched it, `tags` are added to its own (its workspace's, ui/dashboard.py)."""
    settings = settings_from(store, method, form)
    return store.submit(kind(method), settings, user=f"ui:{user_id}",
                        tags=["dashboard", method, *tags])  # fmt: skip
