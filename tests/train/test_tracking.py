"""Trackers and the Hub push (alignkit.train.tracking, alignkit.train.hub): flags, the one-line
errors for a missing library (before anything loads), the environment put back, the model
card, a failed push that keeps the model. The README's Tracking commands run for real (slow):
W&B offline files in the run folder, MLflow's SQLite store and TensorBoard's events are read
back, each with the run's metrics and config."""

from __future__ import annotations

import json
import os
import re
import shlex
import struct
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from alignkit.errors import AlignkitError, DependencyError, HubError
from alignkit.train import hub, tracking
from alignkit.train.rm import RMSettings

ROOT = Path(__file__).resolve().parents[2]


def rm_settings(tmp_path, **kw) -> RMSettings:
    return RMSettings(dataset_dir=tmp_path, output_dir=tmp_path / "run", **kw)


# --- flags ---------------------------------------------------------------------------------


def test_tracking_flags(tmp_path):
    s = rm_settings(tmp_path, report_to=["mlflow,tensorboard", "mlflow"], tags="a, b,a")
    assert (s.report_to, s.tags) == (["mlflow", "tensorboard"], ["a", "b"])
    s = rm_settings(tmp_path, report_to=["none"], wandb="proj", run_name="rm_x")
    assert s.report_to == ["wandb"] and s.wandb == "proj"
    assert tracking.run_name(s) == "rm_x" and tracking.run_name(rm_settings(tmp_path)) == "run"
    with pytest.raises(AlignkitError, match="^--report-to must be wandb, mlflow or tensorboard"):
        rm_settings(tmp_path, report_to=["comet"])
    with pytest.raises(AlignkitError, match="^--push-to-hub wants a Hub repo id"):
        rm_settings(tmp_path, push_to_hub="a/b/c")
    assert rm_settings(tmp_path, push_to_hub="my-org/tiny-rm.v2").push_to_hub == "my-org/tiny-rm.v2"
    for name in ("wandb", "run_name", "tags", "push_to_hub", "report_to"):
        assert name in RMSettings.OPERATIONAL  # a resume may change them


WANDB_LINE = "--report-to wandb needs W&B: pip install 'alignkit[wandb]'"
MISSING = [
    ({"report_to": ["wandb"]}, ["wandb"], WANDB_LINE),
    ({"wandb": "proj"}, ["wandb"], WANDB_LINE),
    (
        {"report_to": ["mlflow"]},
        ["mlflow"],
        "--report-to mlflow needs MLflow: pip install 'alignkit[mlflow]'",
    ),
    (
        {"report_to": ["tensorboard"]},
        ["tensorboard", "tensorboardX"],
        "--report-to tensorboard needs TensorBoard: pip install 'alignkit[tensorboard]'",
    ),
    ({"deepspeed": "ds.json"}, ["deepspeed"], "--deepspeed needs DeepSpeed: pip install deepspeed"),
]


@pytest.mark.parametrize("kw, hidden, message", MISSING)
def test_a_missing_library_is_one_line(tmp_path, monkeypatch, kw, hidden, message):
    for name in hidden:  # as if not installed: find_spec answers None for these
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(DependencyError) as info:
        rm_settings(tmp_path, **kw)
    assert str(info.value) == message and info.value.code == "AK-DEPENDENCY"


def test_deepspeed_config_file_must_exist(tmp_path, monkeypatch):
    monkeypatch.setattr(tracking, "installed", lambda module: True)
    with pytest.raises(AlignkitError, match="^--deepspeed: no such config file: nope.json$"):
        rm_settings(tmp_path, deepspeed="nope.json")
    (tmp_path / "ds.json").write_text("{}")
    assert rm_settings(tmp_path, deepspeed=str(tmp_path / "ds.json")).deepspeed


