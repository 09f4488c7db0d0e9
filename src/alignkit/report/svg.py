"""Small SVG charts in pure Python (no plotting library: the report must build wherever alignkit
installs): line charts, overlaid histograms and horizontal interval bars.

Each function returns one `<svg>` element as a string, sized by its viewBox so that the page's
CSS can scale it. Every piece of text goes through `text.clean` and is escaped, so a series
named by a user (a judge spec, a folder name) cannot break the markup."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from alignkit.report.text import clean, esc

# Okabe-Ito: distinguishable with the common colour-vision deficiencies
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
FONT = 12
CHAR_W = 6.6  # average glyph width at FONT px in a sans-serif face, to lay out without a renderer
AXIS = "#444"
GRID = "#e3e3e3"


@dataclass
class Series:
    name: str
    points: list[tuple[float, float]]
    dashed: bool = False
    color: str | None = None


@dataclass
class Bar:
    label: str
    value: float
    low: float | None = None
    high: float | None = None
    note: str = ""  # shown after the value, e.g. "n=100"


@dataclass
class _Frame:
    """The plot area inside the SVG and the data domain it maps."""

    left: float
    top: float
    width: float
    height: float
    x0: float
    x1: float
    y0: float
    y1: float
    parts: list[str] = field(default_factory=list)

    def x(self, v: float) -> float:
        return self.left + (v - self.x0) / (self.x1 - self.x0) * self.width

    def y(self, v: float) -> float:
        return self.top + self.height - (v - self.y0) / (self.y1 - self.y0) * self.height


def _n(v: float) -> str:
    """A coordinate with two decimals: enough for the screen, short in the file."""
    return f"{v:.2f}".rstrip("0").rstrip(".")


def nice_step(span: float, target: int = 5) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about `target` intervals."""
    if not span > 0 or not math.isfinite(span):
        return 1.0
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def nice_domain(lo: float, hi: float, target: int = 5, integer: bool = False) -> tuple:
    """(lo, hi, step) widened to whole steps; a flat range gets a visible width."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, target)
    if integer:
        step = max(1.0, math.ceil(step))
    return (
        _snap(math.floor(lo / step + 1e-9) * step),
        _snap(math.ceil(hi / step - 1e-9) * step),
        step,
    )


def _snap(v: float) -> float:
    """3.3200000000000003 -> 3.32: a multiple of a step, without the float noise that would put
    the domain's edge just inside the data."""
    return float(f"{v:.12g}")


def ticks(lo: float, hi: float, step: float) -> list[float]:
    first = math.ceil(lo / step - 1e-9) * step
    count = int(math.floor((hi - first) / step + 1e-9)) + 1
    return [_snap(first + i * step) for i in range(max(count, 0))]


def fmt_tick(v: float, step: float, percent: bool = False) -> str:
    """A tick label with as many decimals as the step needs, the same for every tick of an axis
    (0.0010, 0.0008, ... not 0.001, 8e-04)."""
    if percent:
        v, step = v * 100, step * 100
    if abs(v) < step * 1e-6:
        v = 0.0  # -0 and float noise such as 5.5e-17
    if step < 1e-5 or abs(v) >= 1e6:  # learning rates of 1e-6, token counts in the billions
        text = "0" if v == 0 else f"{v:.1e}"
    else:
        decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
        if round(step * 10**decimals, 6) % 1:  # 2.5, 0.25: one digit more
            decimals += 1
        text = f"{v:,.{decimals}f}"
    return text + ("%" if percent else "")


def _text(x: float, y: float, s: str, anchor: str = "middle", **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{esc(s)}</text>'


def _shorten(s: str, chars: int) -> str:
    s = clean(s)
    return s if len(s) <= chars else s[: chars - 1] + "…"


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" '
        f'height="{_n(height)}" role="img" font-family="sans-serif" font-size="{FONT}">'
        f"<title>{esc(title)}</title>" + "".join(body) + "</svg>"
    )


