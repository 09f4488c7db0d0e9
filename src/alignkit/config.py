"""Settings from a YAML/JSON file with command-line overrides, for any settings dataclass
(training, evaluation, ingest): a job runner or the web app can launch a run as a process from
a saved file without importing torch; flags given on the command line override the file."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

from alignkit.errors import AlignkitError

T = TypeVar("T")


def _coerce(value: Any, annotation: Any, name: str) -> Any:
    """YAML gives ints for floats and strings for paths; make them the declared type."""
    args = get_args(annotation)
    if value is None:
        return None
    if get_origin(annotation) is list:  # before Path: get_args(list[Path]) is (Path,)
        items = list(value) if isinstance(value, list | tuple) else [value]
        return [_coerce(v, args[0], name) for v in items] if args else items
    if annotation is Path or Path in args:
        return Path(value)
    if annotation is float or (float in args and not isinstance(value, bool)):
        if isinstance(value, str):
            # YAML 1.1 (PyYAML) reads `lr: 5e-6` as a string: only `5.0e-6` is a float there
            try:
                return float(value)
            except ValueError:
                return value  # the dataclass's own check says what is wrong
        return float(value) if isinstance(value, int | float) else value
    if get_origin(annotation) is list or list in (get_origin(a) for a in args):
        return list(value) if isinstance(value, list | tuple) else [value]
    return value


def _json(text: str, path: Path) -> Any:
    import json

    try:
        return json.loads(text)
    except ValueError as exc:
        raise AlignkitError(f"{path} is not valid JSON: {exc}") from None


def _read(path: Path) -> Any:
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise AlignkitError(f"config file not found: {path}") from None
    if path.suffix == ".json":
        # JSON through a JSON parser: PyYAML would read the `5e-6` that JSON writers emit as a
        # string (a job's saved settings are JSON); and a job's start skips PyYAML's import
        return _json(text, path)
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AlignkitError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None


def load_settings(cls: type[T], path: Path | None, overrides: dict[str, Any]) -> T:
    """Settings from a YAML/JSON file (keys are field names, dashes allowed), with `overrides`
    (the flags given on the command line) taking precedence."""
    data: dict[str, Any] = {}
    if path is not None:
        loaded = _read(Path(path))
        if not isinstance(loaded, dict):
            raise AlignkitError(f"{path}: expected a mapping of settings")
        data = {str(k).replace("-", "_"): v for k, v in loaded.items()}
    # a file may also use a field's flag name (`map:` for column_map, as `--map` on the CLI)
    aliases = {
        flag[2:].replace("-", "_"): f.name
        for f in fields(cls)  # type: ignore[arg-type]
        for flag in f.metadata.get("flags", ())
        if flag.startswith("--")
    }
    data = {aliases.get(k, k): v for k, v in data.items()}
    data.update(overrides)
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise AlignkitError(f"unknown setting(s) for {cls.__name__}: {', '.join(unknown)}")
    missing = [
        f.name
        for f in fields(cls)  # type: ignore[arg-type]
        if f.name not in data
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        flags = ", ".join("--" + m.replace("_", "-") for m in missing)
        raise AlignkitError(f"missing {flags} (a flag, or a key in --config)")
    hints = typing.get_type_hints(cls)
    try:
        return cls(**{k: _coerce(v, hints[k], k) for k, v in data.items()})
    except TypeError as exc:
        raise AlignkitError(f"bad settings: {exc}") from None
