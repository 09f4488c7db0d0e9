"""DPO on a tiny Llama built here: it learns, the reference log-probs are computed once and
reused by a run with other beta/lambda, and Factual-DPO orients and shifts pairs correctly."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")

from alignkit.errors import AlignkitError  # noqa: E402
from alignkit.train import dpo  # noqa: E402
from tests.train.helpers import preference_rows, read_metrics  # noqa: E402


def dataset(tmp_path, flags: bool = True):
    from alignkit.data import ingest

    rows = preference_rows(80)
    for i, r in enumerate(rows):
        if flags:
            # every third pair has the hallucinated answer preferred: orientation must swap it
            r["h_chosen"], r["h_rejected"] = (1, 0) if i % 3 == 0 else (0, i % 2)
    src = tmp_path / "pairs.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "data"
    ingest(input=src, output=out, train_ratio=0.8, eval_ratio=0.2, test_ratio=0.0)
    return out


def settings(tmp_path, data, name="run", **kw) -> dpo.DPOSettings:
    base = dict(
        policy_model="tiny-llama", dataset_dir=data, output_dir=tmp_path / name, max_steps=10,
        batch_size=4, lr=1e-3, eval_steps=5, save_steps=5, logging_steps=2, max_length=64,
        warmup_ratio=0.0,
    )  # fmt: skip
    base.update(kw)
    return dpo.DPOSettings(**base)


def test_dpo_learns_and_reuses_the_reference(tmp_path, monkeypatch):
    from alignkit.models import load_causal_lm

    data = dataset(tmp_path)
    first = dpo.train(settings(tmp_path, data))
    run = tmp_path / "run"
    info = json.loads((run / "run.json").read_text())
    assert first.status == "succeeded" and info["reference_cache"] == "miss"
    losses = [r["loss"] for r in read_metrics(run) if "loss" in r]
    assert losses[-1] < losses[0]
    assert first.metrics["eval_rewards/accuracies"] > 0.9
    initial, _ = load_causal_lm("tiny-llama")
    trained, _ = load_causal_lm(str(run))
    assert any(
        not torch.equal(a, b)
        for (_, a), (_, b) in zip(initial.named_parameters(), trained.named_parameters())
    )

    # another beta (and seed, lr, output folder): same reference and data -> no reference pass
    from trl import DPOTrainer

    def forbidden(*args, **kwargs):
        raise AssertionError("the reference forward pass ran on a cache hit")

    # (a scoped patch: undoing the whole monkeypatch would also undo the test's isolated dirs)
    with monkeypatch.context() as patch:
        patch.setattr(DPOTrainer, "compute_ref_log_probs", forbidden)
        second = dpo.train(settings(tmp_path, data, "run2", beta=0.5, seed=7, lr=5e-4))
    info2 = json.loads((tmp_path / "run2" / "run.json").read_text())
    assert second.status == "succeeded" and info2["reference_cache"] == "hit"
    assert info2["reference_fingerprints"] == info["reference_fingerprints"]
    # a shorter max length is another fingerprint: a miss
    dpo.train(settings(tmp_path, data, "run3", max_length=48, max_steps=2))
    assert json.loads((tmp_path / "run3" / "run.json").read_text())["reference_cache"] == "miss"


def test_factual_dpo_orients_and_hits_the_cache_across_lambdas(tmp_path):
    data = dataset(tmp_path)
    a = dpo.train(settings(tmp_path, data, "f1", loss_type="factual", factual_lambda=1.0))
    b = dpo.train(settings(tmp_path, data, "f2", loss_type="factual", factual_lambda=3.0, beta=0.3))
    assert a.status == b.status == "succeeded"
    assert json.loads((tmp_path / "f2" / "run.json").read_text())["reference_cache"] == "hit"


def test_factual_orientation_and_missing_flags(tmp_path):
    import datasets

    ds = datasets.Dataset.from_list([
        {"prompt": "p", "chosen": "wrong", "rejected": "right", "h_chosen": 1, "h_rejected": 0},
        {"prompt": "p", "chosen": "right", "rejected": "wrong", "h_chosen": 0, "h_rejected": 1},
        {"prompt": "p", "chosen": "a", "rejected": "b", "h_chosen": 0, "h_rejected": 0},
    ])  # fmt: skip
    out = dpo.factual_columns(ds, default=None)
    assert out["chosen"] == ["right", "right", "a"] and out["delta_h"] == [1, 1, 0]
    bare = datasets.Dataset.from_list([{"prompt": "p", "chosen": "a", "rejected": "b"}])
    with pytest.raises(AlignkitError, match="factual-default"):
        dpo.factual_columns(bare, default=None)
    assert dpo.factual_columns(bare, default=0)["delta_h"] == [0]


def test_bad_loss_type_is_a_user_error(tmp_path):
    with pytest.raises(AlignkitError, match="loss-type"):
        dpo.DPOSettings(loss_type="nope")


@pytest.mark.slow
def test_smollm2_lora_trains_dpo_steps_on_cpu(tmp_path):
    """The packaged default policy with LoRA on the sample export (factual flags included):
    a few steps, enough for a checkpoint, a logged loss and the adapter (the demo test trains
    it for real)."""
    from alignkit.data import ingest
    from alignkit.demo.export import write_sample_export
    from alignkit.models.precision import cpu_has_native_bf16

    export = write_sample_export(tmp_path / "export.json", n=50)
    ingest(input=export, output=tmp_path / "data", train_ratio=0.9, eval_ratio=0.1, test_ratio=0.0)
    s = dpo.DPOSettings(
        policy_model="smollm2-135m-instruct", dataset_dir=tmp_path / "data",
        output_dir=tmp_path / "run", max_steps=8, batch_size=2, lr=5e-5, lora=True,
        loss_type="factual", factual_lambda=1.0, eval_steps=8, save_steps=8,
        logging_steps=2, max_length=128,
        bf16=cpu_has_native_bf16(),  # where bf16 is emulated it runs several times slower
    )  # fmt: skip
    result = dpo.train(s)
    assert result.status == "succeeded" and result.steps == 8
    assert (tmp_path / "run" / "model" / "adapter_config.json").exists()
    losses = [r["loss"] for r in read_metrics(tmp_path / "run") if "loss" in r]
    assert len(losses) == 4 and all(x == x for x in losses)  # finite, logged every 2 steps


def test_reference_fingerprint_follows_the_tokens_not_the_settings():
    import datasets

    from alignkit.train import refcache

    a = datasets.Dataset.from_list([{"prompt_ids": [1, 2], "chosen_ids": [3], "rejected_ids": [4]}])
    b = datasets.Dataset.from_list([{"prompt_ids": [1, 2], "chosen_ids": [3], "rejected_ids": [5]}])
    assert refcache.dataset_digest(a) == refcache.dataset_digest(a.map(lambda x: x))
    assert refcache.dataset_digest(a) != refcache.dataset_digest(b)
    with pytest.raises(RuntimeError, match="fingerprint"):
        refcache.dataset_digest(datasets.Dataset.from_list([{"text": "x"}]))
    parts = {"reference": "w", "max_length": 64, "truncation": "right"}
    assert refcache.fingerprint(**parts) == refcache.fingerprint(**dict(reversed(parts.items())))
    assert refcache.fingerprint(**parts) != refcache.fingerprint(**{**parts, "max_length": 65})


def test_sft_weight_adds_trl_sft_loss(tmp_path, monkeypatch):
    """--sft-weight w trains on DPO + w * NLL(chosen) (RPO): TRL's loss list and weights."""
    from alignkit.train import dpo_trainer

    seen = {}
    original = dpo_trainer.CachedReferenceDPOTrainer.__init__

    def spy(self, *args, **kwargs):
        seen["loss_type"], seen["loss_weights"] = (
            kwargs["args"].loss_type,
            kwargs["args"].loss_weights,
        )
        original(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(dpo_trainer.CachedReferenceDPOTrainer, "__init__", spy)
        result = dpo.train(settings(tmp_path, dataset(tmp_path), sft_weight=0.5, max_steps=2))
    assert result.status == "succeeded"
    assert seen == {"loss_type": ["sigmoid", "sft"], "loss_weights": [1.0, 0.5]}
    with pytest.raises(AlignkitError, match="sft-weight"):
        dpo.DPOSettings(sft_weight=-1)
