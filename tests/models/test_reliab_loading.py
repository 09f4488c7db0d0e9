"""Issue 8, items 12 and 14: a model folder whose weights do not fit its config is refused (it
used to train from random weights and report `succeeded`), and a hostile model folder (unknown
model_type, truncated safetensors, config.json that is not JSON, no tokenizer) is one line
naming the folder or file, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from alignkit.errors import AlignkitError
from alignkit.models import load_causal_lm, load_reward_model, resolve
from tests.models.conftest import one_line


def user_copy(tmp_path: Path, name: str, folder: str = "my-model") -> Path:
    dest = tmp_path / folder
    shutil.copytree(resolve(name), dest)
    (dest / "alignkit-model.json").unlink()
    return dest


def edit_config(folder: Path, **changes) -> None:
    config = json.loads((folder / "config.json").read_text())
    config.update(changes)
    (folder / "config.json").write_text(json.dumps(config))


# -- item 12: weights that do not fit the config --------------------------------------------------


def test_llama_config_beside_bert_weights_is_refused_for_a_policy(tmp_path):
    """The probe: a llama config.json with BERT's model.safetensors in one local folder."""
    folder = user_copy(tmp_path, "tiny-llama")
    shutil.copy(resolve("tiny-bert") / "model.safetensors", folder / "model.safetensors")
    with pytest.raises(AlignkitError, match="do not fit its config.json") as info:
        load_causal_lm(str(folder))
    text = one_line(info.value)
    assert str(folder) in text and "missing" in text and "unexpected" in text


def test_llama_config_beside_bert_weights_is_refused_for_a_reward_model(tmp_path):
    folder = user_copy(tmp_path, "tiny-llama")
    shutil.copy(resolve("tiny-bert") / "model.safetensors", folder / "model.safetensors")
    with pytest.raises(AlignkitError, match="missing") as info:
        load_reward_model(str(folder))
    assert "model.embed_tokens.weight" in one_line(info.value)


def test_bert_config_beside_llama_weights_is_refused_for_a_reward_model(tmp_path):
    folder = user_copy(tmp_path, "tiny-bert")
    shutil.copy(resolve("tiny-llama") / "model.safetensors", folder / "model.safetensors")
    with pytest.raises(AlignkitError, match="bert.embeddings"):
        load_reward_model(str(folder))


@pytest.mark.parametrize(
    ("name", "changes", "words"),
    [
        ("tiny-llama", {"num_hidden_layers": 1}, "unexpected"),  # a truncated model
        ("tiny-llama", {"num_hidden_layers": 3}, "missing"),  # a random third layer
        ("tiny-llama", {"hidden_size": 32, "intermediate_size": 64}, "another shape"),
    ],
)
def test_a_config_that_does_not_match_its_weights_is_refused(tmp_path, name, changes, words):
    folder = user_copy(tmp_path, name)
    edit_config(folder, **changes)
    with pytest.raises(AlignkitError, match=words) as info:
        load_causal_lm(str(folder))
    one_line(info.value)


def test_a_reward_model_body_must_match_too(tmp_path):
    folder = user_copy(tmp_path, "tiny-bert")
    edit_config(folder, num_hidden_layers=1)
    with pytest.raises(AlignkitError, match="unexpected.*encoder.layer.1"):
        load_reward_model(str(folder))


@pytest.mark.parametrize("name", ["tiny-bert", "tiny-llama"])
def test_a_reward_model_from_a_base_model_gets_a_new_head(name):
    """The head (classifier / score) is the only part allowed to be missing: a base LM or
    encoder has none."""
    model, _ = load_reward_model(name)
    assert model.config.num_labels == 1


def test_a_new_head_is_an_error_when_scoring_with_a_trained_reward_model():
    with pytest.raises(AlignkitError, match="classifier") as info:
        load_reward_model("tiny-bert", new_head=False)
    one_line(info.value)


def test_a_trained_reward_model_reloads_with_its_head(tmp_path):
    model, tokenizer = load_reward_model("tiny-llama")
    with torch.no_grad():
        model.score.weight.fill_(0.5)
    model.save_pretrained(tmp_path / "rm")
    tokenizer.save_pretrained(tmp_path / "rm")
    again, _ = load_reward_model(str(tmp_path / "rm"), new_head=False)
    assert torch.equal(again.score.weight, model.score.weight)


def test_another_tasks_head_is_dropped_and_a_resized_head_is_new(tmp_path):
    """An MLM checkpoint (cls.predictions.*, no pooler) and a 2-label classifier are both
    fine starting points for a 1-output reward model: only their heads differ."""
    from transformers import BertConfig, BertForMaskedLM, BertForSequenceClassification

    base = resolve("tiny-bert")
    config = BertConfig.from_pretrained(base)
    for folder, model in (
        ("mlm", BertForMaskedLM(config)),
        (
            "two-labels",
            BertForSequenceClassification(BertConfig.from_pretrained(base, num_labels=2)),
        ),
    ):
        model.save_pretrained(tmp_path / folder)
        for tok in base.glob("tokenizer*"):
            shutil.copy(tok, tmp_path / folder)
        rm, _ = load_reward_model(str(tmp_path / folder))
        assert rm.classifier.out_features == 1


