"""`--push-to-hub REPO`: the run's final model, with a model card made from the run folder
(its settings, the dataset's report, the final evaluation and any `alignkit eval` results
beside it), uploaded through `huggingface_hub`.

The push comes after the run has ended and saved its model: a push that fails (offline, no
token, no access) leaves the model where it is, run.json says `succeeded` with the push's
error under `hub`, and the CLI prints that one line and exits 1. The same command with
`--resume` pushes a finished run again without training it again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from alignkit.errors import AlignkitError, HubError
from alignkit.runfolder import CONFIG_FILE, MODEL_DIR, RUN_FILE
from alignkit.train.rundir import read_json, write_run_record

CARD_FILE = "README.md"
EVAL_FILES = ("eval_rm.json", "eval_policy.json")  # what `alignkit eval` writes in a run folder
# not uploaded: TrainingArguments as a pickle (alignkit loads safetensors only)
IGNORED = ["training_args.bin", "*.pt", "*.pth", "*.pkl"]
WHAT = {
    "rm": ("a reward model", "text-classification", "reward-model"),
    "dpo": ("a policy trained with DPO", "text-generation", "dpo"),
    "sft": ("a policy trained with supervised fine-tuning", "text-generation", "sft"),
    "kto": ("a policy trained with KTO", "text-generation", "kto"),
    "orpo": ("a policy trained with ORPO", "text-generation", "orpo"),
}


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _table(rows: list[tuple[str, Any]], head: tuple[str, str]) -> list[str]:
    out = [f"| {head[0]} | {head[1]} |", "| --- | --- |"]
    return out + [f"| {k} | {_number(v)} |" for k, v in rows]


def _hub_id(name: Any) -> str | None:
    """A base model named as a Hub repo (`org/name`, not a local folder or a packaged name)."""
    if not isinstance(name, str) or name.count("/") != 1 or Path(name).exists():
        return None
    return name if not name.startswith((".", "/", "~")) else None


def _data_section(report: dict | None, record: dict) -> list[str]:
    dataset = record.get("dataset") or {}
    lines = ["## Data", ""]
    if report is None:
        files = dataset.get("files") or {}
        rows = [(name, info.get("rows")) for name, info in files.items()]
        return lines + _table(rows, ("file", "rows")) + ["", f"Digest: `{dataset.get('digest')}`."]
    source = report.get("input") or {}
    lines.append(
        f"{report.get('kept')} of {report.get('records')} records kept from a "
        f"`{source.get('format')}` export ({source.get('kind')}); digest "
        f"`{dataset.get('digest')}`."
    )
    lines += ["", *_table(list((report.get("splits") or {}).items()), ("split", "rows"))]
    dropped = report.get("dropped") or {}
    if dropped:
        lines += ["", *_table(sorted(dropped.items()), ("dropped because", "rows"))]
    bias = report.get("length_bias") or {}
    if bias.get("chosen_longer_share") is not None:
        lines += ["", f"Chosen answer longer than the rejected one in "
                  f"{bias['chosen_longer_share']:.0%} of pairs."]  # fmt: skip
    for warning in report.get("warnings") or []:
        lines.append(f"- warning: {warning}")
    return lines


def _eval_section(run_dir: Path, record: dict) -> list[str]:
    lines = ["## Evaluation", ""]
    final = record.get("final_metrics") or {}
    skip = ("runtime", "per_second", "num_tokens")
    rows = [
        (k, v)
        for k, v in final.items()
        if k.startswith("eval_") and isinstance(v, int | float) and not k.endswith(skip)
    ]
    if rows:
        lines += [
            "At the end of training, on the eval split:",
            "",
            *_table(rows, ("metric", "value")),
        ]
    for name in EVAL_FILES:
        result = read_json(run_dir / name)
        if result is None:
            continue
        metrics = [(k, v) for k, v in (result.get("metrics") or {}).items()
                   if isinstance(v, int | float) and not isinstance(v, bool)]  # fmt: skip
        where = f"split `{result.get('split')}` of `{result.get('dataset_dir')}`"
        lines += [
            "",
            f"`alignkit eval` ({name}, {where}):",
            "",
            *_table(metrics, ("metric", "value")),
        ]
    if len(lines) == 2:
        lines.append("No evaluation split: no figures.")
    return lines


def model_card(run_dir: Path, repo: str) -> str:
    """The card (README.md with YAML metadata) of the model in `run_dir`, read from the run
    folder's files only."""
    import yaml

    run_dir = Path(run_dir)
    record = read_json(run_dir / RUN_FILE) or {}
    config = read_json(run_dir / CONFIG_FILE) or {}
    method = record.get("method", "?")
    what, pipeline, tag = WHAT.get(method, (f"a {method} model", None, method))
    base = record.get("base_model") or record.get("policy_model") or config.get("base_model")
    base = base or config.get("policy_model")
    adapter = (run_dir / MODEL_DIR / "adapter_config.json").exists()
    meta: dict[str, Any] = {
        "library_name": "peft" if adapter else "transformers",
        "tags": list(dict.fromkeys(["alignkit", "trl", tag, *(record.get("tags") or [])])),
    }
    if pipeline:
        meta["pipeline_tag"] = pipeline
    if _hub_id(base):
        meta["base_model"] = base
    dataset_dir = config.get("dataset_dir")
    report = read_json(Path(dataset_dir) / "schema_report.json") if dataset_dir else None
    versions = record.get("versions") or {}
    training = [
        ("method", method),
        ("base model", base),
        ("LoRA adapter", "yes" if adapter else "no"),
        ("run name", record.get("run_name")),
        ("tags", ", ".join(record.get("tags") or []) or "-"),
        ("status", record.get("status")),
        ("steps", record.get("steps")),
        ("duration", f"{record.get('duration_s', 0):.0f} s"),
        ("processes", record.get("world_size", 1)),
        ("started", record.get("started")),
    ]
    tracked = record.get("tracking") or {}
    if "wandb" in tracked:
        wandb = tracked["wandb"]
        training.append(
            ("W&B run", wandb.get("url") or f"{wandb.get('project')}/{wandb.get('id')}")
        )
    if "mlflow" in tracked:
        training.append(("MLflow run", tracked["mlflow"].get("run_id")))
    lines = [
        "---",
        yaml.safe_dump(meta, sort_keys=False).rstrip(),
        "---",
        "",
        f"# {repo.split('/')[-1]}",
        "",
        f"{what[0].upper()}{what[1:]}, trained with alignkit {versions.get('alignkit', '')} "
        f"(TRL {versions.get('trl', '?')}, transformers {versions.get('transformers', '?')}).",
        "",
        "## Training",
        "",
        *_table(training, ("", "")),
        "",
        *_eval_section(run_dir, record),
        "",
        *_data_section(report, record),
        "",
        "## Settings",
        "",
        "The run's resolved settings (`alignkit train "
        f"{method} --config settings.yaml` runs it again):",
        "",
        "```yaml",
        yaml.safe_dump(config, sort_keys=False).rstrip(),
        "```",
        "",
        "## Versions",
        "",
        ", ".join(f"{k} {v}" for k, v in versions.items()),
        "",
    ]
    return "\n".join(lines)


