"""Where alignkit keeps its files. Every directory can be moved with an environment variable,
which is also how the test suite isolates itself (tests/conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path


def home_dir() -> Path:
    return Path(os.environ.get("ALIGNKIT_HOME", Path.home() / ".alignkit")).expanduser()


def cache_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "alignkit"
    return Path(os.environ.get("ALIGNKIT_CACHE_DIR", default)).expanduser()


def data_dir() -> Path:
    return Path(os.environ.get("ALIGNKIT_DATA_DIR", home_dir() / "data")).expanduser()
