"""Tiny random-initialised models for tests and dry runs: a byte-level BPE tokenizer trained in
well under a second on a built-in English text, and a 2-layer Llama or BERT built from a config.
Everything is seeded, so two builds on any machine give the same files."""

from __future__ import annotations

from pathlib import Path

SEED = 1234
VOCAB_SIZE = 640

# ChatML without a default system prompt: chat-formatted preference data works with tiny-llama.
TINY_CHAT_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

CORPUS = """\
The quick brown fox jumps over the lazy dog. A good answer is short, clear and true.
What is the capital of France? The capital of France is Paris. Paris is a city on the Seine.
How do I boil an egg? Put the egg in boiling water for about nine minutes, then cool it.
Can you help me write a polite email to my manager? Of course. Here is a short draft.
Thank you for your question. I am not sure, but I think the answer is yes.
Please explain why the sky is blue. Sunlight is scattered by the air, and blue light scatters most.
The assistant should be helpful, honest and harmless. It should refuse to help with harm.
Which answer do you prefer? The first answer is better because it is more accurate.
The second response is rude and it does not answer the question that the user asked.
Write a poem about the sea. The sea is wide and grey and cold, it keeps the stories sailors told.
Summarise this article in one sentence. The article says that prices rose again this year.
I would like to learn Python. Start with variables, loops and functions, then write small programs.
Numbers: one, two, three, four, five, six, seven, eight, nine, ten, 1, 2, 3, 42, 100, 2024.
User: Hello! Assistant: Hi there, how can I help you today? User: Tell me a joke, please.
Why did the chicken cross the road? To get to the other side. That is an old joke.
Good morning. Good night. Yes. No. Maybe. I agree. I disagree. It depends on the context.
The model was trained with human feedback: people compared two answers and chose the better one.
Rewards are higher for responses that people prefer and lower for responses they reject.
"""

LLAMA_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"]
BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _train_bpe(specials: list[str]):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(CORPUS.splitlines(), trainer=trainer)
    return tok


def build_tiny_llama(dest: Path) -> None:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=_train_bpe(LLAMA_SPECIALS),
        bos_token="<|endoftext|>",
        eos_token="<|im_end|>",
        unk_token="<|endoftext|>",
        pad_token="<|pad|>",
        model_max_length=2048,
    )
    tokenizer.chat_template = TINY_CHAT_TEMPLATE
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        model = LlamaForCausalLM(config)
    _save(model, tokenizer, dest)


def build_tiny_bert(dest: Path) -> None:
    import torch
    from tokenizers import processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    raw = _train_bpe(BERT_SPECIALS)
    cls_id, sep_id = raw.token_to_id("[CLS]"), raw.token_to_id("[SEP]")
    raw.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw,
        pad_token="[PAD]",
        unk_token="[UNK]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=512,
    )
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=512,
        pad_token_id=tokenizer.pad_token_id,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        model = BertModel(config)
    _save(model, tokenizer, dest)


def _save(model, tokenizer, dest: Path) -> None:
    model.save_pretrained(dest, safe_serialization=True)
    tokenizer.save_pretrained(dest)


BUILDERS = {"tiny-llama": build_tiny_llama, "tiny-bert": build_tiny_bert}
