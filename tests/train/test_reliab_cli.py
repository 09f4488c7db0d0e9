"""Issue 8 through the command line, in real processes: a second run into a folder another
process holds exits 1 with one line naming the holder, and a resume with nothing to resume is
one line too (both before torch is imported, so they answer in about a second)."""

from __future__ import annotations

import os
import subprocess
import sys

from alignkit.locks import folder_lock
from tests.train.helpers import make_dataset


def run_cli(*args: str) -> subprocess.CompletedProcess:
    code = "import sys; from alignkit.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=dict(os.environ)
    )


def test_second_run_into_a_held_folder_and_an_empty_resume_are_one_line(tmp_path):
    (tmp_path / "d").mkdir()
    data = make_dataset(tmp_path / "d", n=20)
    out = tmp_path / "run"
    args = ["train", "rm", "--base-model", "tiny-bert", "--dataset-dir", str(data)]
    with folder_lock(out, "training rm"):
        busy = run_cli(*args, "--output-dir", str(out))
    assert busy.returncode == 1, busy.stderr
    assert busy.stderr.startswith(f"error: {out} is locked by pid {os.getpid()}")
    assert len(busy.stderr.strip().splitlines()) == 1
    assert not out.exists()  # the second run wrote nothing
    empty = run_cli(*args, "--output-dir", str(out), "--resume")
    assert empty.returncode == 2 and "no complete checkpoint" in empty.stderr
    assert "--resume-or-start" in empty.stderr and len(empty.stderr.strip().splitlines()) == 1
