"""Run folders as alignkit writes them, made by writing the files directly (no training): the
field names and shapes follow train/rundir.py, eval/rm.py, eval/policy.py and data/pipeline.py,
with values like those of the tiny test runs."""

from __future__ import annotations

import json
import math
from pathlib import Path

VERSIONS = {"python": "3.11.7", "alignkit": "0.1.0", "torch": "2.13.0+cpu", "trl": "1.16.0"}
INJECTION = "<script>alert('x')</script>"


def write_json(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2))


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def make_dataset(root: Path, agreement: bool = True) -> Path:
    out = root / "data"
    report = {
        "created": "2026-11-22T07:12:36+00:00",
        "input": {"path": str(root / "export.json"), "format": "argilla2", "kind": "preference",
                  "conversational": False, "rows": 212, "adapter": "frame"},
        "records": 212,
        "expanded": 4,
        "kept": 160,
        "dropped_total": 56,
        "dropped": {"duplicate": 31, "empty_response": 17, "prompt_too_long": 8},
        "valid_share": 0.7407,
        "splits": {"train": 128, "eval": 16, "test": 16},
        "split_prompts": {"train": 120, "eval": 16, "test": 15},
        "columns": ["prompt", "chosen", "rejected", "source"],
        "lengths": {
            "unit": "approx. tokens, chars/4",
            "prompt": {"mean": 11.64, "min": 11, "p50": 12, "p95": 12, "max": 12},
            "chosen": {"mean": 16.17, "min": 16, "p50": 16, "p95": 17, "max": 17},
            "rejected": {"mean": 8.07, "min": 7, "p50": 8, "p95": 9, "max": 9},
        },
        "length_bias": {"pairs": 160, "chosen_longer_share": 0.8125,
                        "chosen_shorter_share": 0.1875, "mean_chosen_minus_rejected_chars": 32.2},
        "contradictions": 3,
        "agreement": {"items_with_votes": 212, "items_multi_annotated": 150,
                      "votes_per_item": {"1": 62, "3": 150}, "percent_agreement": 0.8311,
                      "krippendorff_alpha": 0.6172} if agreement else None,
        "anonymize": None,
        "warnings": ["4 records had more than one response marked <best>"],
        "files": {"train": str(out / "train.jsonl")},
        "settings": {},
        "timings_s": {"total": 0.174},
    }  # fmt: skip
    write_json(out / "schema_report.json", report)
    return out


def _run_json(method: str, model_key: str, model: str, steps: int, final: dict) -> dict:
    return {
        "method": method, "status": "succeeded", "started": "2026-11-22T07:12:36+00:00",
        "ended": "2026-11-22T07:13:49+00:00", "duration_s": 72.66, "peak_rss_mb": 537.7,
        "peak_gpu_mb": None, "versions": VERSIONS, "argv": ["alignkit"], model_key: model,
        "train_pairs": 128, "steps": steps, "samples_per_s": 5.688, "train_runtime_s": 56.26,
        "world_size": 1, "distributed_type": "NO", "final_metrics": final,
    }  # fmt: skip


def make_rm_run(root: Path, data: Path, evaluated: bool = True) -> Path:
    run = root / "rm"
    final = {"eval_loss": 0.0354, "eval_accuracy": 1.0, "eval_pair_accuracy": 0.9375,
             "eval_pair_auc": 0.9712, "eval_pair_mean_margin": 3.32, "epoch": 2.5}  # fmt: skip
    write_json(run / "run.json", _run_json("rm", "base_model", "tiny-bert", 40, final))
    write_json(run / "config.json", {"dataset_dir": str(data), "base_model": "tiny-bert",
                                     "lr": 0.001, "batch_size": 8, "max_length": 64})  # fmt: skip
    rows = []
    for step in range(2, 41, 2):
        loss = 0.69 * math.exp(-step / 10)
        rows.append(
            {
                "step": step,
                "epoch": step / 16,
                "loss": loss,
                "learning_rate": 1e-3,
                "accuracy": min(1.0, 0.5 + step / 40),
                "margin": 3.3 * (1 - loss / 0.69),
            }
        )
        if step % 8 == 0:
            rows.append(
                {
                    "step": step,
                    "epoch": step / 16,
                    "eval_loss": loss * 0.9,
                    "eval_accuracy": 0.9,
                    "eval_margin": 3.0 * (1 - loss / 0.69),
                }
            )
            rows.append({"step": step, "eval_pair_accuracy": 0.9375, "eval_pair_auc": 0.97})
    rows.append({"step": 40, "train_runtime": 56.26, "train_loss": 0.263})  # fmt: skip
    write_jsonl(run / "metrics.jsonl", rows)
    if evaluated:
        edges = [-2 + 0.2 * i for i in range(21)]
        write_json(run / "eval_rm.json", {
            "model": str(run), "dataset_dir": str(data), "split": "test",
            "metrics": {"accuracy": 0.9375, "auc": 0.9712, "mean_margin": 3.3238,
                        "ece": 0.0348, "ties": 0, "pairs": 16},
            "scores": {k: {"mean": m, "std": 0.3, "min": m - 1, "max": m + 1}
                       for k, m in (("chosen", 1.66), ("rejected", -1.66), ("margin", 3.32))},
            "histograms": {
                "scores": {"edges": edges, "chosen": [0] * 14 + [1, 2, 4, 5, 3, 1],
                           "rejected": [1, 3, 5, 4, 2, 1] + [0] * 14},
                "margin": {"edges": [0.2 * i for i in range(21)], "counts": [0] * 15 + [3] * 5},
            },
            "ece_method": "10 equal-width bins; each pair counted as (σ(margin), 1) and "
                          "(1 - σ(margin), 0)",
            "tokenization": {"max_length": 64, "truncation": "right", "truncated_sequences": 0},
        })  # fmt: skip
    return run


