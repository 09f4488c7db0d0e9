"""Where a job submitted over the API may read and write. The server's worker runs jobs as the
server's own user, so a member key that could name any path could have a job read any file the
server can (an ingest of `/etc/shadow`, then its download as an artifact) or write over one. A
member's job therefore reads and writes only inside the server's roots: alignkit's data dir and
each `alignkit serve --root DIR`. Admin keys (the server's owner) are not held to them.

Which settings are paths comes from the command's own dataclass: every field typed `Path`, and
every text field whose value names a local path (absolute, `./`, `../` or `~`; `rm:` judges
included), since a model field takes a registry name, a Hub id or a folder alike. Relative
`Path` values are taken inside the first root, not in the worker's working directory, which an
API client cannot know."""

from __future__ import annotations

import os
import typing
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from alignkit.commands import COMMANDS
from alignkit.errors import ForbiddenError
from alignkit.paths import data_dir

ENV_VAR = "ALIGNKIT_SERVER_ROOTS"  # os.pathsep-separated; what `serve --root` sets
SCHEMES = ("rm:",)  # judge specs that carry a path


def server_roots(extra: Sequence[str | Path] = ()) -> list[Path]:
    """The data dir, then `extra`, then $ALIGNKIT_SERVER_ROOTS; resolved, without repeats."""
    listed = [data_dir(), *extra, *filter(None, os.environ.get(ENV_VAR, "").split(os.pathsep))]
    out: list[Path] = []
    for root in listed:
        resolved = Path(root).expanduser().resolve()
        if resolved not in out:
            out.append(resolved)
    return out


def _path_fields(cls: type) -> tuple[set[str], set[str]]:
    """(fields typed Path, text fields) of a settings dataclass."""
    hints = typing.get_type_hints(cls)
    typed, text = set(), set()
    for f in fields(cls):
        hint = hints.get(f.name)
        args = {hint, *typing.get_args(hint)}
        if Path in args:
            typed.add(f.name)
        elif str in args:
            text.add(f.name)
    return typed, text


def _local(value: str) -> tuple[str, str] | None:
    """(scheme, path) of the local path a text setting names, or None for a name or Hub id."""
    scheme = next((s for s in SCHEMES if value.startswith(s)), "")
    value = value[len(scheme) :]
    if value.startswith(("/", "./", "../", "~")) or value in (".", ".."):
        return scheme, value
    return None


def inside(path: Path, roots: Sequence[Path]) -> bool:
    # resolve() follows symlinks: a link inside a root that points out of it is outside
    try:
        real = path.expanduser().resolve()
    except (ValueError, RuntimeError):  # a NUL byte, a symlink loop: no place inside (not a 500)
        return False
    return any(real == root or real.is_relative_to(root) for root in roots)


def confine(kind: str, settings: dict[str, Any], roots: Sequence[Path]) -> dict[str, Any]:
    """`settings` with relative paths made absolute inside the first root; ForbiddenError when
    a path lies outside every root. A list of paths (a report's run_dirs) is checked item by
    item."""
    typed, text = _path_fields(COMMANDS[kind].settings_class())
    out = dict(settings)
    for name, value in settings.items():
        if isinstance(value, list) and name in typed:
            out[name] = [_held(name, v, True, roots) for v in value]
        elif isinstance(value, str) and value and (name in typed or name in text):
            out[name] = _held(name, value, name in typed, roots)
    return out


def _held(name: str, value: Any, typed: bool, roots: Sequence[Path]) -> Any:
    """One setting's value, absolute inside the roots (or refused)."""
    if not isinstance(value, str) or not value:
        return value
    if typed:
        scheme, given = "", value
    elif (local := _local(value)) is not None:
        scheme, given = local
    else:
        return value  # a name or a Hub id
    path = Path(given).expanduser()
    if not path.is_absolute():
        path = roots[0] / path
        value = scheme + str(path)
    if not inside(path, roots):
        raise ForbiddenError(
            f"{name}: {given} is outside the server's folders (a member key's jobs read "
            f"and write only under {', '.join(map(str, roots))}; `alignkit serve --root`)"
        )
    return value
