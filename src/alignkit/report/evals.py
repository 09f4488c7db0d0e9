"""Evaluation sections: the reward model's held-out metrics and score histograms
(eval_rm.json), and the policy's win-rate per judge and implicit-reward metrics
(eval_policy.json)."""

from __future__ import annotations

from typing import Any

from alignkit.report import html as h
from alignkit.report.load import PolicyEval, RMEval
from alignkit.report.svg import Bar, histogram, interval_bars
from alignkit.report.text import Safe, esc, fmt_pct, fmt_setting

RM_METRICS = (
    ("pairs", "pairs"),
    ("accuracy", "accuracy (ties count as wrong)"),
    ("auc", "AUC"),
    ("mean_margin", "mean margin"),
    ("ece", "ECE of σ(margin)"),
    ("ties", "ties"),
)

IMPLICIT = (
    ("pairs", "pairs"),
    ("implicit_reward_accuracy", "implicit-reward accuracy"),
    ("share_improved", "share improved over the reference"),
    ("mean_reward_margin", "mean reward margin"),
    ("mean_reward_chosen", "mean reward, chosen"),
    ("mean_reward_rejected", "mean reward, rejected"),
    ("policy_prefers_chosen", "policy prefers chosen"),
    ("reference_prefers_chosen", "reference prefers chosen"),
    ("share_chosen_logp_up", "chosen log-prob went up"),
    ("share_rejected_logp_down", "rejected log-prob went down"),
    ("mean_logp_policy_chosen", "mean log p, policy, chosen"),
    ("mean_logp_policy_rejected", "mean log p, policy, rejected"),
    ("mean_logp_ref_chosen", "mean log p, reference, chosen"),
    ("mean_logp_ref_rejected", "mean log p, reference, rejected"),
    ("dropped_truncated_pairs", "pairs left out (response truncated away)"),
    ("beta", "β"),
)
SHARES = {
    "implicit_reward_accuracy",
    "share_improved",
    "policy_prefers_chosen",
    "reference_prefers_chosen",
    "share_chosen_logp_up",
    "share_rejected_logp_down",
    "accuracy",
}


def _value(key: str, value: Any) -> Any:
    if key == "beta" and isinstance(value, float):
        return h.cell(fmt_setting(value), True)
    if key in SHARES and isinstance(value, int | float) and not isinstance(value, bool):
        return h.cell(fmt_pct(value), True)
    return value


def rm_section(e: RMEval, several: bool) -> Safe:
    report = e.report
    metrics = report.get("metrics") or {}
    parts: list[Safe] = []
    if several:
        parts.append(h.h4(e.label))
    where = [("model", report.get("model")), ("dataset", report.get("dataset_dir"))]
    where.append(("split", report.get("split")))
    tok = report.get("tokenization") or {}
    if tok.get("truncated_sequences"):
        where.append(("truncated sequences", tok["truncated_sequences"]))
    parts.append(_meta(where))
    rows = [(label, _value(k, metrics.get(k))) for k, label in RM_METRICS if k in metrics]
    scores = report.get("scores") or {}
    score_rows = [
        (name, *(s.get(k) for k in ("mean", "std", "min", "max")))
        for name, s in scores.items()
        if isinstance(s, dict)
    ]
    parts.append(
        h.tables(
            [
                h.kv_table(rows, "metrics"),
                h.table(("scores", "mean", "std", "min", "max"), score_rows, "score summary"),
            ]
        )
    )
    if report.get("ece_method"):
        parts.append(Safe(f'<p class="muted">ECE: {esc(report["ece_method"])}.</p>'))
    hist = report.get("histograms") or {}
    figures = []
    s = hist.get("scores") or {}
    if s.get("edges"):
        groups = {k: v for k, v in s.items() if k != "edges" and isinstance(v, list)}
        svg = histogram(s["edges"], groups, "reward scores", x_label="reward", y_label="responses")
        figures.append(h.figure(svg, "Reward scores: chosen vs rejected"))
    m = hist.get("margin") or {}
    if m.get("edges") and isinstance(m.get("counts"), list):
        svg = histogram(
            m["edges"], {"margin": m["counts"]}, "margins", x_label="r(chosen) − r(rejected)",
            y_label="pairs",
        )  # fmt: skip
        figures.append(h.figure(svg, "Margin per pair"))
    parts.append(h.charts(figures))
    return Safe("".join(parts))


