from __future__ import annotations

import inspect

import pytest
import torch

from alignkit.errors import AlignkitError
from alignkit.models import (
    LoadSettings,
    check_device_support,
    load_causal_lm,
    load_dtype,
    load_reward_model,
    lora_config,
    trainer_precision_flags,
    training_precision,
)
from tests.models.conftest import one_line


@pytest.fixture
def cpu_only(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


def test_defaults_are_safe():
    settings = LoadSettings()
    assert settings.trust_remote_code is False
    assert settings.dtype == "auto" and settings.lora is False and settings.load_in_4bit is False
    for func in (load_causal_lm, load_reward_model):
        assert inspect.signature(func).parameters["settings"].default is None  # LoadSettings()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dtype": "fp8"}, "dtype must be one of"),
        ({"lora_r": 0}, "--lora-r"),
        ({"lora_r": 2.5}, "--lora-r"),
        ({"lora_alpha": -1}, "--lora-alpha"),
        ({"lora_dropout": 1.0}, "--lora-dropout"),
        ({"lora_targets": []}, "--lora-targets"),
        ({"lora_targets": "q_proj,,v_proj"}, "--lora-targets"),
        ({"load_in_4bit": True}, "--load-in-4bit needs --lora"),
    ],
)
def test_bad_settings_fail_in_one_line(kwargs, match):
    with pytest.raises(AlignkitError, match=match) as info:
        LoadSettings(**kwargs)
    one_line(info.value)
    if "dtype" not in kwargs:  # a training method's settings: the same fields, the same check
        from alignkit.train.dpo import DPOSettings

        with pytest.raises(AlignkitError, match=match):
            DPOSettings(**kwargs)


def test_the_model_fields_are_declared_once():
    """Loader and training methods share ModelFields: one flag, help and check per field, flat
    in the methods' settings (so their CLI flags and config keys are these names)."""
    from dataclasses import fields

    from alignkit.models import ModelFields
    from alignkit.train.common import load_settings_of
    from alignkit.train.settings import CommonSettings

    model = {f.name: f for f in fields(ModelFields)}
    common = {f.name: f for f in fields(CommonSettings)}
    assert all(common[name].metadata == f.metadata for name, f in model.items())
    assert [n for n in common if n in model] == list(model)  # together, after the run's fields
    settings = CommonSettings(lora=True, lora_targets="q_proj, v_proj", fp16=True, lora_r=4)
    load = load_settings_of(settings)
    assert load.dtype == "fp16" and load.model_fields() == settings.model_fields()
    assert load.lora_targets == ["q_proj", "v_proj"] and load.lora_r == 4


def test_lora_targets_from_a_comma_list():
    assert LoadSettings(lora_targets="q_proj, v_proj").lora_targets == ["q_proj", "v_proj"]


def test_fp16_on_cpu_is_refused(cpu_only):
    with pytest.raises(AlignkitError, match="CPU has no fp16 training") as info:
        check_device_support(LoadSettings(dtype="fp16"))
    one_line(info.value)
    with pytest.raises(AlignkitError, match="fp16"):
        load_causal_lm("tiny-llama", LoadSettings(dtype="fp16"))


def test_4bit_on_cpu_is_refused(cpu_only):
    settings = LoadSettings(lora=True, load_in_4bit=True)
    with pytest.raises(AlignkitError, match="needs a CUDA GPU and bitsandbytes") as info:
        check_device_support(settings)
    one_line(info.value)
    with pytest.raises(AlignkitError, match="--load-in-4bit"):
        load_reward_model("tiny-bert", settings)


def test_4bit_without_bitsandbytes_is_refused(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "bitsandbytes" else real(name)
    )
    with pytest.raises(AlignkitError, match="pip install bitsandbytes") as info:
        check_device_support(LoadSettings(lora=True, load_in_4bit=True))
    one_line(info.value)


def test_bf16_and_fp32_are_fine_on_cpu(cpu_only):
    check_device_support(LoadSettings(dtype="bf16"))
    check_device_support(LoadSettings())
    assert training_precision(LoadSettings()) == "fp32"
    assert trainer_precision_flags(LoadSettings()) == {"bf16": False, "fp16": False}
    assert trainer_precision_flags(LoadSettings(dtype="bf16")) == {"bf16": True, "fp16": False}


def test_load_dtype_keeps_trained_weights_fp32(cpu_only):
    assert load_dtype(LoadSettings()) == torch.float32
    assert load_dtype(LoadSettings(dtype="bf16")) == torch.float32
    assert load_dtype(LoadSettings(dtype="bf16", lora=True)) == torch.bfloat16


def test_lora_config():
    assert lora_config(LoadSettings(), "CAUSAL_LM") is None
    config = lora_config(LoadSettings(lora=True, lora_r=4, lora_alpha=8), "CAUSAL_LM")
    assert config.r == 4 and config.lora_alpha == 8 and config.lora_dropout == 0.05
    assert config.target_modules == "all-linear"
    assert config.task_type == "CAUSAL_LM"
    targeted = lora_config(LoadSettings(lora=True, lora_targets=["q_proj"]), "SEQ_CLS")
    assert set(targeted.target_modules) == {"q_proj"}
