"""Load a policy (causal LM) or a reward model (1-label sequence classifier) with its tokenizer.

Every load is offline and safe: `use_safetensors=True`, `local_files_only=True`, and
`trust_remote_code` only when the settings ask for it. Models come back without LoRA adapters:
give TRL `lora_config(settings, ...)` as its `peft_config`, or wrap with `apply_lora`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from alignkit.errors import AlignkitError
from alignkit.models.integrity import first_line, one_line_errors, read_config
from alignkit.models.precision import check_device_support, load_dtype, training_precision
from alignkit.models.resolve import resolve
from alignkit.models.settings import LoadSettings
from alignkit.models.tokenize import ENCODER_TYPES

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

log = logging.getLogger(__name__)

# Files a tokenizer is read from; a folder with none of them has no tokenizer at all.
TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.*", "*.model", "merges.txt")

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

    # the Rust tokenizers library raises a bare Exception for a malformed tokenizer.json
    with one_line_errors(f"the tokenizer in '{path}'", any_error=True):
        try:
            tokenizer = AutoTokenizer.from_pretrained(
                path, local_files_only=True, trust_remote_code=trust_remote_code
            )
        except Exception:
            if not any(p for pattern in TOKENIZER_FILES for p in Path(path).glob(pattern)):
                raise AlignkitError(
                    f"model folder '{path}' has no tokenizer files (tokenizer.json, "
                    "tokenizer.model, vocab.*); copy them from the model's source"
                ) from None
            raise
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
    # the tokenizer first: it is quick, and a folder without one fails before the weights load
    tokenizer = load_tokenizer(path, trust_remote_code=settings.trust_remote_code)
    model = _from_pretrained(AutoModelForCausalLM, path, name_or_path, settings, new_head=False)
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    if model.generation_config is not None and model.generation_config.pad_token_id is None:
        model.generation_config.pad_token_id = tokenizer.pad_token_id
    return _prepare_for_training(model, settings), tokenizer


def load_reward_model(
    name_or_path: str, settings: LoadSettings | None = None, *, new_head: bool = True
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """A sequence classifier with one output (the reward) and its tokenizer. Works for encoders
    (MiniLM, tiny-bert) and decoders (tiny-llama, SmolLM2: the score head reads the last
    non-pad token, so `config.pad_token_id` is set). A tokenizer without a chat template gets
    PLAIN_CHAT_TEMPLATE ("User: ...\\nAssistant: ...").

    `new_head`: a base LM or encoder has no reward head, so its head starts from random weights
    (what training a reward model means); with `new_head=False` (scoring with a trained reward
    model) a missing head is an error too. Any other missing or unexpected weight always is."""
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
    model = _from_pretrained(
        AutoModelForSequenceClassification,
        path,
        name_or_path,
        settings,
        new_head=new_head,
        num_labels=1,
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
    import transformers
    from transformers import AutoConfig
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES

    raw = read_config(path, label)
    model_type, remote = raw.get("model_type"), bool(raw.get("auto_map"))
    if not remote and not model_type:
        raise AlignkitError(f"model folder '{label}': config.json has no model_type")
    if not remote and model_type not in CONFIG_MAPPING_NAMES:
        raise AlignkitError(
            f"model folder '{label}' has model_type '{model_type}', which transformers "
            f"{transformers.__version__} does not know (a typo in config.json, or a newer "
            "transformers is needed)"
        )
    with one_line_errors(f"the config.json of model folder '{label}'"):
        config = AutoConfig.from_pretrained(
            path, local_files_only=True, trust_remote_code=settings.trust_remote_code
        )
    encoder_as_policy = role == "a causal LM" and config.model_type in ENCODER_TYPES
    unknown = config.model_type not in mapping and not getattr(config, "auto_map", None)
    if encoder_as_policy or unknown:
        raise AlignkitError(f"model '{label}' ({config.model_type}) cannot be loaded as {role}")


def _from_pretrained(auto_class, path: Path, label: str, settings, *, new_head: bool, **kw):
    """`auto_class.from_pretrained` that refuses weights which do not fit the config: by
    default transformers fills every missing weight with random values and drops every
    unexpected one with a warning, so a llama config beside BERT weights would train from
    scratch and look like a success."""
    # mismatched shapes come back in the loading info (one line below) instead of as
    # transformers' RuntimeError that points at a report printed above it
    kwargs = {**_load_kwargs(settings), **kw, "ignore_mismatched_sizes": True}
    with one_line_errors(f"model folder '{label}'"):
        model, info = auto_class.from_pretrained(path, output_loading_info=True, **kwargs)
    problems = loading_problems(model, info, new_head=new_head)
    if problems:
        raise AlignkitError(
            f"model folder '{label}': its weights do not fit its config.json "
            f"({config_name(model)}): {'; '.join(problems)}; transformers would fill missing "
            "or resized weights with random values and drop unexpected ones"
        )
    head = sorted(info.get("missing_keys") or ()) + [
        m[0] for m in info.get("mismatched_keys") or ()
    ]
    if head:
        log.info("model '%s': a new head starts from random weights (%s)", label, _some(head))
    return model


def config_name(model) -> str:
    return f"{model.config.model_type}, {type(model).__name__}"


def loading_problems(model, info: dict, *, new_head: bool) -> list[str]:
    """What is wrong in transformers' loading info, as short phrases; empty when the load is
    whole. With `new_head`, weights of the task head (a reward model's score/classifier, which a
    base LM or encoder does not have) may be missing or resized, and another task's head in the
    checkpoint (an LM head, an MLM head) may be left unused: only the body must match."""
    in_body = _body_test(model) if new_head else (lambda key: True)
    missing = sorted(k for k in info.get("missing_keys") or () if in_body(k))
    unexpected = sorted(k for k in info.get("unexpected_keys") or () if in_body(k))
    mismatched = sorted(
        (entry[0], *entry[1:]) for entry in info.get("mismatched_keys") or () if in_body(entry[0])
    )
    problems = []
    if missing:
        problems.append(f"{len(missing)} missing ({_some(missing)})")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected ({_some(unexpected)})")
    if mismatched:
        shown = [f"{k} {list(a)} vs {list(b)}" for k, a, b in mismatched]
        problems.append(f"{len(mismatched)} of another shape, file vs config ({_some(shown)})")
    problems += [first_line(Exception(m)) for m in info.get("error_msgs") or ()]
    return problems


# Parts of a base model that its task heads bring up to date and that checkpoints of other
# tasks often lack: BERT's pooler is absent from MLM checkpoints and trained with the head.
HEAD_PARTS_OF_BASE = frozenset({"pooler"})


def _body_test(model):
    """A test for "this weight name belongs to the base model", for names with or without the
    base model's prefix (`bert.`/`model.`): checkpoints of a bare base model store them
    without it."""
    prefix = getattr(model, "base_model_prefix", "")
    base = getattr(model, prefix, None) if prefix else None
    if base is None:  # no separate base: every weight is body
        return lambda key: True
    top = {name for name, _ in base.named_children()}
    top |= {name for name, _ in base.named_parameters(recurse=False)}
    top |= {name for name, _ in base.named_buffers(recurse=False)}
    top -= HEAD_PARTS_OF_BASE

    def in_body(key: str) -> bool:
        parts = key.split(".")
        if parts[0] == prefix:
            parts = parts[1:]
        return bool(parts) and parts[0] in top

    return in_body


def _some(keys: list[str], n: int = 2) -> str:
    return ", ".join(keys[:n]) + (", ..." if len(keys) > n else "")


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
