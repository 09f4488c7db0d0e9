"""Online (iterative) DPO: each round samples two answers per prompt from the current policy,
ranks them with a reward (a reward model or a rule), trains DPO on those pairs, and the next
round starts from the result.

    alignkit train online-dpo --policy-model smollm2-135m-instruct --reward rm:artifacts/rm/demo \
        --dataset-dir data/demo --output-dir artifacts/online-dpo/demo --rounds 3 --lora

Prompts are the unique `prompt`s of the dataset's train split (pairs or prompt-only rows), all
of them each round or a seeded sample of `--prompts-per-round`. The two answers of round r are
drawn with seeds seed + 2r and seed + 2r + 1; the higher-scored one is chosen. Pairs whose
scores differ by at most `--min-margin` are ties and identical answers are dropped; every prompt
is counted as a pair, a tie or identical in run.json. The pairs go through `alignkit data
ingest` into the round's `data/`, and the round's folder is then an ordinary DPO run:

    OUT/round-1/{samples.jsonl, pairs.jsonl, data/, round.json, run.json, config.json, model/}
    OUT/round-2/...  (its --policy-model is OUT/round-1; a LoRA round is merged on first use)
    OUT/run.json, config.json, metrics.jsonl (one line per round), model/ (the last round's
    model, merged into a full model when it is a LoRA adapter)

`--reference previous` (the default) makes each round's reference the policy it starts from,
as iterative DPO does; `--reference initial` keeps the first policy (or --ref-model). Every DPO
flag applies to each round's DPO (--max-steps and --epochs count per round).

References: Xiong et al. 2024, "Iterative Preference Learning from Human Feedback: Bridging
Theory and Practice for RLHF under KL-Constraint"; Yuan et al. 2024, "Self-Rewarding Language
Models"; Guo et al. 2024, "Direct Language Model Alignment from Online AI Feedback".
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import re
import shutil
import signal
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from alignkit.errors import AlignkitError
from alignkit.runfolder import CONFIG_FILE, METRICS_FILE, MODEL_DIR, RUN_FILE
from alignkit.train.dpo import DPOSettings
from alignkit.train.rewards import RewardFields

METHOD = "online-dpo"
ROUND_FILE = "round.json"  # written last into a round's folder once its data is complete
SAMPLES_FILE = "samples.jsonl"  # every prompt's two answers and scores
PAIRS_FILE = "pairs.jsonl"  # the pairs handed to the ingest
DATA_DIR = "data"
# settings that decide a round's samples; a round whose round.json recorded others is resampled
SAMPLING_KEYS = (
    "policy_model", "reward", "reward_weights", "prompts_per_round", "max_new_tokens",
    "temperature", "top_p", "max_prompt_length", "min_margin", "seed", "generation_batch_size",
)  # fmt: skip


def round_dir(output_dir: Path, r: int) -> Path:
    return Path(output_dir) / f"round-{r}"


@dataclass
class OnlineDPOSettings(RewardFields, DPOSettings):
    output_dir: Path = field(
        default=Path("artifacts/online-dpo/default"), metadata={"help": "Run folder."}
    )
    rounds: int = field(default=3, metadata={"help": "Rounds of sample, rank, train."})
    reference: Literal["previous", "initial"] = field(
        default="previous",
        metadata={"help": "Each round's reference: the policy it starts from, or the initial."},
    )
    prompts_per_round: int | None = field(
        default=None,
        metadata={"help": "Prompts sampled each round (seeded); default: all train prompts."},
    )
    max_new_tokens: int = field(default=64, metadata={"help": "Answer tokens sampled."})
    temperature: float = field(default=0.8, metadata={"help": "Sampling temperature (> 0)."})
    top_p: float = field(default=1.0, metadata={"help": "Nucleus sampling (1: off)."})
    max_prompt_length: int = field(default=256, metadata={"help": "Prompt tokens kept."})
    min_margin: float = field(
        default=0.0, metadata={"help": "Pairs whose scores differ by at most this are ties."}
    )
    generation_batch_size: int = field(
        default=16, metadata={"help": "Prompts per sampling and scoring batch."}
    )

    def __post_init__(self) -> None:
        super().__post_init__()

        self.check_rewards()
        checks = [
            (self.rounds >= 1, "--rounds must be >= 1"),
            (self.reference in ("previous", "initial"), "--reference must be previous or initial"),
            (
                not (self.ref_model and self.reference == "previous"),
                "--ref-model goes with --reference initial (previous: each round's start)",
            ),
            (
                self.prompts_per_round is None or self.prompts_per_round >= 1,
                "--prompts-per-round must be >= 1",
            ),
            (self.max_new_tokens >= 1, "--max-new-tokens must be >= 1"),
            (self.temperature > 0, "--temperature must be > 0 (online-dpo samples)"),
            (0 < self.top_p <= 1, "--top-p must be in (0, 1]"),
            (self.max_prompt_length >= 1, "--max-prompt-length must be >= 1"),
            (self.min_margin >= 0 and math.isfinite(self.min_margin), "--min-margin must be >= 0"),
            (self.generation_batch_size >= 1, "--generation-batch-size must be >= 1"),
            # each round is its own DPO run; pushing the final model is not wired up yet
            (self.push_to_hub is None, "--push-to-hub is not supported by online-dpo yet"),
        ]
        for ok, message in checks:
            if not ok:
                raise AlignkitError(message)

    def round_settings(self, r: int) -> DPOSettings:
        """Round r's DPO run: the user's DPO settings on the round's data and folder."""
        names = {f.name for f in dataclasses.fields(DPOSettings)}
        values = {k: v for k, v in dataclasses.asdict(self).items() if k in names}
        start = self.policy_model if r == 1 else str(round_dir(self.output_dir, r - 1))
        # previous: DPO's default reference is the policy it starts from (with LoRA, the
        # adapter-disabled base, which is that same merged policy)
        ref = None
        if self.reference == "initial":
            ref = self.ref_model or (self.policy_model if r > 1 else None)
        folder = round_dir(self.output_dir, r)
        values.update(
            policy_model=start,
            ref_model=ref,
            dataset_dir=folder / DATA_DIR,
            output_dir=folder,
            # a round already run is reported finished, a cut one continues from its checkpoint
            resume=False,
            resume_or_start=folder.joinpath(RUN_FILE).is_file() and self.resumes,
            resume_force=self.resume_force and folder.joinpath(RUN_FILE).is_file(),
            run_name=f"{self.run_name}-round-{r}" if self.run_name else None,
            push_to_hub=None,
        )
        return DPOSettings(**values)

    def sampling(self, r: int) -> dict[str, Any]:
        out = json.loads(json.dumps(self.to_dict()))
        out = {k: out[k] for k in SAMPLING_KEYS}
        out["policy"] = self.policy_model if r == 1 else str(round_dir(self.output_dir, r - 1))
        return out


