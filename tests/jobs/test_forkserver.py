"""Jobs forked from the warm forkserver (jobs/forkserver.py) behave as cold ones: the same log,
exit code and one-line error; the child has the libraries imported already, runs in the job's
environment, and its end wakes the worker. The worker's own scenarios (cancel with a
checkpoint, a SIGKILLed worker's job reaped, resources) run warm in test_runner.py, the
default; `--cold` is checked here against them."""

from __future__ import annotations

import json
import os
import sys
import threading

import pytest

from alignkit.data.settings import IngestSettings
from alignkit.jobs import forkserver
from alignkit.jobs.api import submit
from tests.jobs.test_runner import drain, pairs_file
from tests.train.helpers import make_dataset

pytestmark = pytest.mark.skipif(not forkserver.available(), reason="no forkserver here")


def _report(path: str) -> None:
    """Run in a forkserver child: what it had before importing anything itself."""
    from pathlib import Path

    preloaded = [m for m in ("torch", "transformers", "trl", "peft", "polars") if m in sys.modules]
    Path(path).write_text(",".join(preloaded) + f"\n{os.getppid()}\n")


def test_the_forkserver_child_has_the_libraries_imported(tmp_path):
    child = forkserver._context().Process(target=_report, args=(str(tmp_path / "out"),))
    child.start()
    child.join(120)
    preloaded, parent = (tmp_path / "out").read_text().splitlines()
    assert child.exitcode == 0
    assert preloaded.split(",") == ["torch", "transformers", "trl", "peft", "polars"]
    assert int(parent) != os.getpid()  # forked by the forkserver, not by this process


def _forked(tmp_path, argv: list[str], env: dict[str, str] | None = None):
    done = threading.Event()
    log = tmp_path / "job.log"
    job = forkserver.ForkedJob(argv, env or dict(os.environ), str(log), on_exit=done.set)
    assert done.wait(120), "the job did not end"
    return job, log.read_text()


def test_a_forked_command_logs_and_exits_as_the_cold_one(tmp_path):
    src = pairs_file(tmp_path)
    ok, log = _forked(tmp_path, ["data", "ingest", "-i", str(src), "-o", str(tmp_path / "o")])
    assert ok.poll() == 0 and "ingested pairs.jsonl" in log
    assert (tmp_path / "o" / "schema_report.json").exists()
    bad, log = _forked(
        tmp_path, ["data", "ingest", "-i", str(tmp_path / "none.jsonl"), "-o", str(tmp_path / "x")]
    )
    assert bad.poll() == 2
    assert log.splitlines()[-1].startswith(f"error: input not found: {tmp_path / 'none.jsonl'}")


def test_the_job_runs_in_its_own_environment(tmp_path):
    # the store's place is read from the environment at call time: the job's decides
    other = tmp_path / "other"
    env = {"ALIGNKIT_DATA_DIR": str(other), "ALIGNKIT_DATABASE_URL": ""}
    env = {k: v for k, v in {**os.environ, **env}.items() if v}
    job, log = _forked(tmp_path, ["jobs", "list", "--json"], env)
    assert job.poll() == 0, log
    assert (other / "alignkit.db").exists()


@pytest.mark.parametrize("mode", ["--warm", "--cold"])
def test_worker_warm_and_cold_give_the_same_records(tmp_path, mode):
    from alignkit.train.rm import RMSettings

    data = make_dataset(tmp_path, n=20)
    common = {"base_model": "tiny-bert", "max_steps": 2, "batch_size": 2, "max_length": 32}
    jobs = [
        submit(RMSettings(dataset_dir=data, output_dir=tmp_path / "rm", **common)),
        submit(RMSettings(dataset_dir=tmp_path / "none", output_dir=tmp_path / "rm2", **common)),
        submit(IngestSettings(input=pairs_file(tmp_path), output=tmp_path / "o")),
    ]
    out = drain(mode)
    good, bad, ingest = (j.record for j in jobs)
    assert (good.status, good.exit_code, good.error) == ("completed", 0, None)
    assert json.loads((tmp_path / "rm" / "run.json").read_text())["steps"] == 2
    assert (bad.status, bad.exit_code) == ("failed", 2)
    assert bad.error and str(tmp_path / "none") in bad.error
    assert ingest.status == "completed"
    # the training jobs fork from the forkserver when warm; the data step always starts cold
    forked = [line for line in out.splitlines() if "forked warm" in line]
    assert len(forked) == (2 if mode == "--warm" else 0), out
    assert not any(ingest.id in line for line in forked)


def test_every_command_that_loads_a_model_forks_warm():
    from typing import get_args

    from alignkit.commands import COMMANDS, Makes
    from alignkit.jobs.runner import WARM

    assert set(WARM) <= set(get_args(Makes))
    # the data and report commands import no torch; every other command loads a model
    cold = {"dataset", "summary", "report"}
    assert {c.makes for c in COMMANDS.values()} - cold == set(WARM)


def test_a_forkserver_that_cannot_fork_starts_the_job_cold(tmp_path, monkeypatch, caplog):
    from alignkit.jobs.runner import LocalWorker, WorkerSettings
    from alignkit.jobs.store import JobStore
    from alignkit.train.rm import RMSettings

    class Broken(forkserver.ForkedJob):
        def __init__(self, *_args, **_kwargs):
            raise RuntimeError("no forkserver here")

    monkeypatch.setattr(forkserver, "ForkedJob", Broken)
    data = make_dataset(tmp_path, n=20)
    job = submit(
        RMSettings(base_model="tiny-bert", dataset_dir=data, output_dir=tmp_path / "rm",
                   max_steps=2, batch_size=2, max_length=32)
    )  # fmt: skip
    store = JobStore.open()
    LocalWorker(store, WorkerSettings(exit_when_idle=True, heartbeat_s=0.3)).run()
    assert (job.record.status, job.record.exit_code) == ("completed", 0)
    assert "starting it cold" in caplog.text