def _legend(names: list[tuple[str, str, bool]], width: float, x: float, y: float) -> tuple:
    """Legend entries (name, colour, dashed) laid out left to right, wrapping to new rows; returns
    the markup and the height used."""
    parts, cx, rows = [], x, 1
    for name, color, dashed in names:
        label = _shorten(name, 40)
        w = 26 + len(label) * CHAR_W + 14
        if cx > x and cx + w > width - 8:
            cx, rows = x, rows + 1
        cy = y + (rows - 1) * 18
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        parts.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy - 4)}" x2="{_n(cx + 20)}" y2="{_n(cy - 4)}" '
            f'stroke="{color}" stroke-width="2.5"{dash}/>'
        )
        parts.append(_text(cx + 26, cy, label, "start"))
        cx += w
    return "".join(parts), rows * 18


def _axes(f: _Frame, xs: list[float], xstep: float, ys: list[float], ystep: float, **kw) -> None:
    """Grid, tick labels, axis lines and axis titles into `f.parts`."""
    xpct, ypct = kw.get("x_percent", False), kw.get("y_percent", False)
    bottom = f.top + f.height
    for v in ys:
        y = f.y(v)
        f.parts.append(
            f'<line x1="{_n(f.left)}" y1="{_n(y)}" x2="{_n(f.left + f.width)}" y2="{_n(y)}" '
            f'stroke="{GRID}"/>'
        )
        f.parts.append(_text(f.left - 6, y + 4, fmt_tick(v, ystep, ypct), "end", fill=AXIS))
    for v in xs:
        x = f.x(v)
        f.parts.append(
            f'<line x1="{_n(x)}" y1="{_n(bottom)}" x2="{_n(x)}" y2="{_n(bottom + 4)}" '
            f'stroke="{AXIS}"/>'
        )
        f.parts.append(_text(x, bottom + 17, fmt_tick(v, xstep, xpct), fill=AXIS))
    f.parts.append(
        f'<path d="M{_n(f.left)} {_n(f.top)}V{_n(bottom)}H{_n(f.left + f.width)}" '
        f'fill="none" stroke="{AXIS}"/>'
    )
    if kw.get("x_label"):
        f.parts.append(_text(f.left + f.width / 2, bottom + 36, kw["x_label"], fill=AXIS))
    if kw.get("y_label"):
        cy = f.top + f.height / 2
        f.parts.append(
            _text(14, cy, kw["y_label"], fill=AXIS, transform=f"rotate(-90 14 {_n(cy)})")
        )


def _y_margin(labels: list[str]) -> float:
    return 30 + max((len(s) for s in labels), default=1) * CHAR_W


def line_chart(
    series: list[Series],
    title: str,
    x_label: str = "step",
    y_label: str = "",
    y_range: tuple[float, float] | None = None,
    width: float = 560,
    height: float = 300,
) -> str:
    """Lines over a shared x axis; sparse series (evaluations) get point markers. `y_range` is
    a floor for the y domain (e.g. 0-1 for accuracies), widened if the data fall outside."""
    series = [s for s in series if s.points]
    pts = [p for s in series for p in s.points]
    if not pts:
        return ""
    colors = [s.color or PALETTE[i % len(PALETTE)] for i, s in enumerate(series)]
    legend, legend_h = _legend(
        [(s.name, c, s.dashed) for s, c in zip(series, colors)], width, 60, 16
    )
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    if y_range is not None:
        ys += list(y_range)
    x0, x1, xstep = nice_domain(min(xs), max(xs), 6, integer=all(float(x).is_integer() for x in xs))
    y0, y1, ystep = nice_domain(min(ys), max(ys), 5)
    ylabels = [fmt_tick(v, ystep) for v in ticks(y0, y1, ystep)]
    left = _y_margin(ylabels)
    top = 10 + legend_h + 6
    f = _Frame(left, top, width - left - 16, height - top - 46, x0, x1, y0, y1)
    _axes(f, ticks(x0, x1, xstep), xstep, ticks(y0, y1, ystep), ystep, x_label=x_label,
          y_label=y_label)  # fmt: skip
    for s, color in zip(series, colors):
        coords = " ".join(f"{_n(f.x(x))},{_n(f.y(y))}" for x, y in sorted(s.points))
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        f.parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"'
            f' stroke-linejoin="round"{dash}/>'
        )
        if s.dashed or len(s.points) <= 12:  # a few points read better as dots
            for x, y in s.points:
                f.parts.append(
                    f'<circle cx="{_n(f.x(x))}" cy="{_n(f.y(y))}" r="3" fill="{color}"/>'
                )
    return _svg(width, height, title, [legend, *f.parts])


