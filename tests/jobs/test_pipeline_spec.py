"""Pipeline files expanded into nodes (jobs/pipeline/spec.py) and planned against the store
(plan.py): fan-out per model and sweep point, matched coordinates, the wiring of data, models
and outputs, names, one-line errors, and node keys: reuse of completed work, and a changed
setting rerunning that node and its descendants only."""

from __future__ import annotations

import pytest

from alignkit.errors import AlignkitError
from alignkit.jobs.pipeline import plan, spec

SWEEP = {
    "name": "s",
    "output_root": "runs",
    "models": [
        {"id": "tiny-llama", "short": "tiny"},
        {"id": "smollm2-135m-instruct", "short": "smol"},
    ],
    "data": {"ingest": {"input": "pairs.jsonl"}},
    "defaults": {"max_steps": 2, "lora": True, "no_such_setting_anywhere": 1},
    "stages": {
        "sft": {"command": "train:sft"},
        "dpo": {
            "command": "train:dpo",
            "needs": ["sft"],
            "sweep": {"beta": [0.1, 0.5]},
            "name": "{model.short}_beta{beta}",
        },
        "rm": {"command": "train:rm", "settings": {"base_model": "minilm-l6"}},
        "eval": {
            "command": "eval:policy",
            "needs": ["dpo", "rm"],
            "settings": {"judge": "rm:{rm}"},
        },
        "report": {"command": "report", "needs": ["dpo"]},
    },
}


def expand(raw, tmp_path):
    return spec.expand(raw, base=tmp_path)


def test_a_sweep_fans_out_per_model_and_value_and_downstream_follows(tmp_path):
    s = expand(SWEEP, tmp_path)
    assert list(s.nodes) == [
        "data", "sft_tiny", "sft_smol", "tiny_beta0.1", "tiny_beta0.5", "smol_beta0.1",
        "smol_beta0.5", "rm", "eval_tiny_beta0.1", "eval_tiny_beta0.5", "eval_smol_beta0.1",
        "eval_smol_beta0.5", "report",
    ]  # fmt: skip
    runs = tmp_path / "runs"
    data = str(runs / "data")
    assert s.nodes["data"].settings == {"input": str(tmp_path / "pairs.jsonl"), "output": data}
    sft = s.nodes["sft_smol"]
    assert sft.settings == {
        "max_steps": 2, "lora": True, "policy_model": "smollm2-135m-instruct",
        "output_dir": str(runs / "sft_smol"), "dataset_dir": data,
    }  # fmt: skip
    assert sft.needs == ["data"]
    dpo = s.nodes["smol_beta0.5"]
    assert dpo.settings["policy_model"] == str(runs / "sft_smol")  # continues from its SFT
    assert dpo.settings["beta"] == 0.5 and dpo.needs == ["data", "sft_smol"]
    ev = s.nodes["eval_smol_beta0.5"]  # the eval of smol at 0.5 needs the dpo of smol at 0.5
    assert ev.needs == ["data", "smol_beta0.5", "rm"]
    assert ev.settings["policy"] == str(runs / "smol_beta0.5")
    assert ev.settings["judge"] == f"rm:{runs / 'rm'}" and "beta" not in ev.settings
    assert "output" not in ev.settings  # results beside the model, where the report finds them
    assert s.nodes["rm"].settings["base_model"] == "minilm-l6"  # set: no fan-out per model
    report = s.nodes["report"]
    assert report.settings["run_dirs"] == [str(runs / n) for n in report.needs]
    assert len(report.needs) == 4 and report.settings["output"] == str(runs / "report.html")


