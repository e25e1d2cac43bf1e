"""The report's figures as vector drawings (reportlab graphics): Kaplan-Meier curves with
the number at risk aligned under the time axis, the waterfall and the swimmer plot.

reportlab's own graphics draw into the PDF as vector paths in the embedded fonts: sharp at
any print size, no second plotting library in the bundle (matplotlib would add ~40 MB and
its own fonts). Each function takes plain numbers (what ``core.report`` computed) and
returns a ``Drawing`` to place in the story like a paragraph.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from reportlab.graphics.shapes import Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib import colors

from core.pdf.fonts import BOLD, REGULAR, register_fonts

INK = colors.HexColor("#1f1f1f")
GRID = colors.HexColor("#d0d0d0")
MUTED = colors.HexColor("#555555")
FONT_SIZE = 7.5


@dataclass(frozen=True, slots=True)
class Curve:
    """One Kaplan-Meier curve: the step function's times and survival (0-1), the 95 %
    band, the censoring times with the survival at them, and the number at risk at each
    of the figure's at-risk times."""

    label: str
    times: Sequence[float]
    survival: Sequence[float]
    lower: Sequence[float | None]
    upper: Sequence[float | None]
    censored_times: Sequence[float]
    censored_survival: Sequence[float]
    at_risk: Sequence[int]
    colour: str = "#1f4e79"
    # The median survival time (drawn as a dotted guide at 50 %), None: not reached.
    median: float | None = None


def _rect(x: float, y: float, width: float, height: float, fill: str,
          stroke: colors.Color | None = None, stroke_width: float = 0.0) -> Rect:
    """A filled rectangle (attributes set after construction: the typeshed stubs of
    reportlab's shape keywords are wrong)."""
    shape = Rect(x, y, width, height)
    shape.fillColor = colors.HexColor(fill)
    shape.strokeColor = stroke
    shape.strokeWidth = stroke_width
    return shape


def _polyline(points: Sequence[tuple[float, float]], colour: colors.Color, width: float,
              dash: Sequence[float] | None = None) -> PolyLine:
    shape = PolyLine([coordinate for point in points for coordinate in point])
    shape.strokeColor = colour
    shape.strokeWidth = width
    if dash:
        shape.strokeDashArray = list(dash)
    return shape


def _vertical_text(x: float, y: float, text: str, size: float = FONT_SIZE,
                   anchor: Literal["start", "middle", "end"] = "middle",
                   colour: colors.Color = INK) -> Group:
    """*text* turned a quarter to the left (read bottom to top), its baseline at *x* and
    its *anchor* at *y*: an axis title, a bar's label."""
    group = Group()
    group.add(String(0, 0, text, fontName=REGULAR, fontSize=size, textAnchor=anchor,
                     fillColor=colour))
    group.translate(x, y)
    group.rotate(90)
    return group


def _nice_step(span: float, ticks: int = 6) -> float:
    raw = span / ticks
    for step in (1, 2, 3, 6, 12, 24, 36, 60):
        if step >= raw:
            return float(step)
    return float(int(raw) + 1)


def _steps(times: Sequence[float], values: Sequence[float | None], end: float,
           start: float = 1.0) -> list[tuple[float, float]]:
    """The points of a right-continuous step function from time 0, cut at *end*."""
    points = [(0.0, start)]
    level = start
    for time, value in zip(times, values, strict=True):
        if time > end:
            break
        if value is None:
            continue
        points += [(time, level), (time, value)]
        level = value
    return [*points, (end, level)] if times and max(times) > end else points