def _meta(items: list[tuple[str, Any]]) -> Safe:
    shown = [(k, v) for k, v in items if v not in (None, "")]
    if not shown:
        return Safe("")
    body = " · ".join(f"{esc(k)} <code>{esc(fmt_setting(v))}</code>" for k, v in shown)
    return Safe(f'<p class="meta">{body}</p>')


def _win_rows(evals: list[PolicyEval]) -> list[list[Any]]:
    rows = []
    for e in evals:
        win = e.report.get("win_rate") or {}
        if not win:
            continue
        ci = win.get("win_rate_ci95") or [None, None]
        rows.append(
            [
                Safe(f'<td class="wrap"><code>{esc(e.label)}</code></td>'),
                e.report.get("split"),
                win.get("prompts"),
                win.get("wins"),
                win.get("ties"),
                win.get("losses"),
                h.cell(fmt_pct(win.get("win_rate")), True),
                h.cell(f"{fmt_pct(ci[0])} – {fmt_pct(ci[1])}", True),
                win.get("identical_responses"),
                win.get("inconsistent_orders"),
            ]
        )
    return rows


def policy_section(evals: list[PolicyEval]) -> Safe:
    """The win-rate of every judge (table and bars with their 95% intervals), then the
    implicit-reward metrics, once when every evaluation measured the same."""
    parts: list[Safe] = []
    first = evals[0].report
    settings = first.get("settings") or {}
    parts.append(
        _meta(
            [
                ("policy", first.get("policy")),
                ("reference", first.get("reference")),
                ("dataset", first.get("dataset_dir")),
                ("split", first.get("split")),
                ("temperature", settings.get("temperature")),
                ("top_p", settings.get("top_p")),
                ("max_new_tokens", settings.get("max_new_tokens")),
                ("seed", settings.get("seed")),
            ]
        )
    )
    rows = _win_rows(evals)
    if rows:
        headers = ("judge", "split", "prompts", "wins", "ties", "losses", "win-rate",
                   "95% interval", "identical", "order-inconsistent")  # fmt: skip
        # drop columns no judge filled (order-inconsistent exists for pairwise judges only)
        keep = [i for i in range(len(headers)) if any(r[i] is not None for r in rows)]
        parts.append(
            h.table([headers[i] for i in keep], [[r[i] for i in keep] for r in rows], "win-rate")
        )
        bars = []
        for e in evals:
            win = e.report.get("win_rate") or {}
            rate = win.get("win_rate")
            if isinstance(rate, int | float):
                ci = win.get("win_rate_ci95") or [None, None]
                bars.append(Bar(e.label, rate, ci[0], ci[1], f"n={win.get('prompts', '?')}"))
        svg = interval_bars(bars, "win-rate against the reference", x_label="win-rate (ties ½)")
        caption = "Win-rate per judge, with 95% Wilson interval (dashed: 50%, even)"
        parts.append(h.figure(svg, caption, wide=True))
    else:
        parts.append(h.note("no win-rate: the evaluation ran without a judge (--num-prompts 0)"))
    parts.append(_implicit(evals))
    return Safe("".join(parts))


def _implicit(evals: list[PolicyEval]) -> Safe:
    columns: list[tuple[str, dict]] = []
    for e in evals:
        ir = e.report.get("implicit_reward")
        if not isinstance(ir, dict) or not ir:
            continue
        if any(ir == other for _, other in columns):
            continue  # the same pairs scored again for another judge
        columns.append((e.label, ir))
    if not columns:
        return Safe("")
    keys = [(k, label) for k, label in IMPLICIT if any(k in c for _, c in columns)]
    rows = [[label, *(_value(k, c.get(k)) for _, c in columns)] for k, label in keys]
    if len(columns) == 1:
        headers = ["", "value"]
    else:
        headers = ["", *(label for label, _ in columns)]
    caption = "implicit reward r = β·(log π − log π_ref) on held-out pairs"
    return h.table(headers, rows, caption)
