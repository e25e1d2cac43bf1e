"""The report's figures as drawn (core.pdf.figures): where each mark lands, read off the
drawing's own shapes, and the page they print on."""

from __future__ import annotations

import datetime as dt

import pytest
from pdf_pages import body_ink, ink_outside, page_texts, render_pages
from reportlab.graphics.shapes import Line, Rect, String

from core.pdf.document import PageFrame, PageSize, content_width, write_pdf
from core.pdf.figures import (
    RESPONSE_COLOURS,
    Curve,
    SwimmerLane,
    WaterfallBar,
    km_figure,
    swimmer_figure,
    waterfall_figure,
)
from core.stats.survival import kaplan_meier

WIDTH = content_width(PageSize.A4)
TIMES = [1.5, 2.0, 4.0, 6.5, 8.0, 13.0, 15.0, 30.0]
EVENTS = [True, False, True, True, False, True, True, True]
AT_RISK_TIMES = [0, 3, 6, 9, 12]


def _strings(drawing):
    return [item for item in drawing.contents if isinstance(item, String)]


def _curve():
    km = kaplan_meier(TIMES, EVENTS)
    censored = [t for t, e in zip(TIMES, EVENTS, strict=True) if not e]
    at = [sum(1 for t in TIMES if t >= x) for x in AT_RISK_TIMES]
    return Curve("PFS", km.time, km.survival, km.lower, km.upper, censored,
                 [0.875, 0.6], at)


def test_each_number_at_risk_sits_under_its_time_on_the_axis():
    drawing = km_figure([_curve()], AT_RISK_TIMES, width=WIDTH)
    strings = _strings(drawing)
    ticks = {s.text: s.x for s in strings if s.text in {"0", "3", "6", "9", "12"}
             and s.textAnchor == "middle" and s.y > 40}
    counts = [s for s in strings if s.y < 30 and s.textAnchor == "middle"]
    assert [c.text for c in counts] == ["8", "6", "5", "3", "3"]
    assert [c.x for c in counts] == [ticks[str(t)] for t in AT_RISK_TIMES]


def test_the_curve_is_cut_at_the_axis_end_with_no_mark_past_it():
    curve = _curve()
    drawing = km_figure([curve], AT_RISK_TIMES, width=WIDTH)
    right = max(line.x2 for line in drawing.contents if isinstance(line, Line))
    xs = [x for item in drawing.contents if hasattr(item, "points")
          for x in item.points[0::2]]
    assert max(xs) <= right + 1e-6
    # The censoring at 8 months is a tick; there is none past 12.
    ticks = [item for item in drawing.contents if isinstance(item, Line)
             and item.x1 == item.x2 and item.y2 - item.y1 == pytest.approx(6)]
    assert len(ticks) == 2


def test_waterfall_bars_run_from_most_growth_to_most_shrinkage_coloured_by_response():
    bars = [WaterfallBar("A", -45.0, "PR"), WaterfallBar("B", 25.0, "PD"),
            WaterfallBar("C", -100.0, "CR"), WaterfallBar("D", -10.0, "SD")]
    drawing = waterfall_figure(bars, width=WIDTH)
    rects = [r for r in drawing.contents if isinstance(r, Rect) and r.width > 8]
    colours = [r.fillColor.hexval()[2:].upper() for r in rects]
    assert colours == [RESPONSE_COLOURS[r].lstrip("#").upper()
                       for r in ("PD", "SD", "PR", "CR")]
    zero = next(line.y1 for line in drawing.contents if isinstance(line, Line)
                and line.strokeDashArray is None and line.strokeWidth == 0.6)
    growth, *shrinks = rects
    assert growth.y == pytest.approx(zero)  # the PD bar rises from 0
    assert all(r.y + r.height == pytest.approx(zero) for r in shrinks)
    assert {s.text for s in _strings(drawing)} >= {"-30 %", "+20 %", "PD (1)", "CR (1)"}
    dashed = sorted(line.y1 for line in drawing.contents
                    if isinstance(line, Line) and line.strokeDashArray)
    scale = (growth.height) / 25.0
    assert dashed[0] == pytest.approx(zero - 30 * scale)
    assert dashed[1] == pytest.approx(zero + 20 * scale)


def test_swimmer_lanes_run_longest_first_with_their_marks():
    lanes = [SwimmerLane("HCC-001", 4.0, 10.0, [(1.4, "PR")], ongoing=True),
             SwimmerLane("HCC-002", 3.0, 14.0, [(1.4, "SD")], progression=5.0, death=14.0)]
    drawing = swimmer_figure(lanes, width=WIDTH)
    names = [s for s in _strings(drawing) if s.text.startswith("HCC-")]
    assert [s.text for s in sorted(names, key=lambda s: -s.y)] == ["HCC-002", "HCC-001"]


def test_the_figures_print_inside_the_page(tmp_path):
    bars = [WaterfallBar(f"S{n}", -100 + 5 * n, "PR") for n in range(31)]
    lanes = [SwimmerLane(f"HCC-{n:03d}", 3.0, 5.0 + n / 2) for n in range(31)]
    story = [km_figure([_curve()], AT_RISK_TIMES, width=WIDTH),
             waterfall_figure(bars, width=WIDTH), swimmer_figure(lanes, width=WIDTH)]
    path = tmp_path / "figures.pdf"
    write_pdf(path, PageFrame("Figures", "trial", dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
                              "0" * 64), story)
    images = render_pages(path, tmp_path / "png")
    assert images
    assert all(body_ink(image) > 200 for image in images)
    assert all(ink_outside(image, 0.04) == 0 for image in images)
    assert "Number at risk" in page_texts(path)[0]
