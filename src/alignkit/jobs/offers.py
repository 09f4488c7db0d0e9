"""What a form that launches a training job may offer (the dashboard's quick runs): the models
a job can start from, the packaged ones (alignkit.models.registry: names that resolve offline)
and the final models of completed jobs, and the loss types a method's settings accept. Here,
in the jobs layer, because the web process imports neither models nor train: it asks the job
layer, which knows the registry and the jobs' artifacts. Nothing here imports torch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alignkit.commands import COMMANDS
from alignkit.jobs.store import JobStore


@dataclass(frozen=True)
class ModelOffer:
    value: str  # what the settings' model field gets: a registry name or a model folder
    label: str
    causal_lm: bool  # a policy needs one; a reward model takes any backbone


def packaged() -> list[ModelOffer]:
    from alignkit.models.registry import MODELS

    return [
        ModelOffer(spec.name, f"{spec.name}: {spec.description}", spec.kind == "causal-lm")
        for spec in MODELS.values()
    ]


def trained_policies(store: JobStore, limit: int = 200) -> list[ModelOffer]:
    """The final model folders of completed policy jobs (DPO, SFT, ...), newest first."""
    out = []
    for job in store.list("completed", limit=limit):
        command = COMMANDS.get(job.kind)
        if command is None or command.makes != "policy":
            continue
        for artifact in store.artifacts(job.id):
            if artifact.kind == "model" and Path(artifact.path).is_dir():
                out.append(ModelOffer(artifact.path, f"{job.kind} {job.id[:8]}", True))
    return out


def loss_types(kind: str) -> tuple[str, ...]:
    """The loss types the method's settings accept (their __post_init__ checks the same)."""
    if kind == "train:dpo":
        from alignkit.train.dpo import LOSS_TYPES

        return LOSS_TYPES
    return ()
