"""Test isolation: alignkit's home, cache and data dirs point at a temp dir in every test, so
no test reads or writes the user's real ~/.alignkit or ~/.cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    root = tmp_path_factory.mktemp("alignkit-home")
    monkeypatch.setenv("ALIGNKIT_HOME", str(root / "home"))
    monkeypatch.setenv("ALIGNKIT_CACHE_DIR", str(root / "cache"))
    monkeypatch.setenv("ALIGNKIT_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("HF_HOME", str(root / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    # --precision auto picks fp32 in every test, on every machine: on an AMX CI machine it would
    # pick bf16, which is slower on tiny models and breaks the 1e-4 parity with TRL's numbers.
    # Subprocesses inherit it; the tests of the auto decision itself unset it.
    monkeypatch.setenv("ALIGNKIT_PRECISION", "fp32")
    # trackers: W&B never goes to the network, nothing lands in the user's own stores or dirs
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    for name in ("WANDB_CONFIG_DIR", "WANDB_CACHE_DIR", "WANDB_DATA_DIR"):
        monkeypatch.setenv(name, str(root / "wandb" / name.lower()))
    for name in ("WANDB_API_KEY", "WANDB_DIR", "WANDB_PROJECT", "MLFLOW_TRACKING_URI",
                 "MLFLOW_EXPERIMENT_NAME", "TENSORBOARD_LOGGING_DIR"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _nothing_lands_in_the_checkout():
    """A test writes below its tmp_path, never into the checkout (a report.html once appeared
    in the repository's root during the suite, and a fresh one could be committed by mistake)."""
    before = set(os.listdir(REPO))
    yield
    new = sorted(n for n in set(os.listdir(REPO)) - before if not n.startswith((".", "__")))
    if new:
        pytest.fail(f"this test wrote {', '.join(new)} into the checkout; write below tmp_path")


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, the real preference files; tests that need it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA


# CI cuts the whole run at a fixed time and then prints nothing of --durations: each test that
# takes long says so on its own line as it ends, so a cut run still shows where the time went.
_LONG_TEST_S = 20.0


def pytest_runtest_logreport(report):
    if report.when != "call" or report.duration < _LONG_TEST_S:
        return
    import time

    reporter = _CONFIG[0].pluginmanager.get_plugin("terminalreporter") if _CONFIG else None
    if reporter is not None:
        stamp = time.strftime("%H:%M:%S")
        reporter.write_line(f"[long test] {report.duration:7.1f} s  {report.nodeid}  ({stamp})")


_CONFIG: list[pytest.Config] = []


def pytest_configure(config):
    _CONFIG.append(config)