def histogram(
    edges: list[float],
    groups: dict[str, list[int]],
    title: str,
    x_label: str = "",
    y_label: str = "count",
    width: float = 560,
    height: float = 300,
) -> str:
    """Counts over shared bin `edges`, groups overlaid with transparency (chosen vs rejected)."""
    groups = {k: v for k, v in groups.items() if v and len(v) == len(edges) - 1}
    if not groups or len(edges) < 2:
        return ""
    colors = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(groups)}
    legend, legend_h = "", 0
    if len(groups) > 1:
        legend, legend_h = _legend([(k, c, False) for k, c in colors.items()], width, 60, 16)
    lo, hi = edges[0], edges[-1]
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    _, _, xstep = nice_domain(lo, hi, 6)
    top_count = max(max(v) for v in groups.values())
    y0, y1, ystep = nice_domain(0, max(top_count, 1), 5, integer=True)
    ylabels = [fmt_tick(v, ystep) for v in ticks(y0, y1, ystep)]
    left = _y_margin(ylabels)
    top = 10 + legend_h + 6
    f = _Frame(left, top, width - left - 20, height - top - 46, lo, hi, y0, y1)
    _axes(f, ticks(lo, hi, xstep), xstep, ticks(y0, y1, ystep), ystep, x_label=x_label,
          y_label=y_label)  # fmt: skip
    for name, counts in groups.items():
        for i, c in enumerate(counts):
            if c <= 0:
                continue
            a, b = f.x(edges[i]), f.x(edges[i + 1])
            y = f.y(c)
            f.parts.append(
                f'<rect x="{_n(a)}" y="{_n(y)}" width="{_n(max(b - a - 0.5, 0.5))}" '
                f'height="{_n(f.top + f.height - y)}" fill="{colors[name]}" fill-opacity="0.55">'
                f"<title>{esc(f'{name}: {c} in [{edges[i]:.4g}, {edges[i + 1]:.4g})')}</title>"
                "</rect>"
            )
    return _svg(width, height, title, [legend, *f.parts])


