"""`alignkit serve`: the REST API over the job store (FastAPI, one router per domain in
routers/). `create_app` (app.py) builds it; keys.py and datasets.py are the server's tables and
load no web framework, so that `alignkit keys` works without one. FastAPI and its kin are
imported only inside this package's app modules (the `server` extra)."""

from __future__ import annotations

from typing import Any

from alignkit.errors import DependencyError

INSTALL = "pip install 'alignkit[server]'"


def require_extra() -> None:
    """One line naming the extra when FastAPI, uvicorn, argon2, Jinja2 or their kin are missing
    (markdown_it and nh3: the web UI's guidelines)."""
    import importlib.util

    modules = ("fastapi", "uvicorn", "argon2", "sse_starlette", "multipart", "httpx", "jinja2",
               "markdown_it", "nh3")  # fmt: skip
    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise DependencyError(f"the server needs {module}: {INSTALL}")


def create_app(*args: Any, **kwargs: Any) -> Any:
    require_extra()
    from alignkit.server.app import create_app as create

    return create(*args, **kwargs)
