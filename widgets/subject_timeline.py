"""A subject's timeline, drawn with pyqtgraph: treatment, drugs, imaging, events by day.

The coordinator sees at a glance when each DEB-TACE session, drug exposure, tumour
assessment (with the final read's response), adverse event, progression and death fell,
in days from day 0 (``core.model.timeline``). One lane per kind, top to bottom; marks
carry their text beside them. The widget draws the ``Timeline`` it is given and emits
nothing: it is a picture, and ``items()`` says what it drew (tests, reports).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.model.timeline import Lane, MarkKind, Timeline

_LANES = (Lane.TREATMENT, Lane.DRUGS, Lane.IMAGING, Lane.EVENTS)
_LANE_NAMES = {Lane.TREATMENT: "Treatment", Lane.DRUGS: "Drugs", Lane.IMAGING: "Imaging",
               Lane.EVENTS: "Events"}
# Symbol and colour per mark: shapes differ as well as colours (a printout may be grey).
_MARKS = {
    MarkKind.TACE: ("t", "#4fc3f7"),
    MarkKind.ASSESSMENT: ("o", "#e0e0e0"),
    MarkKind.ADVERSE_EVENT: ("d", "#ffb74d"),
    MarkKind.PROGRESSION: ("s", "#ef5350"),
    MarkKind.DEATH: ("x", "#ffffff"),
    MarkKind.LAST_KNOWN_ALIVE: ("t1", "#81c784"),
}
_SPAN_COLOURS = {Lane.TREATMENT: "#2e7d32", Lane.DRUGS: "#5c6bc0"}
_SPAN_HEIGHT = 0.5


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
        self.setStyleSheet("SubjectTimeline { background: #1e1f22; }")
        self.plot = pg.PlotWidget(background="#1e1f22")
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.showGrid(x=True, y=False, alpha=0.2)
        self.plot.setLabel("bottom", "days from day 0")
        axis = self.plot.getAxis("left")
        axis.setTicks([[(_row(lane), _LANE_NAMES[lane]) for lane in _LANES]])
        axis.setWidth(78)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setTextPen("#d0d0d0")
            self.plot.getAxis(side).setPen("#707070")
        self.title = QLabel()
        self.title.setStyleSheet("color: #e0e0e0; font-weight: bold; padding: 2px 4px;")
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
                                      brush=_SPAN_COLOURS.get(lane, "#5c6bc0"),
                                      pen=pg.mkPen("#1e1f22"))
                self.plot.addItem(bar)
                text = pg.TextItem(span.label, color="#f0f0f0", anchor=(0, 0.5))
                text.setFont(QFont("", 8))
                text.setPos(start, low + band * 0.45)
                self.plot.addItem(text)
                self._drawn.append(("span", span.label, float(start), float(end)))
        for mark in timeline.marks:
            symbol, colour = _MARKS[mark.kind]
            x, y = float(timeline.day(mark.date)), _row(mark.lane)
            self.plot.addItem(pg.ScatterPlotItem([x], [y], symbol=symbol, size=11,
                                                 brush=colour, pen=pg.mkPen(colour)))
            if mark.label:
                text = pg.TextItem(mark.label, color=colour, anchor=(0.5, 1.2))
                text.setFont(QFont("", 8))
                text.setPos(x, y)
                self.plot.addItem(text)
            self._drawn.append((str(mark.kind), mark.label, x, x))
        self.plot.setXRange(-7, max(timeline.last_day, 42) + 14, padding=0)

    def items(self) -> list[tuple[str, str, float, float]]:
        """What was drawn: (span or mark kind, label, first day, last day)."""
        return list(self._drawn)