def write_card(run_dir: Path, repo: str) -> Path:
    """The card into the model folder; returns that folder (what a push uploads)."""
    folder = Path(run_dir) / MODEL_DIR
    if not folder.is_dir():
        raise AlignkitError(f"{run_dir} has no final model to push")
    (folder / CARD_FILE).write_text(model_card(run_dir, repo), encoding="utf-8")
    return folder


def _reason(exc: BaseException) -> str:
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


def _refuse_when_offline() -> None:
    """huggingface_hub reads HF_HUB_OFFLINE once, when it is imported; a user (or a notebook)
    that sets it later still means it, so it is read again here, before any request."""
    import os

    from huggingface_hub import constants
    from huggingface_hub.errors import OfflineModeIsEnabled

    value = os.environ.get("HF_HUB_OFFLINE", "").strip().upper()
    if constants.is_offline_mode() or value in {"1", "ON", "YES", "TRUE"}:
        raise OfflineModeIsEnabled("HF_HUB_OFFLINE is set: no request to the Hub is made")


def push(run_dir: Path, repo: str) -> dict[str, Any]:
    """Upload the model folder with its card; returns what run.json records under `hub`
    (`pushed`, and `error` when it failed). Never raises for a network or Hub error."""
    from huggingface_hub import HfApi

    folder = write_card(run_dir, repo)
    api = HfApi()
    try:
        _refuse_when_offline()
        url = api.create_repo(repo, repo_type="model", exist_ok=True)
        commit = api.upload_folder(
            repo_id=repo,
            folder_path=str(folder),
            ignore_patterns=IGNORED,
            commit_message=f"alignkit: {Path(run_dir).absolute().name}",
        )
    except Exception as exc:  # noqa: BLE001 - offline, no token, no access, a Hub error
        return {"repo": repo, "pushed": False, "error": _reason(exc)}
    return {"repo": repo, "pushed": True, "url": str(url), "commit": getattr(commit, "oid", None)}


def push_run(result, repo: str):
    """Push a finished run's model and record the outcome in its run.json and result; the
    run keeps its status and model whatever happens to the push."""
    folder = Path(result.output_dir)
    if result.status != "succeeded" or not (folder / MODEL_DIR).is_dir():
        hub = {"repo": repo, "pushed": False, "error": f"the run {result.status}: no model"}
    else:
        import logging

        logging.getLogger("alignkit.train").info("pushing %s to %s", folder / MODEL_DIR, repo)
        hub = push(folder, repo)
    record = read_json(folder / RUN_FILE) or dict(result.run)
    record["hub"] = hub
    write_run_record(record, folder / RUN_FILE)
    return replace(result, run=record)


def raise_if_push_failed(result) -> None:
    """For the CLI: a failed push is one line and exit 1 (after the run's table)."""
    hub = (result.run or {}).get("hub") or {}
    if hub and not hub.get("pushed"):
        raise HubError(
            f"pushing {result.output_dir}/{MODEL_DIR} to {hub['repo']} failed: {hub['error']}; "
            "the model is kept there (the same command with --resume pushes it again)"
        )