class Stopped(KeyboardInterrupt):
    """SIGTERM outside a DPO run's own handler (sampling, scoring, the ingest, the final copy):
    the run ends `stopped`. A KeyboardInterrupt, so that no `except Exception` on the way
    swallows it, and a DPO run it reaches before its handler is in records `stopped` too."""


class _StopSignal:
    def __init__(self):
        self._previous = None

    def install(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, self._raise)

    def _raise(self, signum, frame):
        raise Stopped()

    def uninstall(self) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)
            self._previous = None


def train(settings: OnlineDPOSettings, callbacks=()):
    """Run the rounds; returns the last round's TrainResult with the top-level run.json."""
    from alignkit.locks import folder_lock

    # held across all rounds: a second driver into the folder would interleave rounds
    with folder_lock(settings.output_dir, f"training {METHOD}"):
        return _locked(settings, callbacks)


def _locked(settings: OnlineDPOSettings, callbacks):
    from alignkit.data.load import load_split, note, verify_dataset
    from alignkit.train import common, dpo
    from alignkit.train.rewards import Reward
    from alignkit.train.rundir import RunDir, read_json

    out = Path(settings.output_dir)
    dataset = verify_dataset(settings.dataset_dir)
    previous = _check_resume(settings, dataset.digest)
    if previous is not None and previous.get("status") == "succeeded":
        if (out / MODEL_DIR).is_dir():
            note(f"{out} already finished ({settings.rounds} rounds, model saved); nothing to do")
            return common.recorded_result(out, previous)
    if not settings.resumes:
        _clear(out)
    prompts = _unique_prompts(load_split(settings.dataset_dir, "train", ("prompt",))["prompt"])
    if not prompts:
        raise AlignkitError(f"no prompts in the train split of {settings.dataset_dir}")
    # rule imports and reward-model folders are checked here, before any policy loads
    reward = Reward(
        settings.reward,
        settings.reward_weights,
        batch_size=settings.generation_batch_size,
        bf16=common.precision_of(settings).bf16,
        trust_remote_code=settings.trust_remote_code,
    )
    run = RunDir(out, METHOD)
    run.info.update(
        policy_model=settings.policy_model,
        reference=settings.reference,
        # the fixed reference of --reference initial; previous: each round's run.json says
        ref_model=settings.ref_model or settings.policy_model
        if settings.reference == "initial"
        else None,
        rewards=dict(zip(settings.reward, settings.reward_weights)),
        train_prompts=len(prompts),
        dataset={"dir": str(settings.dataset_dir), "digest": dataset.digest},
        rounds=[],
        **common.precision_of(settings).record(),  # each round's DPO run decides the same
    )
    run.start(settings.to_dict(), None)
    # the metrics of rounds already done are written again below, one line per round
    (out / METRICS_FILE).unlink(missing_ok=True)
    stop = _StopSignal()
    stop.install()
    result = None
    try:
        for r in range(1, settings.rounds + 1):
            record = _sample_round(settings, r, prompts, reward)
            result = dpo.train(settings.round_settings(r), callbacks=callbacks)
            record["dpo"] = _dpo_summary(round_dir(out, r), result)
            run.info["rounds"].append(record)
            run.log_metrics(_metrics_line(r, record))
            if result.status != "succeeded":
                record = run.write("stopped", completed_rounds=r - 1, stopped=f"round {r}")
                return common.recorded_result(out, record)
            run.write("running", completed_rounds=r)
        _final_model(round_dir(out, settings.rounds), out / MODEL_DIR, settings.trust_remote_code)
        last = read_json(round_dir(out, settings.rounds) / RUN_FILE) or {}
        record = run.write(
            "succeeded",
            completed_rounds=settings.rounds,
            steps=sum(x["dpo"].get("steps", 0) for x in run.info["rounds"]),
            final_metrics=last.get("final_metrics") or {},
        )
        return common.recorded_result(out, record)
    except Stopped:
        done = sum(x["dpo"]["status"] == "succeeded" for x in run.info["rounds"])
        record = run.write("stopped", completed_rounds=done, stopped="SIGTERM between DPO runs")
        return common.recorded_result(out, record)
    except BaseException as exc:
        raised = common.fail(run, exc)
        if raised is exc:
            raise
        raise raised from exc
    finally:
        stop.uninstall()