def interval_bars(
    bars: list[Bar],
    title: str,
    x_label: str = "",
    reference: float | None = 0.5,
    x_range: tuple[float, float] = (0.0, 1.0),
    percent: bool = True,
    width: float = 760,
) -> str:
    """Horizontal bars with interval whiskers, one row per bar, labels on the left and the value
    with its interval in a column on the right (so no text ever overlaps a whisker), and a
    dashed line at `reference` (50%: the policy and its reference are even)."""
    if not bars:
        return ""
    labels = [_shorten(b.label, 34) for b in bars]
    left = 16 + max(len(s) for s in labels) * CHAR_W
    right = 230
    row, top = 34, 12
    height = top + row * len(bars) + 48
    lo, hi = x_range
    step = nice_step(hi - lo, 4)
    f = _Frame(left, top, width - left - right, row * len(bars), lo, hi, 0, 1)
    _axes(f, ticks(lo, hi, step), step, [], 1, x_label=x_label, x_percent=percent)
    for i, (b, label) in enumerate(zip(bars, labels)):
        cy = top + row * i + row / 2
        color = PALETTE[i % len(PALETTE)]
        f.parts.append(_text(left - 8, cy + 4, label, "end"))
        if b.value is not None and math.isfinite(b.value):
            x = f.x(min(max(b.value, lo), hi))
            f.parts.append(
                f'<rect x="{_n(f.left)}" y="{_n(cy - 10)}" width="{_n(max(x - f.left, 0))}" '
                f'height="20" fill="{color}" fill-opacity="0.75"/>'
            )
        if b.low is not None and b.high is not None:
            a, c = f.x(max(b.low, lo)), f.x(min(b.high, hi))
            f.parts.append(
                f'<path d="M{_n(a)} {_n(cy)}H{_n(c)}M{_n(a)} {_n(cy - 7)}V{_n(cy + 7)}'
                f'M{_n(c)} {_n(cy - 7)}V{_n(cy + 7)}" stroke="#222" stroke-width="1.5" '
                'fill="none"/>'
            )
        f.parts.append(_text(f.left + f.width + 10, cy + 4, _bar_text(b, percent), "start"))
    if reference is not None and lo <= reference <= hi:
        x = f.x(reference)
        f.parts.append(
            f'<line x1="{_n(x)}" y1="{_n(top - 4)}" x2="{_n(x)}" y2="{_n(f.top + f.height)}" '
            'stroke="#b00" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    return _svg(width, height, title, f.parts)


def _bar_text(b: Bar, percent: bool) -> str:
    def show(v: float) -> str:
        return f"{v:.1%}" if percent else f"{v:.3g}"

    if b.value is None or not math.isfinite(b.value):
        return "n/a"
    out = show(b.value)
    if b.low is not None and b.high is not None:
        out += f" [{show(b.low)}, {show(b.high)}]"
    return out + (f"  {b.note}" if b.note else "")


@dataclass
class Point:
    x: float | str  # the swept value: a number, or a category's name
    y: float
    low: float | None = None
    high: float | None = None
    note: str = ""  # the point's tooltip, e.g. the run's folder


@dataclass
class PointSeries:
    name: str
    points: list[Point]
    # one value drawn across the plot with its interval as a band: a run without the x
    # setting (Original DPO beside Factual-DPO's λ)
    level: bool = False
    color: str | None = None  # default: the palette in order


def _show_pct(p: Point) -> str:
    out = f"{p.y:.1%}"
    if p.low is not None and p.high is not None:
        out += f" [{p.low:.1%}, {p.high:.1%}]"
    return out


def sweep_chart(
    series: list[PointSeries],
    title: str,
    x_label: str,
    y_label: str = "win-rate (ties ½)",
    categories: list[str] | None = None,
    reference: float | None = 0.5,
    width: float = 680,
    height: float = 340,
) -> str:
    """Values with interval whiskers against a swept setting, one line per series: a numeric x
    axis, or evenly spaced `categories` (points only: categories have no order to draw a line
    through). Series at the same x are moved apart by a few pixels so that their whiskers do
    not hide each other; a `level` series is a dashed line with its interval as a band. The y
    axis is a share (percent), with a dashed line at `reference` (50%: even)."""

    def ok(v: float | None) -> bool:
        return v is not None and math.isfinite(v)

    colors = [s.color or PALETTE[i % len(PALETTE)] for i, s in enumerate(series)]
    kept = [
        (PointSeries(s.name, [p for p in s.points if ok(p.y)], s.level), c)
        for s, c in zip(series, colors)
    ]
    if categories is not None:
        kept = [
            (PointSeries(s.name, [p for p in s.points if s.level or p.x in categories], s.level), c)
            for s, c in kept
        ]
    kept = [(s, c) for s, c in kept if s.points]
    series, colors = [s for s, _ in kept], [c for _, c in kept]
    lines = [s for s in series if not s.level and s.points]
    if not lines:
        return ""
    pts = [p for s in series for p in s.points]
    ys = [v for p in pts for v in (p.y, p.low, p.high) if ok(v)]
    if reference is not None:
        ys.append(reference)
    y0, y1, ystep = nice_domain(min(ys), max(ys), 5)
    y0, y1 = max(y0, 0.0), min(y1, 1.0) if max(ys) <= 1 else y1
    legend, legend_h = _legend(
        [(s.name, c, s.level) for s, c in zip(series, colors)], width, 60, 16
    )
    ylabels = [fmt_tick(v, ystep, True) for v in ticks(y0, y1, ystep)]
    left = _y_margin(ylabels)
    top = 10 + legend_h + 6
    if categories is None:
        xs = [float(p.x) for s in lines for p in s.points]
        x0, x1, xstep = nice_domain(min(xs), max(xs), 6)
        xticks = ticks(x0, x1, xstep)
    else:
        x0, x1, xstep, xticks = 0.0, float(len(categories)), 1.0, []
    f = _Frame(left, top, width - left - 20, height - top - 46, x0, x1, y0, y1)
    _axes(f, xticks, xstep, ticks(y0, y1, ystep), ystep, x_label=x_label, y_label=y_label,
          y_percent=True)  # fmt: skip
    bottom = f.top + f.height
    if categories is not None:
        slot = f.width / max(len(categories), 1)
        for i, name in enumerate(categories):
            x = f.x(i + 0.5)
            f.parts.append(
                f'<line x1="{_n(x)}" y1="{_n(bottom)}" x2="{_n(x)}" y2="{_n(bottom + 4)}" '
                f'stroke="{AXIS}"/>'
            )
            label = _shorten(name, max(int(slot / CHAR_W) - 1, 4))
            f.parts.append(_text(x, bottom + 17, label, fill=AXIS))

    def px(p: Point) -> float:
        return f.x(categories.index(p.x) + 0.5) if categories is not None else f.x(float(p.x))

    if reference is not None and y0 <= reference <= y1:
        y = f.y(reference)
        f.parts.append(
            f'<line x1="{_n(f.left)}" y1="{_n(y)}" x2="{_n(f.left + f.width)}" y2="{_n(y)}" '
            'stroke="#b00" stroke-width="1" stroke-dasharray="4 3"/>'
        )
    for s, color in zip(series, colors):
        if not s.level:
            continue
        p = s.points[0]
        if ok(p.low) and ok(p.high):
            a, b = f.y(min(max(p.high, y0), y1)), f.y(min(max(p.low, y0), y1))
            f.parts.append(
                f'<rect x="{_n(f.left)}" y="{_n(a)}" width="{_n(f.width)}" '
                f'height="{_n(max(b - a, 0))}" fill="{color}" fill-opacity="0.08"/>'
            )
        y = f.y(p.y)
        f.parts.append(
            f'<line x1="{_n(f.left)}" y1="{_n(y)}" x2="{_n(f.left + f.width)}" y2="{_n(y)}" '
            f'stroke="{color}" stroke-width="2" stroke-dasharray="7 4">'
            f"<title>{esc(f'{s.name}: {_show_pct(p)} {p.note}'.strip())}</title></line>"
        )
    spread = 7.0
    for i, (s, color) in enumerate((s, c) for s, c in zip(series, colors) if not s.level):
        dodge = (i - (len(lines) - 1) / 2) * spread
        placed = sorted(((px(p) + dodge, p) for p in s.points), key=lambda t: t[0])
        if categories is None and len(placed) > 1:
            coords = " ".join(f"{_n(x)},{_n(f.y(p.y))}" for x, p in placed)
            f.parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2" '
                'stroke-linejoin="round"/>'
            )
        for x, p in placed:
            if ok(p.low) and ok(p.high):
                a, b = f.y(min(max(p.low, y0), y1)), f.y(min(max(p.high, y0), y1))
                f.parts.append(
                    f'<path d="M{_n(x)} {_n(a)}V{_n(b)}M{_n(x - 4)} {_n(a)}H{_n(x + 4)}'
                    f'M{_n(x - 4)} {_n(b)}H{_n(x + 4)}" stroke="{color}" stroke-width="1.5" '
                    'fill="none"/>'
                )
            tip = f"{s.name}, {p.x}: {_show_pct(p)} {p.note}".strip()
            f.parts.append(
                f'<circle cx="{_n(x)}" cy="{_n(f.y(p.y))}" r="4" fill="{color}">'
                f"<title>{esc(tip)}</title></circle>"
            )
    return _svg(width, height, title, [legend, *f.parts])
