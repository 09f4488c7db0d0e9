"""Prefix sharing (train/prefix_sharing.py) gives TRL's unpacked forward's per-token log-probs,
metrics and gradients: on batches made by TRL's own collator (prompts of several lengths,
answers that begin alike, keep_start and keep_end truncation), for several decoder families,
both attention implementations, under LoRA, and in a DPO run end to end."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("trl")

from alignkit.train import prefix_sharing  # noqa: E402

FIELDS = ("log_probs", "entropy", "mean_logits", "is_top1")


def _examples(vocab: int, seed: int = 0) -> list[dict]:
    g = torch.Generator().manual_seed(seed)

    def ids(n):
        return torch.randint(5, vocab, (n,), generator=g).tolist()

    same_start = ids(3)
    return [
        {"prompt_ids": ids(9), "chosen_ids": ids(5), "rejected_ids": ids(11)},
        {"prompt_ids": ids(3), "chosen_ids": ids(14), "rejected_ids": ids(2)},
        # the answers begin alike: only the prompt is shared, the rest is scored per answer
        {"prompt_ids": ids(6), "chosen_ids": same_start + ids(4), "rejected_ids": same_start},
        {"prompt_ids": ids(17), "chosen_ids": ids(1), "rejected_ids": ids(6)},
    ]


def _batch(vocab: int, pad: int, max_length: int | None, truncation: str) -> dict:
    from trl.trainer.dpo_trainer import DataCollatorForPreference

    collate = DataCollatorForPreference(
        pad_token_id=pad, max_length=max_length, truncation_mode=truncation
    )
    batch = collate(_examples(vocab))
    batch["labels"] = batch["input_ids"].masked_fill(batch.pop("completion_mask") == 0, -100)
    return batch


def _model(family: str, attention: str):
    from transformers import AutoConfig, AutoModelForCausalLM
    from trl.trainer.utils import add_fused_lm_head

    extra = {"sliding_window": None} if family == "mistral" else {}
    config = AutoConfig.for_model(
        family, vocab_size=97, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
        pad_token_id=0, **extra,
    )  # fmt: skip
    config._attn_implementation = attention
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config, attn_implementation=attention)
    add_fused_lm_head(model, outputs=FIELDS)
    return model


def _forward(model, batch, packed: bool):
    model.zero_grad()
    with prefix_sharing.active() if packed else torch.enable_grad():
        out = model(**batch, use_cache=False, fused_lm_head=True)
    # a loss that weights every token differently, so that a misplaced gradient shows
    weights = torch.linspace(0.5, 1.5, out.log_probs.numel()).view(out.log_probs.shape)
    (out.log_probs * weights).sum().backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
    return out, grads


def _assert_same(model, batch):
    ref, ref_grads = _forward(model, batch, packed=False)
    prefix_sharing.install(model)
    got, grads = _forward(model, batch, packed=True)
    for name in FIELDS:
        a, b = getattr(ref, name).float(), getattr(got, name).float()
        assert a.shape == b.shape, name
        torch.testing.assert_close(b, a, atol=1e-5, rtol=1e-5, msg=name)
    assert set(grads) == set(ref_grads) and grads
    for name, g in ref_grads.items():
        torch.testing.assert_close(grads[name], g, atol=1e-5, rtol=1e-4, msg=name)
    counts = model._alignkit_token_counts
    return counts


@pytest.mark.parametrize("family", ["llama", "qwen2", "qwen3", "mistral"])
@pytest.mark.parametrize("attention", ["sdpa", "eager"])
def test_packed_equals_unpacked(family, attention):
    model = _model(family, attention)
    assert prefix_sharing.supported(model.config) is None
    counts = _assert_same(model, _batch(97, 0, None, "keep_start"))
    assert 0 < counts["packed"] < counts["unpacked"]  # the prompts were encoded once


@pytest.mark.parametrize("truncation", ["keep_start", "keep_end"])
def test_truncated_pairs(truncation):
    # 16 tokens: keep_start cuts answers (one to nothing), keep_end cuts the prompts unequally
    _assert_same(_model("llama", "sdpa"), _batch(97, 0, 16, truncation))


def test_under_lora():
    from peft import LoraConfig, get_peft_model

    model = _model("llama", "sdpa")
    lora = LoraConfig(r=4, target_modules="all-linear", init_lora_weights=False, lora_dropout=0.0)
    peft = get_peft_model(model, lora)
    batch = _batch(97, 0, None, "keep_start")
    ref, ref_grads = _forward(peft, batch, packed=False)
    prefix_sharing.install(peft.get_base_model())
    got, grads = _forward(peft, batch, packed=True)
    torch.testing.assert_close(got.log_probs, ref.log_probs, atol=1e-5, rtol=1e-5)
    assert grads.keys() == ref_grads.keys() and all("lora_" in n for n in grads)
    for name, g in ref_grads.items():
        torch.testing.assert_close(grads[name], g, atol=1e-5, rtol=1e-4, msg=name)
    assert peft.get_base_model()._alignkit_token_counts["packed"] > 0


def test_other_calls_are_not_packed():
    model = _model("llama", "sdpa")
    prefix_sharing.install(model)
    batch = _batch(97, 0, None, "keep_start")
    with prefix_sharing.active():
        model(**batch, use_cache=False, fused_lm_head=True)  # a DPO call: packed
        model(input_ids=batch["input_ids"][:3], labels=batch["labels"][:3], fused_lm_head=True)
        logits = model(input_ids=batch["input_ids"]).logits  # a plain forward
    model(**batch, use_cache=False, fused_lm_head=True)  # outside the trainer's block
    assert logits.shape[:2] == batch["input_ids"].shape
    assert model._alignkit_token_counts["unpacked"] == batch["input_ids"].numel()


def test_unsupported_models_say_why():
    from transformers import AutoConfig

    gpt2 = AutoConfig.for_model("gpt2")
    assert "gpt2" in prefix_sharing.supported(gpt2)
    mistral = AutoConfig.for_model("mistral", sliding_window=64)
    mistral._attn_implementation = "sdpa"
    assert "sliding" in prefix_sharing.supported(mistral)
    llama = AutoConfig.for_model("llama")
    llama._attn_implementation = "flash_attention_2"
    assert "flash_attention_2" in prefix_sharing.supported(llama)


def test_dpo_run_is_the_same_with_and_without(tmp_path, monkeypatch):
    from alignkit.train import dpo
    from tests.train.test_dpo import dataset, settings

    data = dataset(tmp_path, flags=False)
    runs = {}
    for name, on in (("plain", False), ("shared", True)):
        # a cache each: both runs compute their reference log-probs (packed, and not)
        monkeypatch.setenv("ALIGNKIT_CACHE_DIR", str(tmp_path / f"cache-{name}"))
        s = settings(tmp_path, data, name=name, max_steps=4, eval_steps=2, prefix_sharing=on)
        result = dpo.train(s)
        assert result.status == "succeeded"
        info = json.loads((tmp_path / name / "run.json").read_text())
        lines = (tmp_path / name / "metrics.jsonl").read_text().splitlines()
        runs[name] = (info, [json.loads(line) for line in lines])
    plain, shared = runs["plain"], runs["shared"]
    assert shared[0]["prefix_sharing"]["on"] and not plain[0]["prefix_sharing"]["on"]
    tokens = shared[0]["prefix_sharing"]["tokens"]
    assert 0 < tokens["packed"] < tokens["unpacked"]
    assert shared[0]["reference_cache"] == plain[0]["reference_cache"] == "miss"
    keys = ("loss", "rewards/chosen", "rewards/rejected", "eval_loss")
    for a, b in zip(plain[1], shared[1]):
        for key in keys:
            if key in a:
                assert b[key] == pytest.approx(a[key], rel=1e-3, abs=1e-4), key
    # the packed reference pass, over pairs sorted by length, stored in the split's order:
    # each pair's log-probs as eval computes them one sequence at a time
    from alignkit.data.load import load_split
    from alignkit.eval.logprobs import pair_tokens, sequence, sequence_logps
    from alignkit.models import load_causal_lm
    from alignkit.train import refcache

    model, tok = load_causal_lm("tiny-llama")
    rows = load_split(data, "train", ("prompt", "chosen", "rejected")).to_list()
    seqs = []
    for row in rows:
        p, c, r = pair_tokens(tok, row["prompt"], row["chosen"], row["rejected"])
        seqs += [sequence(p, c, 64, "right"), sequence(p, r, 64, "right")]
    expected = sequence_logps(model, seqs, tok.pad_token_id, batch_size=1)
    stored = refcache.load(shared[0]["reference_fingerprints"]["train"], rows=len(rows))
    assert stored is not None
    assert stored[0] == pytest.approx(expected[0::2], abs=1e-4)
    assert stored[1] == pytest.approx(expected[1::2], abs=1e-4)


def test_smollm2_under_lora():
    """The packaged default policy (SmolLM2-135M, a Llama with tied embeddings) under LoRA, on
    chat-formatted pairs: per-pair log-probs within 1e-4 of TRL's rows, LoRA gradients too."""
    from peft import LoraConfig, get_peft_model
    from trl.trainer.dpo_trainer import DataCollatorForPreference
    from trl.trainer.utils import add_fused_lm_head

    from alignkit.models import load_causal_lm

    model, tok = load_causal_lm("smollm2-135m-instruct")
    add_fused_lm_head(model, outputs=FIELDS)
    lora = LoraConfig(r=8, target_modules="all-linear", init_lora_weights=False, lora_dropout=0.0)
    peft = get_peft_model(model, lora)
    pairs = [
        ("How do I boil an egg?", "Put it in boiling water for nine minutes.", "Microwave it."),
        ("Name a prime number.", "Seven.", "Nine is prime, because it is odd."),
        ("Say hello in French.", "Bonjour!", "Bonjour, or salut among friends."),
    ]
    examples = []
    for prompt, chosen, rejected in pairs:
        ids = tok.apply_chat_template(
            [{"role": "user", "content": prompt}], add_generation_prompt=True, tokenize=True,
            return_dict=True,
        )["input_ids"]  # fmt: skip
        answer = [tok(text=a + tok.eos_token)["input_ids"] for a in (chosen, rejected)]
        examples.append(
            {"prompt_ids": list(ids), "chosen_ids": answer[0], "rejected_ids": answer[1]}
        )
    batch = DataCollatorForPreference(pad_token_id=tok.pad_token_id)(examples)
    batch["labels"] = batch["input_ids"].masked_fill(batch.pop("completion_mask") == 0, -100)
    ref, ref_grads = _forward(peft, batch, packed=False)
    prefix_sharing.install(peft.get_base_model())
    got, grads = _forward(peft, batch, packed=True)
    rows = lambda out: out.log_probs.sum(dim=1)  # noqa: E731 - per-sequence log-probs
    torch.testing.assert_close(rows(got), rows(ref), atol=1e-4, rtol=1e-5)
    for name, g in ref_grads.items():
        torch.testing.assert_close(grads[name], g, atol=1e-4, rtol=1e-3, msg=name)
    counts = peft.get_base_model()._alignkit_token_counts
    assert counts["packed"] < 0.8 * counts["unpacked"]  # the chat prompts dominate


def test_generation_still_works_after_install():
    """generate() reads the forward's signature; the wrapper keeps the model's own."""
    import inspect

    model = _model("llama", "sdpa")
    before = inspect.signature(model.forward)
    prefix_sharing.install(model)
    assert inspect.signature(model.forward) == before
    ids = torch.tensor([[5, 6, 7]])
    out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=3,
                         do_sample=False, pad_token_id=0)  # fmt: skip
    assert out.shape == (1, 6)
