"""Reward-model evaluation on held-out preference pairs.

    alignkit eval rm --model artifacts/rm/hh --dataset-dir data/hh --split test

Reports AUC, accuracy (a tie counts as wrong), the expected calibration error of
σ(r_chosen - r_rejected) (`metrics.pairwise_ece`: each pair counted in both orders), the mean
margin, score statistics and histograms of chosen, rejected and margin scores. Pairs are
tokenized exactly as in training (`models.tokenize`), with the run's max_length and truncation
unless flags override them. Writes `eval_rm.json` and `eval_rm_scores.jsonl` (one line per
pair) beside the model: into the run folder for a run, into the folder for a model folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from alignkit.errors import AlignkitError
from alignkit.messages import as_text
from alignkit.runfolder import RM_EVAL, RM_SCORES


@dataclass
class RMEvalSettings:
    model: str | None = field(
        default=None, metadata={"help": "Reward model: a run folder, a model folder or a name."}
    )
    dataset_dir: Path = field(default=Path("."), metadata={"help": "An ingest output folder."})
    split: str = field(default="test", metadata={"help": "The split to evaluate on."})
    output: Path | None = field(
        default=None, metadata={"help": "Folder for the results (default: beside the model)."}
    )
    max_length: int | None = field(
        default=None, metadata={"help": "Tokens per sequence (default: the run's, else 1024)."}
    )
    truncation: Literal["right", "left"] | None = field(
        default=None, metadata={"help": "Which end to cut (default: the run's, else right)."}
    )
    batch_size: int = field(default=32, metadata={"help": "Sequences per forward pass."})
    bins: int = field(default=20, metadata={"help": "Histogram bins."})
    ece_bins: int = field(default=10, metadata={"help": "Calibration bins (equal width)."})
    bf16: bool | None = field(
        default=None,
        metadata={
            "help": "bfloat16 autocast (default: as a training run's --precision auto: bf16 "
            "where the hardware runs it fast, ALIGNKIT_PRECISION overriding)."
        },
    )
    trust_remote_code: bool = field(default=False, metadata={"help": "Run model code from it."})

    def __post_init__(self) -> None:
        self.dataset_dir = Path(self.dataset_dir)
        self.output = Path(self.output) if self.output is not None else None
        checks = [
            (bool(self.model), "--model is required"),
            (self.max_length is None or self.max_length >= 8, "--max-length must be >= 8"),
            (self.truncation in (None, "right", "left"), "--truncation must be right or left"),
            (self.batch_size >= 1, "--batch-size must be >= 1"),
            (self.bins >= 1 and self.ece_bins >= 1, "--bins and --ece-bins must be >= 1"),
        ]
        for ok, message in checks:
            if not ok:
                raise AlignkitError(message)


@dataclass
class RMEvalResult:
    metrics: dict[str, Any]
    output_dir: Path
    files: dict[str, Path]
    report: dict[str, Any]  # eval_rm.json as written


def _preview(prompt: Any, limit: int = 160) -> str:
    text = as_text(prompt, sep=" | ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def evaluate(settings: RMEvalSettings) -> RMEvalResult:
    """Score every pair of the split with the reward model; returns the metrics and writes
    eval_rm.json and eval_rm_scores.jsonl."""
    import numpy as np

    from alignkit.data.load import load_split
    from alignkit.eval import metrics as m
    from alignkit.io import write_json, write_rows
    from alignkit.models.inference import (
        autocast,
        fit_tokenization,
        load_reward,
        output_folder,
        run_config,
        tokenization,
    )
    from alignkit.models.precision import inference_bf16
    from alignkit.models.scoring import pair_metrics, score_ids
    from alignkit.models.tokenize import is_encoder, tokenize_pairs

    out_dir = output_folder(settings.model, settings.output)  # fails before any loading
    pairs = load_split(settings.dataset_dir, settings.split, ("prompt", "chosen", "rejected"))
    tok = tokenization(settings.max_length, settings.truncation, run_config(settings.model))
    model, tokenizer = load_reward(settings.model, settings.trust_remote_code)
    tok = fit_tokenization(tok, model, tokenizer, settings.model)
    encoder = is_encoder(model)
    slim = pairs.select_columns(["prompt", "chosen", "rejected"])
    encoded, truncated = tokenize_pairs(
        slim, tokenizer, tok["max_length"], tok["truncation"], encoder
    )
    n = len(encoded)
    bf16 = inference_bf16(settings.bf16)  # None: decided as a training run's "auto"
    with autocast(model, bf16):
        scores = score_ids(
            model,
            list(encoded["chosen_ids"]) + list(encoded["rejected_ids"]),
            tokenizer.pad_token_id,
            settings.batch_size,
        )
    chosen, rejected = scores[:n].astype(np.float64), scores[n:].astype(np.float64)
    margin = chosen - rejected
    metrics = {
        **pair_metrics(chosen, rejected),
        "ece": m.pairwise_ece(margin, settings.ece_bins),
        "ties": int((margin == 0).sum()),
        "pairs": n,
    }
    report = {
        "model": settings.model,
        "dataset_dir": str(settings.dataset_dir),
        "split": settings.split,
        "metrics": metrics,
        "scores": {
            "chosen": m.summary(chosen),
            "rejected": m.summary(rejected),
            "margin": m.summary(margin),
        },
        "histograms": {
            "scores": m.histogram({"chosen": chosen, "rejected": rejected}, settings.bins),
            "margin": m.histogram({"counts": margin}, settings.bins),
        },
        "ece_method": f"{settings.ece_bins} equal-width bins; each pair counted as "
        "(σ(margin), 1) and (1 - σ(margin), 0)",
        "tokenization": {**tok, "truncated_sequences": truncated, "encoder": encoder},
        "bf16": bf16,
    }
    ids = pairs["id"] if "id" in pairs.column_names else [None] * n
    prompts = pairs["prompt"]
    rows = (
        {
            "index": i,
            "id": ids[i],
            "prompt": _preview(prompts[i]),
            "chosen_score": float(chosen[i]),
            "rejected_score": float(rejected[i]),
            "margin": float(margin[i]),
            "p_chosen": float(m.sigmoid(np.array([margin[i]]))[0]),
        }
        for i in range(n)
    )
    files = {"result": out_dir / RM_EVAL, "scores": out_dir / RM_SCORES}
    write_rows(rows, files["scores"])
    write_json(report, files["result"])  # last: its presence means the evaluation completed
    return RMEvalResult(metrics=metrics, output_dir=out_dir, files=files, report=report)
