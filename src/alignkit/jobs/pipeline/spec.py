"""A pipeline file, expanded into the nodes of a DAG. Each node is one registered command with
its full settings and the nodes it needs; plan.py turns nodes into jobs.

    name: smol-sweep                  # default: the file's name
    output_root: runs/sweep           # each node writes to <output_root>/<node name>
    models:                           # stages that start from a model run once per model
      - {id: smollm2-135m-instruct, short: smol}
    data:                             # an export to ingest (a node of its own) ...
      ingest: {input: export.json}
      # dataset_dir: data/mine        # ... or a folder `alignkit data ingest` wrote
    defaults: {epochs: 1}             # for every stage whose command has the setting
    stages:
      sft: {command: train:sft, settings: {lora: true}}
      dpo:
        command: train:dpo
        needs: [sft]                  # after sft, and starting from its model
        settings: {loss_type: factual, lora: true}
        sweep: {factual_lambda: [0, 0.5, 1]}         # one node per value (a grid over several)
        name: "{model.short}_delta{factual_lambda}"  # default: dpo_smol_factual_lambda0.5
      eval: {command: eval:policy, needs: [dpo], settings: {judge: "rule:house-style"}}
      report: {command: report, needs: [dpo]}        # one node over every dpo member
      # a stage may read its own export: `data: {ingest: {input: other.jsonl}}` (a node
      # data_<stage>, written to <output_root>/data_<stage>) instead of the pipeline's data

Wiring, where a stage leaves it out: the command's data setting is the pipeline's dataset; its
model setting is the model of what it needs (the policy it continues from, or for `eval:rm`
the reward model), else each registry model in turn; its output is <output_root>/<node>; a
report reads every run it needs. A stage that needs a swept stage runs once per member
(coordinates are matched: the eval of smol at λ=0.5 needs the dpo of smol at λ=0.5).
Text settings may name `{model.id}`, `{model.short}`, a sweep axis (`{beta}`), `{output_root}`
and a needed stage (`{sft}`: that node's output folder). Relative paths are the file's.
AIXpert's config.yaml (top-level `original_dpo:` / `factual_dpo:`) is read as it is (aixpert.py
translates it into this shape)."""

from __future__ import annotations

import itertools
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from alignkit.commands import COMMANDS
from alignkit.errors import AlignkitError
from alignkit.jobs.pipeline import aixpert

TOP_KEYS = {"name", "output_root", "models", "data", "defaults", "stages"}
STAGE_KEYS = {"command", "settings", "needs", "sweep", "name", "data"}
DATA_NODE = "data"


@dataclass
class Node:
    name: str
    stage: str
    kind: str
    settings: dict[str, Any]
    needs: list[str] = field(default_factory=list)  # node names
    coords: dict[str, Any] = field(default_factory=dict)  # model and sweep values

    @property
    def output(self) -> str | None:
        out = COMMANDS[self.kind].output
        return None if out is None else self.settings.get(out)


@dataclass
class Spec:
    name: str
    source: Path | None
    output_root: Path
    nodes: dict[str, Node]  # in an order where every node comes after what it needs
    dataset_dir: str | None = None  # a given dataset folder (no ingest node)


def _bad(where: str, message: str) -> AlignkitError:
    return AlignkitError(f"pipeline {where}: {message}")


def load(path: Path, data: Path | None = None, output_root: Path | None = None) -> Spec:
    """Read and expand a pipeline file (YAML or JSON). `data` replaces the file's data (an
    export to ingest, or a dataset folder) and `output_root` its output root: a preset runs on
    a user's data as it is (relative to the working directory, as command-line paths are)."""
    import yaml

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise AlignkitError(f"pipeline file not found: {path}") from None
    except yaml.YAMLError as exc:
        one = " ".join(str(exc).split())
        raise AlignkitError(f"pipeline file {path} is not YAML: {one}") from None
    if isinstance(raw, dict) and data is not None:
        data = Path(data).absolute()
        if data.is_dir():
            raw["data"] = {"dataset_dir": str(data)}
        else:
            ingest = dict((raw.get("data") or {}).get("ingest") or {})
            raw["data"] = {"ingest": {**ingest, "input": str(data)}}
    if isinstance(raw, dict) and output_root is not None:
        raw["output_root"] = str(Path(output_root).absolute())
    return expand(raw, source=path)


