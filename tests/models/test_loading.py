from __future__ import annotations

import pytest
import torch

from alignkit.errors import AlignkitError
from alignkit.models import (
    PLAIN_CHAT_TEMPLATE,
    LoadSettings,
    apply_lora,
    load_causal_lm,
    load_reward_model,
    load_tokenizer,
    resolve,
)
from tests.models.conftest import one_line

CHAT = [
    {"role": "user", "content": "What is the capital of France?"},
    {"role": "assistant", "content": "Paris."},
]


def test_causal_lm_generates_tokens():
    model, tokenizer = load_causal_lm("tiny-llama")
    assert model.config.model_type == "llama" and model.dtype == torch.float32
    assert tokenizer.pad_token is not None and tokenizer.pad_token != tokenizer.eos_token
    assert tokenizer.padding_side == "right"
    assert model.config.pad_token_id == tokenizer.pad_token_id
    prompt = tokenizer.apply_chat_template(
        CHAT[:1], add_generation_prompt=True, return_tensors="pt", return_dict=True
    )
    out = model.generate(**prompt, max_new_tokens=8, min_new_tokens=8, do_sample=False)
    assert out.shape[1] == prompt["input_ids"].shape[1] + 8
    assert isinstance(tokenizer.decode(out[0]), str)


def test_tiny_llama_chat_template_round_trip():
    tokenizer = load_tokenizer(resolve("tiny-llama"))
    text = tokenizer.apply_chat_template(CHAT, tokenize=False)
    assert text == (
        "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n"
        "<|im_start|>assistant\nParis.<|im_end|>\n"
    )
    ids = tokenizer(text).input_ids
    assert tokenizer.decode(ids) == text
    assert tokenizer.convert_tokens_to_ids("<|im_end|>") == tokenizer.eos_token_id


def test_left_padding_on_request():
    assert load_tokenizer(resolve("tiny-llama"), padding_side="left").padding_side == "left"


def _batch(tokenizer, texts):
    return tokenizer(texts, return_tensors="pt", padding=True)


def test_training_step_changes_parameters():
    torch.manual_seed(0)
    model, tokenizer = load_causal_lm("tiny-llama")
    model.train()
    batch = _batch(tokenizer, ["The capital of France is Paris.", "Hello there!"])
    labels = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    loss = model(**batch, labels=labels).loss
    assert torch.isfinite(loss)
    loss.backward()
    optimizer.step()
    changed = [n for n, p in model.named_parameters() if not torch.equal(before[n], p)]
    assert len(changed) == len(before)


@pytest.mark.parametrize("name", ["tiny-bert", "tiny-llama"])
def test_reward_model_scores_a_batch(name):
    torch.manual_seed(0)
    model, tokenizer = load_reward_model(name)
    assert model.config.num_labels == 1
    assert model.config.pad_token_id == tokenizer.pad_token_id is not None
    texts = ["A short answer.", "A much longer answer that goes on and on for a while."]
    model.eval()
    with torch.no_grad():
        scores = model(**_batch(tokenizer, texts)).logits
    assert scores.shape == (2, 1)
    assert not torch.equal(scores[0], scores[1])
    with torch.no_grad():  # padding does not change a score
        alone = model(**_batch(tokenizer, texts[:1])).logits
    torch.testing.assert_close(alone[0], scores[0], atol=1e-4, rtol=1e-4)


def test_reward_tokenizer_gets_a_plain_chat_template():
    _, tokenizer = load_reward_model("tiny-bert")
    assert tokenizer.chat_template == PLAIN_CHAT_TEMPLATE
    text = tokenizer.apply_chat_template(CHAT, tokenize=False)
    assert text == "User: What is the capital of France?\nAssistant: Paris.\n"
    _, llama_tokenizer = load_reward_model("tiny-llama")
    assert "<|im_start|>" in llama_tokenizer.chat_template  # its own template is kept


def test_lora_wraps_only_adapters_for_a_policy():
    settings = LoadSettings(lora=True, lora_r=4, lora_alpha=8)
    model, _ = load_causal_lm("tiny-llama", settings)
    assert not hasattr(model, "peft_config")  # loads come back unwrapped
    model = apply_lora(model, settings, "CAUSAL_LM")
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    total = sum(p.numel() for p in model.parameters())
    assert 0 < sum(p.numel() for p in model.parameters() if p.requires_grad) < total
    assert trainable and all("lora_" in n for n in trainable)


def test_lora_on_a_reward_model_trains_adapters_and_the_head():
    settings = LoadSettings(lora=True, lora_r=4)
    model, _ = load_reward_model("tiny-bert", settings)
    model = apply_lora(model, settings, "SEQ_CLS")
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    assert any("lora_" in n for n in trainable)
    assert all("lora_" in n or "classifier" in n or "score" in n for n in trainable)
    assert any("classifier" in n for n in trainable)


def test_lora_with_unknown_targets_is_one_line():
    settings = LoadSettings(lora=True, lora_targets=["no_such_module"])
    model, _ = load_causal_lm("tiny-llama", settings)
    with pytest.raises(AlignkitError, match="LoRA") as info:
        apply_lora(model, settings, "CAUSAL_LM")
    one_line(info.value)


def test_gradient_checkpointing_with_lora_still_backpropagates():
    settings = LoadSettings(lora=True, lora_r=4, gradient_checkpointing=True)
    model, tokenizer = load_causal_lm("tiny-llama", settings)
    assert model.is_activation_checkpointing and model.config.use_cache is False
    model = apply_lora(model, settings, "CAUSAL_LM")
    model.train()
    batch = _batch(tokenizer, ["Hello there!", "Good night."])
    model(**batch, labels=batch["input_ids"]).loss.backward()
    grads = [p.grad for n, p in model.named_parameters() if "lora_B" in n]
    assert grads and all(g is not None for g in grads)


def test_loads_are_offline_safetensors_and_no_remote_code(monkeypatch):
    from transformers import AutoModelForCausalLM

    seen = {}
    real = AutoModelForCausalLM.from_pretrained

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(AutoModelForCausalLM, "from_pretrained", spy)
    load_causal_lm("tiny-llama")
    assert seen["use_safetensors"] is True
    assert seen["local_files_only"] is True
    assert seen["trust_remote_code"] is False


def test_encoder_is_not_a_policy():
    with pytest.raises(AlignkitError, match="cannot be loaded as a causal LM") as info:
        load_causal_lm("tiny-bert")
    one_line(info.value)


def test_bf16_lora_loads_a_bf16_base_on_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    model, _ = load_causal_lm("tiny-llama", LoadSettings(dtype="bf16", lora=True))
    assert model.dtype == torch.bfloat16
