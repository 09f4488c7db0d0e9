"""Every command alignkit can run, in one plain dict: its settings dataclass, the function that
runs it, and what it makes. The CLI builds its commands from it, the job runner takes its job
kinds from it, the REST API validates requests with its settings classes, and the report reads
which methods train policies; `tests/test_commands.py` checks that they all agree (as litgpt's
`__main__.py` checks its commands).

Adding a method is one module (its settings dataclass and `train(settings)`) and one line here.
Classes and functions are named as "module:attribute" strings and imported on use, so that
importing the registry costs nothing (`alignkit --help` stays instant, a server validating a
request never imports torch).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Literal

# "records": records added to a feedback dataset in the server's database; "scores": a reward
# model's scores of a feedback dataset's records (feedback:score), in the same database
Makes = Literal[
    "dataset", "summary", "reward_model", "policy", "evaluation", "report", "records", "scores"
]


@dataclass(frozen=True)
class Command:
    settings: str  # "module:Class", a settings dataclass
    run: str  # "module:function", called with one settings object
    makes: Makes
    help: str  # the CLI's help paragraph
    # the settings a pipeline wires (jobs/pipeline): the model the command starts from or
    # evaluates, the data it reads, and where it writes
    model: str | None = None
    data: str | None = None
    output: str | None = None

    @property
    def trains(self) -> bool:
        return self.makes in ("reward_model", "policy")

    def settings_class(self) -> type:
        return _load(self.settings)

    def function(self):
        return _load(self.run)

    def __call__(self, settings: Any) -> Any:
        return self.function()(settings)


def _load(ref: str) -> Any:
    module, _, attribute = ref.partition(":")
    return getattr(importlib.import_module(module), attribute)


COMMANDS: dict[str, Command] = {
    "data:ingest": Command(
        "alignkit.data.settings:IngestSettings",
        "alignkit.data.presplit:ingest",
        "dataset",
        """Read an export (Argilla, Label Studio, HH-RLHF, ShareGPT, TRL, any table with --map),
        validate, deduplicate and split it by prompt into train/eval/test files plus
        schema_report.json; files already split (--eval-input, --test-input) keep their
        splits as given.""",
        output="output",
    ),
    "data:stats": Command(
        "alignkit.data.settings:StatsSettings",
        "alignkit.data.stats:read_report",
        "summary",
        "Print an ingest's schema_report.json as tables.",
        data="directory",
    ),
    "train:rm": Command(
        "alignkit.train.rm:RMSettings",
        "alignkit.train.rm:train",
        "reward_model",
        """Train a reward model (a one-output sequence classifier) on preference pairs with the
        Bradley-Terry loss; logs eval loss, accuracy and AUC of chosen > rejected.""",
        model="base_model",
        data="dataset_dir",
        output="output_dir",
    ),
    "train:dpo": Command(
        "alignkit.train.dpo:DPOSettings",
        "alignkit.train.dpo:train",
        "policy",
        """Train a policy with DPO or a sibling loss (any TRL loss type), or Factual-DPO
        (--loss-type factual --factual-lambda L). The reference is the initial policy unless
        --ref-model is given; its log-probs are computed once and reused by later runs.""",
        model="policy_model",
        data="dataset_dir",
        output="output_dir",
    ),
    "train:sft": Command(
        "alignkit.train.sft:SFTSettings",
        "alignkit.train.sft:train",
        "policy",
        """Supervised fine-tuning on demonstrations: the chosen side of preference pairs, or the
        desirable completions of unpaired feedback (loss on completion tokens only).""",
        model="policy_model",
        data="dataset_dir",
        output="output_dir",
    ),
    "train:kto": Command(
        "alignkit.train.kto:KTOSettings",
        "alignkit.train.kto:train",
        "policy",
        """Train a policy with KTO on unpaired feedback (prompt, completion, desirable or not);
        preference pairs are split into one desirable and one undesirable example each.""",
        model="policy_model",
        data="dataset_dir",
        output="output_dir",
    ),
    "train:orpo": Command(
        "alignkit.train.orpo:ORPOSettings",
        "alignkit.train.orpo:train",
        "policy",
        """Train a policy with ORPO (SFT + odds-ratio preference term, no reference model; TRL's
        experimental trainer).""",
        model="policy_model",
        data="dataset_dir",
        output="output_dir",
    ),
    "train:ppo": Command(
        "alignkit.train.ppo:PPOSettings",
        "alignkit.train.ppo:train",
        "policy",
        """Train a policy online with PPO against a reward (--reward rm:PATH, rule:NAME or
        rule:module:fn; several with --reward-weights): each rollout samples one answer per
        prompt for --batch-size prompts, scores it less beta x its KL to the reference (fixed,
        or adapted towards --kl-target), and a value head on the policy gives GAE advantages for
        --ppo-epochs x --num-mini-batches clipped updates. One step is one update.""",
        model="policy_model",
        data="dataset_dir",
        output="output_dir",
    ),
    "train:grpo": Command(
        "alignkit.train.grpo:GRPOSettings",
        "alignkit.train.grpo:train",
        "policy",
        """Train a policy online with GRPO (TRL's GRPOTrainer): sample --num-generations
        answers per prompt, score them with --reward (rm:PATH, rule:NAME or rule:module:fn;
        several with --reward-weights), and push towards the answers that beat their group's
        mean, with a beta KL pull to the initial policy. --batch-size counts completions.""",
        model="policy_model",
        data="dataset_dir",
        output="output_dir",
    ),
    "train:rloo": Command(
        "alignkit.train.rloo:RLOOSettings",
        "alignkit.train.rloo:train",
        "policy",
        """Train a policy online with RLOO (TRL's RLOOTrainer): sample --num-generations answers
        per prompt, score them with --reward (less beta x their KL to the initial policy), and
        take each answer's advantage over the mean of the other answers to its prompt.
        --batch-size counts completions.""",
        model="policy_model",
        data="dataset_dir",
        output="output_dir",
    ),
    "train:online-dpo": Command(
        "alignkit.train.online_dpo:OnlineDPOSettings",
        "alignkit.train.online_dpo:train",
        "policy",
        """Iterative (online) DPO for --rounds rounds: each round samples two answers per train
        prompt from the current policy, ranks them with --reward (rm:PATH, rule:NAME or
        rule:module:fn; several with --reward-weights), drops ties (|margin| <= --min-margin)
        and identical answers, trains DPO on the pairs into OUT/round-N (every DPO flag applies
        to each round) and starts the next round from it. --reference previous (each round's
        start) or initial. model/ is the last round's model, merged when it is LoRA.""",
        model="policy_model",
        data="dataset_dir",
        output="output_dir",
    ),
    "eval:rm": Command(
        "alignkit.eval.rm:RMEvalSettings",
        "alignkit.eval.rm:evaluate",
        "evaluation",
        """Evaluate a reward model on held-out pairs: AUC, accuracy (ties count as wrong),
        expected calibration error of σ(r_chosen - r_rejected), mean margin and score
        histograms; writes eval_rm.json (and eval_rm_scores.jsonl, one line per pair) beside
        the model.""",
        model="model",
        data="dataset_dir",
        output="output",
    ),
    "eval:policy": Command(
        "alignkit.eval.policy:PolicyEvalSettings",
        "alignkit.eval.policy:evaluate",
        "evaluation",
        """Evaluate a policy against its reference: implicit-reward accuracy on held-out pairs,
        then a judged win-rate on held-out prompts (both models sample with the same settings
        and seeds; ties count half; 95% Wilson interval). Judges: rm:PATH, rule:NAME (see
        `alignkit eval judges`) or rule:module:function. Writes eval_policy.json and
        generations.jsonl.""",
        model="policy",
        data="dataset_dir",
        output="output",
    ),
    "feedback:generate": Command(
        "alignkit.feedback.settings:GenerateSettings",
        "alignkit.feedback.generate:generate_candidates",
        "records",
        """Sample candidate answers for a feedback dataset: each prompt (an ingest folder's
        --split, or a .jsonl / .txt file) is answered by --model-a and, when given, --model-b
        (--answers-per-model each, seeded per prompt), in an order shuffled with the seed, and
        becomes one record to annotate; its metadata says which model wrote which answer. A
        rerun or a retried job adds only the prompts not yet answered with these settings.""",
        model="model_a",
        data="prompts",
    ),
    "report": Command(
        "alignkit.report.settings:ReportSettings",
        "alignkit.report.build:build_report",
        "report",
        """Write a self-contained HTML report (no scripts, nothing from the network) of one or
        more training runs: summary, training curves, reward-model and policy evaluations with
        their charts, the dataset report and example generations side by side. A dataset
        folder (with schema_report.json) works too. Default output: report.html in the folder,
        or in the current directory for several folders.""",
        output="output",
    ),
    "feedback:score": Command(
        "alignkit.server.feedback.active_settings:ScoreSettings",
        "alignkit.feedback.score:score",
        "scores",
        """Score a feedback dataset's answers with a reward model (default: the one attached to
        the dataset), for active learning: each record gets the model's score of every answer
        and its uncertainty |σ(r_a - r_b) - ½| (a ranking: of its two closest answers), and the
        annotation queue then serves the least certain first. Pairwise and ranking datasets; a
        rerun or a retried job scores only the records this model has not scored.""",
    ),
}


def cli_path(name: str) -> tuple[str, ...]:
    """Where a command lives in the CLI: `train:dpo` is `alignkit train dpo`."""
    return tuple(name.split(":"))


def methods(makes: Makes | None = None) -> list[str]:
    """The training methods (`rm`, `dpo`, ...), or only those that make `makes`."""
    return [
        name.partition(":")[2]
        for name, c in COMMANDS.items()
        if c.trains and (makes is None or c.makes == makes)
    ]


def get(name: str) -> Command:
    from alignkit.errors import AlignkitError

    try:
        return COMMANDS[name]
    except KeyError:
        raise AlignkitError(f"unknown command '{name}'; one of: {', '.join(COMMANDS)}") from None