def _check_resume(settings: OnlineDPOSettings, digest: str) -> dict | None:
    """The top-level run.json to continue, None for a fresh start; refuses (one line) a
    resume of another method's folder or with other settings."""
    from alignkit.train import common
    from alignkit.train.rundir import read_json

    if not settings.resumes:
        return None
    out = Path(settings.output_dir)
    previous = read_json(out / RUN_FILE)
    config = read_json(out / CONFIG_FILE)
    if previous is None or config is None:
        if settings.resume_or_start:
            return None
        raise AlignkitError(f"nothing to resume in {out}: pass --resume-or-start to start")
    if previous.get("method") != METHOD:
        raise AlignkitError(
            f"{out} holds a {previous.get('method')} run, not {METHOD}; choose another folder"
        )
    diffs = common.differences(settings, digest, config, previous)
    if diffs and not settings.resume_force:
        raise AlignkitError(
            f"cannot resume {out}: it was started with other settings or data "
            f"({'; '.join(diffs)}); pass --resume-force to resume anyway"
        )
    return previous


def _clear(out: Path) -> None:
    """A fresh start: the rounds and model an earlier run left would otherwise be resumed
    from (a later --resume) under this run's settings."""
    for path in out.glob("round-*"):
        if path.is_dir() and path.name.removeprefix("round-").isdigit():
            shutil.rmtree(path)
    shutil.rmtree(out / MODEL_DIR, ignore_errors=True)


