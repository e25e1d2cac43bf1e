"""A subject's timeline, drawn with pyqtgraph: treatment, drugs, imaging, events by day.

The coordinator sees at a glance when each DEB-TACE session, drug exposure, tumour
assessment (with the final read's response), adverse event, progression and death fell,
in days from day 0 (``core.model.timeline``). One lane per kind, top to bottom; marks
carry their text beside them: above the mark, and below it when the mark before in the
same lane is close enough for the texts to collide. The widget draws the ``Timeline`` it
is given and emits nothing: it is a picture, and ``items()`` says what it drew (tests,
reports). Light paper and dark ink, as the rest of the coordinator's screen (and as it
prints); shapes differ as well as colours, for a grey printout.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.model.timeline import Lane, MarkKind, Timeline

_LANES = (Lane.TREATMENT, Lane.DRUGS, Lane.IMAGING, Lane.EVENTS)
_LANE_NAMES = {Lane.TREATMENT: "Treatment", Lane.DRUGS: "Drugs", Lane.IMAGING: "Imaging",
               Lane.EVENTS: "Events"}
# Symbol and colour per mark: shapes differ as well as colours (a printout may be grey).
_MARKS = {
    MarkKind.TACE: ("t", "#01579b"),
    MarkKind.ASSESSMENT: ("o", "#37474f"),
    MarkKind.ADVERSE_EVENT: ("d", "#e65100"),
    MarkKind.PROGRESSION: ("s", "#c62828"),
    MarkKind.DEATH: ("x", "#000000"),
    MarkKind.LAST_KNOWN_ALIVE: ("t1", "#2e7d32"),
}
_SPAN_COLOURS = {Lane.TREATMENT: "#c8e6c9", Lane.DRUGS: "#c5cae9"}
_SPAN_HEIGHT = 0.5
PAPER, INK, AXIS = "#ffffff", "#1f1f1f", "#8a8a86"


def _row(lane: Lane) -> float:
    """The y of a lane: the first at the top."""
    return float(len(_LANES) - 1 - _LANES.index(lane))


class SubjectTimeline(QWidget):
    """One subject's course, in days from day 0."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A QWidget subclass paints a style sheet's background only when asked to: without
        # it the light title was drawn on whatever the parent is (unreadable on paper).
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"SubjectTimeline {{ background: {PAPER}; }}")
        self.plot = pg.PlotWidget(background=PAPER)
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.showGrid(x=True, y=False, alpha=0.2)
        self.plot.setLabel("bottom", "days from day 0")
        axis = self.plot.getAxis("left")
        axis.setTicks([[(_row(lane), _LANE_NAMES[lane]) for lane in _LANES]])
        axis.setWidth(78)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setTextPen(INK)
            self.plot.getAxis(side).setPen(AXIS)
        self.title = QLabel()
        self.title.setStyleSheet(f"color: {INK}; font-weight: bold; padding: 2px 4px;")
        self.plot.setYRange(-0.8, len(_LANES) - 0.2, padding=0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot)
        self._drawn: list[tuple[str, str, float, float]] = []

    def show_timeline(self, timeline: Timeline) -> None:
        """Draw *timeline*, replacing what was shown."""
        self.plot.clear()
        self._drawn = []
        shown_days = max(timeline.last_day, 42) + 21
        self.title.setText(f"{timeline.subject} — day 0 {timeline.day_zero.isoformat()}")
        # Several spans in one lane (two drugs) share it, each a thinner band of its own.
        by_lane: dict[Lane, list[int]] = {}
        for index, span in enumerate(timeline.spans):
            by_lane.setdefault(span.lane, []).append(index)
        for lane, indexes in by_lane.items():
            band = _SPAN_HEIGHT / len(indexes)
            for position, index in enumerate(indexes):
                span = timeline.spans[index]
                start, end = timeline.day(span.start), timeline.day(span.end) + 1
                low = _row(lane) - _SPAN_HEIGHT / 2 + position * band
                bar = pg.BarGraphItem(x0=[start], x1=[end], y0=[low], height=[band * 0.9],
                                      brush=_SPAN_COLOURS.get(lane, "#c5cae9"),
                                      pen=pg.mkPen(AXIS))
                self.plot.addItem(bar)
                inside = self._days_wide(span.label, shown_days) < (end - start) * 0.9
                # Inside the span, at its end (the marks at its start stay clear), or just
                # after a span too short to hold it.
                text = pg.TextItem(span.label, color=INK,
                                   anchor=(1, 0.5) if inside else (0, 0.5))
                text.setFont(self._font())
                text.setPos(end, low + band * 0.45)
                self.plot.addItem(text)
                self._drawn.append(("span", span.label, float(start), float(end)))
        last_x: dict[Lane, tuple[float, float, bool]] = {}
        for mark in sorted(timeline.marks, key=lambda m: (m.lane, m.date)):
            symbol, colour = _MARKS[mark.kind]
            x, y = float(timeline.day(mark.date)), _row(mark.lane)
            if mark.lane is Lane.TREATMENT:
                y += _SPAN_HEIGHT / 2 + 0.08  # on the span's upper edge, not over its text
            self.plot.addItem(pg.ScatterPlotItem([x], [y], symbol=symbol, size=11,
                                                 brush=colour, pen=pg.mkPen(colour)))
            if mark.label:
                half = self._days_wide(mark.label, shown_days) / 2
                before = last_x.get(mark.lane)
                below = (before is not None and not before[2]
                         and x - before[0] < before[1] + half + shown_days * 0.01)
                text = pg.TextItem(mark.label, color=colour,
                                   anchor=(0.5, -0.25) if below else (0.5, 1.2))
                text.setFont(self._font())
                text.setPos(x, y)
                self.plot.addItem(text)
                last_x[mark.lane] = (x, half, below)
            self._drawn.append((str(mark.kind), mark.label, x, x))
        self.plot.setXRange(-7, max(timeline.last_day, 42) + 14, padding=0)

    def _days_wide(self, text: str, shown_days: float) -> float:
        """How many days of the axis *text* covers at the widget's width."""
        pixels = QFontMetrics(self._font()).horizontalAdvance(text)
        plot_pixels = max(self.width() - 100, 200)  # less the lane names' axis
        return pixels * shown_days / plot_pixels

    def _font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSize(8)
        return font

    def items(self) -> list[tuple[str, str, float, float]]:
        """What was drawn: (span or mark kind, label, first day, last day)."""
        return list(self._drawn)
