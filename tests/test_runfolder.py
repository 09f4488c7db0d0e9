"""The run folder's names (alignkit.runfolder), the one module that spells them, and the atomic
writers below every layer (alignkit.io)."""

from __future__ import annotations

import pytest

from alignkit import io, runfolder


def test_a_run_is_found_from_its_folder_or_its_model(tmp_path):
    run = tmp_path / "run"
    (run / runfolder.MODEL_DIR).mkdir(parents=True)
    assert runfolder.run_of(run) is None  # no run.json yet
    (run / runfolder.RUN_FILE).write_text("{}")
    assert runfolder.is_run(run)
    assert runfolder.run_of(run) == run == runfolder.run_of(run / runfolder.MODEL_DIR)
    assert runfolder.run_of(tmp_path) is None


def test_only_marked_checkpoints_are_complete(tmp_path):
    for step in (10, 2, 30):
        (tmp_path / f"checkpoint-{step}").mkdir()
    (tmp_path / "checkpoint-x").mkdir()
    for step in (10, 2):
        (tmp_path / f"checkpoint-{step}" / runfolder.MARKER).write_text("{}")
    assert runfolder.complete_checkpoints(tmp_path) == [
        tmp_path / "checkpoint-2",
        tmp_path / "checkpoint-10",
    ]
    assert runfolder.checkpoint_step(tmp_path / "checkpoint-x") is None


def test_a_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "sub" / "out.json"
    io.write_json({"a": 1}, path)
    with pytest.raises(RuntimeError), io.atomic_path(path) as tmp:
        tmp.write_text("half")
        raise RuntimeError
    assert path.read_text() == '{\n  "a": 1\n}\n' and list(path.parent.iterdir()) == [path]
    assert io.write_rows([{"x": float("nan")}, {"x": 2}], path.with_suffix(".jsonl")) == 2
    assert path.with_suffix(".jsonl").read_text() == '{"x":null}\n{"x":2}\n'


def test_one_way_to_flatten_chat_messages():
    from alignkit.messages import as_text

    chat = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "image"}]},
        {"role": "assistant"},
    ]
    assert as_text("plain") == "plain" and as_text(None) == "" and as_text([]) == ""
    assert as_text(chat) == "be brief\nhi\n"
    assert as_text(chat, roles=True) == "system: be brief\nuser: hi\nassistant: "
    assert as_text(chat, sep=" | ") == "be brief | hi | "
    assert as_text(chat, last_user=True) == "hi"
    assert as_text([{"role": "system", "content": "s"}], last_user=True) == "s"
