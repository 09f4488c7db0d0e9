"""Issue 8's training probes, in process on the tiny BERT reward model: what `--resume` refuses
(other settings or data, no complete checkpoint) and what it reports (a finished run), seeding
before the reward head exists, checkpoint rotation that never deletes the last complete one,
metrics.jsonl without duplicate steps after a resume, and run.json telling the truth on every
way out (SIGTERM before the first step or after the last, a full disk, a second run)."""

from __future__ import annotations

import errno
import json
import os
import signal

import pytest

torch = pytest.importorskip("torch")

from alignkit.errors import AlignkitError, BusyError  # noqa: E402
from alignkit.runfolder import MARKER  # noqa: E402
from alignkit.train import rm  # noqa: E402
from tests.train.helpers import make_dataset, read_metrics  # noqa: E402


@pytest.fixture
def data(tmp_path):
    return dataset(tmp_path / "d", 40)


def dataset(folder, n):
    folder.mkdir(parents=True)
    return make_dataset(folder, n=n)


def rm_settings(data, out, **kw) -> rm.RMSettings:
    base = dict(
        base_model="tiny-bert", dataset_dir=data, output_dir=out, max_steps=6, batch_size=4,
        lr=1e-3, eval_steps=1000, save_steps=2, logging_steps=1, max_length=32,
        warmup_ratio=0.0,
    )  # fmt: skip
    base.update(kw)
    return rm.RMSettings(**base)


def run_json(out) -> dict:
    return json.loads((out / "run.json").read_text())


def weights(folder) -> dict:
    """The saved model's tensors (a LoRA run saves only its adapter and head)."""
    from safetensors.torch import load_file

    (path,) = folder.glob("*.safetensors")
    return load_file(str(path))


def test_seed_is_set_before_the_reward_head_exists(data, tmp_path):
    """Two runs with one seed in one process: the score head (and the LoRA adapters) are
    initialised from that seed, not from whatever the random state was."""
    saved = {}
    for name, lora, seed in [("a", False, 42), ("b", False, 42), ("c", False, 7),
                             ("la", True, 42), ("lb", True, 42)]:  # fmt: skip
        s = rm_settings(data, tmp_path / name, max_steps=2, lora=lora, lora_r=2, seed=seed)
        saved[name] = weights(rm.train(s).output_dir / "model")
        torch.rand(7)  # the random state moves on between runs, as it does in a sweep
    for x, y in [("a", "b"), ("la", "lb")]:
        assert saved[x].keys() == saved[y].keys()
        assert all(torch.equal(saved[x][k], saved[y][k]) for k in saved[x]), (x, y)
    head = [k for k in saved["a"] if "score" in k or "classifier" in k]
    assert head and any(not torch.equal(saved["a"][k], saved["c"][k]) for k in head)


def test_resume_refuses_other_settings_or_data_and_lists_them(data, tmp_path):
    out = tmp_path / "run"
    rm.train(rm_settings(data, out, max_steps=4))
    (out / "model").rename(tmp_path / "model-aside")  # as if it had not finished
    before = (out / "config.json").read_text(), (out / "run.json").read_text()
    with pytest.raises(AlignkitError, match=r"lr 0\.001 -> 0\.01; seed 42 -> 1.*--resume-force"):
        rm.train(rm_settings(data, out, max_steps=4, lr=1e-2, seed=1, resume=True))
    other = dataset(tmp_path / "other", 44)
    with pytest.raises(AlignkitError, match="dataset digest"):
        rm.train(rm_settings(other, out, max_steps=4, resume=True))
    # a refused resume leaves the run folder as it was
    assert ((out / "config.json").read_text(), (out / "run.json").read_text()) == before
    with pytest.raises(AlignkitError, match="holds a rm run, not dpo"):
        from alignkit.train import dpo

        dpo.train(dpo.DPOSettings(dataset_dir=data, output_dir=out, resume=True))
    # operational fields may differ: when it logs, saves, evaluates, how many it keeps
    ok = rm.train(
        rm_settings(data, out, max_steps=4, resume=True, logging_steps=3, save_steps=3,
                    eval_steps=7, save_total_limit=1, report_to=[])
    )  # fmt: skip
    assert ok.status == "succeeded" and run_json(out)["resumed_from"].endswith("checkpoint-4")
    forced = rm.train(rm_settings(data, out, max_steps=6, resume=True, resume_force=True))
    assert forced.steps == 6 and run_json(out)["resume_forced"] == ["max_steps 4 -> 6"]


