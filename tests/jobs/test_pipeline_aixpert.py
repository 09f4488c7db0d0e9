"""AIXpert's config.yaml run as it is (jobs/pipeline/aixpert.py): its sections become the
`original` and `factual` stages with every hyperparameter mapped, its outputs
<output_root>/<short>_OriginalDPO and <short>_delta<delta>, its W&B runs
<run_prefix>_<short>_delta<delta>; what cannot be honoured is one line naming the key. Then the
whole thing on tiny-llama through a real worker, W&B offline, run names read back."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from alignkit.errors import AlignkitError
from alignkit.jobs.pipeline import aixpert, plan, spec

CONFIG = {  # AIXpert's config.yaml, as its README gives it
    "models": [{"id": "meta-llama/Llama-3.2-1B-Instruct", "short": "llama3.2-1b"}],
    "original_dpo": {
        "paths": {"train": "data/train.jsonl", "eval": "data/eval.jsonl", "output_root": "Models"},
        "hyperparams": {
            "max_seq_length": 2048, "load_in_4bit": True, "lora_r": 32, "lora_alpha": 64,
            "lora_dropout": 0.05, "batch_size": 2, "grad_accumulation": 16, "num_epochs": 3,
            "learning_rate": 1.8e-6, "warmup_ratio": 0.25, "beta": 0.1, "save_steps": 100,
            "logging_steps": 20, "seed": 3407,
        },
    },
    "factual_dpo": {
        "deltas": [0, 2, 4, 6, 8, 10, 20, 30, 50, 100],
        "paths": {
            "train_file": "data/train_flipped.jsonl", "eval_file": "data/eval_flipped.jsonl",
            "output_root": "Models",
        },
        "hyperparams": {
            "per_device_train_batch_size": 2, "gradient_accumulation_steps": 16,
            "num_train_epochs": 3, "learning_rate": 1.8e-6, "warmup_ratio": 0.25,
            "save_steps": 100, "logging_steps": 20, "max_seq_length": 2048,
            "lora_r": 32, "lora_alpha": 64, "lora_dropout": 0.05,
        },
    },
    "wandb": {"project": "aixpert", "entity": "my-team", "run_prefix": "FactualDPO"},
}  # fmt: skip
LORA = {"lora": True, "lora_r": 32, "lora_alpha": 64, "lora_dropout": 0.05}


def config(**changes):
    raw = copy.deepcopy(CONFIG)
    raw["original_dpo"]["hyperparams"]["load_in_4bit"] = False  # this machine may lack CUDA
    for path, value in changes.items():
        *parents, key = path.split(".")
        node = raw
        for p in parents:
            node = node[p]
        if value is None:
            node.pop(key)
        else:
            node[key] = value
    return raw


def test_the_config_expands_with_every_key_mapped(tmp_path):
    assert aixpert.is_aixpert(CONFIG) and not aixpert.is_aixpert({"stages": {}})
    s = spec.expand(config(), base=tmp_path)
    deltas = CONFIG["factual_dpo"]["deltas"]
    members = [f"llama3.2-1b_delta{d}" for d in deltas]
    assert list(s.nodes) == ["data_original", "data_factual", "llama3.2-1b_OriginalDPO", *members]
    models, data = tmp_path / "Models", tmp_path / "data"
    assert s.output_root == models
    assert s.nodes["data_original"].settings == {
        "input": str(data / "train.jsonl"), "eval_input": str(data / "eval.jsonl"),
        "output": str(models / "data_original"),
    }  # fmt: skip
    assert s.nodes["data_factual"].settings["eval_input"] == str(data / "eval_flipped.jsonl")
    original = s.nodes["llama3.2-1b_OriginalDPO"]
    assert original.needs == ["data_original"]
    assert original.settings == {
        "loss_type": "sigmoid", "max_length": 2048, "load_in_4bit": False, **LORA,
        "batch_size": 2, "gradient_accumulation": 16, "epochs": 3, "lr": 1.8e-6,
        "warmup_ratio": 0.25, "beta": 0.1, "save_steps": 100, "logging_steps": 20, "seed": 3407,
        "output_dir": str(models / "llama3.2-1b_OriginalDPO"), "wandb": "my-team/aixpert",
        "run_name": "FactualDPO_llama3.2-1b_OriginalDPO",
        "policy_model": "meta-llama/Llama-3.2-1B-Instruct",
        "dataset_dir": str(models / "data_original"),
    }  # fmt: skip
    member = s.nodes["llama3.2-1b_delta20"]
    assert member.needs == ["data_factual"] and member.coords["factual_lambda"] == 20
    assert member.settings == {
        "loss_type": "factual", "batch_size": 2, "gradient_accumulation": 16, "epochs": 3,
        "lr": 1.8e-6, "warmup_ratio": 0.25, "save_steps": 100, "logging_steps": 20,
        "max_length": 2048, **LORA, "factual_lambda": 20,
        "output_dir": str(models / "llama3.2-1b_delta20"), "wandb": "my-team/aixpert",
        "run_name": "FactualDPO_llama3.2-1b_delta20",
        "policy_model": "meta-llama/Llama-3.2-1B-Instruct",
        "dataset_dir": str(models / "data_factual"),
    }  # fmt: skip
    settings = plan.settings_of(s)  # every node's settings pass its command's dataclass
    assert settings["llama3.2-1b_delta20"]["factual_lambda"] == 20.0


def test_one_dataset_when_both_sections_read_the_same_files_and_run_flags(tmp_path):
    raw = config(**{"factual_dpo.paths": {"train": "data/train.jsonl", "eval": "data/eval.jsonl"}})
    s = spec.expand(raw, base=tmp_path)
    assert [n for n in s.nodes if n.startswith("data")] == ["data"]
    assert {n.settings["dataset_dir"] for n in s.nodes.values() if n.kind == "train:dpo"} == {
        str(tmp_path / "Models" / "data")
    }  # fmt: skip
    # pipeline run --data X --output-root D: one dataset for both, every output under D
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config()))
    export = tmp_path / "export.jsonl"
    export.write_text("{}\n")
    s = spec.load(path, data=export, output_root=tmp_path / "out")
    assert s.name == "config" and s.nodes["data"].settings["input"] == str(export)
    assert s.nodes["llama3.2-1b_delta0"].settings["output_dir"] == str(
        tmp_path / "out" / "llama3.2-1b_delta0"
    )
    assert s.nodes["data"].settings["output"] == str(tmp_path / "out" / "data")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"trainer": {}}, "aixpert config : unknown key(s) trainer"),
        ({"original_dpo.hyperparams.optim": "adamw_8bit"}, "original_dpo.hyperparams.optim: not"),
        ({"factual_dpo.hyperparams.lr_sched": "x"}, "factual_dpo.hyperparams.lr_sched: not"),
        (
            {"factual_dpo.hyperparams.lr": 1e-5},
            "hyperparams.lr: the same setting (lr) as learning_rate",
        ),
        ({"factual_dpo.deltas": []}, "factual_dpo.deltas: a non-empty list"),
        ({"factual_dpo.paths.train_file": None}, "factual_dpo.paths: needs the train file"),
        ({"original_dpo.paths.valid": "v.jsonl"}, "original_dpo.paths: unknown key(s) valid"),
        ({"wandb.team": "x"}, "wandb: unknown key(s) team"),
        ({"original_dpo.epochs": 1}, "original_dpo: unknown key(s) epochs"),
    ],
)
def test_what_cannot_be_honoured_is_one_line_naming_the_key(tmp_path, changes, message):
    with pytest.raises(AlignkitError) as err:
        spec.expand(config(**changes), base=tmp_path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_4bit_is_refused_where_there_is_no_cuda(tmp_path):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    with pytest.raises(AlignkitError) as err:
        spec.expand(CONFIG, base=tmp_path)
    assert str(err.value).startswith(
        "aixpert config original_dpo.hyperparams.load_in_4bit: --load-in-4bit (QLoRA) needs a "
        "CUDA GPU"
    )


# --- the whole thing on tiny-llama, through the CLI and a real worker, W&B offline ------------

FAST = {
    "max_steps": 2, "batch_size": 2, "max_seq_length": 64, "learning_rate": 0.01,
    "warmup_ratio": 0, "lora_r": 4, "lora_alpha": 8, "eval_steps": 1000, "save_steps": 1000,
    "logging_steps": 1,
}  # fmt: skip


def _rows(n: int, start: int, flipped: bool) -> list[dict]:
    out = []
    for i in range(start, start + n):
        good, bad = f"Paris is the capital of France ({i}).", f"Lyon is the capital ({i})."
        row = {"prompt": f"What is the capital of France? Case {i}.", "chosen": good,
               "rejected": bad, "h_w": 0, "h_l": 1}  # fmt: skip
        if flipped and i % 2:  # the preferred answer is the wrong one: Factual-DPO flips it
            row.update(chosen=bad, rejected=good, h_w=1, h_l=0)
        out.append(row)
    return out


@pytest.mark.slow
def test_the_config_runs_on_tiny_llama_with_wandb_run_names(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("wandb")
    from tests.jobs.test_pipeline_run import cli, completed
    from tests.jobs.test_runner import drain
    from tests.train.test_tracking import wandb_records

    files = [("train", 0, False), ("eval", 100, False)]
    files += [("train_flipped", 0, True), ("eval_flipped", 100, True)]
    for name, start, flipped in files:
        n = 8 if name.startswith("train") else 3
        rows = _rows(n, start, flipped)
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    raw = {
        "models": [{"id": "tiny-llama", "short": "tiny"}],
        "original_dpo": {
            "paths": {"train": "train.jsonl", "eval": "eval.jsonl", "output_root": "Models"},
            "hyperparams": {**FAST, "load_in_4bit": False, "beta": 0.1, "seed": 3407},
        },
        "factual_dpo": {
            "deltas": [0, 2],
            "paths": {
                "train_file": "train_flipped.jsonl",
                "eval_file": "eval_flipped.jsonl",
                "output_root": "Models",
            },  # fmt: skip
            "hyperparams": {**FAST, "per_device_train_batch_size": 2},
        },
        "wandb": {"project": "aixpert", "entity": "my-team", "run_prefix": "FactualDPO"},
    }
    del raw["factual_dpo"]["hyperparams"]["batch_size"]  # AIXpert's name for it instead
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    out = cli("pipeline", "run", str(path), "--json")
    assert [s["node"] for s in json.loads(out.stdout)] == [
        "data_original", "data_factual", "tiny_OriginalDPO", "tiny_delta0", "tiny_delta2"
    ]  # fmt: skip
    drain(timeout=900)
    assert "pipeline config: 5 completed" in completed("config")
    models = tmp_path / "Models"
    report = json.loads((models / "data_factual" / "schema_report.json").read_text())
    assert report["splits"] == {"train": 8, "eval": 3, "test": 0}  # as given, every row kept
    flags = [json.loads(line) for line in (models / "data_factual" / "train.jsonl").open()]
    assert sorted({(r["h_chosen"], r["h_rejected"]) for r in flags}) == [(0, 1), (1, 0)]
    for name in ("tiny_OriginalDPO", "tiny_delta0", "tiny_delta2"):
        run = models / name
        record = json.loads((run / "run.json").read_text())
        assert record["status"] == "succeeded"
        assert record["run_name"] == f"FactualDPO_{name}"
        info = record["tracking"]["wandb"]
        assert info["mode"] == "offline" and info["project"] == "aixpert"
        (head,) = [
            r.run
            for r in wandb_records(
                next((run / "wandb").glob(f"offline-run-*/run-{info['id']}.wandb"))
            )
            if r.WhichOneof("record_type") == "run"
        ]
        assert (head.project, head.entity, head.display_name) == (
            "aixpert", "my-team", f"FactualDPO_{name}"
        )  # fmt: skip
    config = [
        json.loads((models / n / "config.json").read_text()) for n in ("tiny_delta0", "tiny_delta2")
    ]
    assert [(c["loss_type"], c["factual_lambda"]) for c in config] == [
        ("factual", 0),
        ("factual", 2),
    ]
    original = json.loads((models / "tiny_OriginalDPO" / "config.json").read_text())
    assert (original["loss_type"], original["seed"], original["lora"]) == ("sigmoid", 3407, True)
