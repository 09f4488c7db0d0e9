"""Rich tables of an ingest report, shared by `data ingest` and `data stats`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False, min_width=48)
    for i, c in enumerate(columns):
        table.add_column(c, justify="left" if i == 0 else "right")
    return table


def print_report(report: dict, title: str, console: Console | None = None) -> None:
    console = console or Console()
    source = report["input"]
    counts = _table(f"{title}: {source['format']} ({source['kind']})", "", "count")
    counts.add_row("input rows", f"{source['rows']:,}")
    if report.get("expanded"):
        counts.add_row("extra pairs from rankings", f"{report['expanded']:,}")
    if report.get("merged"):
        counts.add_row("rows joined into their task", f"{report['merged']:,}")
    counts.add_row("kept", f"{report['kept']:,}")
    counts.add_row("dropped", f"{report['dropped_total']:,}")
    for split, n in report["splits"].items():
        prompts = report.get("split_prompts", {}).get(split, 0)
        counts.add_row(f"  {split}", f"{n:,} ({prompts:,} prompts)")
    console.print(counts)
    if report["dropped"]:
        dropped = _table("dropped by reason", "reason", "rows")
        for reason, n in report["dropped"].items():
            dropped.add_row(reason, f"{n:,}")
        console.print(dropped)
    lengths = report.get("lengths") or {}
    unit = lengths.get("unit", "")
    table = _table(f"lengths ({unit})", "column", "mean", "p50", "p95", "max")
    for column, s in lengths.items():
        if isinstance(s, dict):
            table.add_row(column, f"{s['mean']:.1f}", str(s["p50"]), str(s["p95"]), str(s["max"]))
    console.print(table)
    extra = _table("quality", "", "value")
    bias = report.get("length_bias") or {}
    if bias.get("chosen_longer_share") is not None:
        extra.add_row("chosen longer than rejected", f"{bias['chosen_longer_share']:.1%}")
    if report.get("contradictions"):
        extra.add_row("contradicting pairs (swapped)", f"{report['contradictions']:,}")
    agreement = report.get("agreement") or {}
    if agreement.get("items_multi_annotated"):
        extra.add_row("multi-annotated items", f"{agreement['items_multi_annotated']:,}")
        extra.add_row("percent agreement", f"{agreement['percent_agreement']:.1%}")
        alpha = agreement.get("krippendorff_alpha")
        extra.add_row("Krippendorff's alpha", "n/a" if alpha is None else f"{alpha:.3f}")
    anonymized = report.get("anonymize")
    if anonymized:
        for kind, n in anonymized["replaced"].items():
            extra.add_row(f"scrubbed {kind} ({anonymized['engine']})", f"{n:,}")
    if extra.row_count:
        console.print(extra)
    for warning in report.get("warnings", []):
        console.print(f"[yellow]warning:[/yellow] {warning}")
    files = report.get("files", {})
    if files:
        console.print("written: " + ", ".join(files.values()), soft_wrap=True)
