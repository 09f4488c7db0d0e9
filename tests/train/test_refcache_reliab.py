"""Issue 8, item 13: the DPO reference cache survives a corrupt entry (it used to fail every
later run with that fingerprint with a BadZipFile traceback) and a cache folder it cannot write
(DPO used to fail after computing the reference); its store is durable (fsync before the
rename); an empty ALIGNKIT_CACHE_DIR / ALIGNKIT_HOME / ALIGNKIT_DATA_DIR is unset, not the
current directory."""

from __future__ import annotations

import errno
import json
import logging
import zipfile
from pathlib import Path

import numpy as np
import pytest

from alignkit import paths
from alignkit.train import refcache

KEY = "0123456789abcdef0123456789abcdef"
CHOSEN, REJECTED = np.array([-1.5, -2.0, -3.25]), np.array([-4.0, -5.5, -6.0])


def entry() -> Path:
    return paths.cache_dir() / "reference_logps" / f"{KEY}.npz"


def test_store_then_load_round_trips():
    assert refcache.load(KEY) is None
    assert refcache.store(KEY, CHOSEN, REJECTED) is True
    chosen, rejected = refcache.load(KEY, rows=3)
    np.testing.assert_array_equal(chosen, CHOSEN)
    np.testing.assert_array_equal(rejected, REJECTED)
    assert [p.name for p in entry().parent.iterdir()] == [entry().name]  # no temp files


def _zip_without_rejected(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("chosen.npy", b"not an array")


CORRUPTIONS = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "empty": lambda p: p.write_bytes(b""),
    "garbage": lambda p: p.write_bytes(b"\x00garbage" * 64),
    "a zip without the arrays": _zip_without_rejected,
    "flipped bytes": lambda p: p.write_bytes(p.read_bytes()[:40] + b"\xff" * 64),
}


@pytest.mark.parametrize("damage", list(CORRUPTIONS))
def test_a_corrupt_entry_is_discarded_with_a_warning(damage, caplog):
    refcache.store(KEY, CHOSEN, REJECTED)
    CORRUPTIONS[damage](entry())
    with caplog.at_level(logging.WARNING, logger="alignkit.train.refcache"):
        assert refcache.load(KEY, rows=3) is None
    assert "discarding it and recomputing" in caplog.text
    assert not entry().exists()  # the next store writes a good one, the next load hits
    refcache.store(KEY, CHOSEN, REJECTED)
    assert refcache.load(KEY, rows=3) is not None


def test_an_entry_of_the_wrong_length_is_discarded(caplog):
    refcache.store(KEY, CHOSEN, REJECTED)
    with caplog.at_level(logging.WARNING):
        assert refcache.load(KEY, rows=4) is None
    assert "3 rows for a dataset of 4" in caplog.text and not entry().exists()


def test_an_entry_with_unequal_arrays_is_discarded():
    refcache.store(KEY, CHOSEN, REJECTED[:2])
    assert refcache.load(KEY) is None


def test_store_fsyncs_the_file_before_the_rename(monkeypatch):
    calls = []
    real_fsync, real_replace = refcache.os.fsync, refcache.os.replace
    monkeypatch.setattr(refcache.os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd)))
    monkeypatch.setattr(
        refcache.os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))
    )
    refcache.store(KEY, CHOSEN, REJECTED)
    assert calls[:2] == ["fsync", "replace"]  # then the folder's fsync, where the OS allows it


def _unwritable_cache(monkeypatch, tmp_path, how: str) -> None:
    if how == "cache dir is a file":
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("x")
        monkeypatch.setenv("ALIGNKIT_CACHE_DIR", str(blocker / "cache"))
    else:  # a read-only filesystem (chmod does not stop root, so the error is injected)

        def read_only(path, mode="r", *args, **kwargs):
            if "w" in mode:
                raise OSError(errno.EROFS, "Read-only file system", str(path))
            return open(path, mode, *args, **kwargs)

        monkeypatch.setattr(refcache, "open", read_only, raising=False)


