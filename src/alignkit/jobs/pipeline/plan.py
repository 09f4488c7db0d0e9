"""From an expanded pipeline to jobs, idempotently. Each node gets a key: its command, its
settings as the job would store them, the digests of the files it reads from outside the
pipeline (the export an ingest reads), and the keys of what it needs. A rerun looks the key
up in the store:

- a completed job whose output is still there is reused (no job is submitted);
- a scheduled or running one is the node's job still (a rerun after a crash continues);
- a failed or cancelled one is resumed (training continues from its checkpoint);
- none: a new job, with the jobs of what it needs as its needs (jobs/dag.py).

Since a key contains the keys of what the node needs, changing one λ changes that node's key
and its descendants' only: they rerun, everything else is reused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from alignkit.commands import COMMANDS
from alignkit.errors import AlignkitError
from alignkit.jobs.api import resolved
from alignkit.jobs.pipeline import state
from alignkit.jobs.pipeline.spec import Spec
from alignkit.jobs.records import PipelineRecord
from alignkit.jobs.store import JobStore

Action = Literal["reuse", "attach", "resume", "submit"]
CHUNK = 1 << 20


@dataclass(frozen=True)
class Step:
    node: str
    kind: str
    action: Action
    key: str
    job_id: str | None  # None: a job `submit` will make


def settings_of(spec: Spec) -> dict[str, dict[str, Any]]:
    """Each node's settings, checked by its command's dataclass (a bad one: one line naming
    the node), with the node's name as the run's name where the command has one."""
    out = {}
    for name, node in spec.nodes.items():
        settings = dict(node.settings)
        cls = COMMANDS[node.kind].settings_class()
        if "run_name" in cls.__dataclass_fields__ and not settings.get("run_name"):
            settings["run_name"] = name  # W&B and MLflow runs named after the node
        try:
            out[name] = resolved(node.kind, settings)
        except (AlignkitError, TypeError, ValueError) as exc:  # TypeError: a __post_init__
            raise AlignkitError(f"pipeline node {name} ({node.kind}): {exc}") from None
    return out


def _digest(path: Path) -> str | None:
    if not path.is_file():
        return None
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def _inputs(spec: Spec, kind: str, settings: dict[str, Any]) -> dict[str, str | None]:
    """Digests of what a node reads from outside the pipeline."""
    found: dict[str, str | None] = {}
    if kind == "data:ingest":
        found["input"] = _digest(Path(settings["input"]))
        for given in ("eval_input", "test_input"):  # files already split
            if settings.get(given):
                found[given] = _digest(Path(settings[given]))
    data = COMMANDS[kind].data
    if spec.dataset_dir is not None and data and settings.get(data) == spec.dataset_dir:
        found["dataset"] = _digest(Path(spec.dataset_dir) / "schema_report.json")
    return found


def keys(spec: Spec, settings: dict[str, dict[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, node in spec.nodes.items():  # in an order where needs come first
        body = {
            "kind": node.kind,
            "settings": settings[name],
            "inputs": _inputs(spec, node.kind, settings[name]),
            "needs": sorted(out[n] for n in node.needs),
        }
        text = json.dumps(body, sort_keys=True, default=str)
        out[name] = hashlib.sha256(text.encode()).hexdigest()
    return out


def _output_there(kind: str, settings: dict[str, Any]) -> bool:
    field = COMMANDS[kind].output
    value = settings.get(field) if field else None
    return value is None or Path(value).exists()


Check = Callable[[str, dict[str, Any]], dict[str, Any]]


def plan(
    spec: Spec, store: JobStore, check: Check | None = None
) -> tuple[list[Step], dict[str, dict[str, Any]]]:
    """What a run would do for each node, changing nothing (`--dry-run`). `check(kind,
    settings)` may refuse or rewrite a node's settings (the server holds a member's paths to
    its folders)."""
    settings = settings_of(spec)
    if check is not None:
        settings = {name: check(spec.nodes[name].kind, s) for name, s in settings.items()}
    steps = []
    for name, key in keys(spec, settings).items():
        kind = spec.nodes[name].kind
        step = Step(name, kind, "submit", key, None)
        for job in store.by_node_key(key):  # newest first
            if job.status == "completed":
                if _output_there(kind, settings[name]):
                    step = Step(name, kind, "reuse", key, job.id)
                    break
                continue  # its files are gone: run it again
            action: Action = "resume" if job.status in ("failed", "cancelled") else "attach"
            step = Step(name, kind, action, key, job.id)
            break
        steps.append(step)
    return steps, settings


def run(
    spec: Spec,
    store: JobStore,
    *,
    user: str | None = None,
    priority: int = 0,
    check: Check | None = None,
) -> tuple[PipelineRecord, list[Step]]:
    """Submit what the plan says (needs first) and record the pipeline."""
    steps, settings = plan(spec, store, check)
    jobs: dict[str, str] = {}
    done: list[Step] = []
    for step in steps:
        node = spec.nodes[step.node]
        if step.action == "resume":
            if not store.get(step.job_id).done:  # brought back by a need's resume
                step = Step(step.node, step.kind, "attach", step.key, step.job_id)
            else:
                store.requeue(step.job_id)
        elif step.action == "submit":
            job = store.submit(
                node.kind,
                settings[step.node],
                priority=priority,
                user=user,
                tags=[f"pipeline:{spec.name}", f"node:{step.node}"],
                needs=[jobs[n] for n in node.needs],
                node_key=step.key,
            )
            step = Step(step.node, step.kind, "submit", step.key, job.id)
        jobs[step.node] = step.job_id
        done.append(step)
    dag = {
        "output_root": str(spec.output_root),
        "nodes": [
            {
                "name": s.node,
                "kind": s.kind,
                "key": s.key,
                "needs": spec.nodes[s.node].needs,
                "coords": spec.nodes[s.node].coords,
                "settings": settings[s.node],
            }  # fmt: skip
            for s in done
        ],
    }
    source = str(spec.source) if spec.source else None
    record = state.save(store.engine, spec.name, dag, jobs, source=source, user=user)
    return record, done
