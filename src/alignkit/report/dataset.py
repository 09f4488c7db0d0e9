"""The dataset report (schema_report.json from `alignkit data ingest`): what was read, kept,
dropped and why, the splits, text lengths, length bias and annotator agreement."""

from __future__ import annotations

from typing import Any

from alignkit.report import html as h
from alignkit.report.text import Safe, esc, fmt_pct


def _pct(value: Any) -> Any:
    return h.cell(fmt_pct(value), True) if isinstance(value, int | float) else value


def dataset_section(report: dict[str, Any]) -> Safe:
    source = report.get("input") or {}
    counts = [
        ("input", source.get("path")),
        ("format", source.get("format")),
        ("kind", source.get("kind")),
        ("conversational", source.get("conversational")),
        ("input rows", source.get("rows")),
        ("extra pairs from rankings", report.get("expanded") or None),
        ("rows joined into their task", report.get("merged") or None),
        ("kept", report.get("kept")),
        ("dropped", report.get("dropped_total")),
        ("valid share", _pct(report.get("valid_share"))),
        ("created", report.get("created")),
    ]
    tables = [h.kv_table(counts, "counts")]
    splits = report.get("splits") or {}
    prompts = report.get("split_prompts") or {}
    tables.append(
        h.table(
            ("split", "rows", "prompts"),
            [(s, n, prompts.get(s)) for s, n in splits.items()],
            "splits",
        )
    )
    dropped = report.get("dropped") or {}
    if dropped:
        tables.append(h.table(("reason", "rows"), list(dropped.items()), "dropped by reason"))
    parts = [h.tables(tables), h.tables([_lengths(report), _quality(report), _agreement(report)])]
    anonymized = report.get("anonymize")
    if isinstance(anonymized, dict) and anonymized.get("replaced"):
        engine = anonymized.get("engine", "")
        rows = [(kind, n) for kind, n in anonymized["replaced"].items()]
        parts.append(h.table(("kind", "replaced"), rows, f"anonymized ({engine})"))
    for warning in report.get("warnings") or []:
        parts.append(h.note(f"warning: {warning}"))
    return Safe("".join(parts))


def _lengths(report: dict[str, Any]) -> Safe:
    lengths = report.get("lengths") or {}
    rows = [
        (column, s.get("mean"), s.get("min"), s.get("p50"), s.get("p95"), s.get("max"))
        for column, s in lengths.items()
        if isinstance(s, dict)
    ]
    unit = lengths.get("unit", "")
    return h.table(("column", "mean", "min", "p50", "p95", "max"), rows, f"lengths ({unit})")


def _quality(report: dict[str, Any]) -> Safe:
    bias = report.get("length_bias") or {}
    rows = [
        ("chosen longer than rejected", _pct(bias.get("chosen_longer_share"))),
        ("chosen shorter than rejected", _pct(bias.get("chosen_shorter_share"))),
        ("mean chosen − rejected (chars)", bias.get("mean_chosen_minus_rejected_chars")),
        ("contradicting pairs (swapped)", report.get("contradictions")),
    ]
    return h.kv_table(rows, "length bias and contradictions")


def _agreement(report: dict[str, Any]) -> Safe:
    agreement = report.get("agreement")
    if not isinstance(agreement, dict):
        return Safe('<div><h4>annotator agreement</h4><p class="muted">no annotator votes in '
                    "this export</p></div>")  # fmt: skip
    votes = agreement.get("votes_per_item") or {}
    alpha = agreement.get("krippendorff_alpha")
    rows = [
        ("items with votes", agreement.get("items_with_votes")),
        ("multi-annotated items", agreement.get("items_multi_annotated")),
        ("votes per item", ", ".join(f"{k}: {n:,}" for k, n in votes.items()) or None),
        ("percent agreement", _pct(agreement.get("percent_agreement"))),
        ("Krippendorff's α (nominal)", "n/a" if alpha is None else alpha),
    ]
    return h.kv_table(rows, "annotator agreement")


def used_by(names: list[str]) -> Safe:
    return Safe(f'<p class="meta">used by {esc(", ".join(names))}</p>') if names else Safe("")