def test_the_cli_says_it_in_one_line_before_anything_loads(tmp_path):
    """`hrm-hf dpo-train --wandb` with W&B missing: one line, exit 2, no run folder, and
    neither torch nor transformers imported."""
    code = (
        "import atexit, sys; sys.modules['wandb'] = None\n"
        "atexit.register(lambda: print('loaded', [m for m in ('torch', 'transformers') "
        "if m in sys.modules]))\n"
        "from alignkit.cli import main; main()"
    )
    out = tmp_path / "run"
    args = ["hrm-hf", "dpo-train", "--dataset-dir", str(tmp_path), "--output-dir", str(out)]
    result = subprocess.run(
        [sys.executable, "-c", code, *args, "--wandb", "proj"], capture_output=True, text=True
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "error: --report-to wandb needs W&B: pip install 'alignkit[wandb]' [AK-DEPENDENCY]"
    ]
    assert result.stdout.strip() == "loaded []" and not out.exists()


def test_tracker_environment_is_for_the_run_only(tmp_path, monkeypatch):
    s = rm_settings(tmp_path, report_to=["tensorboard"])
    t = tracking.start("rm", s, tmp_path / "run", None, main=False)
    assert os.environ["TENSORBOARD_LOGGING_DIR"] == str(tmp_path / "run" / "tensorboard")
    t.close("succeeded")
    assert "TENSORBOARD_LOGGING_DIR" not in os.environ
    monkeypatch.setenv("TENSORBOARD_LOGGING_DIR", str(tmp_path / "mine"))  # the user's wins
    t = tracking.start("rm", s, tmp_path / "run", None, main=False)
    assert os.environ["TENSORBOARD_LOGGING_DIR"] == str(tmp_path / "mine")
    t.close("failed")
    assert os.environ["TENSORBOARD_LOGGING_DIR"] == str(tmp_path / "mine")


# --- model card and push -------------------------------------------------------------------


def fake_run(tmp_path: Path, status: str = "succeeded") -> Path:
    """A run folder as a finished reward-model run leaves it, without training one."""
    data, run = tmp_path / "data", tmp_path / "run"
    data.mkdir()
    (run / "model").mkdir(parents=True)
    report = {
        "records": 100,
        "kept": 90,
        "dropped": {"duplicate": 6, "empty": 4},
        "input": {"format": "argilla", "kind": "preference"},
        "splits": {"train": 72, "eval": 9, "test": 9},
        "length_bias": {"chosen_longer_share": 0.62},
        "warnings": [],
    }
    (data / "schema_report.json").write_text(json.dumps(report))
    config = {
        "dataset_dir": str(data),
        "output_dir": str(run),
        "lr": 5e-5,
        "tags": ["hh"],
        "base_model": "org/base-rm",
        "report_to": [],
    }
    (run / "config.json").write_text(json.dumps(config))
    record = {
        "method": "rm",
        "status": status,
        "steps": 40,
        "duration_s": 12.5,
        "run_name": "rm_hh",
        "tracking": {
            "wandb": {"project": "p", "id": "abc", "url": None},
            "mlflow": {"run_id": "r1"},
        },
        "tags": ["hh"],
        "base_model": "org/base-rm",
        "dataset": {"digest": "d1g3st"},
        "versions": {"alignkit": "0.1.0", "trl": "1.16"},
        "final_metrics": {"eval_loss": 0.25, "eval_pair_auc": 0.9375, "eval_runtime": 1.0},
    }
    (run / "run.json").write_text(json.dumps(record))
    (run / "eval_rm.json").write_text(
        json.dumps(
            {"split": "test", "dataset_dir": str(data), "metrics": {"auc": 0.91, "ece": 0.04}}
        )
    )
    for name in ("config.json", "model.safetensors", "tokenizer.json", "training_args.bin"):
        (run / "model" / name).write_text("{}")
    return run


def test_model_card_holds_settings_data_and_eval(tmp_path):
    run = fake_run(tmp_path)
    folder = hub.write_card(run, "my-org/tiny-rm")
    card = (folder / "README.md").read_text()
    meta = yaml.safe_load(card.split("---")[1])
    assert meta["library_name"] == "transformers" and meta["base_model"] == "org/base-rm"
    assert meta["tags"] == ["alignkit", "trl", "reward-model", "hh"]
    assert meta["pipeline_tag"] == "text-classification"
    assert "# tiny-rm" in card and "| run name | rm_hh |" in card and "| steps | 40 |" in card
    assert "| W&B run | p/abc |" in card and "| MLflow run | r1 |" in card
    # eval figures: the final evaluation (no timings) and `alignkit eval rm`'s result
    assert "| eval_pair_auc | 0.9375 |" in card and "eval_runtime" not in card
    assert "| auc | 0.91 |" in card and "| ece | 0.04 |" in card
    # the data report
    assert "90 of 100 records kept from a `argilla` export" in card and "`d1g3st`" in card
    assert "| train | 72 |" in card and "| duplicate | 6 |" in card and "62% of pairs" in card
    # the settings, as YAML that reads back as the run's config.json
    block = re.search(r"```yaml\n(.*?)```", card, flags=re.S).group(1)
    assert yaml.safe_load(block) == json.loads((run / "config.json").read_text())


