"""Load a policy (causal LM) or a reward model (1-label sequence classifier) with its tokenizer.

Every load is offline and safe: `use_safetensors=True`, `local_files_only=True`, and
`trust_remote_code` only when the settings ask for it. Models come back without LoRA adapters:
give TRL `lora_config(settings, ...)` as its `peft_config`, or wrap with `apply_lora`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from alignkit.errors import AlignkitError
from alignkit.models.precision import check_device_support, load_dtype, training_precision
from alignkit.models.resolve import resolve
from alignkit.models.settings import LoadSettings

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

# Encoder-only types that transformers would still build as a (decoder-less) "causal LM".
ENCODER_TYPES = frozenset(
    {"albert", "bert", "camembert", "deberta", "deberta-v2", "distilbert", "electra"}
    | {"modernbert", "mpnet", "roberta", "xlm-roberta"}
)

# For reward-model backbones without a chat template (encoders such as MiniLM), so that
# chat-formatted preference data can still be rendered to text.
PLAIN_CHAT_TEMPLATE = (
    "{% for message in messages %}{{ message['role'] | capitalize }}: "
    "{{ message['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}Assistant: {% endif %}"
)


def load_tokenizer(
    path: Path,
    *,
    trust_remote_code: bool = False,
    padding_side: Literal["left", "right"] = "right",
) -> PreTrainedTokenizerBase:
    """The tokenizer in `path`, with a pad token (the eos token when it has none) and
    `padding_side` set: "right" for training, "left" for batched generation."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(
        path, local_files_only=True, trust_remote_code=trust_remote_code
    )
    if tokenizer.pad_token is None:
        fallback = tokenizer.eos_token or tokenizer.sep_token or tokenizer.unk_token
        if fallback is None:
            raise AlignkitError(
                f"the tokenizer in '{path}' has no pad, eos or unk token to pad with"
            )
        tokenizer.pad_token = fallback
    tokenizer.padding_side = padding_side
    return tokenizer


def load_causal_lm(
    name_or_path: str, settings: LoadSettings | None = None
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """A causal LM (the policy) and its tokenizer, ready to train."""
    from transformers import AutoModelForCausalLM
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    settings = settings or LoadSettings()
    check_device_support(settings)
    path = resolve(name_or_path, trust_remote_code=settings.trust_remote_code)
    _check_architecture(
        path, name_or_path, settings, MODEL_FOR_CAUSAL_LM_MAPPING_NAMES, "a causal LM"
    )
    model = AutoModelForCausalLM.from_pretrained(path, **_load_kwargs(settings))
    tokenizer = load_tokenizer(path, trust_remote_code=settings.trust_remote_code)
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    if model.generation_config is not None and model.generation_config.pad_token_id is None:
        model.generation_config.pad_token_id = tokenizer.pad_token_id
    return _prepare_for_training(model, settings), tokenizer


def load_reward_model(
    name_or_path: str, settings: LoadSettings | None = None
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """A sequence classifier with one output (the reward) and its tokenizer. Works for encoders
    (MiniLM, tiny-bert) and decoders (tiny-llama, SmolLM2: the score head reads the last
    non-pad token, so `config.pad_token_id` is set). A tokenizer without a chat template gets
    PLAIN_CHAT_TEMPLATE ("User: ...\\nAssistant: ...")."""
    from transformers import AutoModelForSequenceClassification
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES,
    )

    settings = settings or LoadSettings()
    check_device_support(settings)
    path = resolve(name_or_path, trust_remote_code=settings.trust_remote_code)
    _check_architecture(
        path,
        name_or_path,
        settings,
        MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES,
        "a reward model",
    )
    tokenizer = load_tokenizer(path, trust_remote_code=settings.trust_remote_code)
    if not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = PLAIN_CHAT_TEMPLATE
    model = AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=1, **_load_kwargs(settings)
    )
    model.config.pad_token_id = tokenizer.pad_token_id
    return _prepare_for_training(model, settings), tokenizer


def _load_kwargs(settings: LoadSettings) -> dict:
    import torch

    kwargs = {
        "use_safetensors": True,
        "local_files_only": True,
        "trust_remote_code": settings.trust_remote_code,
        "dtype": load_dtype(settings),
    }
    if settings.load_in_4bit:
        from transformers import BitsAndBytesConfig

        compute = torch.bfloat16 if training_precision(settings) == "bf16" else torch.float16
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=compute,
        )
        kwargs["device_map"] = {"": torch.cuda.current_device()}
    return kwargs


def _check_architecture(path: Path, label: str, settings, mapping, role: str) -> None:
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(
        path, local_files_only=True, trust_remote_code=settings.trust_remote_code
    )
    encoder_as_policy = role == "a causal LM" and config.model_type in ENCODER_TYPES
    unknown = config.model_type not in mapping and not getattr(config, "auto_map", None)
    if encoder_as_policy or unknown:
        raise AlignkitError(f"model '{label}' ({config.model_type}) cannot be loaded as {role}")


def _prepare_for_training(model, settings: LoadSettings):
    if settings.load_in_4bit:
        from peft import prepare_model_for_kbit_training

        return prepare_model_for_kbit_training(
            model,
            use_gradient_checkpointing=settings.gradient_checkpointing,
            gradient_checkpointing_kwargs={"use_reentrant": False},
        )
    if settings.gradient_checkpointing:
        model.activation_checkpointing_enable(
            activation_checkpointing_kwargs={"use_reentrant": False}
        )
        model.config.use_cache = False
    return model
