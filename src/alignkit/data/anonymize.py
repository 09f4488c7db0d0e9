"""`--anonymize`: replace e-mails, phone numbers, card numbers, IPs and URLs in text columns.

Presidio does it when installed; otherwise a pattern scrubber vectorised with polars (Rust regex:
no look-around, no backrefs): 1M rows of ~150 chars take 1-2 s on 2 cores. The patterns are plain
Python/Rust-compatible regexes (ASCII classes only: `\\w`/`\\s` differ between the engines), so
`scrub_text` runs the same ones with `re` and gives the same result as `scrub_frame`.

JSON-encoded chat messages are scrubbed as text, so no match may cut a JSON escape: a body never
contains `"` or `\\`, and it never starts right after an escape-opening backslash. Without
look-behind each pattern consumes the character before the body (group `l`) and after it (group
`r`) and puts them back; `l` is the start of text, a non-word char other than `\\`, or a whole
letter escape (`\\n`, `\\u00e9`), so `\\nbob@x.com` is found. `l` can never end in a backslash,
so whatever way the escapes around it are read, the body starts outside one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Literal

import polars as pl

from alignkit.errors import AlignkitError

KINDS = ("email", "phone", "card", "ip", "url")
TOKENS = {"email": "<EMAIL>", "phone": "<PHONE>", "card": "<CARD>", "ip": "<IP>", "url": "<URL>"}
_PRESIDIO = {"EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "CREDIT_CARD": "card",
             "IP_ADDRESS": "ip", "URL": "url"}  # fmt: skip
_W = "0-9A-Za-z_"
# a replacement can make a neighbour matchable (its boundary char was part of the replaced
# text, or was consumed as the `r` of the previous match); rounds repeat until nothing changes
_MAX_ROUNDS = 8
_CHUNK = 65_536


def _pat(body: str, left: str = "", right: str | None = None) -> re.Pattern[str]:
    """`left`: extra chars that may not precede the body (besides word chars); `right`: extra
    chars that may follow it only at a boundary (`1.2.3.4.` ends a sentence, `1.2.3.4.5` is no
    IP). `right=None`: the body is greedy and needs no right boundary."""
    r = "" if right is None else f"[^{_W}{right}]|[{right}](?:[^{_W}{right}]|$)|$"
    l_ = rf"^|[^{_W}\\{left}]|\\[nrtbf]|\\u[0-9A-Fa-f]{{4}}"
    return re.compile(f"(?P<l>{l_})(?P<b>{body})(?P<r>{r})")


_H = "[0-9A-Fa-f]{1,4}"
_V4 = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}"  # noqa: E501
# compressed IPv6 with at least 3 groups: `::1`, `fe80::1` and Python slices `x[1::2]` are left
_V6 = "|".join(
    [f"(?:{_H}:){{7}}{_H}", f"::(?:[fF]{{4}}:)?{_V4}", f"(?:{_H}:){{3,7}}:"]
    + [f"::(?:{_H}:){{2,6}}{_H}"]
    + [f"(?:{_H}:){{{a}}}(?::{_H}){{{max(1, 3 - a)},{7 - a}}}" for a in range(1, 7)]
)  # fmt: skip
# a URL may hold whole JSON escapes (`caf\u00e9`, PHP's `https:\/\/`): it reaches a backslash
# only from outside an escape, so that backslash opens one and the escape is taken whole.
# Case classes, not (?i): Rust and Python case-fold non-ASCII letters (`ſ`, `K`) differently.
_UESC = r"|\\u[0-9A-Fa-f]{4}|\\/"
_URL = (
    r"(?:(?:[hH][tT][tT][pP][sS]?|[fF][tT][pP]):(?://|\\/\\/)|[wW]{3}\.)"
    rf"(?:[^ \t\r\n\"\\<>]{_UESC})*(?:[^ \t\r\n\"\\<>.,;:!?)\]}}'*]{_UESC})"
)
_EMAIL = r"[0-9A-Za-z_.%+-]+@[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?(?:\.[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?)*\.[A-Za-z]{2,24}"  # noqa: E501
# 4-4-4-4(-1..3), Amex/Diners 4-6-4/5, or 13-19 bare digits; Luhn-checked after matching. A
# Luhn-valid 13-19 digit JSON *number* (unquoted) would become `<CARD>` and break that JSON.
_CARD = r"[0-9]{4}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?|[0-9]{4}[ -]?[0-9]{6}[ -]?[0-9]{4,5}|[0-9]{13,19}"  # noqa: E501
_SEP = "[ .-]"
_PHONE = "|".join([
    rf"\+[1-9][0-9]{{0,2}}{_SEP}?(?:\([0-9]{{1,4}}\)|[0-9]{{1,4}})(?:{_SEP}?[0-9]{{2,4}}){{2,4}}",
    rf"(?:1{_SEP}?)?(?:\([0-9]{{3}}\){_SEP}?|[0-9]{{3}}{_SEP})[0-9]{{3}}{_SEP}[0-9]{{4}}",  # NANP
    rf"0[0-9]{{2,4}}{_SEP}[0-9]{{3,4}}{_SEP}[0-9]{{3,4}}",  # trunk-prefixed national: 020 7946 0958
])  # fmt: skip
# Order: URLs first (they hold e-mails `user@host`, IPs `http://10.0.0.1/`, digit runs); e-mails
# before the number kinds (`4111...@x.com` is an address); IPv6 before IPv4 (`::ffff:1.2.3.4`);
# IPs before cards/phones (`192.168.100.200` would otherwise look like digit groups); cards
# before phones (`4000 0566 5566 5556` holds the national phone shape `0566 5566 5556`).
_STEPS: list[tuple[str, re.Pattern[str]]] = [
    ("url", _pat(_URL)),
    ("email", _pat(_EMAIL, left=".%+@-", right="@-")),
    ("ip", _pat(f"(?:{_V6})", left=".:", right=".:")),
    ("ip", _pat(_V4, left=".", right=".")),
    ("card", _pat(f"(?:{_CARD})", left=".,+-", right=".,-")),
    ("phone", _pat(f"(?:{_PHONE})", left=".+/-", right=".-")),
]
# Rows that can hold a match of each step (None: all): literal scans are ~10x cheaper than the
# patterns. Cards go through Python (Luhn) only in rows with a Luhn-valid candidate.
_HITS = [
    lambda s: s.str.contains(r"://|:\\/\\/|[wW]{3}\."),
    lambda s: s.str.contains("@", literal=True),
    lambda s: s.str.contains("::", literal=True) | (s.str.count_matches(":", literal=True) >= 7),
    lambda s: s.str.count_matches(".", literal=True) >= 3,
    lambda s: _luhn_rows(s),
    lambda s: None,
]
_CARD_AT = 4


_DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9]  # Luhn: every second digit from the right, doubled


def _luhn(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()][::-1]
    return sum(_DOUBLED[d] if i % 2 else d for i, d in enumerate(digits)) % 10 == 0


def _sub_cards(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        return m["l"] + TOKENS["card"] + m["r"] if _luhn(m["b"]) else m[0]

    return _STEPS[_CARD_AT][1].sub(repl, text)


def _round_text(text: str) -> str:
    for i, (kind, rx) in enumerate(_STEPS):
        text = _sub_cards(text) if i == _CARD_AT else rx.sub(rf"\g<l>{TOKENS[kind]}\g<r>", text)
    return text


def _luhn_rows(s: pl.Series) -> pl.Series:
    """Rows with a Luhn-valid card match (l/r hold no digits once a `\\uXXXX` l is cut off)."""
    m = pl.DataFrame({"row": range(len(s)), "m": s.str.extract_all(_STEPS[_CARD_AT][1].pattern)})
    d = pl.col("m").str.replace(r"^\\u[0-9A-Fa-f]{4}", "").str.replace_all("[^0-9]", "")
    m = m.explode("m").drop_nulls("m").select("row", d.str.reverse())
    total = pl.sum_horizontal(
        pl.col("m")
        .str.slice(i, 1)
        .replace_strict(
            list("0123456789"), _DOUBLED if i % 2 else range(10), default=0, return_dtype=pl.Int32
        )
        for i in range(19)
    )
    return pl.Series(range(len(s))).is_in(m.filter(total % 10 == 0)["row"].implode())


def _round_series(s: pl.Series) -> pl.Series:
    for i, (kind, rx) in enumerate(_STEPS):
        if i == _CARD_AT:
            step = lambda t: pl.Series([_sub_cards(x) for x in t], dtype=pl.String)  # noqa: E731
        else:
            step = lambda t: t.str.replace_all(rx.pattern, "${l}" + TOKENS[kind] + "${r}")  # noqa: B023,E731
        hit = _HITS[i](s)
        if hit is None:
            s = step(s)
        elif (hit := hit.fill_null(False)).any():
            s = s.clone().scatter(hit.arg_true(), step(s.filter(hit)))
    return s


def scrub_text(text: str) -> tuple[str, dict[str, int]]:
    """The pattern scrubber on one string: (scrubbed text, replacements per kind)."""
    out = text
    for _ in range(_MAX_ROUNDS):
        new = _round_text(out)
        if new == out:
            break
        out = new
    # tokens are never matched nor cut by a pattern (no body holds `<`/`>`), so the growth in
    # token count is exactly what was replaced
    return out, {k: out.count(TOKENS[k]) - text.count(TOKENS[k]) for k in KINDS}


def _scrub_chunk(s: pl.Series) -> tuple[pl.Series, dict[str, int]]:
    out, rows, sub = s.clone(), pl.Series(range(len(s)), dtype=pl.UInt32), s
    counts, first = dict.fromkeys(KINDS, 0), None
    for _ in range(_MAX_ROUNDS):  # later rounds only see the rows the previous one changed
        new = _round_series(sub)
        changed = (new != sub).fill_null(False)
        if not changed.any():
            break
        rows, sub = rows.filter(changed), new.filter(changed)
        first = rows if first is None else first
        out.scatter(rows, sub)
    if first is not None:
        old, cur = s.gather(first), out.gather(first)
        for k in KINDS:
            n = cur.str.count_matches(TOKENS[k], literal=True).sum()
            counts[k] = int(n - old.str.count_matches(TOKENS[k], literal=True).sum())
    return out, counts


def _scrub_series(s: pl.Series, counts: dict[str, int]) -> pl.Series:
    # one polars string op runs on one core; chunks in threads (polars drops the GIL) use them all
    parts = [s.slice(i, _CHUNK) for i in range(0, max(len(s), 1), _CHUNK)]
    with ThreadPoolExecutor(min(len(parts), os.cpu_count() or 1)) as pool:
        done = list(pool.map(_scrub_chunk, parts))
    for _, c in done:
        for k in KINDS:
            counts[k] += c[k]
    return pl.concat([p for p, _ in done])


@cache
def _presidio_engines() -> tuple[object, object, dict[str, object]] | None:
    try:
        from presidio_analyzer import AnalyzerEngine
        from presidio_anonymizer import AnonymizerEngine
        from presidio_anonymizer.entities import OperatorConfig
    except ImportError:
        return None
    ops = {e: OperatorConfig("replace", {"new_value": TOKENS[k]}) for e, k in _PRESIDIO.items()}
    try:
        analyzer = AnalyzerEngine()
    except Exception as exc:  # noqa: BLE001 - e.g. its spaCy model is not installed
        raise AlignkitError(
            f"Presidio is installed but cannot start ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}); install its spaCy model "
            "(python -m spacy download en_core_web_lg) or use --anonymize-engine patterns"
        ) from None
    return analyzer, AnonymizerEngine(), ops


def _presidio_text(text: str, engines: tuple, counts: dict[str, int]) -> str:
    analyzer, anonymizer, ops = engines
    results = []
    for r in analyzer.analyze(text=text, language="en", entities=list(_PRESIDIO)):
        # Presidio is not JSON-aware: move a span that starts inside an escape (`\nbob@x.com`
        # gives `nbob@x.com`) past it, and end it before any `"` or `\`
        run = len(text[: r.start]) - len(text[: r.start].rstrip("\\"))
        start = r.start + (5 if text.startswith("u", r.start) else 1) * (run % 2)
        stops = [i for i in (text.find('"', start, r.end), text.find("\\", start, r.end)) if i >= 0]
        r.start, r.end = start, min(stops, default=r.end)
        if r.start < r.end:
            results.append(r)
    out = anonymizer.anonymize(text=text, analyzer_results=results, operators=ops)
    for item in out.items:
        counts[_PRESIDIO[item.entity_type]] += 1
    return out.text


@dataclass
class ScrubResult:
    frame: pl.DataFrame
    counts: dict[str, int]
    engine: str


def scrub_frame(
    df: pl.DataFrame,
    columns: Sequence[str],
    engine: Literal["auto", "patterns", "presidio"] = "auto",
) -> ScrubResult:
    """Scrub the string columns among `columns` (others are skipped); nulls stay null."""
    if engine not in ("auto", "patterns", "presidio"):
        raise AlignkitError(
            f"--anonymize engine must be auto, patterns or presidio, not {engine!r}"
        )
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AlignkitError(f"--anonymize: no column {missing[0]!r} in the data")
    engines = _presidio_engines() if engine != "patterns" else None
    if engine == "presidio" and engines is None:
        raise AlignkitError(
            "--anonymize with presidio needs: pip install presidio-analyzer presidio-anonymizer"
        )
    counts = dict.fromkeys(KINDS, 0)
    new = []
    for c in dict.fromkeys(columns):
        s = df.get_column(c)
        if s.dtype != pl.String:
            continue
        if engines is None:
            new.append(_scrub_series(s, counts))
        else:
            texts = [None if t is None else _presidio_text(t, engines, counts) for t in s]
            new.append(pl.Series(c, texts, dtype=pl.String))
    return ScrubResult(df.with_columns(new), counts, "patterns" if engines is None else "presidio")