def test_a_reward_model_is_not_a_policy(tmp_path):
    """Its score head is an unexpected weight for a causal LM (tied embeddings would otherwise
    make it load quietly as a policy)."""
    model, tokenizer = load_reward_model("tiny-llama")
    model.save_pretrained(tmp_path / "rm")
    tokenizer.save_pretrained(tmp_path / "rm")
    with pytest.raises(AlignkitError, match="score.weight"):
        load_causal_lm(str(tmp_path / "rm"))


def test_a_mismatched_folder_fails_a_training_run(tmp_path):
    """End to end: the run fails with the one line instead of training a random model."""
    from alignkit.train import rm
    from tests.train.helpers import make_dataset

    folder = user_copy(tmp_path, "tiny-bert")
    shutil.copy(resolve("tiny-llama") / "model.safetensors", folder / "model.safetensors")
    s = rm.RMSettings(
        base_model=str(folder), dataset_dir=make_dataset(tmp_path, n=20),
        output_dir=tmp_path / "run", max_steps=2, batch_size=4, max_length=32,
    )  # fmt: skip
    with pytest.raises(AlignkitError, match="do not fit"):
        rm.train(s)
    assert json.loads((tmp_path / "run" / "run.json").read_text())["status"] == "failed"


# -- item 14: hostile folders are one line --------------------------------------------------------


def _truncate(path: Path, keep: int | None = None) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 if keep is None else keep])


HOSTILE = {
    "unknown model_type": (
        lambda f: edit_config(f, model_type="nosuchmodel"),
        "model_type 'nosuchmodel'",
    ),
    "no model_type": (
        lambda f: (f / "config.json").write_text('{"hidden_size": 64}'),
        "no model_type",
    ),
    "config.json not JSON": (
        lambda f: (f / "config.json").write_text('{"model_type": "llama", '),
        "config.json is not valid JSON",
    ),
    "config.json a list": (lambda f: (f / "config.json").write_text("[1, 2]"), "not an object"),
    "truncated safetensors": (lambda f: _truncate(f / "model.safetensors"), "truncated"),
    "truncated safetensors header": (
        lambda f: _truncate(f / "model.safetensors", keep=20),
        "truncated",
    ),
    "empty safetensors": (lambda f: _truncate(f / "model.safetensors", keep=0), "empty"),
    "garbage safetensors": (
        lambda f: (f / "model.safetensors").write_bytes(b"\xff" * 4096),
        "not a safetensors file",
    ),
    "no tokenizer files": (
        lambda f: [p.unlink() for p in f.glob("tokenizer*")],
        "no tokenizer files",
    ),
    "tokenizer.json truncated": (
        lambda f: _truncate(f / "tokenizer.json", keep=100),
        "the tokenizer in",
    ),
    "tokenizer_config.json not JSON": (
        lambda f: (f / "tokenizer_config.json").write_text("{nope"),
        "the tokenizer in",
    ),
    "config.json not text": (
        lambda f: (f / "config.json").write_bytes(b"\xff\xfe\x00garbage"),
        "cannot read config.json",
    ),
    "weights a dangling symlink": (
        lambda f: (
            (f / "model.safetensors").unlink(),
            (f / "model.safetensors").symlink_to(f / "gone"),
        ),
        "cannot be read",
    ),
    "tokenizer.json of another schema": (
        lambda f: (f / "tokenizer.json").write_text('{"model": {"type": "Nope"}}'),
        "the tokenizer in",
    ),
    "a config field of the wrong type": (
        lambda f: edit_config(f, hidden_size="big"),
        "hidden_size",
    ),
    "an impossible architecture": (
        lambda f: edit_config(f, num_attention_heads=3),
        "attention heads",
    ),
    "a shard index naming a missing shard": (
        lambda f: (f / "model.safetensors.index.json").write_text(
            json.dumps({"weight_map": {"lm_head.weight": "model-00002-of-00002.safetensors"}})
        ),
        "missing shard",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
@pytest.mark.parametrize("loader", [load_causal_lm, load_reward_model])
def test_hostile_model_folder_is_one_line(tmp_path, case, loader):
    folder = user_copy(tmp_path, "tiny-llama")
    damage, words = HOSTILE[case]
    damage(folder)
    with pytest.raises(AlignkitError) as info:
        loader(str(folder))
    text = one_line(info.value)
    assert words in text, text
    assert str(folder) in text, text  # names the folder or the file in it
