"""models/generate.py and inference.PolicyAndReference on tiny-llama (fp32): sorted, batched
generation gives a plain per-prompt `model.generate` loop's greedy answers, in the prompts'
order; sampling draws one stream per prompt; a LoRA policy over its reference loads one model
whose two roles equal two separate loads."""

from __future__ import annotations

import json

import pytest
import torch

from alignkit.eval.logprobs import pair_tokens, sequence, sequence_logps
from alignkit.models.generate import StreamSampler, generate, length_batches, prompt_ids
from alignkit.models.inference import PolicyAndReference, load_policy

# lengths out of order, text and chat prompts: the sort must reorder them
PROMPTS = [
    "Please explain why the sky is blue, and why the sea looks blue as well, in a few words.",
    "Hello!",
    [{"role": "user", "content": "How do I boil an egg?"}],
    "What is the capital of France? The capital of France is",
    "Write a poem about the sea.",
    [{"role": "user", "content": "Summarise this article in one sentence: prices rose again."}],
    "Numbers: one, two, three,",
]
SETTINGS = dict(max_new_tokens=10, temperature=0.0, top_p=1.0, seed=0, max_prompt_tokens=256)


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models: thread syncs cost more than the compute
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """tiny-llama with a random LoRA merged in: the bare random model answers most prompts
    with one repeated character, this one gives each prompt its own answer."""
    return load_policy(str(random_adapter(tmp_path_factory.mktemp("varied") / "adapter")))


def plain_loop(model, tokenizer, prompts, max_new_tokens: int) -> list[str]:
    """What a user writes: one prompt at a time, no padding, greedy."""
    out = []
    for prompt in prompts:
        ids = torch.tensor([prompt_ids(tokenizer, prompt, 10_000)])
        with torch.no_grad():
            new = model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=max_new_tokens,
                do_sample=False,
                pad_token_id=tokenizer.pad_token_id,
            )[0, ids.shape[1] :]
        out.append(tokenizer.decode(new, skip_special_tokens=True).strip())
    return out


def test_sorted_batches_give_the_plain_loops_greedy_answers_in_order(tiny):
    model, tokenizer = tiny
    lengths = [len(prompt_ids(tokenizer, p, 256)) for p in PROMPTS]
    batches = length_batches(lengths, 3)
    order = [i for b in batches for i in b]
    assert order != list(range(len(PROMPTS))) and sorted(order) == list(range(len(PROMPTS)))
    assert [lengths[i] for i in order] == sorted(lengths)
    expected = plain_loop(model, tokenizer, PROMPTS, 10)
    assert len(set(expected)) == len(PROMPTS)  # every prompt its own answer: order shows
    for batch_size in (1, 3, 8):
        got = generate(model, tokenizer, PROMPTS, batch_size=batch_size, **SETTINGS)
        assert got == expected
    reversed_answers = generate(model, tokenizer, PROMPTS[::-1], batch_size=3, **SETTINGS)
    assert reversed_answers == expected[::-1]


def test_stop_strings_end_the_answer_before_them(tiny):
    model, tokenizer = tiny
    full = generate(model, tokenizer, PROMPTS[:4], batch_size=4, **SETTINGS)
    stop = full[0][3:6]  # a piece of the first answer, not at its start
    assert len(stop) == 3
    cut = generate(model, tokenizer, PROMPTS[:4], batch_size=4, stop=[stop], **SETTINGS)
    for whole, short in zip(full, cut, strict=True):
        assert short == (whole[: whole.index(stop)].strip() if stop in whole else whole)
    assert cut[0] == full[0][:3].strip() != full[0]


def test_sampling_draws_one_stream_per_prompt(tiny):
    model, tokenizer = tiny
    sample = {**SETTINGS, "temperature": 1.0, "top_p": 0.95, "seed": 3}
    first = generate(model, tokenizer, PROMPTS, batch_size=3, **sample)
    assert first != generate(model, tokenizer, PROMPTS, batch_size=3, **SETTINGS)  # not greedy
    # the same prompt draws the same stream whatever the batch size and the other prompts;
    # so a second model with the same weights (a reference equal to the policy) answers alike
    assert generate(model, tokenizer, PROMPTS, batch_size=1, **sample) == first
    assert generate(model, tokenizer, PROMPTS[:2], batch_size=8, **sample) == first[:2]
    other = generate(model, tokenizer, PROMPTS, batch_size=3, **{**sample, "seed": 4})
    assert other != first  # another seed, other streams


