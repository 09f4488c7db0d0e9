"""Run folders written directly (tests/report/helpers.py): fast, no torch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.report import helpers


@dataclass
class Folders:
    root: Path
    data: Path
    rm: Path
    dpo: Path


@pytest.fixture
def folders(tmp_path) -> Folders:
    data = helpers.make_dataset(tmp_path)
    rm = helpers.make_rm_run(tmp_path, data)
    dpo = helpers.make_dpo_run(tmp_path, data)
    return Folders(tmp_path, data, rm, dpo)
