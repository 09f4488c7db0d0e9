"""--precision auto, every training method's default: bf16 mixed precision where the hardware
runs bf16 fast (a bf16 GPU, an AMX CPU, an AVX512-BF16 CPU where bf16 measured faster), fp32
elsewhere; ALIGNKIT_PRECISION overrides what auto picks (the suite sets fp32); an explicit
--precision / --bf16 / --fp16 wins. The hardware is monkeypatched: the tests decide the same
on every machine."""

from __future__ import annotations

import json

import pytest
import torch

from alignkit.errors import AlignkitError
from alignkit.models import precision
from alignkit.models.precision import (
    PRECISION_ENV,
    PrecisionChoice,
    choose_precision,
    inference_bf16,
)
from alignkit.train.rm import RMSettings
from tests.models.conftest import one_line


@pytest.fixture
def hardware(monkeypatch):
    """Set the machine: `hardware(cpu="amx"|"avx512_bf16"|None, gpu=None|"bf16"|"fp16",
    speedup=x)`; the suite's ALIGNKIT_PRECISION=fp32 is unset, so auto decides by hardware."""
    monkeypatch.delenv(PRECISION_ENV, raising=False)

    def set_machine(cpu=None, gpu=None, speedup=None):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: gpu is not None)
        monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: gpu == "bf16")
        monkeypatch.setattr(torch.cuda, "get_device_name", lambda *a: "Test GPU")
        monkeypatch.setattr(precision, "cpu_bf16_hardware", lambda: cpu)

        def probe():
            assert speedup is not None, "measured only for AVX512-BF16 without AMX"
            return speedup

        monkeypatch.setattr(precision, "cpu_bf16_speedup", probe)

    return set_machine


@pytest.mark.parametrize(
    ("machine", "expected", "reason"),
    [
        ({"cpu": "amx"}, "bf16", "auto: AMX bf16"),
        ({"cpu": None}, "fp32", "auto: no bf16 hardware"),
        ({"cpu": "avx512_bf16", "speedup": 0.27}, "fp32", "bf16 matmuls 0.27x fp32"),
        ({"cpu": "avx512_bf16", "speedup": 2.4}, "bf16", "bf16 matmuls 2.40x fp32"),
        ({"gpu": "bf16", "cpu": None}, "bf16", "auto: CUDA bf16 (Test GPU)"),
        ({"gpu": "fp16", "cpu": "amx"}, "fp32", "auto: GPU without bf16"),
    ],
)
def test_auto_follows_the_hardware(hardware, machine, expected, reason):
    hardware(**machine)
    choice = choose_precision("auto")
    assert choice.precision == expected and reason in choice.reason
    assert choice.reason.startswith("auto: ")
    assert precision.native_bf16() is (expected == "bf16")  # what the demo's auto asks


def test_the_environment_overrides_auto_but_not_an_explicit_choice(hardware, monkeypatch):
    hardware(cpu="amx")
    monkeypatch.setenv(PRECISION_ENV, "fp32")
    assert choose_precision() == PrecisionChoice("fp32", "auto: ALIGNKIT_PRECISION=fp32")
    assert choose_precision("bf16") == PrecisionChoice("bf16", "asked for bf16")
    monkeypatch.setenv(PRECISION_ENV, " BF16 ")
    hardware(cpu=None)
    assert choose_precision().precision == "bf16"
    monkeypatch.setenv(PRECISION_ENV, "auto")
    assert choose_precision() == PrecisionChoice("fp32", "auto: no bf16 hardware")
    monkeypatch.setenv(PRECISION_ENV, "fp8")
    with pytest.raises(AlignkitError, match="ALIGNKIT_PRECISION must be auto, fp32") as info:
        choose_precision()
    one_line(info.value)
    assert choose_precision("fp32").precision == "fp32"  # explicit: the variable is not read


def test_the_suite_runs_auto_as_fp32():
    # tests/conftest.py: tiny models never switch to bf16 on an AMX machine
    assert choose_precision() == PrecisionChoice("fp32", "auto: ALIGNKIT_PRECISION=fp32")