def test_resuming_a_finished_run_trains_no_step(data, tmp_path, capsys):
    out = tmp_path / "run"
    first = rm.train(rm_settings(data, out, max_steps=4))
    before = {p: p.read_bytes() for p in (out / "run.json", out / "metrics.jsonl")}
    again = rm.train(rm_settings(data, out, max_steps=4, resume=True))
    assert again.status == "succeeded" and again.steps == first.steps == 4
    assert "already finished" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in before} == before


def test_resume_without_a_complete_checkpoint(data, tmp_path, capsys):
    out = tmp_path / "run"
    with pytest.raises(AlignkitError, match="no complete checkpoint.*--resume-or-start"):
        rm.train(rm_settings(data, out, resume=True))
    rm.train(rm_settings(data, out, max_steps=2, save_steps=100))  # no checkpoint but the last
    (out / "checkpoint-2" / MARKER).unlink()  # killed while saving it
    (out / "run.json").write_text(json.dumps({**run_json(out), "status": "running"}))
    with pytest.raises(AlignkitError, match="no complete checkpoint"):
        rm.train(rm_settings(data, out, max_steps=2, save_steps=100, resume=True))
    started = rm.train(rm_settings(data, out, max_steps=2, save_steps=100, resume_or_start=True))
    assert started.status == "succeeded" and "resumed_from" not in run_json(out)
    assert "starting over" in capsys.readouterr().err
    assert [r["step"] for r in read_metrics(out) if "loss" in r] == [1, 2]


def test_rotation_keeps_the_last_complete_checkpoint_and_resume_drops_later_metrics(
    data, tmp_path, monkeypatch
):
    out = tmp_path / "run"
    rm.train(rm_settings(data, out, max_steps=6, save_total_limit=1))
    assert sorted(p.name for p in out.glob("checkpoint-*")) == ["checkpoint-6"]
    # the Trainer's own rotation is off: it would delete the complete checkpoint-4 while
    # checkpoint-6 still has no marker; here the run dies right after saving checkpoint-6's
    # files, before marking it (test_reliab_kills does it with a real SIGKILL)
    from alignkit.train import callbacks

    out2 = tmp_path / "run2"

    def die_before_marking(self, args, state, control, **kw):
        if state.global_step == 6:
            raise SystemExit("killed")
        return original(self, args, state, control, **kw)

    original = callbacks.CheckpointMarker.on_save
    monkeypatch.setattr(callbacks.CheckpointMarker, "on_save", die_before_marking)
    with pytest.raises(SystemExit):
        rm.train(rm_settings(data, out2, max_steps=8, save_total_limit=1))
    # only the marker's patch: undo() would also drop conftest's isolation (the cache dir and
    # ALIGNKIT_PRECISION=fp32), and the resume would then decide its precision on this machine
    monkeypatch.setattr(callbacks.CheckpointMarker, "on_save", original)
    assert sorted(p.name for p in out2.glob("checkpoint-*")) == ["checkpoint-4", "checkpoint-6"]
    assert (out2 / "checkpoint-4" / MARKER).exists()
    resumed = rm.train(rm_settings(data, out2, max_steps=8, save_total_limit=1, resume=True))
    assert resumed.steps == 8 and run_json(out2)["resumed_from"].endswith("checkpoint-4")
    steps = [r["step"] for r in read_metrics(out2) if "loss" in r]
    assert steps == list(range(1, 9))  # 5 and 6 logged once, not once per attempt
    assert sorted(p.name for p in out2.glob("checkpoint-*")) == ["checkpoint-8"]


def test_a_fresh_run_clears_the_previous_runs_files(data, tmp_path):
    out = tmp_path / "run"
    rm.train(rm_settings(data, out, max_steps=4))
    rm.train(rm_settings(data, out, max_steps=2, save_steps=100))
    assert sorted(p.name for p in out.glob("checkpoint-*")) == ["checkpoint-2"]
    assert max(r["step"] for r in read_metrics(out)) == 2


def test_a_second_run_into_a_locked_folder_fails_and_touches_nothing(data, tmp_path):
    from alignkit.locks import folder_lock

    out = tmp_path / "run"
    rm.train(rm_settings(data, out, max_steps=2))
    before = sorted((p.name, p.stat().st_mtime_ns) for p in out.iterdir())
    with folder_lock(out, "training rm"):
        with pytest.raises(BusyError, match=rf"locked by pid {os.getpid()}"):
            rm.train(rm_settings(data, out, max_steps=2))
        with pytest.raises(BusyError):
            rm.train(rm_settings(data, out, max_steps=2, resume=True))
    assert sorted((p.name, p.stat().st_mtime_ns) for p in out.iterdir()) == before
    assert BusyError.exit_code == 1


