"""What the job forkserver (jobs/forkserver.py) imports once, before it forks any job: the CLI
and the libraries that the registry's commands import when they run. Importing only defines
modules: nothing here runs a torch op (an OpenMP pool started before a fork hangs the child), a
polars query (its thread pool likewise; importing starts only its out-of-core cleaner thread
and jemalloc's background threads, whose fork handlers keep the child sound: 4 threads beside
the main one, checked in /proc), or touches CUDA. A library that is not installed, or fails to
import, is left to the job, which then fails as a cold start would, with the same message."""

from __future__ import annotations

import importlib
import os

# torch.cuda.is_available() through NVML, not the CUDA driver, should an import ask
os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")

MODULES = (
    "alignkit.cli",
    "torch",
    "polars",
    "pyarrow",
    "datasets",
    "transformers",
    "peft",
    "accelerate",
    "trl",
    # what the training and eval commands import inside their functions
    "alignkit.models",
    "alignkit.data.load",
    "alignkit.train.common",
    "alignkit.train.dpo_trainer",
    "alignkit.train.refcache",
)


def _registry_modules() -> list[str]:
    from alignkit.commands import COMMANDS

    refs = [ref for c in COMMANDS.values() for ref in (c.settings, c.run)]
    return sorted({ref.partition(":")[0] for ref in refs})


def _preload() -> list[str]:
    failed = []
    for name in [*MODULES, *_registry_modules()]:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the job reports it, as a cold start does
            failed.append(name)
    return failed


FAILED = _preload()
