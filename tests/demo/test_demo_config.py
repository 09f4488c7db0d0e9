"""The demo's hyperparameters live only in its pipeline preset: configs/pipelines/demo.yaml is
a link to the packaged alignkit/demo/demo.yaml, and every settings object the demo builds
carries exactly that file's values (the stage's `settings` over the pipeline `defaults`), with
only the demo's run-time values over them."""

from __future__ import annotations

from dataclasses import asdict, fields
from pathlib import Path

import pytest
import yaml

from alignkit.commands import COMMANDS
from alignkit.demo import stages
from alignkit.demo.pipeline import DemoSettings

REPO = Path(__file__).resolve().parents[2]
LINK = REPO / "configs" / "pipelines" / "demo.yaml"
RAW = yaml.safe_load(LINK.read_text())
# what the demo itself sets over the file: its folders, seed, models, precision and the numbers
# DemoSettings (and --quick) decide
RUNTIME = {
    "dataset_dir", "output_dir", "policy", "model", "seed", "bf16", "base_model",
    "policy_model", "epochs", "lr", "num_prompts", "max_new_tokens",
}  # fmt: skip


def _expected(stage: str, out: Path) -> dict:
    body = RAW["stages"][stage]
    known = {f.name for f in fields(COMMANDS[body["command"]].settings_class())}
    values = {k: v for k, v in RAW["defaults"].items() if k in known}
    values.update(body.get("settings") or {})
    names = {
        "output_root": str(out),
        "rm": str(out / "rm"),
        "dpo": str(out / "dpo"),
        "eval_policy": str(out / "dpo" / "eval-oracle"),
    }
    return {k: v.format_map(names) if isinstance(v, str) else v for k, v in values.items()}


def _same(built, stage: str, out: Path) -> None:
    got = asdict(built)
    expected = _expected(stage, out)
    for key, value in expected.items():
        if key in RUNTIME:
            continue
        have = got[key]
        assert (str(have) if isinstance(have, Path) else have) == value, f"{stage}.{key}"


def test_the_repo_preset_is_the_packaged_file():
    assert LINK.is_symlink() and LINK.resolve() == stages.PRESET.resolve()
    assert stages.preset() == RAW
    pyproject = (REPO / "pyproject.toml").read_text()
    assert '"alignkit.demo" = ["demo.yaml"]' in pyproject


@pytest.mark.parametrize("quick", [False, True])
def test_the_demo_settings_carry_the_presets_values(tmp_path, quick):
    s = DemoSettings(output_dir=tmp_path, quick=quick, precision="fp32")
    _same(stages.rm_settings(s), "rm", tmp_path)
    _same(stages.dpo_settings(s), "dpo", tmp_path)
    _same(stages.rm_eval_settings(s), "eval_rm", tmp_path)
    _same(stages.policy_eval_settings(s, "eval_policy"), "eval_policy", tmp_path)
    _same(stages.policy_eval_settings(s, "eval_policy_rm"), "eval_policy_rm", tmp_path)
    ingest = stages.ingest_settings(s, tmp_path / "export.json")
    for key, value in RAW["data"]["ingest"].items():
        if key not in {"input", "shuffle_seed"}:
            assert ingest[key] == value, key
    report = stages.report_settings(s)
    assert report["title"] == RAW["stages"]["report"]["settings"]["title"]
    assert report["output"] == tmp_path / "report.html"


def test_the_full_demo_is_the_preset(tmp_path):
    """Without --quick the run-time values are the file's too: DemoSettings' defaults cannot
    drift from demo.yaml."""
    s = DemoSettings(output_dir=tmp_path, precision="fp32")
    built = {
        "rm": stages.rm_settings(s),
        "dpo": stages.dpo_settings(s),
        "eval_policy": stages.policy_eval_settings(s, "eval_policy"),
        "eval_policy_rm": stages.policy_eval_settings(s, "eval_policy_rm"),
    }
    for stage, settings in built.items():
        got = asdict(settings)
        for key, value in _expected(stage, tmp_path).items():
            have = got[key]
            assert (str(have) if isinstance(have, Path) else have) == value, f"{stage}.{key}"
    assert RAW["data"]["ingest"]["shuffle_seed"] == s.seed
    rm_eval = stages.rm_eval_settings(s)
    assert rm_eval.model == str(tmp_path / "rm") and rm_eval.dataset_dir == tmp_path / "data"
    # the rm-judged evaluation judges the oracle evaluation's answers, by the demo's rm
    by_rm = built["eval_policy_rm"]
    assert by_rm.judge == f"rm:{tmp_path / 'rm'}"
    assert by_rm.answers_from == tmp_path / "dpo" / "eval-oracle" / "generations.jsonl"
    assert built["eval_policy"].output == tmp_path / "dpo" / "eval-oracle"
    assert by_rm.output == tmp_path / "dpo" / "eval-rm"


def test_auto_precision_is_bf16_only_where_the_hardware_has_it(monkeypatch):
    from alignkit.demo.pipeline import DemoSettings
    from alignkit.models import precision

    monkeypatch.setattr(precision, "cuda_has_bf16", lambda: False)
    monkeypatch.setattr(precision, "cpu_has_native_bf16", lambda: False)
    assert DemoSettings().precision == "fp32"  # emulated bf16 is slower than fp32
    monkeypatch.setattr(precision, "cpu_has_native_bf16", lambda: True)
    assert DemoSettings().precision == "bf16" and DemoSettings().bf16
    monkeypatch.setattr(precision, "cpu_has_native_bf16", lambda: False)
    monkeypatch.setattr(precision, "cuda_has_bf16", lambda: True)
    assert DemoSettings().precision == "bf16"
    assert DemoSettings(precision="fp32").precision == "fp32"  # a given precision stays
