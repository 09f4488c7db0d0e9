"""Models for evaluation: a run folder or a model folder or name, loaded frozen for inference.

A training run keeps its settings in `config.json` and its final model in `model/`, which is
either a full model or, after `--lora`, a PEFT adapter. An adapter is loaded on top of the base
model that the run names (or that the adapter names) and merged, so evaluation runs at the
speed of a plain model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alignkit.errors import AlignkitError
from alignkit.runfolder import CONFIG_FILE, MODEL_DIR, run_of


def run_config(name_or_path: str | Path) -> dict[str, Any]:
    """The resolved settings a run was trained with (its config.json), or {} when
    `name_or_path` is not a run folder."""
    run = run_of(name_or_path)
    if run is None:
        return {}
    try:
        data = json.loads((run / CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def tokenization(max_length: int | None, truncation: str | None, config: dict) -> dict[str, Any]:
    """max_length and truncation: a flag wins, then the run's config.json, then the training
    defaults; the source is recorded so a report says which was used."""
    out: dict[str, Any] = {}
    for key, given, default in (
        ("max_length", max_length, 1024),
        ("truncation", truncation, "right"),
    ):
        if given is not None:
            out[key], out[f"{key}_from"] = given, "flag"
        elif config.get(key) is not None:
            out[key], out[f"{key}_from"] = config[key], "run config"
        else:
            out[key], out[f"{key}_from"] = default, "default"
    return out


def fit_tokenization(tok: dict[str, Any], model, tokenizer, name: str) -> dict:
    """`tok` (from `tokenization`) with max_length cut to what the loaded model reads; a run
    trained before its length was capped still says 1024 in its config, and its model still
    reads 512."""
    from alignkit.models.tokenize import fit_length

    length = fit_length(tok["max_length"], model, tokenizer, name=name)
    if length == tok["max_length"]:
        return tok
    return {**tok, "max_length": length, "max_length_from": "model positions"}


def output_folder(name_or_path: str, output: Path | None) -> Path:
    """Where results go: `output` when given, else beside the model (the run folder for a run,
    the folder itself for a plain model folder). A built-in or hub name has no folder."""
    if output is not None:
        return Path(output)
    run = run_of(name_or_path)
    if run is not None:
        return run
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    raise AlignkitError(f"'{name_or_path}' is not a folder; give --output for the results")


def _adapter_folder(name_or_path: str) -> Path | None:
    path = Path(name_or_path).expanduser()
    if run_of(path) == path:
        path = path / MODEL_DIR
    if (path / "adapter_config.json").is_file() and not (path / "config.json").is_file():
        return path
    return None


def _adapter_base(adapter: Path, config: dict[str, Any], keys: tuple[str, ...]) -> str:
    # the run's own name for its base ("tiny-llama") resolves on any machine; the adapter's
    # base_model_name_or_path is the absolute folder it was trained from, which may be gone
    for key in keys:
        if config.get(key):
            return str(config[key])
    try:
        base = json.loads((adapter / "adapter_config.json").read_text())["base_model_name_or_path"]
    except (OSError, ValueError, KeyError):
        base = None
    if not base:
        raise AlignkitError(f"the LoRA adapter in '{adapter}' does not say its base model")
    return str(base)


def _load(name_or_path: str, kind: str, trust_remote_code: bool):
    from alignkit.models import LoadSettings, load_causal_lm, load_reward_model

    load = LoadSettings(dtype="fp32", trust_remote_code=trust_remote_code)
    loader = load_causal_lm if kind == "policy" else load_reward_model
    adapter = _adapter_folder(name_or_path)
    if adapter is None and kind == "policy":
        model, tokenizer = loader(name_or_path, load)
    elif adapter is None:
        # scoring needs a trained head: a bare backbone would score with random weights
        model, tokenizer = load_reward_model(name_or_path, load, new_head=False)
    else:
        from peft import PeftModel

        keys = ("policy_model",) if kind == "policy" else ("base_model",)
        model, tokenizer = loader(_adapter_base(adapter, run_config(name_or_path), keys), load)
        model = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    model.to(device).eval()
    model.requires_grad_(False)
    return model, tokenizer


def load_policy(name_or_path: str, trust_remote_code: bool = False):
    """A causal LM and its tokenizer, in eval mode on the best device, LoRA merged."""
    return _load(name_or_path, "policy", trust_remote_code)


def _same_model(a: str, b: str) -> bool:
    """`a` and `b` name the same plain model (equal names, or names of one folder)."""
    if a == b:
        return True
    if _adapter_folder(a) is not None or _adapter_folder(b) is not None:
        return False
    from alignkit.models import resolve

    try:
        return resolve(a).resolve() == resolve(b).resolve()
    except AlignkitError:
        return False


class PolicyAndReference:
    """A policy and its reference for evaluation, handed out reference first.

    When the policy is a LoRA adapter over the reference itself (DPO's default: the reference is
    the initial policy, for LoRA its base), one model is loaded. It serves as the reference
    untouched; `policy()` then loads the adapter onto it and merges it in place. There is never
    a second copy, and each is exactly what a separate `load_policy` gives (the same base
    weights; the same merge), so the answers and log-probs are the same too. Merged, the
    policy runs at a plain model's speed, which an unmerged adapter (PEFT's disable_adapter
    for the reference) would not. Otherwise both models are loaded at once."""

    def __init__(self, policy: str, reference: str, trust_remote_code: bool = False):
        self._names = (policy, reference)
        self._trust = trust_remote_code
        adapter = _adapter_folder(policy)
        base = None
        if adapter is not None:
            base = _adapter_base(adapter, run_config(policy), ("policy_model",))
        self.shared = base is not None and _same_model(base, reference)
        self._adapter = adapter if self.shared else None
        self._reference = _load(reference, "policy", trust_remote_code)
        self._policy = None if self.shared else _load(policy, "policy", trust_remote_code)
        # what sets the length limits: an adapter changes no positions and no tokenizer
        self.limits = self._reference if self.shared else self._policy

    def reference(self):
        """The reference (model, tokenizer); with a shared model, only before `policy()`."""
        if self._reference is None:
            raise RuntimeError("the reference's weights were merged into the policy")
        return self._reference

    def policy(self):
        """The policy (model, tokenizer); with a shared model, the adapter is merged in now."""
        if self._policy is None:
            from peft import PeftModel

            model, tokenizer = self._reference
            self._reference = None
            model = PeftModel.from_pretrained(model, str(self._adapter)).merge_and_unload()
            model.eval()
            model.requires_grad_(False)
            self._policy = (model, tokenizer)
        return self._policy


def load_reward(name_or_path: str, trust_remote_code: bool = False):
    """A reward model (one-output classifier) and its tokenizer, as `load_policy`."""
    return _load(name_or_path, "rm", trust_remote_code)


def autocast(model, bf16: bool):
    """bf16 autocast on the model's device when asked (several times faster on recent CPUs),
    else a no-op context."""
    import contextlib

    import torch

    if not bf16:
        return contextlib.nullcontext()
    device = next(model.parameters()).device.type
    return torch.autocast(device_type=device, dtype=torch.bfloat16)
