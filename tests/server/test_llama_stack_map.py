"""The Llama Stack request mapping onto alignkit's settings: training_config.dtype."""

from __future__ import annotations

import pytest

from alignkit.errors import AlignkitError
from alignkit.server.llama_stack_map import dpo_settings
from alignkit.train.dpo import DPOSettings


def _settings(dtype):
    training = {"n_epochs": 1, "data_config": {"dataset_id": "d", "batch_size": 2, "shuffle": True}}
    if dtype is not None:
        training["dtype"] = dtype
    body = {"finetuned_model": "tiny-llama", "training_config": training}
    return dpo_settings(body, dataset_dir="data", output_dir="out")


@pytest.mark.parametrize(
    ("dtype", "precision"),
    [("bf16", "bf16"), ("bfloat16", "bf16"), ("fp16", "fp16"), ("fp32", "fp32"),
     ("float32", "fp32"), (None, "auto")],
)  # fmt: skip
def test_dtype_names_the_precision(dtype, precision):
    fields = _settings(dtype)
    # fp32 asked for is fp32, not auto (which picks bf16 on bf16 hardware)
    assert DPOSettings(**fields).precision == precision


def test_unknown_dtype_is_refused():
    with pytest.raises(AlignkitError, match="training_config.dtype"):
        _settings("int8")