def test_a_card_without_data_report_or_eval(tmp_path):
    run = fake_run(tmp_path)
    (tmp_path / "data" / "schema_report.json").unlink()
    (run / "eval_rm.json").unlink()
    (run / "run.json").write_text(
        json.dumps(
            {
                "method": "dpo",
                "status": "succeeded",
                "dataset": {"files": {"train.jsonl": {"rows": 8}}},
            }
        )
    )
    (run / "model" / "adapter_config.json").write_text("{}")
    card = hub.model_card(run, "tiny-dpo")
    assert "library_name: peft" in card and "pipeline_tag: text-generation" in card
    assert "No evaluation split: no figures." in card and "| train.jsonl | 8 |" in card


def test_a_failed_push_keeps_the_model_and_says_so(tmp_path):
    """Offline (HF_HUB_OFFLINE=1, as every test runs): run.json keeps `succeeded` with the
    push's error, the model and its card stay, the CLI's error is one line."""
    from alignkit.train.common import recorded_result

    run = fake_run(tmp_path)
    before = json.loads((run / "run.json").read_text())
    result = hub.push_run(recorded_result(run, before), "my-org/tiny-rm")
    record = json.loads((run / "run.json").read_text())
    assert record["status"] == "succeeded" and record["steps"] == 40
    assert record["hub"]["pushed"] is False and record["hub"]["repo"] == "my-org/tiny-rm"
    assert record["hub"]["error"].startswith("OfflineModeIsEnabled: ")
    assert result.run["hub"] == record["hub"]
    assert (run / "model" / "model.safetensors").exists() and (run / "model" / "README.md").exists()
    with pytest.raises(HubError) as info:
        hub.raise_if_push_failed(result)
    message = str(info.value)
    assert "\n" not in message and info.value.code == "AK-HUB" and info.value.exit_code == 1
    assert message.startswith(f"pushing {run}/model to my-org/tiny-rm failed: OfflineModeIsEnabled")
    # a stopped run has no model to push: said, not tried
    stopped = hub.push_run(recorded_result(run, {**before, "status": "stopped"}), "my-org/x")
    assert stopped.run["hub"]["error"] == "the run stopped: no model"


def test_an_unreachable_hub_is_one_line(tmp_path):
    """Network on, but the endpoint refuses (huggingface_hub reads its endpoint at import:
    a fresh process)."""
    run = fake_run(tmp_path)
    code = (
        "import sys, json; from alignkit.train import hub\n"
        "print(json.dumps(hub.push(sys.argv[1], 'me/x')))"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "0", "HF_ENDPOINT": "http://127.0.0.1:9"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(run)], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    pushed = json.loads(out.stdout.splitlines()[-1])
    assert pushed["pushed"] is False and "\n" not in pushed["error"] and pushed["error"]


def test_the_pushed_folder(tmp_path, monkeypatch):
    """What a push uploads: the model folder with its card, without the pickle."""
    from huggingface_hub import HfApi, constants

    # online, as a user who pushes is (every test runs with HF_HUB_OFFLINE=1); the Hub is faked
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    calls = {}
    monkeypatch.setattr(HfApi, "create_repo", lambda self, repo, **kw: f"https://hub/{repo}")

    def upload(self, **kw):
        calls.update(kw, files=sorted(p.name for p in Path(kw["folder_path"]).iterdir()))
        return type("Commit", (), {"oid": "abc123"})()

    monkeypatch.setattr(HfApi, "upload_folder", upload)
    run = fake_run(tmp_path)
    assert hub.push(run, "my-org/tiny-rm") == {
        "repo": "my-org/tiny-rm",
        "pushed": True,
        "url": "https://hub/my-org/tiny-rm",
        "commit": "abc123",
    }
    assert calls["repo_id"] == "my-org/tiny-rm" and Path(calls["folder_path"]) == run / "model"
    assert "README.md" in calls["files"] and "training_args.bin" in hub.IGNORED


