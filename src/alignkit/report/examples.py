"""Example generations side by side: the prompt, the policy's answer and the reference's, and
each judge's verdict. Every text is model output or user data, shown escaped as plain text."""

from __future__ import annotations

from typing import Any

from alignkit.messages import as_text
from alignkit.report import html as h
from alignkit.report.load import PolicyEval
from alignkit.report.text import Safe, esc, fmt_num, shorten

MAX_CHARS = 2000  # per text: a runaway generation must not make the page megabytes long
VERDICT_ORDER = ("win", "loss", "tie")


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    return (
        as_text(row.get("prompt"), roles=True),
        as_text(row.get("policy"), roles=True),
        as_text(row.get("reference"), roles=True),
    )


def group(evals: list[PolicyEval]) -> list[list[PolicyEval]]:
    """Evaluations that judged the very same generations (one sampling, several judges) form one
    group, shown once with a verdict per judge."""
    groups: list[tuple[list, list[PolicyEval]]] = []
    for e in evals:
        if not e.generations:
            continue
        texts = [_key(r) for r in e.generations]
        for known, members in groups:
            if known == texts:
                members.append(e)
                break
        else:
            groups.append((texts, [e]))
    return [members for _, members in groups]


def pick(rows: list[dict[str, Any]], n: int) -> list[int]:
    """`n` row positions taking wins, losses and ties in turn (each in file order), so the
    examples show what the judge liked and what it did not; returned in file order."""
    queues = {v: [i for i, r in enumerate(rows) if r.get("verdict") == v] for v in VERDICT_ORDER}
    queues["other"] = [i for i, r in enumerate(rows) if r.get("verdict") not in VERDICT_ORDER]
    chosen: list[int] = []
    while len(chosen) < n and any(queues.values()):
        for q in queues.values():
            if q and len(chosen) < n:
                chosen.append(q.pop(0))
    return sorted(chosen)


def _text_block(text: str) -> Safe:
    shown, cut = shorten(text, MAX_CHARS)
    more = f'<div class="muted">… {cut:,} more characters</div>' if cut else ""
    if not shown:
        return Safe('<pre class="gen muted">(empty)</pre>')
    return Safe(f'<pre class="gen">{esc(shown)}</pre>{more}')


def _verdict(label: str, row: dict[str, Any]) -> Safe:
    verdict = str(row.get("verdict", "?"))
    cls = verdict if verdict in VERDICT_ORDER else "tie"
    scores = ""
    a, b = row.get("score_policy"), row.get("score_reference")
    if a is not None or b is not None:
        scores = f" (policy {fmt_num(a)} vs reference {fmt_num(b)})"
    return Safe(
        f'<div><span class="badge {cls}">{esc(verdict)}</span>'
        f"<code>{esc(label)}</code>{esc(scores)}</div>"
    )


def examples_section(evals: list[PolicyEval], n: int) -> Safe:
    parts: list[Safe] = []
    for members in group(evals):
        rows = members[0].generations or []
        indices = pick(rows, n)
        judges = ", ".join(e.label for e in members)
        parts.append(
            Safe(
                f'<p class="muted">{len(indices)} of {len(rows)} prompts, judged by '
                f"<code>{esc(judges)}</code>; wins, losses and ties in turn.</p>"
            )
        )
        for i in indices:
            row = rows[i]
            verdicts = "".join(
                _verdict(e.label, (e.generations or [{}])[i]) for e in members
            )  # same length: the groups hold identical generations
            parts.append(
                Safe(
                    '<div class="example">'
                    f'<div class="prompt"><div class="label">prompt #{esc(row.get("index", i))}'
                    f"</div>{_text_block(as_text(row.get('prompt'), roles=True))}</div>"
                    '<div class="pair">'
                    f'<div class="side"><div class="label">policy</div>'
                    f"{_text_block(as_text(row.get('policy'), roles=True))}</div>"
                    f'<div class="side"><div class="label">reference</div>'
                    f"{_text_block(as_text(row.get('reference'), roles=True))}</div>"
                    f'</div><div class="verdicts">{verdicts}</div></div>'
                )
            )
    if not parts:
        return h.note("no example generations: no generations.jsonl beside the evaluation")
    return Safe("".join(parts))
