"""Models by name or path, offline and safe (safetensors only, no remote code unless asked).

Importing this package imports no torch; the heavy libraries load inside the functions."""

from alignkit.models.loading import (
    PLAIN_CHAT_TEMPLATE,
    load_causal_lm,
    load_reward_model,
    load_tokenizer,
)
from alignkit.models.lora import CAUSAL_LM, SEQ_CLS, apply_lora, lora_config
from alignkit.models.precision import (
    check_device_support,
    load_dtype,
    trainer_precision_flags,
    training_precision,
)
from alignkit.models.registry import MODELS, ModelSpec
from alignkit.models.resolve import models_cache_dir, resolve
from alignkit.models.settings import LoadSettings, ModelFields

__all__ = [
    "CAUSAL_LM",
    "MODELS",
    "PLAIN_CHAT_TEMPLATE",
    "SEQ_CLS",
    "LoadSettings",
    "ModelFields",
    "ModelSpec",
    "apply_lora",
    "check_device_support",
    "lora_config",
    "load_causal_lm",
    "load_dtype",
    "load_reward_model",
    "load_tokenizer",
    "models_cache_dir",
    "resolve",
    "trainer_precision_flags",
    "training_precision",
]