def test_sigterm_while_loading_ends_stopped(data, tmp_path, monkeypatch):
    """Before: the handler went in at the first step, so a SIGTERM while the models load
    killed the process (143) with run.json at `running`."""
    import alignkit.models

    real = alignkit.models.load_reward_model

    def load_then_terminated(*a, **kw):
        loaded = real(*a, **kw)
        os.kill(os.getpid(), signal.SIGTERM)
        return loaded

    monkeypatch.setattr(alignkit.models, "load_reward_model", load_then_terminated)
    handler = signal.getsignal(signal.SIGTERM)
    result = rm.train(rm_settings(data, tmp_path / "run"))
    assert result.status == "stopped" and result.steps == 0
    info = run_json(tmp_path / "run")
    assert info["status"] == "stopped" and info["ended"] is not None
    assert signal.getsignal(signal.SIGTERM) == handler  # put back for the next run


def test_sigterm_after_the_last_step_still_succeeds_with_a_model(data, tmp_path):
    from transformers import TrainerCallback

    class TerminateAtTheEnd(TrainerCallback):
        def on_step_end(self, args, state, control, **kw):
            if state.global_step == state.max_steps:
                os.kill(os.getpid(), signal.SIGTERM)

    out = tmp_path / "run"
    result = rm.train(rm_settings(data, out, max_steps=3, save_steps=100), [TerminateAtTheEnd()])
    assert result.status == "succeeded" and run_json(out)["status"] == "succeeded"
    assert (out / "model" / "model.safetensors").is_file()


def test_full_disk_during_a_checkpoint_ends_failed(data, tmp_path, monkeypatch):
    """The checkpoint write fails with ENOSPC; so does every new file after it, including the
    atomic rewrite of run.json, which then falls back to overwriting the old one in place."""
    import transformers

    import alignkit.train.rundir as rundir

    full = {"on": False}

    def save_checkpoint(self, *a, **kw):
        full["on"] = True
        raise OSError(errno.ENOSPC, "No space left on device")

    real_write = rundir.write_json

    def write_json(value, path):
        if full["on"]:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_write(value, path)

    monkeypatch.setattr(transformers.Trainer, "_save_checkpoint", save_checkpoint)
    monkeypatch.setattr(rundir, "write_json", write_json)
    out = tmp_path / "run"
    with pytest.raises(OSError, match="No space"):
        rm.train(rm_settings(data, out))
    info = run_json(out)  # whole, valid JSON
    assert info["status"] == "failed" and "No space" in info["error"]
    assert not list(out.glob(".*.tmp-*"))


def test_full_disk_fallback_fits_the_old_blocks(tmp_path):
    from alignkit.train.rundir import write_run_record

    path = tmp_path / "run.json"
    path.write_text(json.dumps({"status": "running", "method": "rm"}, indent=2))
    huge = {"method": "rm", "status": "failed", "error": "x", "traceback": "t" * 100_000}
    import alignkit.train.rundir as rundir

    def no_space(value, p):
        raise OSError(errno.ENOSPC, "No space left on device")

    original, rundir.write_json = rundir.write_json, no_space
    try:
        write_run_record(huge, path)
    finally:
        rundir.write_json = original
    info = json.loads(path.read_text())
    assert info["status"] == "failed" and "traceback" not in info
    assert path.stat().st_size <= 4096


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs: room for the run folder's own files, not for a checkpoint."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_really_full_disk_during_a_checkpoint_ends_failed(data, small_disk):
    """Before: run.json stayed `running` (its atomic rewrite needs new blocks) and the error
    was torch's RuntimeError traceback."""
    out = small_disk / "run"
    with pytest.raises(OSError) as err:  # torch said RuntimeError("iostream error")
        rm.train(rm_settings(data, out))
    assert err.value.errno == errno.ENOSPC
    info = run_json(out)
    assert info["status"] == "failed" and "no space left" in info["error"].lower()
    assert not list(out.glob("checkpoint-*/" + MARKER))  # the cut-short checkpoint is no resume


def test_ctrl_c_while_loading_ends_stopped(data, tmp_path, monkeypatch):
    import alignkit.models

    def interrupted(*a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(alignkit.models, "load_reward_model", interrupted)
    with pytest.raises(KeyboardInterrupt):
        rm.train(rm_settings(data, tmp_path / "run"))
    assert run_json(tmp_path / "run")["status"] == "stopped"
