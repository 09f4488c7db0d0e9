"""A LoRA run made into a full model: PEFT's `merge_and_unload` on its base model, saved as
safetensors with the run's tokenizer.

    alignkit models merge artifacts/sft/mine --output models/sft-merged

A stage given a LoRA run as its base model (`train dpo --policy-model RUN`, `train rm
--base-model RUN`) gets the same merge through `resolve`, into the model cache: the entry is
keyed by a digest of the adapter's weights, its config, the tokenizer files and the base
model's weights, so a second use reuses it and a retrained adapter is merged afresh. Entries
are built in a hidden sibling folder and renamed into place under a per-digest lock, so two
stages merging one adapter at once merge it once, and a half-written entry is never read.

Policy adapters (CAUSAL_LM) merge into a causal LM; reward-model adapters (SEQ_CLS, whose
score head PEFT trains in full as `modules_to_save`) into a one-output sequence classifier."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from alignkit.errors import AlignkitError
from alignkit.io import file_digest
from alignkit.runfolder import CONFIG_FILE, MODEL_DIR, RUN_FILE, is_run

log = logging.getLogger(__name__)

ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
MARKER = "alignkit-merged.json"
# part of every cache key: bump it when what a merged folder holds changes
MERGE_FORMAT = 1
TASK_TYPES = ("CAUSAL_LM", "SEQ_CLS")
# the run's own name for its base model, by method (a reward model's is its backbone)
BASE_KEYS = {"rm": "base_model"}
TOKENIZER_FILES = (
    "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
    "chat_template.jinja", "chat_template.json", "tokenizer.model", "vocab.*", "merges.txt",
    "*.model",
)  # fmt: skip


@dataclass(frozen=True)
class Adapter:
    folder: Path  # adapter_config.json + adapter_model.safetensors (a run's model/)
    run: Path | None  # the run folder around it, when there is one
    base: str  # the base model as the run named it (or as the adapter records it)
    fallback_base: str | None  # the adapter's own record, tried when `base` is not found
    task_type: str  # CAUSAL_LM or SEQ_CLS
    config: dict


def adapter_folder(name_or_path: str | Path) -> Path | None:
    """The LoRA adapter folder behind `name_or_path` (a run folder or a run's `model/`), or None
    when it is no such folder (a full model, a built-in name, a hub id)."""
    path = Path(name_or_path).expanduser()
    if is_run(path):
        path = path / MODEL_DIR
    if (path / ADAPTER_CONFIG).is_file() and not (path / "config.json").is_file():
        return path
    return None


def find_adapter(name_or_path: str | Path) -> Adapter:
    """The adapter behind a run folder (or an adapter folder), or one line saying why not."""
    given = Path(name_or_path).expanduser()
    if not given.is_dir():
        raise AlignkitError(f"'{name_or_path}' is not a folder (give a LoRA run's folder)")
    folder = adapter_folder(given)
    if folder is None:
        if (given / RUN_FILE).is_file() and not (given / MODEL_DIR).is_dir():
            raise AlignkitError(f"run folder '{name_or_path}' has no model/ (it did not finish)")
        if (given / "config.json").is_file() or (given / MODEL_DIR / "config.json").is_file():
            raise AlignkitError(
                f"'{name_or_path}' holds a full model, not a LoRA adapter: nothing to merge"
            )
        raise AlignkitError(f"'{name_or_path}' holds no LoRA adapter ({ADAPTER_CONFIG})")
    config = _read_json(folder / ADAPTER_CONFIG)
    if config is None:
        raise AlignkitError(f"the LoRA adapter's {ADAPTER_CONFIG} in '{folder}' is not JSON")
    if config.get("peft_type", "LORA") != "LORA":
        raise AlignkitError(f"the adapter in '{folder}' is {config.get('peft_type')}, not LoRA")
    task_type = config.get("task_type")
    if task_type not in TASK_TYPES:
        raise AlignkitError(
            f"the LoRA adapter in '{folder}' has task type {task_type!r}; alignkit merges "
            f"{' and '.join(TASK_TYPES)} adapters"
        )
    if not (folder / ADAPTER_WEIGHTS).is_file():
        pickled = (folder / "adapter_model.bin").is_file()
        raise AlignkitError(
            f"the LoRA adapter in '{folder}' has no {ADAPTER_WEIGHTS}"
            + (" (pickled .bin adapters are refused)" if pickled else "")
        )
    run = folder.parent if folder.name == MODEL_DIR else None
    if run is not None and not (run / RUN_FILE).is_file():
        run = None
    recorded = config.get("base_model_name_or_path") or None
    named = _run_base(run) if run is not None else None
    base = named or recorded
    if not base:
        raise AlignkitError(f"the LoRA adapter in '{folder}' does not say its base model")
    fallback = recorded if recorded and recorded != base else None
    return Adapter(folder, run, str(base), fallback, task_type, config)


def _run_base(run: Path) -> str | None:
    # the run's own name for its base ("tiny-llama") resolves on any machine; the adapter's
    # base_model_name_or_path is the absolute folder it was trained from, which may be gone
    method = (_read_json(run / RUN_FILE) or {}).get("method")
    settings = _read_json(run / CONFIG_FILE) or {}
    value = settings.get(BASE_KEYS.get(method, "policy_model"))
    return str(value) if value else None


# adapters whose base this thread is resolving: a chain that comes back to one is a loop
_resolving = threading.local()


class BaseLoopError(AlignkitError):
    """A LoRA run whose chain of base models comes back to itself."""


def resolve_base(adapter: Adapter, *, trust_remote_code: bool = False) -> Path:
    """The base model's folder (itself merged first when it is a LoRA run: chained stages)."""
    from alignkit.models.resolve import resolve

    chain: set[Path] = _resolving.__dict__.setdefault("chain", set())
    key = adapter.folder.resolve()
    if key in chain:
        raise BaseLoopError(f"the LoRA adapter in '{adapter.folder}' is its own base model")
    chain.add(key)
    try:
        return resolve(adapter.base, trust_remote_code=trust_remote_code)
    except BaseLoopError:
        raise
    except AlignkitError as exc:
        if adapter.fallback_base and Path(adapter.fallback_base).is_dir():
            return resolve(adapter.fallback_base, trust_remote_code=trust_remote_code)
        raise AlignkitError(
            f"the base model '{adapter.base}' of the LoRA adapter in '{adapter.folder}' is not "
            f"available: {exc}"
        ) from exc
    finally:
        chain.discard(key)


# -- digests -------------------------------------------------------------------------------------


def _tokenizer_files(folder: Path) -> list[Path]:
    found = {p for pattern in TOKENIZER_FILES for p in folder.glob(pattern) if p.is_file()}
    return sorted(found - {folder / ADAPTER_WEIGHTS})


def adapter_digest(adapter: Adapter, base_dir: Path) -> str:
    """The cache key of a merge: the adapter's weights and config (minus the absolute path of
    its base, which the base's own weights stand in for), the tokenizer files that go with it,
    and the base model's identity (its config and weight files' contents)."""
    config = {k: v for k, v in adapter.config.items() if k != "base_model_name_or_path"}
    for key in ("target_modules", "modules_to_save"):  # sets, saved in no fixed order
        if isinstance(config.get(key), list):
            config[key] = sorted(config[key])
    parts = {
        "format": MERGE_FORMAT,
        "task_type": adapter.task_type,
        "adapter_weights": file_digest(adapter.folder / ADAPTER_WEIGHTS),
        "adapter_config": config,
        "tokenizer": {p.name: file_digest(p) for p in _tokenizer_files(adapter.folder)},
        "base_config": file_digest(base_dir / "config.json"),
        "base_weights": {p.name: file_digest(p) for p in sorted(base_dir.glob("*.safetensors"))},
    }
    text = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.blake2b(text, digest_size=16).hexdigest()


# -- the merge itself ----------------------------------------------------------------------------


def merge_into(adapter: Adapter, base_dir: Path, dest: Path, *, trust_remote_code: bool = False):
    """Load the base from `base_dir`, put the adapter on it, merge, and save the full model
    (safetensors) with the adapter's tokenizer files into the existing empty folder `dest`."""
    import torch
    from peft import PeftModel

    from alignkit.models.integrity import first_line
    from alignkit.models.loading import load_causal_lm, load_reward_model
    from alignkit.models.settings import LoadSettings

    load = LoadSettings(dtype="fp32", trust_remote_code=trust_remote_code)
    if adapter.task_type == "SEQ_CLS":
        _check_head_in_adapter(adapter)
        # the head starts random here and is replaced by the adapter's trained copy
        with torch.random.fork_rng(devices=[]):
            model, _ = load_reward_model(str(base_dir), load, new_head=True)
    else:
        model, _ = load_causal_lm(str(base_dir), load)
    try:
        peft_model = PeftModel.from_pretrained(model, str(adapter.folder), is_trainable=False)
    except (ValueError, KeyError, RuntimeError, OSError) as exc:
        raise AlignkitError(
            f"the LoRA adapter in '{adapter.folder}' does not fit its base model "
            f"'{adapter.base}': {first_line(exc)}"
        ) from None
    merged = peft_model.merge_and_unload()
    stored = _stored_dtype(base_dir)
    if stored is not None:
        merged = merged.to(stored)  # as big on disk as the base, not fp32
    merged.config.name_or_path = str(adapter.run or adapter.folder)
    merged.save_pretrained(dest, safe_serialization=True)
    source = adapter.folder if _tokenizer_files(adapter.folder) else base_dir
    for path in _tokenizer_files(source):
        shutil.copy2(path, dest / path.name)
    return merged


def _check_head_in_adapter(adapter: Adapter) -> None:
    """A reward adapter must carry its trained score head: without it the merged model would
    score with the random head a fresh load gives it, and look fine."""
    from safetensors import safe_open

    with safe_open(str(adapter.folder / ADAPTER_WEIGHTS), framework="pt") as fh:
        keys = list(fh.keys())
    heads = adapter.config.get("modules_to_save") or ["classifier", "score"]
    if not any(f".{name}." in key or key.startswith(f"{name}.") for key in keys for name in heads):
        raise AlignkitError(
            f"the reward-model adapter in '{adapter.folder}' has no trained head "
            f"({'/'.join(heads)}); it cannot be merged into a reward model"
        )


def _stored_dtype(base_dir: Path):
    import torch

    config = _read_json(base_dir / "config.json") or {}
    name = config.get("dtype") or config.get("torch_dtype")
    return {"bfloat16": torch.bfloat16, "float16": torch.float16}.get(name)


def _marker(adapter: Adapter, base_dir: Path, digest: str) -> dict:
    return {
        "format": MERGE_FORMAT,
        "digest": digest,
        "adapter": str(adapter.folder.resolve()),
        "run": str(adapter.run.resolve()) if adapter.run else None,
        "base": adapter.base,
        "base_dir": str(base_dir),
        "task_type": adapter.task_type,
    }


# -- `alignkit models merge` ---------------------------------------------------------------------


def merge(
    name_or_path: str | Path, output: Path, *, force: bool = False, trust_remote_code: bool = False
) -> Path:
    """Merge the LoRA run (or adapter folder) `name_or_path` into the full model `output`,
    written whole or not at all: into a hidden sibling folder, then renamed into place. An
    existing non-empty `output` is replaced only with `force`."""
    from alignkit.locks import folder_lock

    adapter = find_adapter(name_or_path)
    output = Path(output).expanduser()
    _check_output(output, adapter, force)
    with folder_lock(output, "merging a LoRA adapter"):
        _check_output(output, adapter, force)  # as it is now that the folder is ours
        base_dir = resolve_base(adapter, trust_remote_code=trust_remote_code)
        digest = adapter_digest(adapter, base_dir)
        output.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f".{output.name}.merging-", dir=output.parent))
        try:
            staged.chmod(0o755)  # mkdtemp makes it private; the output is an ordinary folder
            merge_into(adapter, base_dir, staged, trust_remote_code=trust_remote_code)
            _write_marker(staged, _marker(adapter, base_dir, digest))
            _swap_in(staged, output)
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    return output


