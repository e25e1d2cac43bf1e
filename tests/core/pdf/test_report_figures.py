"""core.report's figure data as drawn (core.pdf.report_figures, core.pdf.figures): months of
the swimmer, the number at risk to a labelled end of the axis, the median read off the
curve, censoring marks, bars named while the names fit, one time scale over a swimmer
plot's parts; and the tables' spans, column groups and NOT FINAL band on every page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pdf_pages import page_texts
from reportlab.graphics.shapes import Group, Line, PolyLine, String

from core.model.clinical import ResponseCategory
from core.pdf.document import PageFrame, PageSize, content_width, write_pdf
from core.pdf.figures import km_figure, swimmer_figure, waterfall_figure
from core.pdf.report_figures import at_risk_times, km_curve, swimmer_lanes, waterfall_bars
from core.pdf.tables import data_table
from core.report import SubjectTime, Swimmer, SwimmerLane, survival_figure, waterfall
from core.report.waterfall import SubjectChange

R = ResponseCategory
WIDTH = content_width(PageSize.A4)
BAND = "NOT FINAL: this page shows results that are not signed or not adjudicated"
FRAME = PageFrame("Tables", "trial", dt.datetime(2026, 12, 1, tzinfo=dt.UTC), "0" * 64)


def _figure():
    times = [(1.5, True), (2.0, False), (4.0, True), (6.5, True), (8.0, False), (13.0, True)]
    return survival_figure("PFS", [SubjectTime(f"S{n}", Decimal(str(t)), e)
                                   for n, (t, e) in enumerate(times)])


def test_the_number_at_risk_runs_one_step_past_the_last_time_to_none():
    figure = _figure()
    assert [months for months, _ in figure.at_risk] == [0, 3, 6, 9, 12]
    assert at_risk_times(figure) == [0, 3, 6, 9, 12, 15]
    curve = km_curve(figure)
    assert list(curve.at_risk) == [6, 4, 3, 1, 1, 0]
    assert list(curve.censored_times) == [2.0, 8.0]
    assert curve.median == figure.median == pytest.approx(6.5)


def test_the_median_is_read_off_the_curve_and_each_censoring_is_a_cross():
    figure = _figure()
    drawing = km_figure([km_curve(figure)], at_risk_times(figure), width=WIDTH)
    dotted = [item for item in drawing.contents if isinstance(item, PolyLine)
              and item.strokeDashArray == [1, 1.5]]
    (guide,) = dotted
    across, down = guide.points[1::2][0], guide.points[1::2][2]
    bottom = min(line.y1 for line in drawing.contents if isinstance(line, Line)
                 and line.y1 == line.y2 and line.strokeWidth == 1)
    assert down == pytest.approx(bottom)  # down to the axis
    assert guide.points[2] == guide.points[4]  # at the median's time
    assert across == pytest.approx(guide.points[3])  # across at 50 %
    crosses = [item for item in drawing.contents if isinstance(item, Line)
               and item.y1 == item.y2 and item.x2 - item.x1 == pytest.approx(5)]
    assert len(crosses) == 2
    rotated = [item for item in drawing.contents if isinstance(item, Group)]
    assert [s.text for group in rotated for s in group.contents] == ["probability (%)"]


def test_waterfall_bars_are_named_while_the_names_fit():
    changes = [SubjectChange(f"HCC-{n:03d}", Decimal(-n), R.PR, R.PR) for n in range(31)]
    few = waterfall_figure(waterfall_bars(waterfall(changes)), width=WIDTH)
    names = [s.text for group in few.contents if isinstance(group, Group)
             for s in group.contents if s.text.startswith("HCC-")]
    assert names == [f"HCC-{n:03d}" for n in range(31)]  # from the largest change down
    many = [SubjectChange(f"S{n:03d}", Decimal(-n / 2), R.PR, R.PR) for n in range(200)]
    crowded = waterfall_figure(waterfall_bars(waterfall(many)), width=WIDTH)
    assert not [s for group in crowded.contents if isinstance(group, Group)
                for s in group.contents if s.text.startswith("S")]


def test_swimmer_lanes_are_in_months_and_parts_share_one_scale():
    lane = SwimmerLane("HCC-001", 91, 365, False, ((42, R.PR), (84, R.PR)), 200, 365, 300,
                       R.PR)
    (months,) = swimmer_lanes(Swimmer((lane,), dt.date(2026, 1, 1)))
    assert months.treatment_end == pytest.approx(91 / 30.4375)
    assert months.follow_up_end == pytest.approx(365 / 30.4375)
    assert [(round(m, 3), r) for m, r in months.responses] == [(1.38, "PR"), (2.76, "PR")]
    assert (months.progression, months.death) == (pytest.approx(200 / 30.4375),
                                                  pytest.approx(365 / 30.4375))

    def ticks(drawing):
        return {s.text: s.x for s in drawing.contents if isinstance(s, String)
                and s.textAnchor == "middle" and s.text.isdigit()}

    short = swimmer_figure([months], width=WIDTH, x_max=24.0)
    assert ticks(short)["24"] > ticks(short)["12"]
    assert ticks(swimmer_figure([months], width=WIDTH, x_max=24.0)) == ticks(short)
    assert "24" not in ticks(swimmer_figure([months], width=WIDTH))  # its own end, 12 months


def test_a_not_final_table_bands_every_page_it_runs_onto(tmp_path):
    rows = [[f"T{n}", f"{n}.0", f"{n}.5"] for n in range(1, 130)]
    table = data_table(["lesion", "viable (mm)", "total (mm)"], rows,
                       [WIDTH * 0.5, WIDTH * 0.25, WIDTH * 0.25], right=[1, 2],
                       not_final=True, groups=[("Reader 1", 1, 2)], spans=[(0, 1, 2)])
    path = tmp_path / "long.pdf"
    write_pdf(path, FRAME, [table])
    pages = page_texts(path)
    assert len(pages) >= 2
    assert all(BAND in page for page in pages)
    assert all("Reader 1" in page for page in pages)  # the group title repeats too
    # The first row's viable cell spans both columns: its total is not drawn.
    assert "1.5" not in pages[0].split("T2")[0]