def km_figure(curves: Sequence[Curve], at_risk_times: Sequence[float], *, width: float,
              x_label: str = "months since enrolment", y_label: str = "probability (%)",
              x_max: float | None = None, note: str = "") -> Drawing:
    """Kaplan-Meier curves (steps), dashed 95 % bands, censoring ticks, and the number at
    risk below the axis, each count under its time."""
    register_fonts()
    row_height = 10.0
    table_height = row_height * (len(curves) + 1) + 6
    plot_height = width * 0.5
    left, bottom = 46.0, table_height + 26.0
    plot_width = width - left - 10
    height = bottom + plot_height + 20
    drawing = Drawing(width, height)
    # The axis ends at the last at-risk time unless told: the curve past it is cut there.
    end = x_max or max([*at_risk_times, 1.0])

    def x(time: float) -> float:
        return left + plot_width * min(time, end) / end

    def y(value: float) -> float:
        return bottom + plot_height * value

    for percent in range(0, 101, 25):
        drawing.add(Line(left, y(percent / 100), left + plot_width, y(percent / 100),
                         strokeColor=GRID, strokeWidth=0.4))
        drawing.add(String(left - 4, y(percent / 100) - 2.5, str(percent),
                           fontName=REGULAR, fontSize=FONT_SIZE, textAnchor="end"))
    drawing.add(Line(left, bottom, left + plot_width, bottom, strokeColor=INK))
    drawing.add(Line(left, bottom, left, bottom + plot_height, strokeColor=INK))
    for time in at_risk_times:
        drawing.add(Line(x(time), bottom, x(time), bottom - 3, strokeColor=INK))
        drawing.add(String(x(time), bottom - 11, f"{time:g}", fontName=REGULAR,
                           fontSize=FONT_SIZE, textAnchor="middle"))
    drawing.add(String(left + plot_width / 2, bottom - 21, x_label, fontName=REGULAR,
                       fontSize=FONT_SIZE, textAnchor="middle"))
    drawing.add(_vertical_text(left - 22, bottom + plot_height / 2, y_label))
    for curve in curves:
        colour = colors.HexColor(curve.colour)
        if curve.median is not None and curve.median <= end:
            # The median read off the curve: across at 50 %, then down to the axis.
            guide = [(x(0), y(0.5)), (x(curve.median), y(0.5)), (x(curve.median), bottom)]
            drawing.add(_polyline(guide, MUTED, 0.5, [1, 1.5]))
        for band in (curve.lower, curve.upper):
            points = [(x(t), y(v)) for t, v in _steps(curve.times, band, end)]
            drawing.add(_polyline(points, colour, 0.5, [2, 2]))
        points = [(x(t), y(v)) for t, v in _steps(curve.times, list(curve.survival), end)]
        drawing.add(_polyline(points, colour, 1.2))
        for time, value in zip(curve.censored_times, curve.censored_survival, strict=True):
            if time > end:
                continue
            # A "+" as R's plot.survfit marks it: seen on a flat stretch and on a drop alike.
            drawing.add(Line(x(time), y(value) - 3, x(time), y(value) + 3,
                             strokeColor=colour, strokeWidth=0.8))
            drawing.add(Line(x(time) - 2.5, y(value), x(time) + 2.5, y(value),
                             strokeColor=colour, strokeWidth=0.8))
    # Number at risk: a row per curve, each count centred under its time on the axis.
    drawing.add(String(0, table_height - row_height + 2, "Number at risk",
                       fontName=BOLD, fontSize=FONT_SIZE))
    for row, curve in enumerate(curves, 1):
        base = table_height - row_height * (row + 1) + 2
        drawing.add(String(0, base, curve.label, fontName=REGULAR, fontSize=FONT_SIZE,
                           fillColor=colors.HexColor(curve.colour)))
        for time, count in zip(at_risk_times, curve.at_risk, strict=True):
            drawing.add(String(x(time), base, str(count), fontName=REGULAR,
                               fontSize=FONT_SIZE, textAnchor="middle"))
    if note:
        drawing.add(String(left + plot_width, height - 8, note, fontName=REGULAR,
                           fontSize=FONT_SIZE, textAnchor="end", fillColor=MUTED))
    return drawing


PROGRESSION = colors.HexColor("#c62828")
# The swimmer's bars: a mid blue on treatment (the response marks stay legible on it, the
# dark green of CR too), a pale one in follow-up.
ON_TREATMENT = "#4a78a8"
FOLLOW_UP = "#d3dfea"
RESPONSE_COLOURS = {"CR": "#1b5e20", "PR": "#66bb6a", "SD": "#f9a825", "PD": "#c62828",
                    "NE": "#9e9e9e"}


