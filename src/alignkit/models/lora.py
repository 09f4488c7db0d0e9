"""LoRA adapters through PEFT."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alignkit.models.settings import LoadSettings

if TYPE_CHECKING:
    import peft

CAUSAL_LM = "CAUSAL_LM"
SEQ_CLS = "SEQ_CLS"


def lora_config(settings: LoadSettings, task_type: str) -> peft.LoraConfig | None:
    """The LoraConfig for `settings` (None without --lora). `task_type` is "CAUSAL_LM" for
    policies and "SEQ_CLS" for reward models (PEFT then also trains the score head)."""
    if not settings.lora:
        return None
    from peft import LoraConfig

    return LoraConfig(
        r=settings.lora_r,
        lora_alpha=settings.lora_alpha,
        lora_dropout=settings.lora_dropout,
        target_modules=settings.lora_targets or "all-linear",
        task_type=task_type,
        bias="none",
    )


def apply_lora(model, settings: LoadSettings, task_type: str):
    """`model` wrapped with LoRA adapters (returned unchanged without --lora). Trainers that take
    a `peft_config` (TRL) can be given `lora_config(...)` instead of a wrapped model."""
    config = lora_config(settings, task_type)
    if config is None:
        return model
    from peft import get_peft_model

    from alignkit.errors import AlignkitError

    if settings.gradient_checkpointing:
        model.enable_input_require_grads()  # frozen embeddings would cut the gradient path
    try:
        return get_peft_model(model, config)
    except ValueError as exc:  # e.g. --lora-targets naming modules the model does not have
        raise AlignkitError(f"LoRA: {str(exc).splitlines()[0]}") from exc
