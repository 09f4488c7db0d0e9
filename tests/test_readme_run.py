"""The README's Jobs and Server blocks run as they are: each is a bash script (`set -euo
pipefail`), run in an empty folder with a real Label Studio export as `export.json`, the
`alignkit` of this install first on PATH, and the Server block's port 8000 swapped for a free
one. Then the state they leave is checked: the ingest and the reward-model jobs completed (the
second after a cancel and a resume), the model is there, the server answered."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server.test_serve import free_port
from tests.test_readme import README

pytestmark = pytest.mark.slow


def block(heading: str) -> str:
    """The first bash block under `## heading`."""
    text = README.read_text()
    section = text[text.index(f"## {heading}\n") :]
    return re.search(r"```bash\n(.*?)```", section, flags=re.S).group(1)


def run(script: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + script],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def test_the_jobs_and_server_blocks_run(shared_data, tmp_path):
    pytest.importorskip("fastapi", reason="the server extra is not installed")
    if shutil.which("curl") is None:
        pytest.skip("the Server block uses curl")
    (tmp_path / "export.json").symlink_to(shared_data / "labelstudio-pairwise-export.json")

    jobs = run(block("Jobs"), tmp_path)
    assert jobs.returncode == 0, (jobs.stdout[-3000:], jobs.stderr[-3000:])
    from alignkit.jobs.store import JobStore

    store = JobStore.open()
    ingest, rm = sorted(store.list(limit=10), key=lambda j: j.created_at)
    assert (ingest.kind, ingest.status) == ("data:ingest", "completed")
    assert (tmp_path / "data" / "mine" / "train.jsonl").is_file()
    assert (rm.kind, rm.status) == ("train:rm", "completed") and rm.attempts >= 1  # resumed
    assert (tmp_path / "artifacts" / "rm" / "a" / "model" / "config.json").is_file()
    assert any(a.kind == "model" for a in store.artifacts(rm.id))
    assert '"train_loss"' in jobs.stdout  # `jobs metrics --json` printed the run's metrics
    assert f"{rm.id}: cancelled" in jobs.stdout

    server = block("Server and API").replace("8000", str(free_port()))
    served = run(server, tmp_path)
    assert served.returncode == 0, (served.stdout[-3000:], served.stderr[-3000:])
    assert '{"status":"ok"}' in served.stdout
    stats = [j for j in store.list(limit=10) if j.kind == "data:stats"]
    assert len(stats) == 1 and stats[0].user is not None  # submitted through the API
    store.engine.dispose()