def _unique_prompts(column) -> list:
    seen: dict[str, Any] = {}
    for p in column:
        key = p if isinstance(p, str) else json.dumps(p, sort_keys=True)
        seen.setdefault(key, p)
    return list(seen.values())


def _sample_round(settings: OnlineDPOSettings, r: int, prompts: list, reward) -> dict:
    """Round r's pairs in its data/ folder (reused when a complete one was made with these
    settings); returns the round's record for run.json."""
    from alignkit.data.load import note
    from alignkit.io import write_json, write_rows
    from alignkit.train.rundir import read_json

    folder = round_dir(settings.output_dir, r)
    sampling = settings.sampling(r)
    if r > 1:
        # the previous round's run, by when it ran: one trained again (--resume-force with
        # other settings) is a different policy under the same folder name, and its old
        # samples would not be on-policy
        before = read_json(round_dir(settings.output_dir, r - 1) / RUN_FILE) or {}
        sampling["policy_run"] = {k: before.get(k) for k in ("started", "ended")}
    done = read_json(folder / ROUND_FILE)
    if done is not None and done.get("sampling") == sampling:
        note(f"round {r}: reusing its pairs in {folder / DATA_DIR}")
        return {k: v for k, v in done.items() if k != "sampling"}
    # a round sampled again makes a new DPO run too: its old one trained on other pairs
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    chosen_prompts = prompts
    if settings.prompts_per_round is not None and settings.prompts_per_round < len(prompts):
        picked = random.Random(settings.seed + r).sample(
            range(len(prompts)), settings.prompts_per_round
        )
        chosen_prompts = [prompts[i] for i in sorted(picked)]
    a, b = _two_answers(settings, sampling["policy"], chosen_prompts, r)
    parts_a, parts_b = reward.parts(chosen_prompts, a), reward.parts(chosen_prompts, b)
    score_a, score_b = reward.combine(parts_a), reward.combine(parts_b)
    samples, pairs = [], []
    counts = {"pairs": 0, "ties": 0, "identical": 0}
    for prompt, x, y, sx, sy in zip(chosen_prompts, a, b, score_a, score_b):
        if x.strip() == y.strip():
            kind = "identical"
        elif abs(sx - sy) <= settings.min_margin:
            kind = "ties"
        else:
            kind = "pairs"
            chosen, rejected = (x, y) if sx > sy else (y, x)
            pairs.append(
                {
                    "prompt": prompt,
                    "chosen": _as_answer(prompt, chosen),
                    "rejected": _as_answer(prompt, rejected),
                }
            )
        counts[kind] += 1
        samples.append(
            {"prompt": prompt, "a": x, "b": y, "score_a": sx, "score_b": sy, "kind": kind}
        )
    write_rows(samples, folder / SAMPLES_FILE)
    pair_scores = [(max(s["score_a"], s["score_b"]), min(s["score_a"], s["score_b"]))
                   for s in samples if s["kind"] == "pairs"]  # fmt: skip
    record = {
        "round": r,
        "policy": sampling["policy"],
        "prompts": len(chosen_prompts),
        **counts,
        "reward": _mean(score_a + score_b),
        "reward_std": _std(score_a + score_b),
        # each reward's own mean (before its weight), when several are summed
        "reward_parts": {k: _mean(parts_a[k] + parts_b[k]) for k in parts_a},
        "chosen_reward": _mean([c for c, _ in pair_scores]),
        "rejected_reward": _mean([j for _, j in pair_scores]),
    }
    if not pairs:
        raise AlignkitError(
            f"round {r}: all {len(chosen_prompts)} prompts gave ties or identical answers; "
            "nothing to train on (raise --temperature or lower --min-margin)"
        )
    write_rows(pairs, folder / PAIRS_FILE)
    report = _ingest(folder)
    # the ingest may still drop a pair (an empty answer, say): DPO trains on what it kept
    record["ingested_pairs"] = int(report.get("kept", 0))
    record["ingest_dropped"] = report.get("dropped") or {}
    write_json({**record, "sampling": sampling}, folder / ROUND_FILE)
    return record


