"""The summary table (one column per folder) and the training curves from metrics.jsonl."""

from __future__ import annotations

from typing import Any

from alignkit.report import html as h
from alignkit.report.load import Run, finite_metrics
from alignkit.report.svg import PALETTE, Series, line_chart
from alignkit.report.text import Safe, esc, fmt_duration, fmt_pct, fmt_setting, fmt_time

# the metrics worth a line of the summary, in this order, when a run has them: TRL's names
# (train/eval_*) and alignkit's pairwise ones for reward models (eval_pair_*)
FINAL_KEYS = (
    "train_loss",
    "eval_loss",
    "eval_pair_accuracy",
    "eval_pair_auc",
    "eval_rewards/accuracies",
    "eval_rewards/margins",
    "eval_mean_token_accuracy",
    "eval_kl",
)

# One chart per entry, drawn when the run logged any of its keys. A series is (label, keys,
# dashed[, colour]): the first of `keys` the run has is drawn, so the RM's eval_accuracy stands
# in for eval_pair_accuracy only when the latter is missing. Evaluation series are dashed.
CHARTS: tuple[tuple[str, str, tuple | None, tuple], ...] = (
    ("Loss", "loss", None, (("train", ("loss",), False), ("eval", ("eval_loss",), True))),
    (
        "Reward margin (chosen − rejected)",
        "margin",
        None,
        (
            ("train", ("rewards/margins", "margin"), False),
            ("eval", ("eval_rewards/margins", "eval_margin", "eval_pair_mean_margin"), True),
        ),
    ),
    (
        "Preference accuracy / AUC",
        "share of pairs",
        (0.0, 1.0),
        (
            ("train accuracy", ("rewards/accuracies", "accuracy"), False),
            (
                "eval accuracy",
                ("eval_rewards/accuracies", "eval_pair_accuracy", "eval_accuracy"),
                True,
            ),
            ("eval AUC", ("eval_pair_auc",), True),
        ),
    ),
    (
        "Implicit rewards",
        "reward",
        None,
        (
            ("train chosen", ("rewards/chosen",), False, PALETTE[0]),
            ("train rejected", ("rewards/rejected",), False, PALETTE[1]),
            ("eval chosen", ("eval_rewards/chosen",), True, PALETTE[0]),
            ("eval rejected", ("eval_rewards/rejected",), True, PALETTE[1]),
        ),
    ),
    (
        "Token accuracy",
        "share of tokens",
        (0.0, 1.0),
        (
            ("train", ("mean_token_accuracy",), False),
            ("eval", ("eval_mean_token_accuracy",), True),
        ),
    ),
    # online RL (PPO, GRPO, RLOO): the reward optimised, on rollouts and on the eval prompts
    (
        "Reward",
        "reward",
        None,
        (("train", ("reward",), False), ("eval", ("eval_reward",), True)),
    ),
    ("KL to the reference", "KL", None, (("train", ("kl",), False), ("eval", ("eval_kl",), True))),
    ("Learning rate", "learning rate", None, (("", ("learning_rate",), False),)),
)


def _model(run: Run) -> Any:
    for key in ("policy_model", "base_model"):
        value = run.run.get(key) or run.config.get(key)
        if value:
            return value
    return None


def _reference(run: Run) -> Any:
    return run.run.get("ref_model") or run.config.get("ref_model")


def final_metrics(run: Run) -> dict[str, float]:
    """run.json's final metrics, else (a run still going, or killed) the last logged values."""
    out = {k: v for k, v in (run.run.get("final_metrics") or {}).items() if _is_num(v)}
    for key, points in finite_metrics(run.metrics).items():
        out.setdefault(key, points[-1][1])
    return out


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _status(run: Run) -> Safe:
    status = str(run.run.get("status") or "")
    if not status:
        return h.cell("—")
    return Safe(f'<td><span class="status-{esc(status)}">{esc(status)}</span></td>')


