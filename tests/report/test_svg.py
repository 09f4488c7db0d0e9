"""The SVG chart helpers and text helpers: well-formed XML whatever the data and the names."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from alignkit.messages import as_text
from alignkit.report import svg
from alignkit.report.text import Safe, clean, esc, fmt_duration, fmt_num

NASTY = "a<b>&\"'\x00\x1b\ud83d"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)
    assert root.tag == "svg" and root.get("viewBox")
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter("text")]


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [(0, 40, [0, 10, 20, 30, 40]), (0.0, 1.0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]), (3.32, 3.325, None)],
)
def test_nice_domain_covers_the_data_in_whole_steps(lo, hi, expected):
    a, b, step = svg.nice_domain(lo, hi)
    assert a <= lo and b >= hi
    got = svg.ticks(a, b, step)
    if expected is not None:
        assert got == pytest.approx(expected)
    assert 3 <= len(got) <= 11


def test_tick_labels_share_their_decimals():
    lo, hi, step = svg.nice_domain(0, 0.001)
    labels = [svg.fmt_tick(v, step) for v in svg.ticks(lo, hi, step)]
    assert labels == ["0.0000", "0.0002", "0.0004", "0.0006", "0.0008", "0.0010"]
    assert svg.fmt_tick(0.25, 0.25) == "0.25" and svg.fmt_tick(1500, 500) == "1,500"
    assert svg.fmt_tick(0.5, 0.25, percent=True) == "50%"
    assert svg.fmt_tick(5e-7, 1e-7) == "5.0e-07" and svg.fmt_tick(0, 1e-7) == "0"


def test_line_chart_with_awkward_data_and_names():
    chart = svg.line_chart(
        [
            svg.Series(NASTY, [(1, 0.5), (2, 0.4), (3, 0.35)]),
            svg.Series("eval", [(2, 0.45)], dashed=True),  # one point: a dot
            svg.Series("flat", [(1, 2.0), (3, 2.0)]),
            svg.Series("empty", []),
        ],
        "loss <train>",
        y_label="loss",
    )
    root = parse(chart)
    assert root.findtext("title") == "loss <train>"
    assert "a<b>&\"'\u2400\u241b\ufffd" in texts(root)  # escaped, controls made visible
    assert len(list(root.iter("polyline"))) == 3 and "empty" not in texts(root)
    assert list(root.iter("circle"))


def test_line_chart_of_a_single_value_and_of_nothing():
    parse(svg.line_chart([svg.Series("x", [(5, 1.0)])], "one"))
    assert svg.line_chart([svg.Series("x", [])], "none") == ""


def test_overlaid_histogram():
    edges = [0.0, 0.5, 1.0, 1.5]
    root = parse(svg.histogram(edges, {"chosen": [0, 2, 5], "rejected": [4, 1, 0]}, "scores"))
    assert len(list(root.iter("rect"))) == 4  # empty bins draw nothing
    assert {"chosen", "rejected"} <= set(texts(root))
    # every count sits on the same axis: the tallest bar reaches the top tick
    assert svg.histogram(edges, {"x": [1, 2]}, "wrong length") == ""
    parse(svg.histogram([2.0, 2.0], {"x": [3]}, "all the same value"))


def test_interval_bars_with_long_labels_and_missing_values():
    bars = [
        svg.Bar("rm:/very/long/path/to/a/reward/model/run/folder/that/goes/on", 0.58, 0.32, 0.81),
        svg.Bar("rule:<x>", 0.5, 0.25, 0.75, note="n=12"),
        svg.Bar("nan", float("nan")),
    ]
    root = parse(svg.interval_bars(bars, "win-rate"))
    shown = texts(root)
    assert "58.0% [32.0%, 81.0%]" in shown and "50.0% [25.0%, 75.0%]  n=12" in shown
    assert "rule:<x>" in shown and "n/a" in shown
    assert any(s.endswith("…") and len(s) == 34 for s in shown)  # a long label is cut
    assert svg.interval_bars([], "none") == ""


def test_text_helpers():
    assert esc("<a href='x'>") == "&lt;a href=&#x27;x&#x27;&gt;"
    assert esc(Safe("<b>")) == "<b>"  # already markup
    assert clean("ok\tand\nlines\x07") == "ok\tand\nlines\u2407"
    assert clean("\ud83d").encode("utf-8")
    assert [fmt_num(v) for v in (None, True, 12345, 0.58333, 3.32385, -144.99, 1e-5, 0.0)] == [
        "—", "yes", "12,345", "0.5833", "3.324", "-145.0", "1.00e-05", "0",
    ]  # fmt: skip
    assert fmt_num(float("nan")) == "nan" and fmt_num([0.25, 1]) == "[0.2500, 1]"
    assert fmt_duration(48.88) == "48.9 s" and fmt_duration(3725) == "62 min 5 s"
    assert fmt_duration(None) == "—" and fmt_duration(7300) == "2 h 1 min"
    assert as_text([{"role": "user", "content": "hi"}, {"role": "assistant"}], roles=True) == (
        "user: hi\nassistant: "
    )
