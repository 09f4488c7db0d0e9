"""The report of a real run: a tiny reward model and a tiny DPO policy trained for a few steps and
evaluated, so the report reads what training and evaluation actually write."""

from __future__ import annotations

import pytest

from tests.report.check import self_contained, svgs, well_formed

pytest.importorskip("torch")


@pytest.mark.slow
def test_report_of_a_real_tiny_pipeline(tmp_path):
    import torch

    from alignkit.eval import policy
    from alignkit.eval import rm as rm_eval
    from alignkit.report import build
    from alignkit.train import dpo, rm
    from tests.train.helpers import make_dataset

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models: syncing threads costs more than it saves
    try:
        data = make_dataset(tmp_path, n=40)
        common = dict(dataset_dir=data, lr=1e-3, max_length=48, warmup_ratio=0.0, eval_steps=2,
                      save_steps=1000, logging_steps=1, max_steps=4, batch_size=4)  # fmt: skip
        rm.train(rm.RMSettings(base_model="tiny-bert", output_dir=tmp_path / "rm", **common))
        dpo.train(dpo.DPOSettings(policy_model="tiny-llama", output_dir=tmp_path / "dpo", **common))
        rm_eval.evaluate(rm_eval.RMEvalSettings(model=str(tmp_path / "rm"), dataset_dir=data,
                                                split="eval"))  # fmt: skip
        policy.evaluate(
            policy.PolicyEvalSettings(
                policy=str(tmp_path / "dpo"), dataset_dir=data, split="eval",
                judge="rule:distinct-2", num_prompts=3, max_new_tokens=8, batch_size=4,
                output=tmp_path / "dpo" / "eval" / "distinct-2",
            )
        )  # fmt: skip
    finally:
        torch.set_num_threads(threads)

    page = build([tmp_path / "rm", tmp_path / "dpo"], tmp_path / "report.html").read_text()
    well_formed(page)
    self_contained(page)
    titles = {e.findtext("title") for e in svgs(page)}
    assert {"Loss", "Preference accuracy / AUC", "Reward margin (chosen − rejected)"} <= titles
    assert {"reward scores", "margins", "win-rate against the reference"} <= titles
    for text in ("tiny-bert", "tiny-llama", "succeeded", "rule:distinct-2", "Dataset: data",
                 "Example generations", "ECE of σ(margin)"):  # fmt: skip
        assert text in page, text
    assert page.count('class="example"') == 3