@dataclass(frozen=True, slots=True)
class WaterfallBar:
    """One subject's best % change of the target sum, and its best response."""

    subject: str
    change_pct: float
    response: str


def waterfall_figure(bars: Sequence[WaterfallBar], *, width: float,
                     lines: Sequence[float] = (-30.0, 20.0)) -> Drawing:
    """Bars from 0 down (shrinkage) or up (growth), largest growth first, coloured by best
    response, with the dashed response lines (mRECIST −30 % and +20 %)."""
    register_fonts()
    ordered = sorted(bars, key=lambda b: -b.change_pct)
    slot_guess = (width - 74) / max(len(ordered), 1)
    # Each bar is named under the axis when the names fit side by side (turned upright).
    labelled = slot_guess >= FONT_SIZE
    label_room = 34.0 if labelled else 0.0
    height = width * 0.5 + label_room
    left, bottom, top = 40.0, 40.0 + label_room, 14.0
    plot_width, plot_height = width - left - 34, height - bottom - top
    low = min([-100.0, *(b.change_pct for b in bars)])
    high = max([40.0, *(b.change_pct for b in bars)])
    step = 20 if high - low <= 200 else 50
    # The axis runs from gridline to gridline: no bar passes its ends.
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    drawing = Drawing(width, height)

    def y(value: float) -> float:
        return bottom + plot_height * (value - low) / (high - low)

    value = int(low)
    while value <= high:
        drawing.add(Line(left, y(value), left + plot_width, y(value), strokeColor=GRID,
                         strokeWidth=0.4))
        drawing.add(String(left - 4, y(value) - 2.5, f"{value:+d}" if value else "0",
                           fontName=REGULAR, fontSize=FONT_SIZE, textAnchor="end"))
        value += step
    slot = plot_width / max(len(ordered), 1)
    # Narrow bars touch: gaps of a fraction of a point alias into stripes on screen and paper.
    share = 0.7 if slot >= 4 else 1.0
    for index, bar in enumerate(ordered):
        x0 = left + index * slot + slot * (1 - share) / 2
        top_y, base = sorted((y(bar.change_pct), y(0)))
        drawing.add(_rect(x0, top_y, slot * share, max(base - top_y, 0.5),
                          RESPONSE_COLOURS.get(bar.response, "#9e9e9e")))
        if labelled:
            drawing.add(_vertical_text(x0 + slot * 0.35 + 2.2, bottom - 3, bar.subject,
                                       FONT_SIZE - 1.5, "end"))
    for level in lines:
        drawing.add(Line(left, y(level), left + plot_width, y(level), strokeColor=INK,
                         strokeWidth=0.6, strokeDashArray=[3, 2]))
        drawing.add(String(left + plot_width + 3, y(level) - 2.5, f"{level:+g} %",
                           fontName=REGULAR, fontSize=FONT_SIZE))
    drawing.add(Line(left, y(0), left + plot_width, y(0), strokeColor=INK, strokeWidth=0.6))
    drawing.add(_vertical_text(left - 26, bottom + plot_height / 2,
                               "best change of the target sum from baseline (%)"))
    x = float(left)
    for response, colour in RESPONSE_COLOURS.items():
        count = sum(1 for b in bars if b.response == response)
        if not count:
            continue
        drawing.add(_rect(x, 12, 7, 7, colour))
        text = f"{response} ({count})"
        drawing.add(String(x + 10, 13, text, fontName=REGULAR, fontSize=FONT_SIZE))
        x += 22 + 4.5 * len(text)
    drawing.add(String(left + plot_width / 2, 26, f"subjects (n = {len(bars)}), each a bar",
                       fontName=REGULAR, fontSize=FONT_SIZE, textAnchor="middle"))

    return drawing


@dataclass(frozen=True, slots=True)
class SwimmerLane:
    """One subject's course in months: on treatment, then follow-up; response marks
    (month, response), progression and death months, and whether follow-up goes on."""

    subject: str
    treatment_end: float
    follow_up_end: float
    responses: Sequence[tuple[float, str]] = ()
    progression: float | None = None
    death: float | None = None
    ongoing: bool = False


