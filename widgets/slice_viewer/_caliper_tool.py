"""Calipers drawn over a slice: the line being dragged, and the calipers of the image shown.

Everything here is in the view's coordinates, the image plane's millimetres (u, v); the
viewer converts to and from pixel (row, column) through ``core.geometry.PlaneGeometry``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QPointF

# Drawn calipers in yellow, the one being dragged in cyan: the usual PACS colours, and
# neither is a phase colour of the overlays.
_DRAWN = "#ffd54f"
_DRAGGING = "#4dd0e1"


def _line(colour: str) -> pg.PlotCurveItem:
    return pg.PlotCurveItem(pen=pg.mkPen(colour, width=1.5), antialias=True)


class CaliperOverlay:
    """The caliper items of one view box."""

    def __init__(self, view_box: pg.ViewBox) -> None:
        self._view_box = view_box
        self._live = _line(_DRAGGING)
        self._label = pg.TextItem(color=_DRAGGING, anchor=(0, 1))
        self._drawn: list[pg.GraphicsObject] = []
        for item in (self._live, self._label):
            item.setZValue(20)
            item.hide()
            view_box.addItem(item)

    def show_drag(self, start: QPointF, end: QPointF, text: str) -> None:
        """The line being dragged, with its length."""
        self._live.setData([start.x(), end.x()], [start.y(), end.y()])
        self._label.setText(text)
        self._label.setPos(end)
        self._live.show()
        self._label.show()

    def end_drag(self) -> None:
        """Hide the line being dragged."""
        self._live.hide()
        self._label.hide()

    def show_calipers(self, lines: Sequence[tuple[QPointF, QPointF, str]]) -> None:
        """Replace the drawn calipers by *lines*: (start, end, label) in plane mm."""
        for item in self._drawn:
            self._view_box.removeItem(item)
        self._drawn = []
        for start, end, text in lines:
            line = _line(_DRAWN)
            line.setData([start.x(), end.x()], [start.y(), end.y()])
            label = pg.TextItem(text, color=_DRAWN, anchor=(0, 1))
            label.setPos(end)
            for item in (line, label):
                item.setZValue(10)
                self._view_box.addItem(item)
                self._drawn.append(item)

    @property
    def drawn_count(self) -> int:
        """How many calipers are drawn (for tests and the status bar)."""
        return len(self._drawn) // 2