def expand(raw: Any, source: Path | None = None, base: Path | None = None) -> Spec:
    if not isinstance(raw, dict):
        raise _bad("file", "must be a mapping with `stages:`")
    base = (base or (source.parent if source else Path.cwd())).absolute()
    if aixpert.is_aixpert(raw):  # AIXpert's config.yaml, as it is
        raw = aixpert.to_pipeline(raw, base)
    unknown = set(raw) - TOP_KEYS
    if unknown:
        raise _bad("file", f"unknown key(s) {', '.join(sorted(unknown))}")
    stages = raw.get("stages")
    if not isinstance(stages, dict) or not stages:
        raise _bad("file", "`stages:` must map stage names to {command, settings, needs}")
    name = str(raw.get("name") or (source.stem if source else "pipeline"))
    root = _path(base, raw.get("output_root") or f"runs/{name}")
    models = _models(raw.get("models") or [])
    defaults = raw.get("defaults") or {}
    nodes: dict[str, Node] = {}
    dataset_dir = _data(raw.get("data"), base, root, nodes)
    own_data = {  # stage -> the data node of its own `data:`
        stage: f"{DATA_NODE}_{stage}"
        for stage, body in stages.items()
        if isinstance(body, dict) and body.get("data") is not None
    }
    for stage, data_node in own_data.items():
        _data(stages[stage]["data"], base, root, nodes, data_node)
    built: dict[str, list[Node]] = {}
    for stage in _order(stages):
        built[stage] = _stage(stage, stages[stage], built, models, defaults, root, base, nodes)
        for node in built[stage]:
            if node.name in nodes:
                raise _bad(f"stage {stage}", f"two nodes are named {node.name!r}: set `name:`")
            nodes[node.name] = node
    for node in nodes.values():
        data_node = own_data.get(node.stage, DATA_NODE)
        if node.kind != "data:ingest" and (dataset_dir is not None or data_node in nodes):
            _wire_data(node, None if node.stage in own_data else dataset_dir, nodes, data_node)
    return Spec(name, source, root, nodes, dataset_dir)


def _path(base: Path, value: Any) -> Path:
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else base / path


def _models(raw: Any) -> list[SimpleNamespace]:
    if not isinstance(raw, list):
        raise _bad("models", "must be a list of {id, short}")
    out = []
    for entry in raw:
        if not isinstance(entry, dict) or "id" not in entry:
            raise _bad("models", f"each model needs an `id` (and a `short` name): {entry!r}")
        short = str(entry.get("short") or str(entry["id"]).rsplit("/", 1)[-1])
        out.append(SimpleNamespace(id=str(entry["id"]), short=short))
    if len({m.short for m in out}) != len(out):
        raise _bad("models", "two models have the same `short` name")
    return out


def _data(
    raw: Any, base: Path, root: Path, nodes: dict[str, Node], name: str = DATA_NODE
) -> str | None:
    where = "data" if name == DATA_NODE else f"stage {name.removeprefix(DATA_NODE + '_')} data"
    if raw is None:
        return None
    if name != DATA_NODE and (not isinstance(raw, dict) or set(raw) != {"ingest"}):
        raise _bad(where, "give `ingest: {input: FILE, ...}` (a dataset folder: the file's data)")
    if not isinstance(raw, dict) or len(raw) != 1 or not {"ingest", "dataset_dir"} >= set(raw):
        raise _bad(where, "give `ingest: {input: FILE, ...}` or `dataset_dir: FOLDER`")
    if "dataset_dir" in raw:
        return str(_path(base, raw["dataset_dir"]))
    ingest = dict(raw["ingest"] or {})
    if "input" not in ingest:
        raise _bad(where, "`ingest:` needs an `input:` file")
    for key in ("input", "eval_input", "test_input"):
        if ingest.get(key) is not None:
            ingest[key] = str(_path(base, ingest[key]))
    ingest["output"] = str(_path(base, ingest.get("output") or root / name))
    nodes[name] = Node(name, name, "data:ingest", ingest)
    return None