@pytest.mark.parametrize("how", ["cache dir is a file", "read-only filesystem"])
def test_an_unwritable_cache_warns_and_stores_nothing(monkeypatch, tmp_path, caplog, how):
    _unwritable_cache(monkeypatch, tmp_path, how)
    with caplog.at_level(logging.WARNING, logger="alignkit.train.refcache"):
        assert refcache.store(KEY, CHOSEN, REJECTED) is False
    assert "log-probs in memory" in caplog.text
    assert refcache.load(KEY) is None
    folder = entry().parent
    assert not folder.is_dir() or not list(folder.iterdir())  # no temp file left behind


@pytest.mark.parametrize("var", ["ALIGNKIT_HOME", "ALIGNKIT_CACHE_DIR", "ALIGNKIT_DATA_DIR"])
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_variable_is_unset_not_the_current_directory(monkeypatch, tmp_path, var, value):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "")  # empty as well: ~/.cache, not ./alignkit
    monkeypatch.setenv(var, value)
    home = tmp_path / "home"
    expected = {
        "ALIGNKIT_HOME": (paths.home_dir, home / ".alignkit"),
        "ALIGNKIT_CACHE_DIR": (paths.cache_dir, home / ".cache" / "alignkit"),
        "ALIGNKIT_DATA_DIR": (paths.data_dir, paths.home_dir() / "data"),
    }
    function, path = expected[var]
    assert function() == path
    assert function().is_absolute()


# -- through a DPO run ----------------------------------------------------------------------------

torch = pytest.importorskip("torch")


def _settings(tmp_path, data, name):
    from alignkit.train import dpo

    return dpo.DPOSettings(
        policy_model="tiny-llama", dataset_dir=data, output_dir=tmp_path / name, max_steps=2,
        batch_size=4, lr=1e-3, eval_steps=2, save_steps=2, logging_steps=1, max_length=48,
        warmup_ratio=0.0,
    )  # fmt: skip


def _data(tmp_path):
    from tests.train.helpers import make_dataset

    return make_dataset(tmp_path, n=24)


def _info(tmp_path, name) -> dict:
    return json.loads((tmp_path / name / "run.json").read_text())


def test_dpo_recovers_from_a_corrupt_entry(tmp_path, caplog):
    """The probe: a corrupt .npz under a run's fingerprint; the next run recomputes it (with a
    warning) and stores a good entry in its place."""
    from alignkit.train import dpo

    data = _data(tmp_path)
    assert dpo.train(_settings(tmp_path, data, "first")).status == "succeeded"
    entries = sorted((paths.cache_dir() / "reference_logps").glob("*.npz"))
    assert entries
    for path in entries:
        path.write_bytes(path.read_bytes()[:100])  # a torn copy
    with caplog.at_level(logging.WARNING, logger="alignkit.train.refcache"):
        second = dpo.train(_settings(tmp_path, data, "second"))
    assert second.status == "succeeded"
    assert _info(tmp_path, "second")["reference_cache"] == "miss"
    assert "discarding it and recomputing" in caplog.text
    assert _info(tmp_path, "second")["reference_cache_stored"] is True
    for key in _info(tmp_path, "second")["reference_fingerprints"].values():
        assert refcache.load(key) is not None  # a good entry again: the next run hits


def test_dpo_trains_with_an_unwritable_cache(tmp_path, monkeypatch, caplog):
    from alignkit.train import dpo

    data = _data(tmp_path)
    # (only the reference cache's writes fail: the tiny model is built in the same cache dir)
    _unwritable_cache(monkeypatch, tmp_path, "read-only filesystem")
    with caplog.at_level(logging.WARNING, logger="alignkit.train.refcache"):
        result = dpo.train(_settings(tmp_path, data, "run"))
    assert result.status == "succeeded" and result.steps == 2
    info = _info(tmp_path, "run")
    assert info["reference_cache"] == "miss" and info["reference_cache_stored"] is False
    assert "log-probs in memory" in caplog.text


def test_one_process_computes_while_another_waits_for_it(tmp_path):
    """computing(key) is held by one process at a time; a second waits until it is free."""
    import subprocess
    import sys
    import time

    from alignkit.train import refcache

    script = (
        "import sys, time\n"
        "from alignkit.train import refcache\n"
        "with refcache.computing('k1'):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(1.5)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    start = time.monotonic()
    with refcache.computing("k1", poll_s=0.05):
        waited = time.monotonic() - start
    holder.wait(30)
    assert waited > 0.5  # it waited for the holder
    with refcache.computing("k2", poll_s=0.05):  # another key: no wait
        pass
