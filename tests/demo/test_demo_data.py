"""The demo's export: its preference is the oracle rule's, with the disagreement of three
annotators on top; the untuned style fails the rule, the house style passes it."""

from __future__ import annotations

import json

from alignkit.data import ingest
from alignkit.demo.content import ITEMS
from alignkit.demo.export import long_answer, sample_records
from alignkit.demo.oracle import house_style
from alignkit.models.judges import registered


def test_every_house_answer_passes_and_every_long_answer_fails():
    import random

    rng = random.Random(0)
    for question, answer, wrong in ITEMS:
        assert house_style(question, answer) == 1.0, answer
        assert house_style(question, long_answer(rng, answer)) == 0.0
        assert house_style(question, long_answer(rng, wrong)) == 0.0


def test_rule_details():
    assert house_style("q", "Yes.") == 0.0  # too short to be an answer
    assert house_style("q", "Water boils at 100 degrees Celsius at sea level.") == 1.0
    assert house_style("q", "Water boils at 100 degrees Celsius at sea") == 0.0  # cut off
    assert house_style("q", "Steps:\n1. Boil water.\n2. Add tea.") == 0.0  # a list
    assert house_style("q", " ".join(["word"] * 41) + ".") == 0.0
    assert "house-style" in registered()


def test_export_preference_is_the_rule_up_to_annotator_noise(tmp_path):
    records = sample_records(340, seed=0)
    assert len(records) == 340
    prompts = {r["fields"]["prompt"][0]["content"] for r in records}
    assert len(prompts) > 300  # several hundred distinct prompts
    flags = [r["metadata"][k] for r in records for k in ("h_response1", "h_response2")]
    assert 0.1 < sum(flags) / len(records) < 0.5  # some long answers state a misconception
    src = tmp_path / "export.json"
    src.write_text(json.dumps(records))
    report = ingest(input=src, output=tmp_path / "data", train_ratio=0.65, eval_ratio=0.05,
                    test_ratio=0.3, shuffle_seed=0)  # fmt: skip
    assert report["input"]["format"] == "argilla2"
    assert 0.5 < report["agreement"]["krippendorff_alpha"] < 0.95  # real, imperfect agreement
    kept = []
    for split in ("train", "eval", "test"):
        kept += [json.loads(x) for x in (tmp_path / "data" / f"{split}.jsonl").open()]
    assert len(kept) == report["kept"] > 290
    agree = 0
    for row in kept:
        q = row["prompt"][-1]["content"]
        chosen, rejected = row["chosen"][-1]["content"], row["rejected"][-1]["content"]
        agree += house_style(q, chosen) > house_style(q, rejected)
    assert agree / len(kept) > 0.97  # the majority vote is the rule but for a few slips


def test_a_finished_stage_is_reused_only_with_the_same_settings(tmp_path):
    from alignkit.demo.pipeline import DemoSettings, _finished
    from alignkit.demo.stages import dpo_settings
    from alignkit.io import write_json

    s = dpo_settings(DemoSettings(output_dir=tmp_path))
    run = s.output_dir
    assert not _finished(run, s)
    run.mkdir(parents=True)
    write_json(s.to_dict(), run / "config.json")
    write_json({"status": "running"}, run / "run.json")
    assert not _finished(run, s)  # killed mid-run: train again
    write_json({"status": "succeeded"}, run / "run.json")
    assert _finished(run, s)
    other = dpo_settings(DemoSettings(output_dir=tmp_path, dpo_lr=3e-4))
    assert not _finished(run, other)
