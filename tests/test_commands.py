"""The command registry (alignkit.commands) and everything that reads it agree: the CLI has one
command per entry with one flag per settings field, the report knows which methods make
policies, and the tests' method lists are the registry's."""

from __future__ import annotations

import dataclasses

import pytest
import typer.main

from alignkit.cli import app
from alignkit.commands import COMMANDS, cli_path, get, methods
from alignkit.errors import AlignkitError


def _cli_command(path: tuple[str, ...]):
    command = typer.main.get_command(app)
    for part in path:
        assert hasattr(command, "commands"), path  # a group (typer may bring its own click)
        command = command.commands[part]
    return command


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_registered_command_resolves_and_is_in_the_cli(name):
    entry = COMMANDS[name]
    cls = entry.settings_class()
    assert dataclasses.is_dataclass(cls)
    assert callable(entry.function())
    assert entry.trains == name.startswith("train:")
    command = _cli_command(cli_path(name))
    options = {p.name for p in command.params}
    assert {f.name for f in dataclasses.fields(cls)} <= options | {"config"}
    assert "config" in options  # a job runs every kind as `<command> --config settings.json`
    # what a pipeline wires is a real setting of the command
    names = {f.name for f in dataclasses.fields(cls)}
    for wired in (entry.model, entry.data, entry.output):
        assert wired is None or wired in names, (name, wired)
    assert entry.trains <= (entry.model is not None and entry.output is not None)


def test_the_cli_has_no_settings_command_outside_the_registry():
    registered = {cli_path(n) for n in COMMANDS}
    root = typer.main.get_command(app)
    for group in ("train", "eval", "data"):
        for sub, command in root.commands[group].commands.items():
            if any(p.name == "config" for p in command.params) and sub != "argilla-export":
                assert (group, sub) in registered, f"{group} {sub} is not in alignkit.commands"
    aliases = root.commands["hrm-hf"].commands
    assert set(aliases) == {"rm-train", "dpo-train"}


def test_registry_lists_agree_with_the_report_and_the_methods():
    from alignkit.report.build import POLICY_METHODS

    assert (
        set(POLICY_METHODS)
        == {"dpo", "sft", "kto", "orpo", "ppo", "grpo", "rloo", "online-dpo"}
        == set(methods("policy"))
    )
    assert methods("reward_model") == ["rm"]
    assert methods() == ["rm", "dpo", "sft", "kto", "orpo", "ppo", "grpo", "rloo", "online-dpo"]


def test_unknown_command_is_one_line():
    with pytest.raises(AlignkitError, match="unknown command 'train:nope'"):
        get("train:nope")


def test_ingest_settings_from_a_config_file_with_flag_names(tmp_path):
    from alignkit.config import load_settings
    from alignkit.data.settings import IngestSettings

    path = tmp_path / "ingest.yaml"
    path.write_text("input: in.json\noutput: out\nmap: {prompt: q, chosen: a, rejected: b}\n")
    s = load_settings(
        IngestSettings, path, {"train_ratio": 0.8, "eval_ratio": 0.1, "test_ratio": 0.1}
    )
    assert s.column_map == {"prompt": "q", "chosen": "a", "rejected": "b"}
    assert s.train_ratio == 0.8
    with pytest.raises(AlignkitError, match="missing --input"):
        load_settings(IngestSettings, None, {"output": "out"})


def test_yaml_exponents_and_json_files_give_floats(tmp_path):
    """PyYAML reads `lr: 5e-6` as a string, and JSON writers (a job's saved settings) emit
    such numbers: both load as floats."""
    from alignkit.config import load_settings
    from alignkit.train.dpo import DPOSettings

    (yaml_file := tmp_path / "run.yaml").write_text("lr: 5e-6\nbeta: 1e-1\n")
    (json_file := tmp_path / "run.json").write_text('{"lr": 5e-6, "beta": 0.2}')
    assert load_settings(DPOSettings, yaml_file, {}).lr == 5e-6
    assert load_settings(DPOSettings, yaml_file, {}).beta == 0.1
    assert load_settings(DPOSettings, json_file, {}).lr == 5e-6


def test_a_list_of_paths_from_a_config_or_a_job(tmp_path):
    from alignkit.jobs.api import resolved

    # a report job's run_dirs: list[Path] (the coercion once took the list for one path)
    got = resolved("report", {"run_dirs": [str(tmp_path / "a"), "b"], "output": "r.html"})
    assert got["run_dirs"] == [str(tmp_path / "a"), "b"] and got["output"] == "r.html"