def test_a_given_dataset_folder_and_the_commands_own_default_model(tmp_path):
    raw = {
        "data": {"dataset_dir": "data/mine"},
        "stages": {"dpo": {"command": "train:dpo", "sweep": {"loss_type": ["sigmoid", "ipo"]}}},
    }
    s = expand(raw, tmp_path)
    assert list(s.nodes) == ["dpo_loss_typesigmoid", "dpo_loss_typeipo"]
    node = s.nodes["dpo_loss_typeipo"]
    assert node.settings["dataset_dir"] == str(tmp_path / "data/mine") and node.needs == []
    assert "policy_model" not in node.settings  # the command's default
    assert node.settings["output_dir"] == str(tmp_path / "runs/pipeline/dpo_loss_typeipo")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "must be a mapping"),
        ({"stages": {}}, "`stages:` must map"),
        ({"stage": {}}, "unknown key(s) stage"),
        ({"stages": {"a": {"command": "train:nope"}}}, "command 'train:nope' is not one of"),
        ({"stages": {"a": {"command": "train:dpo", "needs": ["b"]}}}, "needs 'b', which is not"),
        (
            {
                "stages": {
                    "a": {"command": "report", "needs": ["b"]},
                    "b": {"command": "report", "needs": ["a"]},
                }
            },
            "a cycle: a -> b -> a",
        ),  # fmt: skip
        ({"stages": {"a": {"command": "train:dpo", "sweep": {"bta": [1]}}}}, "'bta', which is not"),
        ({"stages": {"a": {"command": "train:dpo", "sweep": {"beta": []}}}}, "non-empty list"),
        ({"stages": {"a": {"command": "train:dpo", "lr": 1}}}, "unknown key(s) lr"),
        (
            {"stages": {"a": {"command": "train:dpo", "settings": {"run_name": "{nope}"}}}},
            "cannot fill '{nope}'",
        ),
        ({"models": [{"short": "x"}], "stages": {"a": {"command": "train:dpo"}}}, "needs an `id`"),
        ({"data": {"ingest": {}}, "stages": {"a": {"command": "report"}}}, "needs an `input:`"),
        (
            {"stages": {"a": {"command": "train:dpo", "sweep": {"beta": [1, 1]}}}},
            "two nodes are named 'a_beta1'",
        ),
    ],
)
def test_bad_files_are_one_line(tmp_path, raw, message):
    with pytest.raises(AlignkitError) as err:
        expand(raw, tmp_path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_load_reads_yaml_and_names_the_pipeline_after_its_file(tmp_path):
    path = tmp_path / "factual-sweep.yaml"
    path.write_text("stages:\n  dpo: {command: train:dpo, settings: {lr: 5e-6}}\n")
    s = spec.load(path)
    assert s.name == "factual-sweep" and s.source == path
    with pytest.raises(AlignkitError, match="not found"):
        spec.load(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("stages: [")
    with pytest.raises(AlignkitError, match="is not YAML"):
        spec.load(tmp_path / "bad.yaml")


def test_settings_are_checked_by_each_commands_dataclass(tmp_path):
    s = expand({"stages": {"dpo": {"command": "train:dpo", "settings": {"bta": 1}}}}, tmp_path)
    with pytest.raises(AlignkitError, match=r"pipeline node dpo \(train:dpo\): unknown setting"):
        plan.settings_of(s)
    settings = plan.settings_of(expand(SWEEP, tmp_path))
    assert settings["smol_beta0.5"]["run_name"] == "smol_beta0.5"  # W&B/MLflow run names
    assert settings["smol_beta0.5"]["lr"] == 5e-6  # the resolved default is part of the key


def test_keys_reuse_and_a_changed_value_reruns_only_downstream(tmp_path, store):
    (tmp_path / "pairs.jsonl").write_text('{"prompt": "p", "chosen": "a", "rejected": "b"}\n')
    first = expand(SWEEP, tmp_path)
    steps, _ = plan.plan(first, store)
    assert {s.action for s in steps} == {"submit"}
    _, steps = plan.run(first, store)
    assert [s.action for s in steps] == ["submit"] * len(first.nodes)
    jobs = {s.node: s.job_id for s in steps}
    assert store.needs(jobs["eval_smol_beta0.5"]) == sorted(
        [jobs["data"], jobs["smol_beta0.5"], jobs["rm"]]
    )
    # the same file again: every node is its job still (attach), nothing new
    again, _ = plan.plan(expand(SWEEP, tmp_path), store)
    assert {s.action for s in again} == {"attach"} and {s.job_id for s in again} == set(
        jobs.values()
    )
    # all of them completed, with their outputs there: reused
    for job_id in jobs.values():
        with store.engine.begin() as conn:
            from sqlalchemy import update

            from alignkit.jobs.models import Job

            conn.execute(update(Job).where(Job.id == job_id).values(status="completed"))
    for node in first.nodes.values():
        if node.output:
            (tmp_path / node.output).mkdir(parents=True, exist_ok=True)
    reused, _ = plan.plan(expand(SWEEP, tmp_path), store)
    assert {s.action for s in reused} == {"reuse"}
    # one value changed: that node, its eval and the report rerun; nothing else
    changed = {**SWEEP, "stages": {**SWEEP["stages"]}}
    changed["stages"]["dpo"] = {**SWEEP["stages"]["dpo"], "sweep": {"beta": [0.1, 0.7]}}
    steps, _ = plan.plan(expand(changed, tmp_path), store)
    rerun = {s.node for s in steps if s.action != "reuse"}
    assert rerun == {
        "tiny_beta0.7", "smol_beta0.7", "eval_tiny_beta0.7", "eval_smol_beta0.7", "report"
    }  # fmt: skip
    # the export changed: everything downstream of the ingest reruns
    (tmp_path / "pairs.jsonl").write_text('{"prompt": "q", "chosen": "a", "rejected": "b"}\n')
    steps, _ = plan.plan(expand(SWEEP, tmp_path), store)
    assert [s.node for s in steps if s.action == "reuse"] == []


def test_the_pipeline_is_recorded_and_a_rerun_replaces_its_map(tmp_path, store):
    from alignkit.jobs.pipeline import state

    raw = {"name": "p1", "stages": {"a": {"command": "train:dpo"}, "b": {"command": "report",
           "needs": ["a"]}}}  # fmt: skip
    record, steps = plan.run(expand(raw, tmp_path), store)
    assert record.name == "p1" and list(record.nodes) == ["a", "b"]
    assert record.nodes["b"] == steps[1].job_id and record.spec["nodes"][1]["needs"] == ["a"]
    again, _ = plan.run(expand(raw, tmp_path), store)
    assert again.id == record.id and again.nodes == record.nodes
    assert state.names(store.engine) == ["p1"]
    with pytest.raises(AlignkitError, match="no pipeline named 'nope'"):
        state.get(store.engine, "nope")


def test_a_stage_may_read_its_own_data(tmp_path):
    raw = {
        "data": {"ingest": {"input": "all.jsonl"}},
        "stages": {
            "a": {"command": "train:dpo"},
            "b": {
                "command": "train:dpo",
                "data": {"ingest": {"input": "tr.jsonl", "eval_input": "ev.jsonl"}},
            },
        },
    }
    s = expand(raw, tmp_path)
    assert list(s.nodes) == ["data", "data_b", "a", "b"]
    own = s.nodes["data_b"].settings
    assert own["input"] == str(tmp_path / "tr.jsonl") and own["output"].endswith("/data_b")
    assert own["eval_input"] == str(tmp_path / "ev.jsonl")
    assert s.nodes["a"].needs == ["data"] and s.nodes["b"].needs == ["data_b"]
    assert s.nodes["b"].settings["dataset_dir"] == own["output"]
    bad = {"stages": {"b": {"command": "train:dpo", "data": {"dataset_dir": "d"}}}}
    with pytest.raises(AlignkitError, match=r"^pipeline stage b data: give `ingest:"):
        expand(bad, tmp_path)


def test_only_path_lists_are_resolved_against_the_file(tmp_path):
    """A report's run_dirs are paths; a PPO stage's rewards, and anyone's tags, are not (they
    were once all made into paths below the pipeline file)."""
    raw = {
        "data": {"dataset_dir": "data/mine"},
        "stages": {
            "rm": {"command": "train:rm", "settings": {"tags": ["a", "b"]}},
            "ppo": {
                "command": "train:ppo",
                "needs": ["rm"],
                "settings": {"reward": ["rm:{rm}", "rule:no-refusal"], "report_to": ["none"]},
            },
            "report": {"command": "report", "needs": ["ppo"]},
        },
    }
    s = expand(raw, tmp_path)
    assert s.nodes["rm"].settings["tags"] == ["a", "b"]
    ppo = s.nodes["ppo"].settings
    assert ppo["reward"] == [f"rm:{tmp_path / 'runs/pipeline/rm'}", "rule:no-refusal"]
    assert ppo["report_to"] == ["none"]
    assert s.nodes["report"].settings["run_dirs"] == [str(tmp_path / "runs/pipeline/ppo")]
