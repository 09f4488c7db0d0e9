"""Turn a model name or path into a local folder ready for `from_pretrained`, offline.

Order: a built-in name (built into the cache on first use), a local folder, then a hub id that
is already in the local Hugging Face cache. Nothing here downloads. A LoRA run (or adapter
folder) resolves to its merged full model, merged into the cache on first use (merge.py)."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from alignkit import paths
from alignkit.errors import AlignkitError
from alignkit.models.integrity import check_weights, read_config
from alignkit.models.registry import MODELS, ModelSpec
from alignkit.runfolder import MODEL_DIR, is_run

log = logging.getLogger(__name__)

MARKER = "alignkit-model.json"
UNSAFE_WEIGHTS = ("*.bin", "*.pt", "*.pth", "*.ckpt", "*.pkl")


def models_cache_dir() -> Path:
    return paths.cache_dir() / "models"


def resolve(name_or_path: str, *, trust_remote_code: bool = False) -> Path:
    """A local folder with safetensors weights and a tokenizer for `name_or_path`."""
    spec = MODELS.get(name_or_path.strip().lower())
    if spec is not None:
        return _resolve_builtin(spec)
    local = Path(name_or_path).expanduser()
    if is_run(local):
        local = local / MODEL_DIR  # an alignkit run folder: its final model
    from alignkit.models.merge import adapter_folder, cached_merge

    if local.is_dir() and adapter_folder(local) is not None:  # a LoRA run: a chained stage
        merged = cached_merge(name_or_path, trust_remote_code=trust_remote_code)
        return check_folder(merged, trust_remote_code=trust_remote_code, label=name_or_path)
    if local.exists():
        return check_folder(local, trust_remote_code=trust_remote_code)
    if _looks_like_path(name_or_path):
        raise AlignkitError(f"model folder '{name_or_path}' does not exist")
    cached = _cached_hub_snapshot(name_or_path)
    if cached is None:
        raise AlignkitError(
            f"model '{name_or_path}' is not a known name, a local folder, or a cached hub id "
            f"(offline); known names: {', '.join(MODELS)}"
        )
    return check_folder(cached, trust_remote_code=trust_remote_code, label=name_or_path)


def check_folder(
    folder: Path, *, trust_remote_code: bool = False, label: str | None = None
) -> Path:
    """`folder` itself, once it is known to hold a JSON config, complete safetensors weights
    and no custom code that would run without `--trust-remote-code`."""
    label = label or str(folder)
    if not folder.is_dir():
        raise AlignkitError(f"model path '{label}' is a file; give the folder that holds it")
    if not (folder / "config.json").is_file():
        if (folder / "adapter_config.json").is_file():
            raise AlignkitError(
                f"model folder '{label}' holds a LoRA adapter, not a full model; "
                "load its base model and the adapter on top, or merge it first"
            )
        raise AlignkitError(
            f"model folder '{label}' has no config.json; it is not a HF model folder"
        )
    read_config(folder, label)
    if not any(folder.glob("*.safetensors")):
        if any(p for pattern in UNSAFE_WEIGHTS for p in folder.glob(pattern)):
            raise AlignkitError(
                f"model folder '{label}' has no safetensors weights; convert it to safetensors "
                "first (pickled .bin/.pt weights can run code when loaded, so they are refused)"
            )
        raise AlignkitError(f"model folder '{label}' has no weights (*.safetensors)")
    check_weights(folder, label)
    if not trust_remote_code and _uses_remote_code(folder):
        raise AlignkitError(
            f"model '{label}' needs its own Python code (auto_map in config.json); "
            "pass --trust-remote-code only if you trust its author"
        )
    return folder


def _uses_remote_code(folder: Path) -> bool:
    for name in ("config.json", "tokenizer_config.json"):
        try:
            data = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("auto_map"):
            return True
    return False


def _looks_like_path(text: str) -> bool:
    """Hub ids are `name` or `org/name`; anything else that does not exist is a missing folder."""
    return text.startswith((".", "/", "~")) or text.count("/") > 1 or "\\" in text


def _cached_hub_snapshot(repo_id: str) -> Path | None:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:  # local_files_only: a lookup in the HF cache, never a network call
        return Path(snapshot_download(repo_id, local_files_only=True))
    except (HFValidationError, LocalEntryNotFoundError, OSError, ValueError):
        return None


# -- built-in names ------------------------------------------------------------------------------


def _resolve_builtin(spec: ModelSpec) -> Path:
    if spec.source == "packaged-folder":
        from alignkit.models.packaged import package_path

        return check_folder(package_path(spec), label=spec.name)
    target = models_cache_dir() / spec.name
    if _is_current(target, spec):
        return target
    with build_lock(spec.name):
        if _is_current(target, spec):  # another process built it while we waited
            return target
        _build_into(target, spec)
    return target


def _is_current(target: Path, spec: ModelSpec) -> bool:
    try:
        marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("name") == spec.name and marker.get("recipe") == spec.recipe


def _build_into(target: Path, spec: ModelSpec) -> None:
    """Build in a temp folder beside `target`, then rename it into place: readers see either
    no folder or a complete one, never a half-written one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".build-{spec.name}-", dir=target.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the cache folder is an ordinary one
    log.info("building model '%s' into %s (once; later runs use the cache)", spec.name, target)
    try:
        _builder(spec)(tmp)
        marker = {"name": spec.name, "recipe": spec.recipe, "source": spec.source}
        (tmp / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        if target.exists():  # stale recipe or a broken folder: move it aside, then swap
            stale = Path(tempfile.mkdtemp(prefix=f".stale-{spec.name}-", dir=target.parent))
            target.rename(stale / "old")
            shutil.rmtree(stale, ignore_errors=True)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _builder(spec: ModelSpec):
    if spec.source == "tiny":
        from alignkit.models.tiny import BUILDERS

        return BUILDERS[spec.name]
    from alignkit.models.packaged import build_from_gguf, package_path

    package_path(spec)  # a clear error before any heavy import when the package is missing
    return lambda dest: build_from_gguf(spec, dest)


@contextlib.contextmanager
def build_lock(name: str) -> Iterator[None]:
    """An exclusive file lock per cache entry (a model name, a merge's digest), waited for, so
    two processes do not build the same entry twice (where fcntl is missing the atomic rename
    alone still keeps the cache whole)."""
    lock_dir = models_cache_dir() / ".locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(lock_dir / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