def _as_answer(prompt: Any, text: str) -> Any:
    # a chat prompt's answers are assistant turns, as DPO's conversational format wants
    return [{"role": "assistant", "content": text}] if isinstance(prompt, list) else text


def _ingest(folder: Path) -> dict:
    """The pairs through alignkit's ingest (validation, dedup, schema_report.json that DPO
    verifies), all in train; returns its report."""
    from alignkit.data import ingest

    report = ingest(
        input=folder / PAIRS_FILE,
        output=folder / DATA_DIR,
        train_ratio=1.0,
        eval_ratio=0.0,
        test_ratio=0.0,
        # the policy's own prompts and answers: none is too short or long to learn from
        min_prompt_toks=0,
        max_prompt_toks=1 << 20,
    )
    return report


def _two_answers(settings: OnlineDPOSettings, policy: str, prompts: list, r: int):
    import gc

    from alignkit.models.generate import generate
    from alignkit.models.inference import load_policy
    from alignkit.models.tokenize import fit_length

    model, tokenizer = load_policy(policy, trust_remote_code=settings.trust_remote_code)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    kw = dict(
        max_new_tokens=settings.max_new_tokens,
        temperature=settings.temperature,
        top_p=settings.top_p,
        batch_size=settings.generation_batch_size,
        max_prompt_tokens=fit_length(
            settings.max_prompt_length, model, tokenizer, name=settings.policy_model,
            flag="--max-prompt-length", reserve=settings.max_new_tokens,
        ),
    )  # fmt: skip
    try:
        a = generate(model, tokenizer, prompts, seed=settings.seed + 2 * r, **kw)
        b = generate(model, tokenizer, prompts, seed=settings.seed + 2 * r + 1, **kw)
    finally:
        del model  # the DPO run loads its own copy next
        gc.collect()
    return a, b


def _dpo_summary(folder: Path, result) -> dict:
    """The round's DPO outcome, and its last logged train metrics (the round's data has no
    eval split, so its final metrics are usually empty)."""
    from alignkit.train.rundir import read_json

    last: dict[str, float] = {}
    path = folder / METRICS_FILE
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if "loss" in rec or "train_loss" in rec:  # the latter: a run shorter than a log
                last = {**last, **rec}
    keep = (
        "loss",
        "train_loss",
        "rewards/accuracies",
        "rewards/margins",
        "rewards/chosen",
        "rewards/rejected",
    )
    run = read_json(folder / RUN_FILE) or {}
    return {
        "status": result.status,
        "steps": result.steps,
        "ref_model": run.get("ref_model"),
        "final_metrics": result.metrics,
        "last_train": {k: last[k] for k in keep if k in last},
    }


def _metrics_line(r: int, record: dict) -> dict:
    import time

    line = {"step": r, "round": r, "time": time.time()}
    for key in ("reward", "reward_std", "chosen_reward", "rejected_reward", "pairs", "ties",
                "identical", "prompts"):  # fmt: skip
        if record.get(key) is not None:
            line[key] = record[key]
    for spec, value in (record.get("reward_parts") or {}).items():
        # as PPO, GRPO and RLOO name them; trackers refuse ':' in metric names
        name = re.sub(r"[^\w./-]+", "_", spec)
        line[f"rewards/{name}/mean"] = value
    for key, value in record["dpo"]["last_train"].items():
        line[f"dpo/{key}"] = value
    line.update(record["dpo"]["final_metrics"])
    return line


def _final_model(last_round: Path, target: Path, trust_remote_code: bool) -> None:
    """The last round's model as the run's model/: a full model is copied, a LoRA adapter is
    merged (its base is the previous round's merged model, which a copied adapter would not
    name), both staged beside `target` and renamed into place."""
    from alignkit.models.merge import adapter_folder, find_adapter, merge_into, resolve_base

    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        staged.chmod(0o755)
        if adapter_folder(last_round) is not None:
            adapter = find_adapter(last_round)
            base = resolve_base(adapter, trust_remote_code=trust_remote_code)
            merge_into(adapter, base, staged, trust_remote_code=trust_remote_code)
        else:
            shutil.copytree(last_round / MODEL_DIR, staged, dirs_exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        staged.rename(target)
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _std(xs: list[float]) -> float | None:
    if not xs:
        return None
    m = sum(xs) / len(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))
