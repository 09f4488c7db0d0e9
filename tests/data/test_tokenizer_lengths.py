"""`--tokenizer`: exact token lengths from a local tokenizer (built here, offline)."""

from __future__ import annotations

import pytest

from alignkit.data import ingest
from alignkit.errors import AlignkitError
from tests.data.helpers import write_jsonl


@pytest.fixture
def word_tokenizer(tmp_path):
    """A whitespace word-level tokenizer saved as a transformers folder: one token a word."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.train_from_iterator(
        ["alpha beta gamma delta"], trainers.WordLevelTrainer(special_tokens=["[UNK]"])
    )
    path = tmp_path / "tok"
    PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]").save_pretrained(path)
    return path


def test_token_bounds_use_the_tokenizer(tmp_path, word_tokenizer):
    rows = [
        # 2 words: kept by the char rule (13 chars -> 4 approx. tokens), dropped by the tokenizer
        {"prompt": "supercalifrag istic", "chosen": "a", "rejected": "b"},
        {"prompt": "one two three", "chosen": "a", "rejected": "b"},
        {"prompt": "w " * 9, "chosen": "a", "rejected": "b"},
    ]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    approx = ingest(input=src, output=tmp_path / "a", max_prompt_toks=8)
    assert approx["dropped"] == {}
    exact = ingest(
        input=src, output=tmp_path / "b", tokenizer=str(word_tokenizer), max_prompt_toks=8
    )
    assert exact["dropped"] == {"prompt_too_short": 1, "prompt_too_long": 1}
    assert exact["lengths"]["unit"] == "tokens"
    assert exact["lengths"]["prompt"]["max"] == 3


def test_missing_tokenizer_is_a_user_error(tmp_path):
    src = write_jsonl(
        tmp_path / "in.jsonl", [{"prompt": "a b c d", "chosen": "a", "rejected": "b"}]
    )
    with pytest.raises(AlignkitError) as err:
        ingest(input=src, output=tmp_path / "o", tokenizer=str(tmp_path / "nope"))
    assert "cannot load tokenizer" in str(err.value)


def test_tokenizer_of_another_schema_is_one_line(tmp_path):
    """The Rust tokenizers library raises a bare Exception on a tokenizer.json it cannot parse."""
    from alignkit.data.tokens import load_tokenizer

    (tmp_path / "tokenizer.json").write_text('{"version": "1.0", "model": {"type": "Nope"}}')
    (tmp_path / "tokenizer_config.json").write_text(
        '{"tokenizer_class": "PreTrainedTokenizerFast"}'
    )
    with pytest.raises(AlignkitError, match="cannot load tokenizer"):
        load_tokenizer(str(tmp_path))
