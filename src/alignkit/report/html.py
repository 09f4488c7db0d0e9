"""HTML building blocks of the report: the page with its inline stylesheet, tables, figures and
notes. The page loads nothing: no scripts, fonts, images or stylesheets from elsewhere, so it
opens offline, from an e-mail attachment or an archived folder years later."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from alignkit.report.text import Safe, esc, fmt_num

CSS = """
:root { --fg: #1d1d1f; --muted: #666; --line: #ddd; --band: #f6f7f9; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; line-height: 1.45;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 40px 0 8px; padding-bottom: 6px; border-bottom: 2px solid
  var(--line); }
h3 { font-size: 16px; margin: 28px 0 8px; }
h4 { font-size: 14px; margin: 16px 0 6px; color: var(--muted); }
.meta, .muted { color: var(--muted); }
.meta { margin: 0 0 16px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12.5px; overflow-wrap: anywhere; }
nav.toc { background: var(--band); border: 1px solid var(--line); border-radius: 6px;
  padding: 8px 14px; margin: 12px 0 8px; }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: 14px;
  white-space: nowrap; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 6px 0 14px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left;
  vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
td:first-child { white-space: nowrap; }
td.wrap { min-width: 16em; max-width: 420px; overflow-wrap: anywhere; white-space: normal; }
/* runs side by side: each row is one quantity, so the columns are not aligned as numbers */
table.runs td, table.runs th { text-align: left; white-space: nowrap; }
table.runs td.wrap { white-space: normal; }
tr:hover td { background: #fafbfc; }
.tables { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(520px, 100%), 1fr));
  gap: 12px 28px; }
figure { margin: 8px 0 12px; min-width: 0; }
figcaption { font-weight: 600; margin-bottom: 2px; }
svg.chart { width: 100%; max-width: 100%; height: auto; display: block; }
figure.wide svg.chart { max-width: 820px; }
.note { background: #fff8e1; border-left: 4px solid #e6a700; padding: 6px 10px; margin: 6px 0;
  overflow-wrap: anywhere; }
.example { border: 1px solid var(--line); border-radius: 6px; margin: 12px 0; overflow: hidden; }
.example .prompt { background: var(--band); padding: 8px 12px; border-bottom: 1px solid
  var(--line); }
.example .pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
.example .side { padding: 8px 12px; min-width: 0; }
.example .side + .side { border-left: 1px solid var(--line); }
.example .label { font-size: 12px; color: var(--muted); margin-bottom: 4px; }
.example .verdicts { padding: 6px 12px; border-top: 1px solid var(--line); font-size: 13px; }
pre.gen { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 22em;
  overflow-y: auto; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12.5px; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px;
  font-weight: 600; color: #fff; margin-right: 4px; }
.badge.win { background: #009E73; } .badge.loss { background: #D55E00; }
.badge.tie { background: #888; }
.status-succeeded { color: #00794f; font-weight: 600; }
.status-failed { color: #b00; font-weight: 600; }
.status-running, .status-stopped { color: #a66b00; font-weight: 600; }
footer { margin-top: 48px; color: var(--muted); font-size: 12px; }
"""


def page(title: str, header: Safe, sections: Iterable[Safe]) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # no network even by accident: a stray URL in the page is refused by the browser
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head>\n"
        f"<body><main>{header}{''.join(sections)}</main></body></html>\n"
    )


def cell(value: Any, numeric: bool | None = None) -> Safe:
    """A table cell: numbers right-aligned and formatted, text escaped, Safe inserted as is."""
    if numeric is None:
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
    shown = value if isinstance(value, Safe) else esc(fmt_num(value))
    return Safe(f'<td class="num">{shown}</td>' if numeric else f"<td>{shown}</td>")


def table(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    caption: str | None = None,
    cls: str = "",
) -> Safe:
    """A table in a horizontally scrolling box (a wide table never widens the page). A column
    of mostly numbers gets a right-aligned header, and its gaps ("—") line up with the numbers."""
    grid = [list(r) for r in rows]
    if not grid:
        return Safe("")
    columns = [[r[i] for r in grid if i < len(r)] for i in range(len(headers))]
    numeric = [i > 0 and _mostly_numbers(c) for i, c in enumerate(columns)]
    body = "".join(
        "<tr>"
        + "".join(
            c if _is_td(c) else cell(c, True if c is None and numeric[i] else None)
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in grid
    )
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if n else f"<th>{esc(h)}</th>"
        for h, n in zip(headers, numeric)
    )
    cap = h4(caption) if caption else ""
    return Safe(
        f'<div class="scroll">{cap}<table class="{esc(cls)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _is_number(c: Any) -> bool:
    if _is_td(c):
        return c.startswith('<td class="num"')
    return isinstance(c, int | float) and not isinstance(c, bool)


def _mostly_numbers(column: list[Any]) -> bool:
    values = [c for c in column if c is not None]
    return bool(values) and sum(map(_is_number, values)) * 2 > len(values)


def _is_td(c: Any) -> bool:
    return isinstance(c, Safe) and c.startswith("<td")


def kv_table(rows: Iterable[tuple[Any, Any]], caption: str | None = None) -> Safe:
    """Two columns, name and value."""
    return table(("", "value"), [(k, v) for k, v in rows if v is not None], caption)


def figure(svg: str, caption: str, wide: bool = False) -> Safe:
    if not svg:
        return Safe("")
    cls = ' class="wide"' if wide else ""
    return Safe(f"<figure{cls}><figcaption>{esc(caption)}</figcaption>{svg}</figure>")


def charts(figures: Iterable[Safe]) -> Safe:
    inner = "".join(f for f in figures if f)
    return Safe(f'<div class="charts">{inner}</div>') if inner else Safe("")


def tables(parts: Iterable[Safe]) -> Safe:
    inner = "".join(p for p in parts if p)
    return Safe(f'<div class="tables">{inner}</div>') if inner else Safe("")


def note(text: str) -> Safe:
    return Safe(f'<p class="note">{esc(text)}</p>')


def h2(text: str, anchor: str) -> Safe:
    return Safe(f'<h2 id="{esc(anchor)}">{esc(text)}</h2>')


def h3(text: str, anchor: str | None = None) -> Safe:
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return Safe(f"<h3{ident}>{esc(text)}</h3>")


def h4(text: str) -> Safe:
    return Safe(f"<h4>{esc(text)}</h4>")


def section(*parts: Safe) -> Safe:
    return Safe("<section>" + "".join(p for p in parts if p) + "</section>")
