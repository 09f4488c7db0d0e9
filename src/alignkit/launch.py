"""Which process this is in a launch of several (torchrun, `accelerate launch`, MPI), read from
the launcher's environment: the run folder is started, and the dataset checked, before the
trainer sets up torch.distributed. Torch-free, below every layer."""

from __future__ import annotations

import os

# where launchers put a process's rank and the process count, in accelerate's order: torchrun and
# `accelerate launch` set RANK/WORLD_SIZE, MPI launchers (multi-CPU `--mpirun_hostfile`) their own
RANK_VARS = ("RANK", "PMI_RANK", "OMPI_COMM_WORLD_RANK", "MV2_COMM_WORLD_RANK")
SIZE_VARS = ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MV2_COMM_WORLD_SIZE")


def _env_int(names: tuple[str, ...], default: int) -> int:
    for name in names:
        value = int(os.environ.get(name, -1))
        if value >= 0:
            return value
    return default


def is_main_process() -> bool:
    """Rank 0 of a distributed launch, or a plain process."""
    return _env_int(RANK_VARS, 0) == 0


def launched_world_size() -> int:
    """How many processes the launcher started (1 for a plain process)."""
    return _env_int(SIZE_VARS, 1)
