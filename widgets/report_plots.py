"""The trial report's figures in the application, drawn with pyqtgraph from the same data as
the PDF (``core.report``): the waterfall, the Kaplan-Meier curves of PFS and OS, the
swimmer plot, and the response rates above them.

``ReportPlots.show_report(report)`` draws a ``core.report.TrialReport``; ``drawn()`` says
what each plot holds (tests). Light paper, as the coordinator's other pages; shapes and
dashes differ as well as colours.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from core.model.clinical import ResponseCategory
from core.report.survival_figure import SurvivalFigure
from core.report.trial_report import TrialReport

PAPER, INK, AXIS = "#ffffff", "#1f1f1f", "#8a8a86"
RESPONSE_COLOURS = {ResponseCategory.CR: "#1b5e20", ResponseCategory.PR: "#66bb6a",
                    ResponseCategory.SD: "#f9a825", ResponseCategory.PD: "#c62828",
                    ResponseCategory.NE: "#9e9e9e"}
CURVE_COLOURS = {"PFS": "#1f4e79", "OS": "#8e2430"}
DAYS_PER_MONTH = 30.4375


def _steps(curve: tuple[tuple[float, float], ...]) -> list[tuple[float, float]]:
    """The Kaplan-Meier curve as a right-continuous step: flat until each time, then down."""
    points = [curve[0]]
    for time, survival in curve[1:]:
        points += [(time, points[-1][1]), (time, survival)]
    return points


def _plot(x_label: str, y_label: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background=PAPER)
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setLabel("bottom", x_label, color=INK)
    plot.setLabel("left", y_label, color=INK)
    for side in ("left", "bottom"):
        plot.getAxis(side).setTextPen(INK)
        plot.getAxis(side).setPen(AXIS)
    return plot


class ReportPlots(QWidget):
    """The figures of one trial report, a tab each, under the rates."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rates = QLabel()
        self.rates.setWordWrap(True)
        self.rates.setStyleSheet(f"color: {INK}; padding: 4px;")
        self.waterfall = _plot("subjects, largest increase to largest decrease",
                               "best change of the target sum (%)")
        self.survival = _plot("months since enrolment", "probability (%)")
        self.survival.addLegend(offset=(-10, 10))
        self.swimmer = _plot("months since enrolment", "")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.waterfall, "Waterfall")
        self.tabs.addTab(self.survival, "Kaplan-Meier")
        self.tabs.addTab(self.swimmer, "Swimmer")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.rates)
        layout.addWidget(self.tabs, 1)
        self._drawn: dict[str, list[tuple[str, float, float]]] = {}

    def drawn(self) -> dict[str, list[tuple[str, float, float]]]:
        """Per plot, what was drawn: (what, x, y)."""
        return {name: list(items) for name, items in self._drawn.items()}

    def show_report(self, report: TrialReport) -> None:
        """Draw *report*'s figures, replacing what was shown."""
        self._drawn = {"waterfall": [], "survival": [], "swimmer": []}
        response = report.response.unconfirmed
        cut = (f"data cut-off {report.cut_off.isoformat()}" if report.cut_off
               else f"all data as of {report.as_of.isoformat()}")
        self.rates.setText(f"Analysis set: {len(report.analysis_set.subjects)} subjects · "
                           f"{cut} · ORR {response.orr.text} · DCR {response.dcr.text}")
        self._waterfall(report)
        self._survival((report.pfs, report.os))
        self._swimmer(report)

    def _waterfall(self, report: TrialReport) -> None:
        plot = self.waterfall
        plot.clear()
        bars = report.waterfall.bars
        for index, bar in enumerate(bars):
            value = float(bar.change_pct)
            plot.addItem(pg.BarGraphItem(x=[index], height=[value], width=0.75,
                                         brush=RESPONSE_COLOURS[bar.best],
                                         pen=pg.mkPen(None)))
            self._drawn["waterfall"].append((f"{bar.subject} {bar.best.value}", index, value))
        for level in (report.waterfall.pr_line_pct, report.waterfall.pd_line_pct):
            plot.addItem(pg.InfiniteLine(pos=float(level), angle=0,
                                         pen=pg.mkPen(INK, width=1, style=Qt.PenStyle.DashLine),
                                         label=f"{float(level):+g} %",
                                         labelOpts={"color": INK, "position": 0.97}))
            self._drawn["waterfall"].append(("line", 0.0, float(level)))
        counts = " · ".join(f"{category.value} {sum(b.best is category for b in bars)}"
                            for category in RESPONSE_COLOURS
                            if any(b.best is category for b in bars))
        plot.setTitle(f"Best overall response (bar colour): {counts}; dark green CR, green "
                      "PR, amber SD, red PD, grey NE", color=INK, size="9pt")
        plot.setXRange(-1, max(len(bars), 1), padding=0)
        plot.setYRange(-100, max([40.0, *(float(b.change_pct) + 5 for b in bars)]))

    def _survival(self, figures: tuple[SurvivalFigure, ...]) -> None:
        plot = self.survival
        plot.clear()
        for figure in figures:
            colour = CURVE_COLOURS.get(figure.endpoint, INK)
            if not figure.curve:
                continue
            steps = _steps(figure.curve)
            xs = [point[0] for point in steps]
            ys = [point[1] * 100 for point in steps]
            median = ("median not reached" if figure.median is None
                      else f"median {figure.median:.1f} months")
            plot.plot(xs, ys, pen=pg.mkPen(colour, width=2),
                      name=f"{figure.endpoint} (n = {figure.n}, {figure.events} events; "
                           f"{median})")
            ticks = [(t, s * 100) for t, s, _count in figure.censor_ticks]
            if ticks:
                plot.addItem(pg.ScatterPlotItem([t for t, _ in ticks], [s for _, s in ticks],
                                                symbol="+", size=9, pen=pg.mkPen(colour)))
            self._drawn["survival"] += [(figure.endpoint, x, y) for x, y in zip(xs, ys,
                                                                                strict=True)]
            self._drawn["survival"] += [(f"{figure.endpoint} censored", t, s)
                                        for t, s in ticks]
        plot.setYRange(0, 102, padding=0)

    def _swimmer(self, report: TrialReport) -> None:
        plot = self.swimmer
        plot.clear()
        lanes = sorted(report.swimmer.lanes, key=lambda lane: lane.follow_up_end_day)
        axis = plot.getAxis("left")
        axis.setTicks([[(row, lane.subject) for row, lane in enumerate(lanes)]])
        for row, lane in enumerate(lanes):
            end = lane.follow_up_end_day / DAYS_PER_MONTH
            treated = lane.treatment_end_day / DAYS_PER_MONTH
            plot.addItem(pg.BarGraphItem(x0=[0], x1=[end], y=[row], height=0.55,
                                         brush="#c5d5e4", pen=pg.mkPen(None)))
            plot.addItem(pg.BarGraphItem(x0=[0], x1=[treated], y=[row], height=0.55,
                                         brush="#1f4e79", pen=pg.mkPen(None)))
            self._drawn["swimmer"].append((lane.subject, end, row))
            for day, response in lane.responses:
                plot.addItem(pg.ScatterPlotItem([day / DAYS_PER_MONTH], [row], symbol="s",
                                                size=7, brush=RESPONSE_COLOURS[response],
                                                pen=pg.mkPen(INK, width=0.5)))
            if lane.progression_day is not None:
                plot.addItem(pg.ScatterPlotItem([lane.progression_day / DAYS_PER_MONTH],
                                                [row], symbol="t1", size=10,
                                                brush="#c62828", pen=pg.mkPen("#c62828")))
            if lane.death_day is not None:
                plot.addItem(pg.ScatterPlotItem([lane.death_day / DAYS_PER_MONTH], [row],
                                                symbol="x", size=10, brush=INK,
                                                pen=pg.mkPen(INK)))
            if lane.is_ongoing:
                plot.addItem(pg.ArrowItem(pos=(end + 0.4, row), angle=180, headLen=8,
                                          brush=INK, pen=pg.mkPen(INK)))
        plot.setTitle("dark bar: on treatment · pale bar: follow-up · ■ response (colours as "
                      "the waterfall) · ▲ progression · × death · ► follow-up goes on",
                      color=INK, size="9pt")
        plot.setYRange(-1, max(len(lanes), 1), padding=0)
