"""The layers of ARCHITECTURE.md, kept: every module under src/alignkit is parsed (imports inside
functions included, since alignkit imports heavy things lazily) and each import of another
alignkit layer must point down, never sideways or up, and never across one of the named lines.

From the bottom: the package-top modules (errors, paths, the io helpers, the run-folder names,
locks, config, the command registry: no alignkit layer below them, and string references like
"alignkit.train.rm:train" in the registry are not imports) -> data -> models -> train | eval ->
report -> jobs -> server -> feedback | demo -> cli. `feedback` holds the jobs that write the
feedback server's records with models (candidate answers): they need both `server` (its store)
and `models`, and run as jobs, never in the web process."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "alignkit"

# a layer's rank: it may import layers of a lower rank (and itself); train and eval share one
# rank and may not import each other
RANK = {
    "base": 0,
    "data": 1,
    "models": 2,
    "train": 3,
    "eval": 3,
    "report": 4,
    "jobs": 5,
    "server": 6,
    "feedback": 7,
    "demo": 7,
    "cli": 8,
}
# package-top modules, by what they do: none needs a layer above it
BASE = {"errors", "paths", "io", "runfolder", "messages", "launch", "locks", "config", "commands"}
# the lines ARCHITECTURE.md names, on top of the ranks (some already follow from them)
NEVER = {
    "data": {"models", "train", "eval", "demo", "server"},  # torch, the demo, the web
    "models": {"train"},
    "train": {"eval", "jobs", "server"},  # a method runs the same with or without the runner
    "eval": {"train"},  # shared scoring lives in models
    "server": {"train", "eval", "models", "demo"},  # the web process never trains
}
# outside libraries a layer never imports, even lazily
NEVER_LIBRARIES = {
    "base": {"torch", "transformers", "trl", "peft", "accelerate", "fastapi", "datasets"},
    "data": {"torch", "trl", "peft", "accelerate", "fastapi", "starlette", "uvicorn"},
    "server": {"torch", "transformers", "trl", "peft", "accelerate", "datasets"},
}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:  # the package's own __init__
        return "base"
    top = parts[1]
    if top in RANK:
        return top
    if top in BASE:
        return "base"
    raise AssertionError(f"{module}: no layer for alignkit.{top}; add it to RANK or BASE")


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the file, relative ones resolved; `from
    alignkit import paths` names alignkit.paths."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((name, node.lineno))
            for alias in node.names:  # `from alignkit import train` imports a layer too
                if (PACKAGE.parent / Path(*name.split("."), alias.name)).exists() or (
                    PACKAGE.parent / Path(*name.split(".")) / f"{alias.name}.py"
                ).exists():
                    found.append((f"{name}.{alias.name}", node.lineno))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):  # importlib.import_module("alignkit.x") with a literal name
            found.append((node.args[0].value, node.lineno))
    return found


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def problems() -> list[tuple[str, str, str]]:
    """(importer, imported, why) for every import against the layers."""
    out = []
    for path in modules():
        module = module_name(path)
        layer = layer_of(module)
        for name, line in imports(path):
            where = f"{path.relative_to(SRC)}:{line}"
            if name.split(".")[0] != "alignkit":
                library = name.split(".")[0]
                if library in NEVER_LIBRARIES.get(layer, ()):
                    out.append((module, name, f"{where}: {layer} never imports {library}"))
                continue
            if name == "alignkit":
                continue
            target = layer_of(name)
            if target == layer:
                continue
            if target in NEVER.get(layer, ()):
                out.append((module, name, f"{where}: {layer} never imports {target}"))
            elif RANK[target] >= RANK[layer]:
                out.append((module, name, f"{where}: {layer} is below {target}"))
    return out


def test_every_module_has_a_layer():
    for path in modules():
        layer_of(module_name(path))


def test_imports_follow_the_layers():
    found = problems()
    assert not found, "imports against the layers (ARCHITECTURE.md):\n" + "\n".join(
        why for _, _, why in found
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from alignkit.train.rm import ENCODERS\n", "eval never imports train"),
        ("def f():\n    from alignkit.demo import oracle\n", "eval is below demo"),
        ("from ..train import rm\n", "eval never imports train"),
        ("import importlib\nimportlib.import_module('alignkit.jobs.store')\n", "below jobs"),
    ],
)
def test_the_check_sees_imports(tmp_path, monkeypatch, source, expected):
    fake = tmp_path / "alignkit" / "eval"
    fake.mkdir(parents=True)
    for sub in ("train", "demo", "jobs"):
        (tmp_path / "alignkit" / sub).mkdir()
    (fake / "probe.py").write_text(source)
    monkeypatch.setitem(globals(), "SRC", tmp_path)
    monkeypatch.setitem(globals(), "PACKAGE", tmp_path / "alignkit")
    assert any(expected in why for _, _, why in problems())
