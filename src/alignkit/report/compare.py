"""The comparison of policy runs that differ in a few settings: a sweep such as Factual-DPO over
its margin λ, DPO over β or over loss types, per model (a pipeline's report node gets every
member's run folder).

The swept settings are found, not declared: the settings (config.json, with run.json's method
and model) whose values differ across the runs, leaving out where a run wrote (paths), its name
and tags, and the seed unless the seed is all that differs. A setting that a run's loss does not
use is not applicable there (Original DPO has a factual_lambda in its config, unused), so
Original DPO beside Factual-DPO runs is its own row, and a level across the λ plot. With several
models, a setting that differs only from model to model (the reference, say) is the model's,
not swept."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from alignkit.commands import methods
from alignkit.report import html as h
from alignkit.report.load import PolicyEval, Run
from alignkit.report.svg import PALETTE, Point, PointSeries, sweep_chart
from alignkit.report.text import Safe, esc, fmt_pct, fmt_setting
from alignkit.train.settings import CommonSettings

POLICY_METHODS = tuple(methods("policy"))
MODEL_KEYS = ("policy_model", "base_model")
# not settings of the model: where it read and wrote, how it was named, logged and resumed
IGNORED = set(CommonSettings.OPERATIONAL) | {"deepspeed", "trust_remote_code"}
PATH_SUFFIXES = ("_dir", "_path", "_file")
# setting -> (the setting that decides whether it is used, the values that use it)
APPLIES = {
    "factual_lambda": ("loss_type", ("factual",)),
    "factual_default": ("loss_type", ("factual",)),
}
# the first of these that is swept and numeric is the plot's x axis
X_FIRST = ("factual_lambda", "beta", "lr", "sft_weight", "label_smoothing")
SYMBOLS = {"factual_lambda": "λ", "beta": "β"}
LOSS_NAMES = {"sigmoid": "Original DPO", "factual": "Factual-DPO"}
# a reward-model score a run may have logged itself (online methods), when no RM judged it
RUN_SCORE_KEYS = ("eval_objective/scores", "objective/scores", "eval_reward", "reward")


@dataclass
class Member:
    run: Run
    model: str
    settings: dict[str, Any]


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _same(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=str)


def model_name(value: Any) -> str:
    """A model as shown: a name as given, a folder by its name (`<run>/model` by the run's)."""
    if value is None:
        return "?"
    text = str(value).rstrip("/")
    if "/" not in text and "\\" not in text:
        return text
    parts = text.replace("\\", "/").split("/")
    if parts[-1] == "model" and len(parts) > 1:
        return parts[-2]
    # a hub id (org/name) keeps its org; a local path is shortened to its folder
    return text if len(parts) == 2 and not text.startswith((".", "~")) else parts[-1]


def members(runs: list[Run]) -> list[Member]:
    """The policy training runs among `runs` (folders with run.json), with their settings."""
    out = []
    for r in runs:
        if r.dataset_only or not r.run or r.method not in POLICY_METHODS:
            continue
        settings = {k: r.run[k] for k in ("method", *MODEL_KEYS) if k in r.run}
        settings.update(r.config)
        settings["method"] = r.method
        for key, (decider, uses) in APPLIES.items():
            if key in settings and decider in settings and settings[decider] not in uses:
                settings[key] = None  # not applicable: unused by this run's loss
        model = next((settings[k] for k in MODEL_KEYS if settings.get(k)), None)
        out.append(Member(r, model_name(model), settings))
    return out


def _ignored(key: str) -> bool:
    return key in IGNORED or key in MODEL_KEYS or key.endswith(PATH_SUFFIXES)


def swept(ms: list[Member]) -> tuple[list[str], list[str]]:
    """(the swept settings, the settings that differ only with the model)."""
    keys = sorted({k for m in ms for k in m.settings if not _ignored(k)})
    varying = [k for k in keys if len({_same(m.settings.get(k)) for m in ms}) > 1]
    per_model: list[str] = []
    models = {m.model for m in ms}
    if len(models) > 1:
        for k in varying:
            if all(
                len({_same(m.settings.get(k)) for m in ms if m.model == model}) == 1
                for model in models
            ):
                per_model.append(k)
    out = [k for k in varying if k not in per_model]
    if out != ["seed"]:
        out = [k for k in out if k != "seed"]
    order = {k: i for i, k in enumerate((*X_FIRST, "loss_type", "method"))}
    return sorted(out, key=lambda k: (order.get(k, len(order)), k)), per_model


def value_text(key: str, value: Any) -> str:
    if value is None:
        return "n/a"  # the run's loss does not use it, or its method has no such setting
    if key == "loss_type" and value in LOSS_NAMES:
        return f"{LOSS_NAMES[value]} ({value})"
    return fmt_setting(value)


def variant(settings: dict[str, Any], keys: list[str]) -> str:
    """A run's values of `keys` in words: "Factual-DPO, λ=0.5", "Original DPO", "beta=0.2"."""
    parts = []
    for k in keys:
        v = settings.get(k)
        if v is None:
            continue
        if k == "loss_type":
            parts.append(LOSS_NAMES.get(v, str(v)))
        else:
            parts.append(f"{SYMBOLS.get(k, k)}={fmt_setting(v)}")
    return ", ".join(parts)


def _x_key(ms: list[Member], keys: list[str]) -> str | None:
    """The swept setting for a numeric x axis: numeric wherever it applies, 2+ values."""
    numeric = []
    for k in keys:
        values = [m.settings.get(k) for m in ms if m.settings.get(k) is not None]
        if values and all(_is_num(v) for v in values) and len(set(values)) > 1:
            numeric.append(k)
    return numeric[0] if numeric else None  # keys are in X_FIRST order


def _sort_key(m: Member, keys: list[str]) -> tuple:
    out = []
    for k in keys:
        v = m.settings.get(k)
        if k == "loss_type" and v in LOSS_NAMES:  # Original DPO first, Factual-DPO last
            v = {"sigmoid": " 0", "factual": "~"}[v]
        # not applicable first (Original DPO before the λ values), then numbers, then text
        out.append((0, 0.0, "") if v is None else (1, v, "") if _is_num(v) else (2, 0.0, str(v)))
    return tuple(out)


def _judged(run: Run) -> list[PolicyEval]:
    return [
        e for e in run.policy_evals if _is_num((e.report.get("win_rate") or {}).get("win_rate"))
    ]


def _judge(e: PolicyEval) -> str:
    judge = e.report.get("judge")
    spec = judge.get("spec") if isinstance(judge, dict) else None
    return str(spec or e.label)


def _implicit_accuracy(run: Run, e: PolicyEval | None) -> Any:
    for ev in ([e] if e else []) + run.policy_evals:
        value = (ev.report.get("implicit_reward") or {}).get("implicit_reward_accuracy")
        if _is_num(value):
            return h.cell(fmt_pct(value), True)
    return None


def score(run: Run, e: PolicyEval | None) -> tuple[str, str] | None:
    """(the mean score of the policy's answers, where it comes from): the judge's scores in
    generations.jsonl (a reward model's when the judge is `rm:`), else a score the run logged;
    eval_policy.json itself holds no mean score."""
    if e is not None:
        rows = e.generations or []  # load read generations.jsonl beside eval_policy.json
        pol = [r["score_policy"] for r in rows if _is_num(r.get("score_policy"))]
        ref = [r["score_reference"] for r in rows if _is_num(r.get("score_reference"))]
        if pol:
            text = fmt_setting(round(sum(pol) / len(pol), 4))
            if ref:
                text += f" (ref {fmt_setting(round(sum(ref) / len(ref), 4))})"
            kind = "RM" if _judge(e).startswith("rm:") else "rule score"
            return text, kind
    finals = run.run.get("final_metrics") or {}
    for key in RUN_SCORE_KEYS:
        if _is_num(finals.get(key)):
            return fmt_setting(finals[key]), f"run.json {key}"
    return None


def _rows(ms: list[Member], keys: list[str], several_judges: bool) -> tuple[list, set[str]]:
    rows, kinds = [], set()
    for m in ms:
        evals: list[PolicyEval | None] = list(_judged(m.run)) or [None]
        for e in evals:
            row: list[Any] = [m.model, *(value_text(k, m.settings.get(k)) for k in keys)]
            row.append(Safe(f'<td class="wrap"><code>{esc(m.run.name)}</code></td>'))
            if e is None:
                status = str(m.run.run.get("status") or "")
                why = f"run {status}" if status and status != "succeeded" else "not evaluated"
                if m.run.policy_evals and why == "not evaluated":
                    why = "no win-rate (no judge)"  # implicit rewards only: --num-prompts 0
                row += [h.cell(why), None, None]
            else:
                win = e.report["win_rate"]
                ci = win.get("win_rate_ci95") or [None, None]
                row += [
                    h.cell(fmt_pct(win["win_rate"]), True),
                    h.cell(f"{fmt_pct(ci[0])} – {fmt_pct(ci[1])}", True),
                    win.get("prompts"),
                ]
            row.append(_implicit_accuracy(m.run, e))
            found = score(m.run, e)
            if found is None:
                row.append(h.cell("—"))
            else:
                kinds.add(found[1])
                shown = found[0] if found[1] == "RM" else f"{found[0]} [{found[1]}]"
                row.append(h.cell(shown, True))
            if several_judges:
                row.append(Safe(f"<td><code>{esc(_judge(e)) if e else '—'}</code></td>"))
            rows.append(row)
    return rows, kinds


def _short_models(ms: list[Member]) -> dict[str, str]:
    """A legend's model names: a hub id without its org when that leaves them distinct."""
    models = list(dict.fromkeys(m.model for m in ms))
    short = {m: m.rsplit("/", 1)[-1] for m in models}
    return short if len(set(short.values())) == len(models) else {m: m for m in models}


def _plot(ms: list[Member], keys: list[str], judge: str) -> Safe:
    """Win-rate against the swept value, one line per model (and per other swept value); a
    model's runs without the x setting (Original DPO) are levels in the model's colour."""
    x = _x_key(ms, keys)
    others = [k for k in keys if k != x]
    short = _short_models(ms)
    model_color = {m: PALETTE[i % len(PALETTE)] for i, m in enumerate(short)}
    spare = iter(PALETTE[len(short) :] + PALETTE[: len(short)])
    lined: set[str] = set()  # models whose colour a line already has
    series: dict[str, PointSeries] = {}
    categories: list[str] | None = None if x else []
    for m in ms:
        e = next((e for e in _judged(m.run) if _judge(e) == judge), None)
        if e is None:
            continue
        win = e.report["win_rate"]
        ci = list(win.get("win_rate_ci95") or []) + [None, None]
        low, high = (ci[0], ci[1]) if _is_num(ci[0]) and _is_num(ci[1]) else (None, None)
        rest = variant(m.settings, others)
        model = short[m.model]
        if x is not None:
            xv = m.settings.get(x)
            level = xv is None
            name = model + (f" · {rest}" if rest else (f" · no {x}" if level else ""))
        else:  # categorical: the swept values name the category, the model the series
            xv = variant(m.settings, keys) or model
            level, name = False, model if keys else "runs"
            if xv not in categories:
                categories.append(xv)
        if name not in series:
            color = model_color[m.model]
            if not level:
                color = next(spare) if m.model in lined else color
                lined.add(m.model)
            series[name] = PointSeries(name, [], level, color)
        series[name].points.append(
            Point(0.0 if level else xv, win["win_rate"], low, high, m.run.name)
        )
    if not any(not s.level for s in series.values()):
        return Safe("")
    x_label = (f"{SYMBOLS[x]} ({x})" if x in SYMBOLS else x) if x else ", ".join(keys) or "model"
    svg = sweep_chart(
        list(series.values()),
        f"win-rate by {x_label}, judge {judge}",
        x_label,
        categories=categories,
    )
    levels = any(s.level for s in series.values())
    caption = (
        f"Win-rate against the reference by {x_label}, judge {judge}, with 95% Wilson "
        "intervals (dashed red: 50%, even"
        + ("; dashed line and band: a run without this setting, e.g. Original DPO" * levels)
        + ")"
    )
    return h.figure(svg, caption, wide=True)


def comparison(runs: list[Run]) -> Safe:
    """The comparison section's body, or "" when fewer than two policy runs differ."""
    ms = members(runs)
    if len(ms) < 2:
        return Safe("")
    keys, per_model = swept(ms)
    models = list(dict.fromkeys(m.model for m in ms))
    if not keys and len(models) < 2:
        return Safe("")
    order = {name: i for i, name in enumerate(models)}
    ms.sort(key=lambda m: (order[m.model], _sort_key(m, keys)))
    judges = list(dict.fromkeys(_judge(e) for m in ms for e in _judged(m.run)))
    rows, kinds = _rows(ms, keys, len(judges) > 1)
    score_head = "RM score, policy (ref)" if kinds <= {"RM"} else "judge score, policy (ref)"
    headers = [
        "model",
        *(f"{SYMBOLS[k]} ({k})" if k in SYMBOLS else k for k in keys),
        "run",
        "win-rate",
        "95% interval",
        "prompts",
        "implicit-reward accuracy",
        score_head,
    ]
    if len(judges) > 1:
        headers.append("judge")
    parts: list[Safe] = []
    swept_text = ", ".join(keys) if keys else "the model only"
    meta = f"swept: {swept_text} · {len(ms)} policy runs, {len(models)} model(s)"
    if per_model:
        meta += f" · differ with the model: {', '.join(per_model)}"
    if len(judges) == 1:
        meta += f" · judge {judges[0]}"
    parts.append(Safe(f'<p class="meta">{esc(meta)}</p>'))
    parts.append(h.table(headers, rows, "win-rate and implicit-reward accuracy per run"))
    parts.append(_score_note(kinds))
    if not judges:
        parts.append(h.note("no plot: none of these runs has a judged win-rate yet"))
    figures = [_plot(ms, keys, j) for j in judges]
    parts.append(Safe("".join(figures)))
    missing = [m.run.name for m in ms if not _judged(m.run)]
    if missing and judges:
        parts.append(h.note("not in the plot (no judged win-rate): " + ", ".join(missing)))
    return Safe("".join(parts))


def _score_note(kinds: set[str]) -> Safe:
    if kinds == {"RM"}:
        text = (
            "RM score: the mean reward-model score of the policy's answers to the judged "
            "prompts (and of the reference's), from generations.jsonl."
        )
    elif not kinds:
        text = (
            "no RM score: eval_policy.json holds none, and the judges left no scores (pairwise "
            "rules, or no generations.jsonl); evaluate with --judge rm:RUN for one."
        )
    else:
        text = (
            "judge score: the mean score of the policy's answers (and of the reference's) from "
            "generations.jsonl: a reward model's when unmarked, else marked [rule score] or "
            "with the run.json figure it is. eval_policy.json holds no RM score."
        )
    return Safe(f'<p class="muted">{esc(text)}</p>')
