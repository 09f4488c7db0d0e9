"""The settings of the demo's stages (pipeline.py runs them in order), read from demo.yaml.

demo.yaml beside this file is the demo as a pipeline preset (configs/pipelines/demo.yaml is a
link to it) and the one place its hyperparameters live: each stage's settings are the file's
`defaults` that its command has, then the stage's own `settings`, with `{rm}`-style references
filled with the demo's folders. Over them the demo sets only its run-time values: its folders
(under DemoSettings.output_dir, laid out as the pipeline lays out <output_root>), the seed, the
models, the epochs and DPO learning rate, the prompts and new tokens of the policy evaluation
(--quick lowers these), and bf16.

The hyperparameters are the ones measured to reach the demo's targets on a 2-core CPU in its
time budget (README, "The demo"): LoRA on every linear layer of SmolLM2 and Factual-DPO with
the export's factuality flags. The precision is detected (DemoSettings.precision, "auto"): on a
2-core Xeon without bf16 hardware a SmolLM2 forward pass ran at 1.7 s in fp32 and 2.2 s under
bf16 autocast; on a Zen 4 with AVX512-BF16 a forward and backward ran at 12.4 s in fp32 and
6.6 s under bf16 autocast (8 sequences of 160 tokens).
"""

from __future__ import annotations

import functools
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alignkit.demo.pipeline import DemoSettings

PRESET = Path(__file__).with_name("demo.yaml")


@functools.cache
def preset() -> dict[str, Any]:
    """demo.yaml as it is (a pipeline file, see alignkit/jobs/pipeline/spec.py)."""
    import yaml

    return yaml.safe_load(PRESET.read_text(encoding="utf-8"))


def stage_values(stage: str, output_dir: Path) -> dict[str, Any]:
    """A stage's settings as demo.yaml gives them: the `defaults` its command has, then its own
    `settings`, with `{output_root}` and `{<stage>}` (that stage's output folder) filled in for
    a demo folder `output_dir` (a stage's folder is <output_dir>/<stage> unless it names one)."""
    from alignkit.commands import COMMANDS

    raw = preset()
    names: dict[str, str] = {"output_root": str(output_dir)}
    for name, body in raw["stages"].items():  # in file order: each after what it needs
        command = COMMANDS[body["command"]]
        known = {f.name for f in fields(command.settings_class())}
        values = {k: v for k, v in (raw.get("defaults") or {}).items() if k in known}
        values.update(body.get("settings") or {})
        values = {k: v.format_map(names) if isinstance(v, str) else v for k, v in values.items()}
        if name == stage:
            return values
        if command.output:
            names[name] = str(values.get(command.output) or output_dir / name)
    raise KeyError(f"demo.yaml has no stage {stage!r}")


def ingest_settings(s: DemoSettings, export: Path) -> dict[str, Any]:
    """The ingest of the export into <output_dir>/data (split seeded by the demo's seed)."""
    ingest = dict(preset()["data"]["ingest"])
    return {**ingest, "input": export, "output": s.output_dir / "data", "shuffle_seed": s.seed}


def rm_settings(s: DemoSettings):
    from alignkit.train.rm import RMSettings

    return RMSettings(**{
        **stage_values("rm", s.output_dir), "base_model": s.rm_model,
        "dataset_dir": s.output_dir / "data", "output_dir": s.output_dir / "rm",
        "epochs": s.rm_epochs, "seed": s.seed, "precision": s.precision,
    })  # fmt: skip


def dpo_settings(s: DemoSettings):
    from alignkit.train.dpo import DPOSettings

    return DPOSettings(**{
        **stage_values("dpo", s.output_dir), "policy_model": s.policy_model,
        "dataset_dir": s.output_dir / "data", "output_dir": s.output_dir / "dpo",
        "epochs": s.dpo_epochs, "lr": s.dpo_lr, "seed": s.seed, "precision": s.precision,
    })  # fmt: skip


def rm_eval_settings(s: DemoSettings):
    from alignkit.eval.rm import RMEvalSettings

    return RMEvalSettings(**{
        **stage_values("eval_rm", s.output_dir), "model": str(s.output_dir / "rm"),
        "dataset_dir": s.output_dir / "data", "bf16": s.bf16,
    })  # fmt: skip


def policy_eval_settings(s: DemoSettings, stage: str, answers_from: Path | None = None):
    """The policy against its reference on the held-out prompts: stage `eval_policy` judges by
    the oracle rule (and scores test pairs by implicit reward), `eval_policy_rm` by the demo's
    reward model on the answers the first evaluation generated (`answers_from`: that file,
    else the one demo.yaml names)."""
    from alignkit.eval.policy import PolicyEvalSettings

    values = stage_values(stage, s.output_dir)
    values.update(
        policy=str(s.output_dir / "dpo"), dataset_dir=s.output_dir / "data",
        num_prompts=s.num_prompts, max_new_tokens=s.max_new_tokens, seed=s.seed, bf16=s.bf16,
    )  # fmt: skip
    for key in ("output", "answers_from"):
        if values.get(key) is not None:
            values[key] = Path(values[key])
    if answers_from is not None:
        values["answers_from"] = answers_from
    return PolicyEvalSettings(**values)


def report_settings(s: DemoSettings) -> dict[str, Any]:
    """report.html over the reward model's and the policy's runs (and their evaluations)."""
    values = stage_values("report", s.output_dir)
    runs = [s.output_dir / "rm", s.output_dir / "dpo"]
    return {"run_dirs": runs, "output": Path(values["output"]), "title": values.get("title")}