# --- the README's commands, for real (slow) ------------------------------------------------


def tracking_block() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Tracking\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S).group(1)
    lines = [line.split(" #")[0].strip() for line in block.replace("\\\n", " ").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def wandb_records(path: Path):
    """The records of a W&B transaction log (`run-<id>.wandb`: LevelDB-log framing, 32 KiB
    blocks of crc32/length/type-framed chunks, each record a protobuf `Record`)."""
    from wandb.proto import wandb_internal_pb2 as pb

    data = path.read_bytes()
    assert data[:4] == b":W&B"
    pos, block, pending = 7, 32768, b""
    while pos + 7 <= len(data):
        if block - pos % block < 7:  # a block's tail too short for a header is padding
            pos += block - pos % block
            continue
        _crc, length, kind = struct.unpack("<IHB", data[pos : pos + 7])
        if kind == 0:
            break
        pending += data[pos + 7 : pos + 7 + length]
        pos += 7 + length
        if kind in (1, 4):  # a full record, or the last chunk of one
            record = pb.Record()
            record.ParseFromString(pending)
            pending = b""
            yield record


def _items(items) -> dict:
    return {(i.key or "/".join(i.nested_key)): json.loads(i.value_json) for i in items}


@pytest.fixture(scope="module")
def readme_runs(tmp_path_factory):
    """Run the README's Tracking commands in a folder with `data/mine`, offline."""
    from tests.train.helpers import make_dataset

    root = tmp_path_factory.mktemp("tracking")
    (root / "data").mkdir()
    (root / "source").mkdir()
    make_dataset(root / "source", n=80).rename(root / "data" / "mine")
    env = {
        **os.environ,
        "ALIGNKIT_HOME": str(root / "home"),
        "ALIGNKIT_CACHE_DIR": str(root / "cache"),
        "ALIGNKIT_DATA_DIR": str(root / "akdata"),
        "HF_HOME": str(root / "hf"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "WANDB_SILENT": "true",
        "WANDB_CONFIG_DIR": str(root / "wandb-config"),
        "WANDB_CACHE_DIR": str(root / "wandb-cache"),
        "WANDB_DATA_DIR": str(root / "wandb-data"),
        "WANDB_MODE": "offline",  # as the README's export says; never the network in a test
    }
    for name in (
        "WANDB_API_KEY",
        "WANDB_DIR",
        "WANDB_PROJECT",
        "MLFLOW_TRACKING_URI",
        "MLFLOW_EXPERIMENT_NAME",
        "TENSORBOARD_LOGGING_DIR",
    ):
        env.pop(name, None)
    results = []
    for line in tracking_block():
        args = shlex.split(line)
        if args[0] == "export":
            name, _, value = args[1].partition("=")
            env[name] = value
            continue
        exe = {
            "alignkit": [sys.executable, "-m", "alignkit.cli"],
            "tensorboard": [str(Path(sys.executable).parent / "tensorboard")],
        }[args[0]]
        done = subprocess.run(
            [*exe, *args[1:]], cwd=root, env=env, capture_output=True, text=True, timeout=600
        )
        results.append((args, done))
    return root, results


def _run(readme_runs, output_dir: str):
    root, results = readme_runs
    for args, done in results:
        if args[0] == "alignkit" and output_dir in args:
            run = root / output_dir
            return run, done, json.loads((run / "run.json").read_text())
    raise AssertionError(f"no README command writes {output_dir}")


def _losses(run: Path) -> dict[int, float]:
    lines = (run / "metrics.jsonl").read_text().splitlines()
    return {r["step"]: r["loss"] for r in map(json.loads, lines) if "loss" in r}


@pytest.mark.slow
def test_readme_tracking_commands_succeed(readme_runs):
    _root, results = readme_runs
    assert [a[0] for a, _ in results] == ["alignkit", "tensorboard", "alignkit", "alignkit"]
    for args, done in results[:-1]:
        assert done.returncode == 0, (args, done.stderr[-3000:])
    run, _done, record = _run(readme_runs, "artifacts/rm/tracked")
    assert record["status"] == "succeeded" and record["steps"] == 20
    assert (record["run_name"], record["tags"]) == ("rm_tiny", ["baseline", "tiny"])
    assert set(record["tracking"]) == {"wandb", "mlflow", "tensorboard"}
    assert "train/loss" in results[1][1].stdout  # tensorboard --inspect lists the scalars


@pytest.mark.slow
def test_wandb_offline_files_hold_metrics_and_config(readme_runs):
    run, _done, record = _run(readme_runs, "artifacts/rm/tracked")
    info = record["tracking"]["wandb"]
    assert info["mode"] == "offline" and info["project"] == "alignkit" and info["url"] is None
    folder = Path(info["dir"])
    assert folder.parent == run / "wandb" and folder.name.startswith("offline-run-")
    records = list(wandb_records(folder / f"run-{info['id']}.wandb"))
    (head,) = [r.run for r in records if r.WhichOneof("record_type") == "run"]
    assert (head.project, head.display_name, list(head.tags)) == (
        "alignkit",
        "rm_tiny",
        ["baseline", "tiny"],
    )
    config = _items(head.config.update)
    for r in records:
        if r.WhichOneof("record_type") == "config":
            config.update(_items(r.config.update))
    assert config["alignkit"] == json.loads((run / "config.json").read_text())
    assert config["method"] == "rm" and config["alignkit"]["max_steps"] == 20
    assert config["learning_rate"] == 2e-5  # the Trainer's arguments beside them
    history = [_items(r.history.item) for r in records if r.WhichOneof("record_type") == "history"]
    logged = {h["train/global_step"]: h["train/loss"] for h in history if "train/loss" in h}
    assert logged == pytest.approx(_losses(run)) and len(logged) == 2  # every 10 steps of 20
    assert any("eval/loss" in h for h in history)
    summary = {}
    for r in records:
        if r.WhichOneof("record_type") == "summary":
            summary.update(_items(r.summary.update))
    assert summary["alignkit/status"] == "succeeded"
    assert summary["eval/loss"] == pytest.approx(record["final_metrics"]["eval_loss"])
    # the alias with --wandb: W&B only, in that project
    _run2, _done, aliased = _run(readme_runs, "artifacts/rm/wandb")
    assert (
        set(aliased["tracking"]) == {"wandb"}
        and aliased["tracking"]["wandb"]["project"] == "my-project"
    )
    assert aliased["run_name"] == "rm_wandb"


@pytest.mark.slow
def test_mlflow_store_holds_run_params_metrics_and_model(readme_runs):
    from mlflow import MlflowClient

    root, _results = readme_runs
    run, _done, record = _run(readme_runs, "artifacts/rm/tracked")
    info = record["tracking"]["mlflow"]
    assert info["tracking_uri"] == f"sqlite:///{root / 'akdata' / 'mlflow' / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=info["tracking_uri"])
    got = client.get_run(info["run_id"])
    assert got.info.status == "FINISHED" and got.info.run_name == "rm_tiny"
    assert client.get_experiment(got.info.experiment_id).name == "alignkit"
    tags = got.data.tags
    assert tags["alignkit.method"] == "rm" and tags["alignkit.tags"] == "baseline,tiny"
    assert {"baseline", "tiny"} <= set(tags) and tags["alignkit.status"] == "succeeded"
    params = got.data.params
    assert params["alignkit.max_steps"] == "20" and params["alignkit.base_model"] == "tiny-bert"
    assert params["alignkit.report_to"] == '["wandb", "mlflow", "tensorboard"]'
    assert params["learning_rate"] == "2e-05"  # the Trainer's own
    history = {m.step: m.value for m in client.get_metric_history(info["run_id"], "loss")}
    assert history == pytest.approx(_losses(run))
    assert got.data.metrics["eval_loss"] == pytest.approx(record["final_metrics"]["eval_loss"])
    files = {a.path for a in client.list_artifacts(info["run_id"], "model")}
    assert {"model/model.safetensors", "model/config.json", "model/tokenizer.json"} <= files
    assert "model/training_args.bin" not in files
    local = Path(client.download_artifacts(info["run_id"], "model/config.json", str(root / "dl")))
    assert local.read_bytes() == (run / "model" / "config.json").read_bytes()


@pytest.mark.slow
def test_tensorboard_events_hold_metrics_and_config(readme_runs):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run, _done, record = _run(readme_runs, "artifacts/rm/tracked")
    logdir = Path(record["tracking"]["tensorboard"]["logging_dir"])
    assert logdir == run / "tensorboard"
    events = EventAccumulator(str(logdir), size_guidance={"scalars": 0, "tensors": 0})
    events.Reload()
    losses = {e.step: e.value for e in events.Scalars("train/loss")}
    assert losses == pytest.approx(_losses(run), rel=1e-6)
    assert "eval/loss" in events.Tags()["scalars"]
    text = events.Tensors("alignkit/config/text_summary")[0].tensor_proto.string_val[0].decode()
    config = json.loads(text.removeprefix("```json\n").removesuffix("\n```"))
    assert config["method"] == "rm" and config["settings"] == json.loads(
        (run / "config.json").read_text()
    )
    name = events.Tensors("alignkit/run_name/text_summary")[0].tensor_proto.string_val[0]
    assert name == b"rm_tiny"


@pytest.mark.slow
def test_readme_push_fails_offline_in_one_line_and_keeps_the_model(readme_runs):
    run, done, record = _run(readme_runs, "artifacts/rm/hub")
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [done.stderr.strip().splitlines()[-1]] and "Traceback" not in done.stderr
    assert errors[0].startswith("error: pushing artifacts/rm/hub/model to my-org/tiny-rm failed: ")
    assert errors[0].endswith("[AK-HUB]") and "OfflineModeIsEnabled" in errors[0]
    assert record["status"] == "succeeded" and record["hub"]["pushed"] is False
    assert (run / "model" / "model.safetensors").exists()
    card = (run / "model" / "README.md").read_text()
    assert "# tiny-rm" in card and "push_to_hub: my-org/tiny-rm" in card
    assert "| eval_pair_auc |" in card and "| train | 64 |" in card


@pytest.mark.slow
def test_a_resumed_run_continues_its_tracker_runs_and_a_finished_one_pushes_again(tmp_path):
    import shutil

    from mlflow import MlflowClient

    from alignkit.train import rm
    from tests.train.helpers import make_dataset

    kw = dict(base_model="tiny-bert", dataset_dir=make_dataset(tmp_path, n=48),
              output_dir=tmp_path / "run", max_steps=4, save_steps=2, logging_steps=1,
              eval_steps=100, max_length=64, report_to=["mlflow", "wandb"])  # fmt: skip
    first = rm.train(RMSettings(**kw)).run["tracking"]
    run = tmp_path / "run"
    shutil.rmtree(run / "checkpoint-4")  # as if killed after the checkpoint of step 2
    shutil.rmtree(run / "model")
    second = rm.train(RMSettings(**kw, resume=True))
    assert second.status == "succeeded" and second.run["resumed_from"].endswith("checkpoint-2")
    again = second.run["tracking"]
    assert again["mlflow"]["run_id"] == first["mlflow"]["run_id"] and again["mlflow"]["resumed"]
    assert again["wandb"]["id"] == first["wandb"]["id"]
    client = MlflowClient(tracking_uri=again["mlflow"]["tracking_uri"])
    assert client.get_run(again["mlflow"]["run_id"]).info.status == "FINISHED"
    steps = [m.step for m in client.get_metric_history(again["mlflow"]["run_id"], "loss")]
    assert sorted(set(steps)) == [1, 2, 3, 4] and steps.count(4) == 2  # 3-4 logged again
    # the finished run, asked to push: nothing trained again, the push tried and recorded
    third = rm.train(RMSettings(**kw, resume=True, push_to_hub="my-org/tiny-rm"))
    assert third.steps == 4 and third.run["hub"]["pushed"] is False
    record = json.loads((run / "run.json").read_text())
    assert record["status"] == "succeeded" and record["hub"] == third.run["hub"]
    assert (run / "model" / "README.md").exists()
