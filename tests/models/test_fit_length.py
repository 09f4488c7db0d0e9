"""A length past the model's positions is cut to them with one line, in training and in eval
(issue 13: `alignkit train rm` with its default --max-length 1024 died on MiniLM's 512
positions with "The expanded size of the tensor (517) must match the existing size (512)")."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from alignkit.errors import AlignkitError
from alignkit.models.tokenize import fit_length, positions


def _model(**config):
    return SimpleNamespace(config=SimpleNamespace(**config))


def test_positions_reads_the_config_and_a_real_tokenizer_limit():
    assert positions(_model(max_position_embeddings=512)) == 512
    assert positions(_model(n_positions=1024)) == 1024  # GPT-2's name for it
    roberta = _model(max_position_embeddings=514)  # 2 rows go to the padding offset
    assert positions(roberta, SimpleNamespace(model_max_length=512)) == 512
    unbounded = SimpleNamespace(model_max_length=int(1e30))  # transformers' "no limit"
    assert positions(_model(max_position_embeddings=2048), unbounded) == 2048
    assert positions(_model()) is None


def test_fit_length_cuts_with_one_line_and_keeps_what_fits(capsys):
    bert = _model(max_position_embeddings=512)
    assert fit_length(256, bert, name="minilm-l6") == 256
    assert capsys.readouterr().err == ""
    assert fit_length(1024, bert, name="minilm-l6") == 512
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["--max-length 1024 is past minilm-l6's 512 positions: using 512"]
    # a prompt leaves room for the answer generated after it
    llama = _model(max_position_embeddings=2048)
    got = fit_length(2000, llama, name="p", flag="--max-prompt-length", reserve=100)
    assert got == 1948
    assert "--max-prompt-length 2000" in capsys.readouterr().err
    with pytest.raises(AlignkitError, match="no room for a prompt"):
        fit_length(64, _model(max_position_embeddings=64), reserve=60)


def _long_pairs(tmp_path):
    """Pairs whose texts are far past tiny-bert's 512 positions."""
    from alignkit.data import ingest

    filler = " ".join(["word"] * 700)
    rows = [
        {"prompt": f"q{i} {filler}", "chosen": f"kind answer {i}", "rejected": f"rude {i}"}
        for i in range(24)
    ]
    src = tmp_path / "long.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "data"
    ingest(input=src, output=out, train_ratio=0.75, eval_ratio=0.25, test_ratio=0.0)
    return out


def test_rm_with_the_default_length_trains_and_evaluates_on_a_512_position_model(tmp_path, capsys):
    from alignkit.eval.rm import RMEvalSettings, evaluate
    from alignkit.train import rm

    data = _long_pairs(tmp_path)
    run = tmp_path / "rm"
    settings = rm.RMSettings(
        base_model="tiny-bert", dataset_dir=data, output_dir=run, max_steps=2, batch_size=4,
        eval_steps=1000, save_steps=1000, truncation="left",
    )  # fmt: skip
    assert settings.max_length == 1024  # the default: past tiny-bert's 512
    result = rm.train(settings)
    assert result.status == "succeeded"
    assert "--max-length 1024 is past tiny-bert's 512 positions: using 512" in (
        capsys.readouterr().err
    )
    info = json.loads((run / "run.json").read_text())
    assert info["max_length"] == 512 and info["truncated_sequences"] > 0
    report = evaluate(RMEvalSettings(model=str(run), dataset_dir=data, split="eval"))
    assert report.metrics["pairs"] == 6
    assert report.report["tokenization"]["max_length"] == 512
    assert report.report["tokenization"]["max_length_from"] == "model positions"
