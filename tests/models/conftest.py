"""Fixtures for the model tests: torch is required (the `train` extra); packaged models skip
when their PyPI package is not installed."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("peft")


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text, text
    return text


@pytest.fixture
def tiny_llama_copy(tmp_path) -> Path:
    """A built tiny-llama copied to a plain folder (no alignkit marker), as a user's folder."""
    from alignkit.models import resolve

    dest = tmp_path / "my-model"
    shutil.copytree(resolve("tiny-llama"), dest)
    (dest / "alignkit-model.json").unlink()
    return dest


def require_package(module: str, pip_name: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{pip_name} is not installed")