def _order(stages: dict[str, Any]) -> list[str]:
    """Stages after what they need (a cycle or an unknown need is one line)."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(stage: str, path: tuple[str, ...]) -> None:
        if state.get(stage) == "done":
            return
        if state.get(stage) == "visiting":
            raise _bad("stages", f"a cycle: {' -> '.join((*path, stage))}")
        state[stage] = "visiting"
        body = stages[stage]
        if not isinstance(body, dict):
            raise _bad(f"stage {stage}", "must be a mapping with `command:`")
        for need in _needs(stage, body):
            if need not in stages:
                raise _bad(f"stage {stage}", f"needs {need!r}, which is not a stage")
            visit(need, (*path, stage))
        state[stage] = "done"
        order.append(stage)

    for stage in stages:
        visit(stage, ())
    return order


def _needs(stage: str, body: dict[str, Any]) -> list[str]:
    needs = body.get("needs") or []
    if isinstance(needs, str):
        needs = [needs]
    if not isinstance(needs, list):
        raise _bad(f"stage {stage}", "`needs:` is a list of stage names")
    return [str(n) for n in needs]


def _stage(
    stage: str,
    body: dict[str, Any],
    built: dict[str, list[Node]],
    models: list[SimpleNamespace],
    defaults: dict[str, Any],
    root: Path,
    base: Path,
    nodes: dict[str, Node],
) -> list[Node]:
    where = f"stage {stage}"
    unknown = set(body) - STAGE_KEYS
    if unknown:
        raise _bad(where, f"unknown key(s) {', '.join(sorted(unknown))}")
    kind = str(body.get("command", ""))
    if kind not in COMMANDS:
        raise _bad(where, f"command {kind!r} is not one of {', '.join(COMMANDS)}")
    command = COMMANDS[kind]
    cls = command.settings_class()
    known = {f.name for f in fields(cls)}
    settings = {k: v for k, v in defaults.items() if k in known}
    settings.update(body.get("settings") or {})
    sweep = body.get("sweep") or {}
    if not isinstance(sweep, dict) or not all(isinstance(v, list) and v for v in sweep.values()):
        raise _bad(where, "`sweep:` maps a setting to a non-empty list of values")
    for axis in sweep:
        if axis not in known:
            raise _bad(where, f"sweep over {axis!r}, which is not a setting of {kind}")
    needs = _needs(stage, body)
    gather = kind == "report"  # one report over every run it needs
    combos: list[tuple[dict[str, Any], dict[str, list[Node]]]] = [({}, {})]
    for need in needs:
        if gather:
            combos = [(c, {**p, need: built[need]}) for c, p in combos]
            continue
        joined = []
        for coords, picked in combos:
            for node in built[need]:
                if all(coords.get(k, v) == v for k, v in node.coords.items()):
                    joined.append(({**coords, **node.coords}, {**picked, need: [node]}))
        combos = joined
    from_registry = command.model is not None and command.model not in settings
    out: list[Node] = []
    for coords, picked in combos:
        model_node = _model_source(kind, picked) if from_registry else None
        per_model = from_registry and model_node is None and "model" not in coords
        # no registry: the command's own default model, once
        for model in models if per_model and models else [None]:
            for values in itertools.product(*sweep.values()):
                point = dict(coords)
                if model is not None:
                    point["model"] = model.short
                own = dict(zip(sweep, values, strict=True))
                point.update(own)
                node = _node(
                    stage, body, kind, {**settings, **own}, point, picked, model_node, model, root
                )
                _resolve_paths(node, cls, base)
                out.append(node)
    return out


def _model_source(kind: str, picked: dict[str, list[Node]]) -> Node | None:
    """The needed node whose model this one starts from (or evaluates): a policy, or for
    eval:rm a reward model."""
    wanted = "reward_model" if kind == "eval:rm" else "policy"
    for nodes in picked.values():
        for node in nodes:
            if COMMANDS[node.kind].makes == wanted:
                return node
    return None


def _node(
    stage: str,
    body: dict[str, Any],
    kind: str,
    settings: dict[str, Any],
    point: dict[str, Any],
    picked: dict[str, list[Node]],
    model_node: Node | None,
    model: SimpleNamespace | None,
    root: Path,
) -> Node:
    command = COMMANDS[kind]
    model_ns = model or SimpleNamespace(id=point.get("model"), short=point.get("model"))
    if model_node is not None:
        model_ns = SimpleNamespace(id=model_node.output, short=point.get("model"))
    names = {
        "model": model_ns,
        "output_root": str(root),
        "stage": stage,
        **{k: v for k, v in point.items() if k != "model"},
        **{need: (nodes[0].output if len(nodes) == 1 else None) for need, nodes in picked.items()},
    }
    template = body.get("name")
    own_axes = set(body.get("sweep") or {})
    followed = [n for nodes in picked.values() for n in nodes if n.coords == point]
    if template:
        name = _format(str(template), names, f"stage {stage} name")
    elif len(followed) == 1 and not own_axes and point:
        name = f"{stage}_{followed[0].name}"  # the eval of smol_delta0.5: eval_smol_delta0.5
    else:
        name = "_".join(
            [stage, *([str(point["model"])] if "model" in point else [])]
            + [f"{k}{v}" for k, v in point.items() if k != "model"]
        )
    values = {k: _format(v, names, f"stage {stage} {k}") for k, v in settings.items()}
    if command.model and command.model not in values:
        if model_node is not None:
            values[command.model] = model_node.output
        elif model is not None:
            values[command.model] = model.id
    if kind == "report":
        runs = [n.output for nodes in picked.values() for n in nodes if COMMANDS[n.kind].trains]
        values.setdefault("run_dirs", runs)
        values.setdefault("output", str(root / f"{name}.html"))
    elif command.output and command.makes != "evaluation" and command.output not in values:
        values[command.output] = str(root / name)
    needs = [n.name for nodes in picked.values() for n in nodes]
    return Node(name, stage, kind, values, needs, dict(point))


def _format(value: Any, names: dict[str, Any], where: str) -> Any:
    if isinstance(value, list):
        return [_format(v, names, where) for v in value]
    if not isinstance(value, str) or "{" not in value:
        return value
    try:
        return value.format_map(names)
    except (KeyError, AttributeError, IndexError, ValueError) as exc:
        known = ", ".join(sorted(k for k in names if names[k] is not None))
        raise _bad(where, f"cannot fill {value!r} ({exc}); known: {known}") from None


def _resolve_paths(node: Node, cls: type, base: Path) -> None:
    """Relative Path settings are the pipeline file's, not the worker's working directory."""
    hints = typing.get_type_hints(cls)
    for f in fields(cls):
        value = node.settings.get(f.name)
        if value is None:
            continue
        if isinstance(value, list):
            # list[Path] only (a report's run_dirs): tags, trackers and rewards are not paths
            if typing.get_args(hints.get(f.name)) == (Path,):
                node.settings[f.name] = [str(_path(base, v)) for v in value]
        elif Path in {hints.get(f.name), *typing.get_args(hints.get(f.name))}:
            node.settings[f.name] = str(_path(base, value))


def _wire_data(
    node: Node, dataset_dir: str | None, nodes: dict[str, Node], data_node: str = DATA_NODE
) -> None:
    field_name = COMMANDS[node.kind].data
    if field_name is None or field_name in node.settings:
        return
    if dataset_dir is not None:
        node.settings[field_name] = dataset_dir
        return
    node.settings[field_name] = nodes[data_node].settings["output"]
    if data_node not in node.needs:
        node.needs.insert(0, data_node)
