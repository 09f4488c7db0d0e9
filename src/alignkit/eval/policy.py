"""Policy evaluation against its reference, in two parts.

    alignkit eval policy --policy artifacts/dpo/demo --dataset-dir data/demo \
        --judge rm:artifacts/rm/demo --num-prompts 100

1. On held-out pairs: DPO's implicit-reward accuracy and the share of pairs where the policy
   raised log p(chosen) - log p(rejected) above the reference's (`metrics.implicit_reward_
   metrics`), with log-probs tokenized as DPO trained on them (`logprobs.py`).
2. On held-out prompts (unique prompts of the split, in a seeded order): the policy and the
   reference each answer with the same sampling settings and seeds (`generate.py`); a judge
   (`judges.py`) compares each pair; wins/ties/losses, the win-rate with ties as half, and its
   95% Wilson interval.

The reference does both parts first, then the policy: a LoRA policy over its reference (DPO's
default) is then one model, the base as the reference and then the adapter merged into it
(`inference.PolicyAndReference`).

Writes `eval_policy.json` and `generations.jsonl` into the policy's run folder (or --output).
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from alignkit.errors import AlignkitError
from alignkit.runfolder import GENERATIONS, POLICY_EVAL

VERDICTS = {1: "win", 0: "tie", -1: "loss"}


@dataclass
class PolicyEvalSettings:
    policy: str | None = field(
        default=None, metadata={"help": "Policy: a run folder, model folder or name."}
    )
    ref: str | None = field(
        default=None,
        metadata={"help": "Reference model (default: the run's reference, from its config.json)."},
    )
    dataset_dir: Path = field(default=Path("."), metadata={"help": "An ingest output folder."})
    split: str = field(default="test", metadata={"help": "The held-out split."})
    judge: str | None = field(
        default=None, metadata={"help": "rm:PATH, rule:NAME or rule:module:function."}
    )
    num_prompts: int = field(
        default=100, metadata={"help": "Prompts to generate for (0: skip the win-rate)."}
    )
    max_new_tokens: int = field(default=96, metadata={"help": "Tokens per generated answer."})
    temperature: float = field(default=0.7, metadata={"help": "Sampling temperature (0: greedy)."})
    top_p: float = field(default=0.9, metadata={"help": "Nucleus sampling mass."})
    seed: int = field(default=0, metadata={"help": "Seed of the prompt order and the sampling."})
    batch_size: int = field(default=8, metadata={"help": "Sequences per forward pass."})
    max_pairs: int | None = field(
        default=None, metadata={"help": "Score at most this many pairs (default: all)."}
    )
    max_length: int | None = field(
        default=None, metadata={"help": "Tokens per sequence (default: the run's, else 1024)."}
    )
    truncation: Literal["right", "left"] | None = field(
        default=None, metadata={"help": "Which end to cut (default: the run's, else right)."}
    )
    beta: float | None = field(
        default=None, metadata={"help": "β of the implicit reward (default: the run's, else 0.1)."}
    )
    output: Path | None = field(
        default=None, metadata={"help": "Folder for the results (default: the policy's run)."}
    )
    answers_from: Path | None = field(
        default=None,
        metadata={"help": "Judge the answers in this generations.jsonl instead of generating."},
    )
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
        self.answers_from = Path(self.answers_from) if self.answers_from is not None else None
        checks = [
            (bool(self.policy), "--policy is required"),
            (self.num_prompts >= 0, "--num-prompts must be >= 0"),
            (self.num_prompts == 0 or bool(self.judge), "--judge is required (or --num-prompts 0)"),
            (self.max_new_tokens >= 1, "--max-new-tokens must be >= 1"),
            (self.temperature >= 0, "--temperature must be >= 0"),
            (0 < self.top_p <= 1, "--top-p must be in (0, 1]"),
            (self.batch_size >= 1, "--batch-size must be >= 1"),
            (self.max_pairs is None or self.max_pairs >= 0, "--max-pairs must be >= 0"),
            (self.max_length is None or self.max_length >= 8, "--max-length must be >= 8"),
            (self.truncation in (None, "right", "left"), "--truncation must be right or left"),
            (self.beta is None or self.beta > 0, "--beta must be > 0"),
        ]
        for ok, message in checks:
            if not ok:
                raise AlignkitError(message)


@dataclass
class PolicyEvalResult:
    metrics: dict[str, Any]
    output_dir: Path
    files: dict[str, Path]
    report: dict[str, Any]  # eval_policy.json as written


def held_out_prompts(prompts: list[Any], n: int, seed: int) -> list[Any]:
    """The first `n` unique prompts in an order shuffled by `seed` (a split lists a prompt once
    per pair; each is asked once)."""
    unique: dict[str, Any] = {}
    for p in prompts:
        unique.setdefault(json.dumps(p, sort_keys=True), p)
    order = list(unique.values())
    random.Random(seed).shuffle(order)
    return order[:n]


def _reference_of(settings: PolicyEvalSettings, config: dict[str, Any]) -> str:
    # DPO's reference is --ref-model when given, else the initial policy (for LoRA, the base)
    ref = settings.ref or config.get("ref_model") or config.get("policy_model")
    if not ref:
        raise AlignkitError("--ref is required: the policy is not a run that names its reference")
    return str(ref)


def _beta(settings: PolicyEvalSettings, config: dict[str, Any]) -> tuple[float, str]:
    if settings.beta is not None:
        return settings.beta, "flag"
    if isinstance(config.get("beta"), int | float):
        return float(config["beta"]), "run config"
    return 0.1, "default"


def _pair_logps(model, tokenizer, pairs: list[dict], tok: dict, settings) -> tuple:
    import numpy as np

    from alignkit.eval.logprobs import pair_tokens, sequence, sequence_logps
    from alignkit.models.inference import autocast

    sequences = []
    for row in pairs:
        p, c, r = pair_tokens(tokenizer, row["prompt"], row["chosen"], row["rejected"])
        sequences.append(sequence(p, c, tok["max_length"], tok["truncation"]))
        sequences.append(sequence(p, r, tok["max_length"], tok["truncation"]))
    # TRL drops a pair whose response is cut away entirely; it is left out here as well
    has_response = np.array([any(mask) for _, mask in sequences], dtype=bool)
    with autocast(model, settings.bf16):
        logps = sequence_logps(model, sequences, tokenizer.pad_token_id, settings.batch_size)
    return logps[0::2], logps[1::2], has_response[0::2] & has_response[1::2]


def _implicit_rewards(policy_logps: tuple, ref_logps: tuple, beta: float):
    from alignkit.eval.metrics import implicit_reward_metrics

    pc, pr, kept_p = policy_logps
    rc, rr, kept_r = ref_logps
    kept = kept_p & kept_r
    out = implicit_reward_metrics(pc[kept], pr[kept], rc[kept], rr[kept], beta)
    return {**out, "dropped_truncated_pairs": int((~kept).sum())}


def _answers(model, tokenizer, prompts: list[Any], prompt_tokens: int, settings) -> list[str]:
    """One model's answers; the policy and the reference get the same sampling settings and
    seed, so each prompt draws the same random stream from both (models/generate.py)."""
    from alignkit.models.generate import generate
    from alignkit.models.inference import autocast

    with autocast(model, settings.bf16):
        return generate(
            model,
            tokenizer,
            prompts,
            max_new_tokens=settings.max_new_tokens,
            temperature=settings.temperature,
            top_p=settings.top_p,
            seed=settings.seed,
            batch_size=settings.batch_size,
            max_prompt_tokens=prompt_tokens,
        )


def _score_and_answer(settings, ref_name: str, pairs: list[dict], prompts, tok: dict):
    """(tok, policy log-probs, reference log-probs, [policy answers, reference answers]):
    the reference's work first, then the policy's, so that a LoRA policy over its reference
    loads one model (inference.PolicyAndReference). `prompts` None: no answers."""
    from alignkit.models.inference import PolicyAndReference, fit_tokenization
    from alignkit.models.tokenize import fit_length

    models = PolicyAndReference(settings.policy, ref_name, settings.trust_remote_code)
    tok = fit_tokenization(tok, *models.limits, settings.policy)
    prompt_tokens = fit_length(
        tok["max_length"], *models.limits, name=settings.policy, reserve=settings.max_new_tokens
    )  # the prompt and the answer fit the policy's positions together
    logps, answers = [], []
    for get in (models.reference, models.policy):
        model, tokenizer = get()
        logps.append(_pair_logps(model, tokenizer, pairs, tok, settings))
        if prompts is not None:
            answers.append(_answers(model, tokenizer, prompts, prompt_tokens, settings))
    return tok, logps[1], logps[0], answers[::-1] or None


def earlier_answers(path: Path) -> tuple[list[Any], list[list[str]]]:
    """Prompts and (policy, reference) answers from an earlier evaluation's generations.jsonl,
    so another judge can score the same answers without generating them again."""
    try:
        rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    except FileNotFoundError:
        raise AlignkitError(f"--answers-from: no such file {path}") from None
    except json.JSONDecodeError as exc:
        raise AlignkitError(f"--answers-from: {path} is not JSON Lines ({exc})") from None
    if not rows or not all({"prompt", "policy", "reference"} <= set(r) for r in rows):
        raise AlignkitError(f"--answers-from: {path} has no prompt/policy/reference rows")
    return [r["prompt"] for r in rows], [
        [r["policy"] for r in rows],
        [r["reference"] for r in rows],
    ]


def _win_rate(judge, prompts: list[Any], answers: list[list[str]]):
    from alignkit.eval import metrics as m
    from alignkit.models.judges import run_judge

    judgements = run_judge(judge, prompts, answers[0], answers[1])
    counts = {v: sum(j.verdict == k for j in judgements) for k, v in VERDICTS.items()}
    n = len(judgements)
    rate = m.win_rate(counts["win"], counts["tie"], counts["loss"])
    low, high = m.wilson(rate, n)
    out: dict[str, Any] = {
        "prompts": n,
        "wins": counts["win"],
        "ties": counts["tie"],
        "losses": counts["loss"],
        "win_rate": rate,
        "win_rate_ci95": [low, high],
        "identical_responses": sum(a == b for a, b in zip(*answers)),
    }
    if judge.order_sensitive:  # position bias: the two orders disagreed, so the pair was a tie
        out["inconsistent_orders"] = sum(j.orders[0] != j.orders[1] for j in judgements)
    rows = [
        {
            "index": i,
            "prompt": prompt,
            "policy": a,
            "reference": b,
            "score_policy": j.score_a,
            "score_reference": j.score_b,
            "verdict": VERDICTS[j.verdict],
            **({"orders": j.orders} if j.orders is not None else {}),
        }
        for i, (prompt, a, b, j) in enumerate(zip(prompts, *answers, judgements))
    ]
    return out, rows


def evaluate(settings: PolicyEvalSettings) -> PolicyEvalResult:
    """Implicit-reward metrics on the split's pairs and a judged win-rate on its prompts;
    returns the metrics and writes eval_policy.json and generations.jsonl."""
    from alignkit.data.load import load_split
    from alignkit.io import write_json, write_rows
    from alignkit.models.inference import output_folder, run_config, tokenization
    from alignkit.models.judges import make_judge
    from alignkit.models.precision import inference_bf16

    # None: decided as a training run's "auto"; eval_policy.json's settings say what it was
    settings = replace(settings, bf16=inference_bf16(settings.bf16))
    judge = None
    if settings.num_prompts > 0:  # a bad --judge fails here, before any model loads
        judge = make_judge(
            settings.judge or "",
            batch_size=settings.batch_size,
            bf16=settings.bf16,
            trust_remote_code=settings.trust_remote_code,
        )
    earlier = None
    if judge is not None and settings.answers_from is not None:
        earlier = earlier_answers(settings.answers_from)
    config = run_config(settings.policy)
    ref_name = _reference_of(settings, config)
    out_dir = output_folder(settings.policy, settings.output)
    beta, beta_from = _beta(settings, config)
    tok = tokenization(settings.max_length, settings.truncation, config)
    split = load_split(settings.dataset_dir, settings.split, ("prompt", "chosen", "rejected"))
    pairs = split.select_columns(["prompt", "chosen", "rejected"]).to_list()
    if settings.max_pairs is not None:
        pairs = pairs[: settings.max_pairs]

    implicit: dict[str, Any] = {}
    prompts = answers = None
    if judge is not None:
        if earlier is not None:
            prompts, answers = earlier
        else:
            prompts = held_out_prompts(split["prompt"], settings.num_prompts, settings.seed)
    if pairs or earlier is None:  # judging earlier answers alone needs no model
        asked = prompts if answers is None else None
        tok, policy_logps, ref_logps, generated = _score_and_answer(
            settings, ref_name, pairs, asked, tok
        )
        implicit = _implicit_rewards(policy_logps, ref_logps, beta)
        answers = answers if generated is None else generated
    win: dict[str, Any] = {}
    rows: list[dict] = []
    if judge is not None:
        win, rows = _win_rate(judge, prompts, answers)

    metrics = {**implicit, **win}  # flat; the sections below group the same numbers
    judge_info = None
    if judge is not None:
        judge_info = {"spec": settings.judge, "order_sensitive": judge.order_sensitive}
    report = {
        "metrics": metrics,
        "policy": settings.policy,
        "reference": ref_name,
        "dataset_dir": str(settings.dataset_dir),
        "split": settings.split,
        "judge": judge_info,
        "implicit_reward": {**implicit, "beta": beta, "beta_from": beta_from},
        "win_rate": win or None,
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(settings).items()},
        "tokenization": tok,
    }
    files = {"result": out_dir / POLICY_EVAL}
    if judge is not None:
        files["generations"] = out_dir / GENERATIONS
        write_rows(rows, files["generations"])
    write_json(report, files["result"])  # last: its presence means the evaluation completed
    return PolicyEvalResult(metrics=metrics, output_dir=out_dir, files=files, report=report)