def test_eval_follows_auto_unless_told(hardware, monkeypatch):
    hardware(cpu="amx")
    assert inference_bf16(None) is True and inference_bf16(False) is False
    hardware(cpu=None)
    assert inference_bf16(None) is False and inference_bf16(True) is True
    monkeypatch.setenv(PRECISION_ENV, "fp16")  # inference autocast is bf16 or nothing
    assert inference_bf16(None) is False


def test_the_cpu_measurement_is_kept_per_cpu_torch_and_threads(monkeypatch):
    from alignkit.paths import cache_dir

    calls = []
    monkeypatch.setattr(precision, "_measure_speedup", lambda: calls.append(1) or 0.5)
    assert precision.cpu_bf16_speedup() == 0.5
    assert precision.cpu_bf16_speedup() == 0.5 and len(calls) == 1  # from the file
    kept = json.loads((cache_dir() / "precision-probe.json").read_text())
    (key,) = kept
    assert f"torch {torch.__version__}" in key and f"{torch.get_num_threads()} threads" in key
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(threads + 1)
        precision.cpu_bf16_speedup()
        assert len(calls) == 2  # another thread count: measured again
    finally:
        torch.set_num_threads(threads)
    assert len(json.loads((cache_dir() / "precision-probe.json").read_text())) == 2


def test_the_cpu_measurement_is_a_real_ratio():
    speedup = precision._measure_speedup.__wrapped__()
    assert isinstance(speedup, float) and 0.01 < speedup < 100


# -- the settings and the CLI ------------------------------------------------------------------


def test_precision_settings_and_their_aliases():
    assert RMSettings().precision == "auto" and not RMSettings().bf16
    s = RMSettings(bf16=True)
    assert s.precision == "bf16" and s.bf16 and not s.fp16
    s = RMSettings(precision="fp16")
    assert s.fp16 and not s.bf16
    assert RMSettings(precision="bf16", bf16=True).precision == "bf16"
    for kwargs, match in [
        ({"precision": "fp8"}, "--precision must be auto, fp32, bf16, fp16"),
        ({"precision": "fp32", "bf16": True}, "--bf16 and --precision fp32 exclude"),
        ({"bf16": True, "fp16": True}, "--bf16 and --fp16 exclude each other"),
    ]:
        with pytest.raises(AlignkitError, match=match) as info:
            RMSettings(**kwargs)
        one_line(info.value)
    # a saved config.json loads back to the same choice
    again = RMSettings(**{k: v for k, v in RMSettings(bf16=True).to_dict().items()})
    assert again.precision == "bf16" and again.bf16


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], "auto"),
        (["--precision", "fp32"], "fp32"),
        (["--precision", "bf16"], "bf16"),
        (["--bf16"], "bf16"),
        (["--fp16"], "fp16"),
    ],
)
def test_the_cli_flags(flags, expected):
    import typer
    from typer.testing import CliRunner

    from alignkit.cli.options import add_settings_command

    got = []
    app = typer.Typer()
    add_settings_command(app, "rm", RMSettings, got.append, "train")
    add_settings_command(app, "other", RMSettings, got.append, "train")  # typer wants two
    result = CliRunner().invoke(app, ["rm", *flags])
    assert result.exit_code == 0, result.output
    assert got[0].precision == expected


def test_training_arguments_and_the_loader_get_the_decided_precision(hardware):
    from alignkit.train.common import load_settings_of, training_arguments

    hardware(cpu="amx")
    auto = RMSettings()
    assert load_settings_of(auto).dtype == "bf16"
    args = training_arguments(auto, has_eval=False)
    assert args["bf16"] and not args["fp16"] and args["use_cpu"]  # CPU autocast needs use_cpu
    explicit = RMSettings(precision="fp32")
    assert load_settings_of(explicit).dtype == "fp32"
    assert not training_arguments(explicit, has_eval=False)["bf16"]
    hardware(cpu=None)
    assert not training_arguments(RMSettings(), has_eval=False)["bf16"]
    assert training_arguments(RMSettings(bf16=True), has_eval=False)["bf16"]  # the flag wins