def generations(n: int = 12, judge_wins: tuple[int, ...] = (0, 2, 3, 7)) -> list[dict]:
    rows = []
    for i in range(n):
        verdict = "win" if i in judge_wins else ("tie" if i % 5 == 4 else "loss")
        rows.append({
            "index": i, "prompt": f"Tell me something about rivers, please. ({i})",
            "policy": f"Happy to help: rivers are fascinating ({i}).",
            "reference": f"No. Figure it out ({i}).", "score_policy": 1.63,
            "score_reference": -1.2, "verdict": verdict,
        })  # fmt: skip
    rows[1]["policy"] = "Sure! " + INJECTION + " & <b>bold</b>\x10 \x1b[0m"
    rows[1]["prompt"] = [{"role": "user", "content": "Say <hi>"}]
    rows[2]["policy"] = "long " * 3000  # longer than examples.MAX_CHARS
    return rows


def policy_eval(data: Path, judge: str, rows: list[dict], order_sensitive: bool = False) -> dict:
    wins = sum(r["verdict"] == "win" for r in rows)
    ties = sum(r["verdict"] == "tie" for r in rows)
    n = len(rows)
    rate = (wins + 0.5 * ties) / n
    win = {"prompts": n, "wins": wins, "ties": ties, "losses": n - wins - ties, "win_rate": rate,
           "win_rate_ci95": [max(0.0, rate - 0.25), min(1.0, rate + 0.2)],
           "identical_responses": 0}  # fmt: skip
    if order_sensitive:
        win["inconsistent_orders"] = 2
    implicit = {"pairs": 16, "implicit_reward_accuracy": 0.875, "share_improved": 0.875,
                "mean_reward_chosen": 2.98, "mean_reward_rejected": -1.42,
                "mean_reward_margin": 4.4044, "mean_logp_policy_chosen": -144.99,
                "dropped_truncated_pairs": 0}  # fmt: skip
    return {
        "metrics": {**implicit, **win}, "policy": "runs/dpo", "reference": "tiny-llama",
        "dataset_dir": str(data), "split": "test",
        "judge": {"spec": judge, "order_sensitive": order_sensitive},
        "implicit_reward": {**implicit, "beta": 0.1, "beta_from": "run config"},
        "win_rate": win,
        "settings": {"temperature": 0.7, "top_p": 0.9, "max_new_tokens": 96, "seed": 0},
        "tokenization": {"max_length": 64, "truncation": "right"},
    }  # fmt: skip


def make_dpo_run(root: Path, data: Path, judges: int = 2) -> Path:
    """A DPO run evaluated by a reward-model judge in the run folder and by a rule judge with
    --output eval/distinct-2 (the same generations, judged twice)."""
    run = root / "dpo"
    final = {"eval_loss": 0.0123, "eval_rewards/accuracies": 1.0, "eval_rewards/margins": 4.404}
    write_json(run / "run.json", _run_json("dpo", "policy_model", "tiny-llama", 20, final))
    write_json(run / "config.json", {"dataset_dir": str(data), "policy_model": "tiny-llama",
                                     "beta": 0.1, "loss_type": "sigmoid", "lr": 0.001})  # fmt: skip
    rows = []
    for step in range(2, 21, 2):
        rows.append(
            {
                "step": step,
                "loss": 0.5 / step,
                "learning_rate": 1e-3 * (1 - step / 20),
                "rewards/margins": 4.4 * step / 20,
                "rewards/accuracies": 1.0,
                "rewards/chosen": 3 * step / 20,
                "rewards/rejected": -1.4 * step / 20,
            }
        )
        if step % 4 == 0:
            rows.append({"step": step, "eval_loss": 0.4 / step, "eval_rewards/margins": 4.4,
                         "eval_rewards/accuracies": 1.0})  # fmt: skip
    rows.append({"step": 20, "eval_loss": float("nan")})  # NaN is written as NaN by json.dumps
    write_jsonl(run / "metrics.jsonl", rows)
    gens = generations()
    if judges >= 1:
        write_json(run / "eval_policy.json", policy_eval(data, "rm:runs/rm", gens))
        write_jsonl(run / "generations.jsonl", gens)
    if judges >= 2:
        other = [{**r, "verdict": "tie", "score_policy": 1.0, "score_reference": 1.0} for r in gens]
        folder = run / "eval" / "distinct-2"
        write_json(folder / "eval_policy.json", policy_eval(data, "rule:distinct-2", other))
        write_jsonl(folder / "generations.jsonl", other)
    return run
