"""Where alignkit keeps its files. Every directory can be moved with an environment variable,
which is also how the test suite isolates itself (tests/conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path


def _env_path(name: str, default: Path) -> Path:
    # an empty variable (`ALIGNKIT_CACHE_DIR=` in a shell or a .env file) means "not set", as
    # XDG does for its variables: Path("") is the current directory, and caches and data would
    # be written wherever the command happened to run
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else Path(default).expanduser()


def home_dir() -> Path:
    return _env_path("ALIGNKIT_HOME", Path.home() / ".alignkit")


def cache_dir() -> Path:
    default = _env_path("XDG_CACHE_HOME", Path.home() / ".cache") / "alignkit"
    return _env_path("ALIGNKIT_CACHE_DIR", default)


def data_dir() -> Path:
    return _env_path("ALIGNKIT_DATA_DIR", home_dir() / "data")
