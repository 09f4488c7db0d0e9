"""AIXpert's `config.yaml`, run as it is (`alignkit pipeline run config.yaml`): translated into
a native pipeline (spec.py) of two stages, each run once per model of the registry:

    models: [{id: meta-llama/Llama-3.2-1B-Instruct, short: llama3.2-1b}]
    original_dpo:   # -> stage `original`: train:dpo, loss_type sigmoid,
                    #    <output_root>/<short>_OriginalDPO
      paths: {train: train.jsonl, eval: eval.jsonl, output_root: Models}
      hyperparams: {max_seq_length: 2048, load_in_4bit: true, lora_r: 32, ...}
    factual_dpo:    # -> stage `factual`: train:dpo, loss_type factual, one model per delta
                    #    (factual_lambda), <output_root>/<short>_delta<delta>
      deltas: [0, 2, 4, 6, 8, 10, 20, 30, 50, 100]
      paths: {train_file: train_flipped.jsonl, eval_file: eval_flipped.jsonl, output_root: Models}
      hyperparams: {per_device_train_batch_size: 2, gradient_accumulation_steps: 16, ...}
    wandb: {project: aixpert, entity: my-team, run_prefix: FactualDPO}
                    # -> --wandb my-team/aixpert, --run-name <run_prefix>_<node name>

Each section's train/eval files are one dataset, ingested with its splits as given (train file
-> train split, eval file -> eval split, not re-split; data/presplit.py): every row is kept in
its split or in dropped.jsonl with its reason, and the factuality flags `h_w`/`h_l` arrive as
h_chosen/h_rejected. Two sections with different files get a data node each (data_original,
data_factual). Every hyperparameter maps onto a train:dpo setting (HF/Unsloth names through
ALIASES, alignkit's own names as they are; LoRA keys turn LoRA on); a key that cannot be
honoured is refused in one line that names it: an unknown key, or `load_in_4bit: true` on a
machine without a CUDA GPU and bitsandbytes. Relative paths are the file's; `pipeline run
--output-root` replaces both sections' output_root, and `--data` both sections' files."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from alignkit.errors import AlignkitError

# section -> (stage, loss type, node name)
SECTIONS = {
    "original_dpo": ("original", "sigmoid", "{model.short}_OriginalDPO"),
    "factual_dpo": ("factual", "factual", "{model.short}_delta{factual_lambda}"),
}
# `name`, `output_root` and `data`: a pipeline's own, set by `pipeline run` flags
TOP_KEYS = {"models", "wandb", "name", "output_root", "data", *SECTIONS}
SECTION_KEYS = {"paths", "hyperparams", "deltas"}
PATHS = {  # AIXpert's spellings of each file (both sections use either)
    "train": ("train", "train_file"),
    "eval": ("eval", "eval_file"),
    "test": ("test", "test_file"),
}
WANDB_KEYS = {"project", "entity", "run_prefix", "tags"}
# HF TrainingArguments / Unsloth / AIXpert names -> train:dpo settings
ALIASES = {
    "max_seq_length": "max_length",
    "per_device_train_batch_size": "batch_size",
    "grad_accumulation": "gradient_accumulation",
    "gradient_accumulation_steps": "gradient_accumulation",
    "num_epochs": "epochs",
    "num_train_epochs": "epochs",
    "learning_rate": "lr",
    "lr_scheduler_type": "lr_scheduler",
    "target_modules": "lora_targets",
}
LORA_KEYS = {"lora_r", "lora_alpha", "lora_dropout", "lora_targets", "load_in_4bit"}
WIRED = {"policy_model", "dataset_dir", "output_dir"}  # from models: and paths:


def is_aixpert(raw: Any) -> bool:
    return isinstance(raw, dict) and bool(SECTIONS.keys() & raw.keys())


def _bad(where: str, message: str) -> AlignkitError:
    return AlignkitError(f"aixpert config {where}: {message}")


def to_pipeline(raw: dict[str, Any], base: Path) -> dict[str, Any]:
    """The native pipeline (spec.py's shape) of an AIXpert config; `base` resolves its
    relative paths."""
    unknown = set(raw) - TOP_KEYS
    if unknown:
        raise _bad("", f"unknown key(s) {', '.join(sorted(unknown))} (known: "
                   f"{', '.join(sorted(TOP_KEYS - {'name', 'output_root', 'data'}))})")  # fmt: skip
    wandb = _wandb(raw.get("wandb"))
    given_root = raw.get("output_root")  # pipeline run --output-root
    stages: dict[str, Any] = {}
    datas: dict[str, dict[str, Any]] = {}
    roots: list[Path] = []
    for section, (stage, loss, name) in SECTIONS.items():
        body = raw.get(section)
        if body is None:
            continue
        if not isinstance(body, dict) or set(body) - SECTION_KEYS:
            extra = sorted(set(body) - SECTION_KEYS) if isinstance(body, dict) else []
            raise _bad(section, f"unknown key(s) {', '.join(extra)}" if extra else
                       "must be a mapping with paths: and hyperparams:")  # fmt: skip
        paths = dict(body.get("paths") or {})
        root = _path(base, given_root or paths.pop("output_root", None) or "Models")
        paths.pop("output_root", None)
        roots.append(root)
        settings = {"loss_type": loss, **_hyperparams(section, body.get("hyperparams") or {})}
        settings["output_dir"] = str(root / name)
        settings.update(wandb)
        if "run_prefix" in settings:
            settings["run_name"] = f"{settings.pop('run_prefix')}_{name}"
        stages[stage] = {"command": "train:dpo", "settings": settings, "name": name}
        if section == "factual_dpo":
            deltas = body.get("deltas")
            if not isinstance(deltas, list) or not deltas:
                raise _bad(f"{section}.deltas", "a non-empty list of margins (factual_lambda)")
            stages[stage]["sweep"] = {"factual_lambda": deltas}
        datas[stage] = _ingest(section, paths, base)
    out: dict[str, Any] = {"models": raw.get("models") or [], "stages": stages}
    for key in ("name", "output_root"):
        if raw.get(key):
            out[key] = raw[key]
    out.setdefault("output_root", str(roots[0]))
    if raw.get("data") is not None:  # pipeline run --data: one dataset for both
        out["data"] = raw["data"]
    elif len({repr(d) for d in datas.values()}) == 1:
        out["data"] = next(iter(datas.values()))
    else:
        for stage, data in datas.items():
            stages[stage]["data"] = data
    return out


def _path(base: Path, value: Any) -> Path:
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else base / path


def _ingest(section: str, paths: dict[str, Any], base: Path) -> dict[str, Any]:
    files: dict[str, str] = {}
    for split, names in PATHS.items():
        for key in names:
            if paths.get(key) is not None:
                files[split] = str(_path(base, paths.pop(key)))
    if paths:
        raise _bad(f"{section}.paths", f"unknown key(s) {', '.join(sorted(paths))}")
    if "train" not in files:
        raise _bad(f"{section}.paths", "needs the train file (`train:` or `train_file:`)")
    ingest = {"input": files["train"]}
    for split in ("eval", "test"):
        if split in files:
            ingest[f"{split}_input"] = files[split]
    return {"ingest": ingest}


def _hyperparams(section: str, given: Any) -> dict[str, Any]:
    from alignkit.commands import COMMANDS

    where = f"{section}.hyperparams"
    if not isinstance(given, dict):
        raise _bad(where, "must map hyperparameter names to values")
    known = {f.name for f in fields(COMMANDS["train:dpo"].settings_class())} - WIRED
    out: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for key, value in given.items():
        name = ALIASES.get(key, key)
        if name not in known:
            raise _bad(
                f"{where}.{key}", "not a train:dpo setting (see `alignkit train dpo --help`)"
            )
        if name in out:
            raise _bad(f"{where}.{key}", f"the same setting ({name}) as {origin[name]}")
        out[name], origin[name] = value, key
    if LORA_KEYS & out.keys():
        out.setdefault("lora", True)  # AIXpert's runs train LoRA adapters
    if out.get("load_in_4bit"):
        _check_4bit(f"{where}.load_in_4bit")
    return out


def _check_4bit(where: str) -> None:
    """QLoRA cannot be honoured without a CUDA GPU and bitsandbytes: say so now, naming the key,
    with the words a train command uses when it refuses."""
    from alignkit.models.precision import check_device_support
    from alignkit.models.settings import LoadSettings

    try:
        check_device_support(LoadSettings(lora=True, load_in_4bit=True))
    except AlignkitError as exc:
        raise _bad(where, f"{exc}; set it to false here") from None


def _wandb(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - WANDB_KEYS:
        extra = sorted(set(raw) - WANDB_KEYS) if isinstance(raw, dict) else ["(not a mapping)"]
        raise _bad("wandb", f"unknown key(s) {', '.join(extra)} (known: project, entity, "
                   "run_prefix, tags)")  # fmt: skip
    out: dict[str, Any] = {}
    if raw.get("project"):
        project = str(raw["project"])
        out["wandb"] = f"{raw['entity']}/{project}" if raw.get("entity") else project
    elif raw.get("entity"):
        raise _bad("wandb.entity", "needs wandb.project")
    if raw.get("tags"):
        out["tags"] = raw["tags"]
    if raw.get("run_prefix"):
        out["run_prefix"] = str(raw["run_prefix"])
    return out
