"""Loading a tokenizer for length rules, offline and without remote code."""

from __future__ import annotations

from functools import lru_cache

from alignkit.errors import AlignkitError


@lru_cache(maxsize=4)
def load_tokenizer(name_or_path: str):
    try:
        from transformers import AutoTokenizer
    except ImportError:
        raise AlignkitError(
            "--tokenizer needs transformers: pip install 'alignkit[train]'"
        ) from None
    try:
        return AutoTokenizer.from_pretrained(name_or_path, trust_remote_code=False)
    except Exception as exc:  # noqa: BLE001 - the Rust tokenizers library raises bare Exception
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AlignkitError(f"cannot load tokenizer '{name_or_path}': {first}") from None
