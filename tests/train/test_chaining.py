"""Chained stages: the commands of README's "Chaining stages" run end to end on tiny-llama (a
few steps each, through the CLI): LoRA SFT -> DPO (LoRA), DPO (LoRA) -> the next round of DPO,
LoRA SFT -> a reward model, then `alignkit models merge`. Each chained stage starts from the
merged weights of the run it was given, and the merged folder has the PEFT model's logits."""

from __future__ import annotations

import json
import re
import shlex

import pytest

torch = pytest.importorskip("torch")

from alignkit.models import merge as merging  # noqa: E402
from tests.test_readme import README  # noqa: E402
from tests.train.helpers import preference_rows  # noqa: E402

# what makes the README's commands quick here: the tiny model and a few steps of a big lr, so
# that every adapter moves the weights well past float noise
FAST = (
    "--max-steps 2 --batch-size 4 --max-length 64 --lr 0.01 --warmup-ratio 0 --lora-r 4 "
    "--eval-steps 1000 --save-steps 1000 --logging-steps 1"
)


def chaining_commands() -> list[str]:
    text = README.read_text()
    section = text.split("## Chaining stages", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" #")[0].strip()
            if line.startswith("alignkit "):
                commands.append(line)
    return commands


def body(state: dict) -> dict:
    """A model's weights by their plain names, as a PEFT wrapper's base layers hold them
    (adapters and the head's trainable copy left out)."""
    out = {}
    for key, value in state.items():
        if "lora_" in key or "modules_to_save" in key:
            continue
        key = key.removeprefix("base_model.model.").replace(".base_layer.", ".")
        out[key.replace(".original_module.", ".")] = value.detach().clone()
    return out


@pytest.mark.slow
def test_readme_chain_runs_and_each_stage_starts_from_the_merged_run(tmp_path, monkeypatch):
    from safetensors.torch import load_file
    from typer.testing import CliRunner

    from alignkit.cli import app
    from alignkit.data import ingest
    from alignkit.models import load_causal_lm, resolve
    from alignkit.models.inference import load_policy
    from alignkit.train import common

    commands = chaining_commands()
    assert [shlex.split(c)[1:3] for c in commands] == [
        ["train", "sft"], ["train", "dpo"], ["train", "dpo"], ["train", "rm"], ["models", "merge"]
    ]  # fmt: skip
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(merging, "_told", set())
    src = tmp_path / "pairs.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in preference_rows(40)))
    ingest(input=src, output=tmp_path / "data/mine", train_ratio=0.8, eval_ratio=0.2, test_ratio=0)

    starts = {}  # output dir -> the weights its trainer held when training began
    real_run_training = common.run_training

    def recording(trainer, run, resume_from):
        starts[str(run.path)] = body(trainer.model.state_dict())
        return real_run_training(trainer, run, resume_from)

    monkeypatch.setattr(common, "run_training", recording)
    for line in commands:
        args = shlex.split(line.replace("smollm2-135m-instruct", "tiny-llama"))[1:]
        if args[0] == "train":
            args += shlex.split(FAST)
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, (line, result.output, result.exception)

    def merged_of(run: str) -> dict:
        path = resolve(run)  # the cache entry the stage used (a hit now)
        assert path.parent == merging.merged_cache_dir()
        return load_file(path / "model.safetensors")

    sft, round1 = merged_of("artifacts/sft/chain"), merged_of("artifacts/dpo/round1")
    for stage, merged in [
        ("artifacts/dpo/round1", sft),
        ("artifacts/dpo/round2", round1),
        ("artifacts/rm/from-sft", sft),  # a reward model: the SFT body under a new score head
    ]:
        start = starts[stage]
        assert set(merged) <= set(start), stage  # every merged weight (lm_head is tied: unsaved)
        for key in merged:
            torch.testing.assert_close(start[key], merged[key], atol=0, rtol=0, msg=key)
    assert "score.weight" in starts["artifacts/rm/from-sft"]
    # the merges are not no-ops: SFT moved tiny-llama's weights, round 1 moved SFT's
    tiny = body(load_causal_lm("tiny-llama")[0].state_dict())
    assert any(not torch.equal(sft[k], tiny[k]) for k in sft)
    assert any(not torch.equal(round1[k], sft[k]) for k in round1)

    # each chained stage said which merge it used, and DPO's reference is the run it was given
    def log(run: str) -> str:
        return (tmp_path / run / "train.log").read_text()

    assert "merged the LoRA adapter of 'artifacts/sft/chain' onto 'tiny-llama'" in log(
        "artifacts/dpo/round1"
    )
    assert "merged the LoRA adapter of 'artifacts/dpo/round1'" in log("artifacts/dpo/round2")
    assert "reusing the merged model of 'artifacts/sft/chain'" in log("artifacts/rm/from-sft")
    record = json.loads((tmp_path / "artifacts/dpo/round2/run.json").read_text())
    assert record["status"] == "succeeded" and record["ref_model"] == "artifacts/dpo/round1"
    assert len(list(merging.merged_cache_dir().iterdir())) == 2  # SFT and round 1, once each

    # the merged folder equals round 2 loaded the way evaluation loads it (PEFT on its base)
    merged, _ = load_causal_lm("models/dpo-round2")
    peft_merged, _ = load_policy("artifacts/dpo/round2")
    ids = torch.tensor([[1, 40, 41, 42, 43, 44, 45, 46]])
    with torch.no_grad():
        torch.testing.assert_close(
            merged.eval()(ids).logits, peft_merged(ids).logits, atol=1e-5, rtol=0
        )