def _check_output(output: Path, adapter: Adapter, force: bool) -> None:
    if output.exists() and not output.is_dir():
        raise AlignkitError(f"--output '{output}' is a file; give a folder")
    ours = {adapter.folder.resolve(), *([adapter.run.resolve()] if adapter.run else [])}
    if output.resolve() in ours:
        raise AlignkitError(f"--output '{output}' is the run being merged; choose another folder")
    if output.is_dir() and any(output.iterdir()) and not force:
        raise AlignkitError(
            f"--output '{output}' exists and is not empty; pass --force to replace it"
        )


def _swap_in(staged: Path, target: Path) -> None:
    """Rename `staged` to `target`; what was at `target` is moved aside first, then removed."""
    if target.is_dir():
        if not any(target.iterdir()):
            target.rmdir()
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            target.rename(old / "old")
            staged.rename(target)
            shutil.rmtree(old, ignore_errors=True)
            return
    staged.rename(target)


def _write_marker(folder: Path, marker: dict) -> None:
    # written last, inside the staged folder: a cache entry without it is never used
    (folder / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


# -- the model cache, for chained stages ---------------------------------------------------------


def merged_cache_dir() -> Path:
    from alignkit.models.resolve import models_cache_dir

    return models_cache_dir() / "merged"


# digests this process has told the user about on stderr (DPO resolves its policy twice; under
# a distributed launch only rank 0 says it)
_told: set[str] = set()


def cached_merge(name_or_path: str | Path, *, trust_remote_code: bool = False) -> Path:
    """The merged full model of the LoRA run `name_or_path`, from the model cache (merged into
    it on first use). Says in one line on stderr (and in the log) whether it merged or reused."""
    adapter = find_adapter(name_or_path)
    base_dir = resolve_base(adapter, trust_remote_code=trust_remote_code)
    digest = adapter_digest(adapter, base_dir)
    target = merged_cache_dir() / digest
    built = False
    if not _is_entry(target, digest):
        from alignkit.models.resolve import build_lock

        with build_lock(f"merged-{digest}"):
            if not _is_entry(target, digest):  # another process merged it while we waited
                _build_entry(adapter, base_dir, digest, target, trust_remote_code)
                built = True
    if built:
        message = f"merged the LoRA adapter of '{name_or_path}' onto '{adapter.base}' into {target}"
    else:
        message = f"reusing the merged model of '{name_or_path}' ({target})"
    # always in the log (a run's train.log says what it started from), once per process on stderr
    log.info(message)
    if digest not in _told and int(os.environ.get("RANK", "0") or 0) == 0:
        print(message, file=sys.stderr)
    _told.add(digest)
    return target


def _is_entry(target: Path, digest: str) -> bool:
    marker = _read_json(target / MARKER)
    return bool(marker) and marker.get("digest") == digest and marker.get("format") == MERGE_FORMAT


def _build_entry(adapter: Adapter, base_dir: Path, digest: str, target: Path, trust: bool):
    root = target.parent
    root.mkdir(parents=True, exist_ok=True)
    # staged folders of this digest left by a killed merge: the lock says no one is writing them
    for stale in root.glob(f".{digest}.merging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{digest}.merging-", dir=root))
    try:
        staged.chmod(0o755)
        merge_into(adapter, base_dir, staged, trust_remote_code=trust)
        _write_marker(staged, _marker(adapter, base_dir, digest))
        _swap_in(staged, target)  # a broken folder at `target` (no marker) is replaced
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def _read_json(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None
