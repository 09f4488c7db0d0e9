"""Command-line options made from a settings dataclass, so flags, YAML presets and the Python
API cannot drift apart: one field, one flag, its help text beside the field."""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import typer


def _base(hint: Any) -> Any:
    """`X | None` -> X; Literal choices are validated by the dataclass, so they are strings."""
    hint = _strip_none(hint)
    if get_origin(hint) is Literal:
        return str
    if get_origin(hint) is list:
        return list[str]
    return hint if hint in (bool, int, float, str, Path) else str


def _parameter(f: dataclasses.Field, hint: Any) -> inspect.Parameter:
    """The option for one field. The field's metadata may name its `flags` (e.g. `--input`,
    `-i`) and the `cli_type` the shell gives when it is not the field's own (`--map a=b`,
    repeatable, for a dict field that the dataclass parses)."""
    meta = f.metadata
    flags = list(meta.get("flags") or ["--" + f.name.replace("_", "-")])
    help_text = meta.get("help", "")
    if meta.get("required"):
        help_text += " (required)"
    elif f.default is not dataclasses.MISSING and f.default is not None:
        help_text += f" (default: {f.default})"
    if get_origin(_strip_none(hint)) is Literal:
        help_text += f" ({'|'.join(get_args(_strip_none(hint)))})"
    base = meta.get("cli_type") or _base(hint)
    if base is bool:
        flags = [f"{flags[0]}/--no-{flags[0][2:]}", *flags[1:]]
    # the default stays None so that only flags the user gave override a --config file
    option = typer.Option(*flags, help=help_text, show_default=False)
    if meta.get("argument"):  # positional (`alignkit data stats DIR`); may come from --config
        option = typer.Argument(help=help_text, show_default=False)
    annotation = Annotated[base | None, option]
    return inspect.Parameter(
        f.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
    )


def _strip_none(hint: Any) -> Any:
    if get_origin(hint) in (typing.Union, types.UnionType):
        return next(a for a in get_args(hint) if a is not type(None))
    return hint


CONFIG_HELP = "YAML/JSON settings file; flags given here override it."


def add_settings_command(
    app: typer.Typer,
    name: str,
    settings_cls: type,
    run: Callable[..., Any],
    help_text: str,
    extras: Sequence[inspect.Parameter] = (),
) -> None:
    """A command of `app` whose options are the fields of `settings_cls`, plus `--config`;
    `extras` are options of the command itself (`--detach`, a job's `--priority`), handed to
    `run(settings, **extras)`."""
    hints = typing.get_type_hints(settings_cls)
    config = inspect.Parameter(
        "config",
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[Path | None, typer.Option("--config", help=CONFIG_HELP)],
    )
    fields = [_parameter(f, hints[f.name]) for f in dataclasses.fields(settings_cls)]
    params = [config, *fields, *extras]
    extra_names = [p.name for p in extras]

    def command(**given: Any) -> None:
        from alignkit.config import load_settings

        path = given.pop("config")
        options = {k: given.pop(k) for k in extra_names}
        overrides = {k: v for k, v in given.items() if v is not None and v != []}
        run(load_settings(settings_cls, path, overrides), **options)

    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    help_text = " ".join(help_text.split())  # a help paragraph wrapped in source reads as one
    command.__doc__ = help_text
    app.command(name, help=help_text)(command)