def test_a_resume_where_auto_now_decides_otherwise_is_a_difference(hardware):
    from alignkit.train.common import differences

    hardware(cpu="amx")
    s = RMSettings(resume=True)
    config = json.loads(json.dumps(s.to_dict()))
    assert differences(s, "d", config, {"precision": "bf16"}) == []
    assert differences(s, "d", config, {"precision": "fp32"}) == ["precision (auto) fp32 -> bf16"]
    explicit = RMSettings(resume=True, precision="fp32")
    assert differences(explicit, "d", json.loads(json.dumps(explicit.to_dict())), {}) == []


# -- run.json ----------------------------------------------------------------------------------


def _rm_run(tmp_path, **kw):
    from transformers import TrainerCallback

    from alignkit.train import rm
    from tests.train.helpers import make_dataset

    seen = {}

    class Args(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            seen.update(bf16=args.bf16, fp16=args.fp16)

    settings = RMSettings(
        base_model="tiny-bert", dataset_dir=make_dataset(tmp_path, n=40),
        output_dir=tmp_path / "run", max_steps=2, batch_size=4, max_length=32,
        save_steps=100, eval_steps=100, logging_steps=1, **kw,
    )  # fmt: skip
    result = rm.train(settings, callbacks=[Args()])
    assert result.status == "succeeded"
    return json.loads((tmp_path / "run" / "run.json").read_text()), seen


def test_run_json_records_the_precision_and_why(tmp_path):
    info, seen = _rm_run(tmp_path)
    assert info["precision"] == "fp32"
    assert info["precision_reason"] == "auto: ALIGNKIT_PRECISION=fp32"
    assert seen == {"bf16": False, "fp16": False}
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["precision"] == "auto"  # the request; run.json has the decision


def test_run_json_records_auto_bf16_on_an_amx_machine(tmp_path, hardware):
    from alignkit.eval.rm import RMEvalSettings, evaluate

    hardware(cpu="amx")
    info, seen = _rm_run(tmp_path)
    assert (info["precision"], info["precision_reason"]) == ("bf16", "auto: AMX bf16")
    assert seen == {"bf16": True, "fp16": False}  # the Trainer really ran bf16 autocast
    # `alignkit eval rm` without --bf16 / --no-bf16 follows the same rule
    data, run = tmp_path / "data", str(tmp_path / "run")
    assert evaluate(RMEvalSettings(model=run, dataset_dir=data, split="eval")).report["bf16"]
    told = RMEvalSettings(model=run, dataset_dir=data, split="eval", bf16=False)
    assert evaluate(told).report["bf16"] is False


def test_an_fp16_override_on_a_cpu_is_refused_naming_it(hardware, monkeypatch):
    from alignkit.models import LoadSettings, check_device_support

    hardware(cpu="avx512_bf16")  # the probe is not run: the fixture's probe would fail
    check_device_support(LoadSettings())
    monkeypatch.setenv(PRECISION_ENV, "fp16")
    with pytest.raises(AlignkitError, match="ALIGNKIT_PRECISION=fp16 needs a CUDA GPU") as info:
        check_device_support(LoadSettings())
    one_line(info.value)
    with pytest.raises(AlignkitError, match="--fp16 needs a CUDA GPU"):
        check_device_support(LoadSettings(dtype="fp16"))


def test_eval_policy_follows_auto(tmp_path, hardware):
    """`alignkit eval policy` without --bf16 / --no-bf16 decides as training's auto does, and
    eval_policy.json's settings say what it decided."""
    from alignkit.eval.policy import PolicyEvalSettings, evaluate
    from tests.train.helpers import make_dataset

    data = make_dataset(tmp_path, n=20)
    common = dict(policy="tiny-llama", ref="tiny-llama", dataset_dir=data, split="eval",
                  num_prompts=0, max_length=64, output=tmp_path / "out")  # fmt: skip
    hardware(cpu="amx")
    assert evaluate(PolicyEvalSettings(**common)).report["settings"]["bf16"] is True
    told = evaluate(PolicyEvalSettings(**common, bf16=False))
    assert told.report["settings"]["bf16"] is False
    hardware(cpu=None)
    assert evaluate(PolicyEvalSettings(**common)).report["settings"]["bf16"] is False