def test_stream_sampler_inverts_the_nucleus_cdf():
    logits = torch.tensor([[2.0, 0.0, 1.0, -1.0, 0.5, -3.0]])
    temperature, top_p, draws = 0.8, 0.9, 1000
    probs = torch.softmax(logits / temperature, -1)[0].double()
    ranked = torch.argsort(probs, descending=True)
    mass = probs[ranked].cumsum(0)
    kept = ranked[: int((mass < top_p).sum()) + 1]  # the smallest set reaching top_p
    nucleus = torch.zeros_like(probs)
    nucleus[kept] = probs[kept] / probs[kept].sum()
    grid = ((torch.arange(draws, dtype=torch.float64) + 0.5) / draws).unsqueeze(0)
    sampler = StreamSampler(grid, prompt_width=0, temperature=temperature, top_p=top_p)
    counts = torch.zeros(6)
    for step in range(draws):
        scores = sampler(torch.zeros((1, step), dtype=torch.long), logits.clone())
        assert scores.isfinite().sum() == 1 and scores.max() == 0
        counts[int(scores.argmax())] += 1
    assert set(counts.nonzero().flatten().tolist()) == set(kept.tolist())
    # an evenly spread grid of uniforms lands on each token its probability's share, +-1
    assert torch.allclose(counts.double(), nucleus * draws, atol=1.0)


def random_adapter(folder, seed: int = 0):
    """A LoRA adapter on tiny-llama with random B (PEFT starts B at zero: no change)."""
    from peft import LoraConfig, get_peft_model

    from alignkit.models import LoadSettings, load_causal_lm

    base, tokenizer = load_causal_lm("tiny-llama", LoadSettings(dtype="fp32"))
    config = LoraConfig(r=4, lora_alpha=8, target_modules="all-linear", task_type="CAUSAL_LM")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)  # PEFT draws A from the global generator
        peft = get_peft_model(base, config)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in peft.named_parameters():
            if "lora_B" in name:
                param.copy_(torch.randn(param.shape, generator=gen) * 0.5)
    peft.save_pretrained(folder)
    return folder


def logps_of(model, tokenizer):
    pair = pair_tokens(tokenizer, "Hello! How are you?", " Fine, thank you.", " No.")
    sequences = [sequence(pair[0], pair[1], 64, "right"), sequence(pair[0], pair[2], 64, "right")]
    return sequence_logps(model, sequences, tokenizer.pad_token_id, 2)


def test_a_lora_policy_over_its_reference_loads_one_model(tmp_path):
    adapter = random_adapter(tmp_path / "adapter")
    assert json.loads((adapter / "adapter_config.json").read_text())["base_model_name_or_path"]
    base = load_policy("tiny-llama")
    merged = load_policy(str(adapter))  # the adapter merged into a second copy of the base
    expected_ref = generate(*base, PROMPTS, batch_size=3, **SETTINGS)
    expected_policy = generate(*merged, PROMPTS, batch_size=3, **SETTINGS)
    assert expected_policy != expected_ref  # the adapter changes the answers

    models = PolicyAndReference(str(adapter), "tiny-llama")
    assert models.shared
    ref_model, tokenizer = models.reference()
    assert generate(ref_model, tokenizer, PROMPTS, batch_size=3, **SETTINGS) == expected_ref
    assert (logps_of(ref_model, tokenizer) == logps_of(*base)).all()
    policy_model, _ = models.policy()
    assert policy_model is ref_model  # merged in place: one copy of the weights
    assert generate(policy_model, tokenizer, PROMPTS, batch_size=3, **SETTINGS) == expected_policy
    assert (logps_of(policy_model, tokenizer) == logps_of(*merged)).all()
    with pytest.raises(RuntimeError, match="merged"):
        models.reference()


def test_a_policy_with_another_reference_loads_both(tmp_path):
    adapter = random_adapter(tmp_path / "adapter")
    models = PolicyAndReference(str(adapter), str(adapter))  # an adapter is no base
    assert not models.shared
    assert models.policy()[0] is not models.reference()[0]
    assert generate(*models.policy(), PROMPTS[:2], batch_size=2, **SETTINGS) == generate(
        *models.reference(), PROMPTS[:2], batch_size=2, **SETTINGS
    )
