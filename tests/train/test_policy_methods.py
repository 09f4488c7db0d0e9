"""SFT, KTO and ORPO (and DPO's resume) on a tiny Llama built here: each learns, leaves a run
folder whose metrics.jsonl holds losses, reloads and generates, and resumes at the right step
after a kill cut its last checkpoint short."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")

from alignkit.errors import AlignkitError  # noqa: E402
from alignkit.runfolder import MARKER  # noqa: E402
from alignkit.train import dpo, kto, orpo, sft  # noqa: E402
from alignkit.train.rundir import last_complete_checkpoint  # noqa: E402
from tests.train.helpers import make_dataset, preference_rows, read_metrics  # noqa: E402

METHODS = {
    "sft": (sft.SFTSettings, sft.train, {}),
    "kto": (kto.KTOSettings, kto.train, {"beta": 0.5}),
    "orpo": (orpo.ORPOSettings, orpo.train, {"orpo_lambda": 0.5}),
    "dpo": (dpo.DPOSettings, dpo.train, {}),
}


def settings(method, tmp_path, data, **kw):
    cls, _, extra = METHODS[method]
    base = dict(
        policy_model="tiny-llama", dataset_dir=data, output_dir=tmp_path / method, max_steps=12,
        batch_size=4, lr=1e-3, eval_steps=6, save_steps=6, logging_steps=2, max_length=64,
        warmup_ratio=0.0, **extra,
    )  # fmt: skip
    base.update(kw)
    return cls(**base)


def changed_share(initial, trained) -> float:
    pairs = list(zip(initial.parameters(), trained.parameters()))
    return sum(not torch.equal(a, b) for a, b in pairs) / len(pairs)


@pytest.mark.parametrize("method", ["sft", "kto", "orpo"])
def test_method_learns_and_leaves_a_run_that_reloads(method, tmp_path):
    from alignkit.models import load_causal_lm

    data = make_dataset(tmp_path, n=80)
    s = settings(method, tmp_path, data)
    result = METHODS[method][1](s)
    assert result.status == "succeeded" and result.steps == 12
    records = read_metrics(s.output_dir)  # every line parses as JSON
    losses = [r["loss"] for r in records if "loss" in r]
    assert len(losses) == 6
    if method == "kto":
        # KTO's loss is not monotone (its KL reference point z0 moves with the policy); the
        # eval reward gap between desirable and undesirable completions must widen instead
        gaps = [
            r["eval_rewards/chosen"] - r["eval_rewards/rejected"]
            for r in records
            if "eval_rewards/rejected" in r
        ]
        assert gaps[-1] > 1.0 and gaps[-1] > gaps[0], gaps
    else:
        assert losses[-1] < losses[0], losses
    assert any(k.startswith("eval_") for r in records for k in r)
    info = json.loads((s.output_dir / "run.json").read_text())
    assert info["method"] == method and info["status"] == "succeeded" and info["steps"] == 12
    assert all((p / MARKER).exists() for p in s.output_dir.glob("checkpoint-*"))

    initial, _ = load_causal_lm("tiny-llama")
    trained, tokenizer = load_causal_lm(str(s.output_dir))
    assert changed_share(initial, trained) > 0.5
    ids = tokenizer("Tell me something about rivers", return_tensors="pt").input_ids
    out = trained.generate(ids, max_new_tokens=5, do_sample=False)
    assert out.shape[1] > ids.shape[1]


def test_sft_learns_the_chosen_answers(tmp_path):
    """After SFT the chosen (polite) answers are likelier than before, the rude ones are not
    trained on at all."""
    from alignkit.models import load_causal_lm

    data = make_dataset(tmp_path, n=80)
    s = settings("sft", tmp_path, data, max_steps=20)
    sft.train(s)
    row = preference_rows(1)[0]
    initial, tokenizer = load_causal_lm("tiny-llama")
    trained, _ = load_causal_lm(str(s.output_dir))

    def nll(model, text):
        ids = tokenizer(row["prompt"] + " " + text, return_tensors="pt").input_ids
        return model(ids, labels=ids).loss.item()

    assert nll(trained, row["chosen"]) < nll(initial, row["chosen"]) - 0.5
    # the polite answer is now far likelier than the rude one
    assert nll(trained, row["chosen"]) < nll(trained, row["rejected"])


def test_kto_reads_unpaired_feedback_and_needs_both_labels(tmp_path):
    from alignkit.data import ingest

    rows = []
    for r in preference_rows(60):
        rows.append({"prompt": r["prompt"], "completion": r["chosen"], "label": True})
        rows.append({"prompt": r["prompt"] + " again", "completion": r["rejected"], "label": False})
    src = tmp_path / "feedback.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    data = tmp_path / "data"
    ingest(input=src, output=data, train_ratio=0.8, eval_ratio=0.2, test_ratio=0.0)
    result = kto.train(settings("kto", tmp_path, data, max_steps=4))
    assert result.status == "succeeded"
    info = json.loads((tmp_path / "kto" / "run.json").read_text())
    assert info["desirable"] > 0 and info["undesirable"] > 0
    assert info["desirable"] + info["undesirable"] == info["train_examples"]

    only_good = tmp_path / "good.jsonl"
    only_good.write_text("".join(json.dumps(r) + "\n" for r in rows if r["label"]))
    ingest(input=only_good, output=tmp_path / "good", train_ratio=1.0, eval_ratio=0.0,
           test_ratio=0.0)  # fmt: skip
    with pytest.raises(AlignkitError, match="both desirable and undesirable"):
        kto.train(settings("kto", tmp_path, tmp_path / "good", output_dir=tmp_path / "k2"))


def test_bad_settings_are_user_errors(tmp_path):
    with pytest.raises(AlignkitError, match="batch-size >= 2"):
        kto.KTOSettings(batch_size=1)
    with pytest.raises(AlignkitError, match="loss-type"):
        kto.KTOSettings(loss_type="dpo")
    with pytest.raises(AlignkitError, match="orpo-lambda"):
        orpo.ORPOSettings(orpo_lambda=0)


@pytest.mark.parametrize("method", ["sft", "kto", "orpo", "dpo"])
def test_resume_after_a_kill_continues_at_the_right_step(method, tmp_path):
    data = make_dataset(tmp_path, n=80)
    METHODS[method][1](settings(method, tmp_path, data, max_steps=8, save_steps=4))
    run = tmp_path / method
    (run / "checkpoint-8" / MARKER).unlink()  # killed while writing its last checkpoint
    assert last_complete_checkpoint(run).name == "checkpoint-4"
    resumed = METHODS[method][1](
        settings(method, tmp_path, data, max_steps=10, save_steps=4, resume=True,
                 resume_force=True)  # a longer run than the first: its schedule changes
    )  # fmt: skip
    info = json.loads((run / "run.json").read_text())
    assert info["resumed_from"].endswith("checkpoint-4") and resumed.steps == 10
    steps = [r["step"] for r in read_metrics(run) if "loss" in r]
    # logged every 2 steps: 2..8 in the first run, whose 6 and 8 were dropped on resuming
    # from step 4, then 6..10 again
    assert steps == [2, 4, 6, 8, 10]