def swimmer_figure(lanes: Sequence[SwimmerLane], *, width: float,
                   x_max: float | None = None) -> Drawing:
    """One lane per subject, longest follow-up at the top: a dark bar on treatment, a pale
    bar in follow-up, a mark per response, a red line at progression, a cross at death,
    an arrow where treatment goes on. *x_max* (months) sets the axis, so that the parts of
    a plot too long for one page share one scale."""
    register_fonts()
    lane_height = 9.0
    left, bottom, top = 50.0, 42.0, 10.0
    height = bottom + top + lane_height * max(len(lanes), 1)
    plot_width = width - left - 16
    end = x_max or max([1.0, *(lane.follow_up_end for lane in lanes)])
    drawing = Drawing(width, height)

    def x(month: float) -> float:
        return left + plot_width * month / end

    step = _nice_step(end)
    month = 0.0
    while month <= end + 1e-9:
        drawing.add(Line(x(month), bottom, x(month), height - top, strokeColor=GRID,
                         strokeWidth=0.4))
        drawing.add(String(x(month), bottom - 10, f"{month:g}", fontName=REGULAR,
                           fontSize=FONT_SIZE, textAnchor="middle"))
        month += step
    drawing.add(String(left + plot_width / 2, bottom - 20, "months since enrolment",
                       fontName=REGULAR, fontSize=FONT_SIZE, textAnchor="middle"))
    ordered = sorted(lanes, key=lambda lane: -lane.follow_up_end)
    for row, lane in enumerate(ordered):
        centre = height - top - lane_height * (row + 0.5)
        drawing.add(String(left - 4, centre - 2.5, lane.subject, fontName=REGULAR,
                           fontSize=FONT_SIZE - 0.5, textAnchor="end"))
        drawing.add(_rect(x(0), centre - 2.5, x(lane.follow_up_end) - x(0), 5, FOLLOW_UP))
        drawing.add(_rect(x(0), centre - 2.5, x(lane.treatment_end) - x(0), 5, ON_TREATMENT))
        if lane.progression is not None:
            # A red line across the lane, under the assessment's mark.
            drawing.add(Line(x(lane.progression), centre - 4.2, x(lane.progression),
                             centre + 4.2, strokeColor=PROGRESSION, strokeWidth=1.4))
        for when, response in lane.responses:
            drawing.add(_rect(x(when) - 2.1, centre - 2.1, 4.2, 4.2,
                              RESPONSE_COLOURS.get(response, "#9e9e9e"), colors.white, 0.5))
        if lane.death is not None:
            cx = x(lane.death)
            drawing.add(Line(cx - 2.5, centre - 2.5, cx + 2.5, centre + 2.5, strokeColor=INK))
            drawing.add(Line(cx - 2.5, centre + 2.5, cx + 2.5, centre - 2.5, strokeColor=INK))
        if lane.ongoing:
            tip = x(lane.follow_up_end) + 6
            drawing.add(_polyline([(tip - 5, centre + 2.5), (tip, centre),
                                   (tip - 5, centre - 2.5)], INK, 0.6))
    lx = left
    for fill, text in ((ON_TREATMENT, "on treatment"), (FOLLOW_UP, "follow-up")):
        drawing.add(_rect(lx, 8, 9, 5, fill))
        drawing.add(String(lx + 12, 8, text, fontName=REGULAR, fontSize=FONT_SIZE))
        lx += 22 + 4.3 * len(text)
    for response, colour in RESPONSE_COLOURS.items():
        drawing.add(_rect(lx, 8, 5, 5, colour))
        drawing.add(String(lx + 7, 8, response, fontName=REGULAR, fontSize=FONT_SIZE))
        lx += 12 + 5 * len(response)
    drawing.add(Line(lx + 3, 6.5, lx + 3, 14.5, strokeColor=PROGRESSION, strokeWidth=1.4))
    drawing.add(String(lx + 7, 8, "progression   × death   > treatment ongoing",
                       fontName=REGULAR, fontSize=FONT_SIZE))
    return drawing
