"""schema_report.json: what an ingest read, kept, dropped (and why), split and measured."""

from __future__ import annotations

import polars as pl

from alignkit.data.split import SPLITS


def length_stats(frame: pl.DataFrame, columns: tuple[str, ...]) -> dict:
    out = {}
    for c in columns:
        s = frame[f"_tok_{c}"]
        if s.len() == 0:
            out[c] = None
            continue
        out[c] = {
            "mean": round(float(s.mean()), 2),
            "min": int(s.min()),
            "p50": int(s.quantile(0.5, "nearest")),
            "p95": int(s.quantile(0.95, "nearest")),
            "max": int(s.max()),
        }
    return out


def length_bias(frame: pl.DataFrame) -> dict:
    """How often the chosen response is longer than the rejected one: a reward model can learn
    "longer is better" from a set where this share is far from 0.5."""
    n = frame.height
    if n == 0 or "_len_chosen" not in frame.columns:
        return {"pairs": n, "chosen_longer_share": None, "chosen_shorter_share": None}
    longer = int((frame["_len_chosen"] > frame["_len_rejected"]).sum())
    shorter = int((frame["_len_chosen"] < frame["_len_rejected"]).sum())
    return {
        "pairs": n,
        "chosen_longer_share": round(longer / n, 4),
        "chosen_shorter_share": round(shorter / n, 4),
        "mean_chosen_minus_rejected_chars": round(
            float((frame["_len_chosen"] - frame["_len_rejected"]).mean()), 2
        ),
    }


def split_counts(kept: pl.DataFrame) -> dict:
    counts = kept["_split"].value_counts()
    found = dict(zip(counts["_split"], counts["count"]))
    return {s: int(found.get(s, 0)) for s in SPLITS}


def reason_counts(reasons: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in reasons:
        counts[r] = counts.get(r, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