def summary(runs: list[Run]) -> Safe:
    """Rows of facts and key metrics, one column per folder (several runs side by side)."""
    finals = [final_metrics(r) for r in runs]
    rows: list[list[Any]] = [
        ["method", *(r.method for r in runs)],
        ["model", *(_model(r) for r in runs)],
        ["reference", *(_reference(r) for r in runs)],
        ["dataset", *(r.config.get("dataset_dir") or _dataset(r) for r in runs)],
        ["status", *(_status(r) for r in runs)],
        ["started", *(fmt_time(r.run.get("started")) for r in runs)],
        ["steps", *(r.run.get("steps") for r in runs)],
        ["duration", *(_duration(r.run.get("duration_s")) for r in runs)],
        ["samples/s", *(r.run.get("samples_per_s") for r in runs)],
        ["peak RSS (MB)", *(_mb(r.run.get("peak_rss_mb")) for r in runs)],
        ["peak GPU (MB)", *(_mb(r.run.get("peak_gpu_mb")) for r in runs)],
        ["processes", *(r.run.get("world_size") for r in runs)],
    ]
    for key in FINAL_KEYS:
        rows.append([key, *(f.get(key) for f in finals)])
    for label, fn in (
        ("RM eval accuracy", lambda e: e.report.get("metrics", {}).get("accuracy")),
        ("RM eval AUC", lambda e: e.report.get("metrics", {}).get("auc")),
        ("RM eval ECE", lambda e: e.report.get("metrics", {}).get("ece")),
    ):
        rows.append([label, *(fn(r.rm_evals[0]) if r.rm_evals else None for r in runs)])
    rows.append(["implicit-reward accuracy", *(_implicit_accuracy(r) for r in runs)])
    rows.append(["win-rate (judge)", *(_win_rates(r) for r in runs)])
    # a row with no value for any run says nothing
    rows = [r for r in rows if any(v is not None and v != h.cell("—") for v in r[1:])]
    return h.table(["", *(r.name for r in runs)], rows, cls="runs")


def _dataset(run: Run) -> Any:
    return str(run.dataset.path) if run.dataset else None


def _duration(seconds: Any) -> Any:
    return h.cell(fmt_duration(seconds), True) if _is_num(seconds) else None


def _mb(value: Any) -> Any:
    return round(value) if _is_num(value) else None


def _implicit_accuracy(run: Run) -> Any:
    for e in run.policy_evals:
        value = (e.report.get("implicit_reward") or {}).get("implicit_reward_accuracy")
        if _is_num(value):
            return h.cell(fmt_pct(value), True)
    return None


def _win_rates(run: Run) -> Any:
    lines = []
    for e in run.policy_evals:
        win = e.report.get("win_rate") or {}
        if _is_num(win.get("win_rate")):
            ci = win.get("win_rate_ci95") or [None, None]
            lines.append(
                f"{fmt_pct(win['win_rate'])} [{fmt_pct(ci[0])}, {fmt_pct(ci[1])}] ({e.label})"
            )
    if not lines:
        return None
    return Safe('<td class="wrap">' + "<br>".join(esc(x) for x in lines) + "</td>")


def curves(run: Run) -> Safe:
    """The training charts of one run, in a grid; a note when there is nothing to draw."""
    series = finite_metrics(run.metrics)
    figures = []
    for title, y_label, y_range, specs in CHARTS:
        lines = []
        for label, keys, dashed, *color in specs:
            key = next((k for k in keys if k in series), None)
            if key is not None:
                lines.append(Series(label or key, series[key], dashed, *color))
        if not lines:
            continue
        x_label = "step"
        svg = line_chart(lines, title, x_label=x_label, y_label=y_label, y_range=y_range)
        figures.append(h.figure(svg, title))
    if not figures and run.metrics:
        return h.note("no training curves: metrics.jsonl has no step-wise metrics")
    return h.charts(figures)


def run_facts(run: Run) -> Safe:
    """Settings worth knowing when reading the curves, and the error of a failed run."""
    keys = ("loss_type", "beta", "lr", "batch_size", "gradient_accumulation", "max_steps",
            "epochs", "max_length", "lora", "seed")  # fmt: skip
    facts = [(k, fmt_setting(run.config[k])) for k in keys if k in run.config]
    parts = []
    if facts:
        parts.append(
            Safe(
                '<p class="meta">'
                + " · ".join(f"{esc(k)} <code>{esc(v)}</code>" for k, v in facts)
                + "</p>"
            )
        )
    if run.run.get("error"):
        parts.append(h.note(f"the run failed: {run.run['error']}"))
    return Safe("".join(parts))
