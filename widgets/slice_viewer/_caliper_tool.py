"""Calipers drawn over a slice: the line being dragged, and the calipers of the image shown.

Everything here is in the view's coordinates, the image plane's millimetres (u, v); the
viewer converts to and from pixel (row, column) through ``core.geometry.PlaneGeometry``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt

# Saved calipers in yellow, the one being dragged in cyan, suggestions dashed in green:
# the usual PACS colours, and none is a phase colour of the overlays.
_DRAWN = "#ffd54f"
_DRAGGING = "#4dd0e1"
_SUGGESTED = "#69f0ae"
# The line is thin and the ends are small open squares: the edge the reader measured
# stays visible under them (a thick line would hide it).
_LINE_WIDTH = 1.25
_END_SIZE = 7


class CaliperStyle(Enum):
    """How a caliper is drawn: saved, being dragged, proposed by the suggestion tool, or
    one of the two reads the adjudicator compares (yellow A, magenta B: apart for
    colour-blind eyes too, and each label starts with its letter)."""

    DRAWN = _DRAWN
    DRAGGING = _DRAGGING
    SUGGESTED = _SUGGESTED
    READ_A = "#ffca28"
    READ_B = "#f06292"


@dataclass(frozen=True)
class CaliperLine:
    """One caliper to draw: its ends in plane mm, its label and its style."""

    start: QPointF
    end: QPointF
    text: str
    style: CaliperStyle = CaliperStyle.DRAWN


def _line(style: CaliperStyle) -> pg.PlotCurveItem:
    dash = Qt.PenStyle.DashLine if style is CaliperStyle.SUGGESTED else Qt.PenStyle.SolidLine
    return pg.PlotCurveItem(pen=pg.mkPen(style.value, width=_LINE_WIDTH, style=dash),
                            antialias=True)


def _ends(style: CaliperStyle) -> pg.ScatterPlotItem:
    return pg.ScatterPlotItem(size=_END_SIZE, symbol="s", pen=pg.mkPen(style.value, width=1),
                              brush=None, pxMode=True)


def _label_anchor(start: QPointF, end: QPointF) -> tuple[float, float]:
    """Where the live label hangs from the end being dragged: beyond the line, not on it."""
    dx, dy = end.x() - start.x(), end.y() - start.y()
    if math.hypot(dx, dy) == 0:
        return 0.0, 1.0
    return (0.0 if dx >= 0 else 1.0), (0.0 if dy >= 0 else 1.0)


# How far (screen pixels) a label stands off the point it names.
_LABEL_GAP_PX = 7.0


def _anchor_towards(ux: float, uy: float) -> tuple[float, float]:
    """The label corner to put at a point so that the label extends along (ux, uy)."""
    def side(value: float) -> float:
        return 0.0 if value > 0.3 else 1.0 if value < -0.3 else 0.5
    return side(ux), side(uy)


def _segment_hits(box: QRectF, a: QPointF, b: QPointF) -> bool:
    """True if segment a–b passes through *box* (sampled finely: boxes are small)."""
    steps = max(2, int(math.hypot(b.x() - a.x(), b.y() - a.y()) / 2))
    return any(box.contains(QPointF(a.x() + (b.x() - a.x()) * k / steps,
                                    a.y() + (b.y() - a.y()) * k / steps))
               for k in range(steps + 1))


class CaliperOverlay:
    """The caliper items of one view box."""

    def __init__(self, view_box: pg.ViewBox) -> None:
        self._view_box = view_box
        self._live = _line(CaliperStyle.DRAGGING)
        self._label = pg.TextItem(color=_DRAGGING, anchor=(0, 1))
        self._drawn: list[pg.GraphicsObject] = []
        self._count = 0
        for item in (self._live, self._label):
            item.setZValue(20)
            item.hide()
            view_box.addItem(item)

    def show_drag(self, start: QPointF, end: QPointF, text: str) -> None:
        """The line being dragged, with its length."""
        self._live.setData([start.x(), end.x()], [start.y(), end.y()])
        self._label.setText(text)
        self._label.setAnchor(_label_anchor(start, end))
        self._label.setPos(end)
        self._live.show()
        self._label.show()

    def end_drag(self) -> None:
        """Hide the line being dragged."""
        self._live.hide()
        self._label.hide()

    def show_calipers(self, lines: Sequence[CaliperLine]) -> None:
        """Replace the drawn calipers by *lines*.

        Each label is put where it covers no caliper line and no other label and lies
        whole in the viewport: beyond the caliper's end, else beyond its start, else beside
        either end. A label over a line
        would hide the very edge the reader measured (the viable and total diameters of
        one lesion often share an end and a direction).
        """
        for item in self._drawn:
            self._view_box.removeItem(item)
        self._drawn = []
        self._count = len(lines)
        labels = []
        for caliper in lines:
            start, end = caliper.start, caliper.end
            line = _line(caliper.style)
            line.setData([start.x(), end.x()], [start.y(), end.y()])
            ends = _ends(caliper.style)
            ends.setData([start.x(), end.x()], [start.y(), end.y()])
            label = pg.TextItem(caliper.text, color=caliper.style.value, fill=(0, 0, 0, 150))
            for item in (line, ends, label):
                item.setZValue(10)
                self._view_box.addItem(item)
                self._drawn.append(item)
            labels.append(label)
        segments = [(self._view_box.mapViewToScene(c.start),
                     self._view_box.mapViewToScene(c.end)) for c in lines]
        placed: list[QRectF] = []
        for label, (a, b) in zip(labels, segments, strict=True):
            placed.append(self._place(label, a, b, segments, placed))

    def _place(self, label: pg.TextItem, a: QPointF, b: QPointF,
               segments: Sequence[tuple[QPointF, QPointF]], placed: Sequence[QRectF]) -> QRectF:
        size = label.textItem.boundingRect()
        length = math.hypot(b.x() - a.x(), b.y() - a.y()) or 1.0
        ux, uy = (b.x() - a.x()) / length, (b.y() - a.y()) / length
        candidates = [(b, ux, uy), (a, -ux, -uy), (b, -uy, ux), (b, uy, -ux),
                      (a, -uy, ux), (a, uy, -ux)]
        chosen: tuple[QPointF, tuple[float, float], QRectF] | None = None
        shown = self._view_box.sceneBoundingRect()  # a label cut by the viewport's edge
        for point, dx, dy in candidates:
            at = QPointF(point.x() + dx * _LABEL_GAP_PX, point.y() + dy * _LABEL_GAP_PX)
            anchor = _anchor_towards(dx, dy)
            box = QRectF(at.x() - anchor[0] * size.width(), at.y() - anchor[1] * size.height(),
                         size.width(), size.height())
            if chosen is None:
                chosen = (at, anchor, box)
            if shown.contains(box) and not any(box.intersects(other) for other in placed) \
                    and not any(_segment_hits(box, p, q) for p, q in segments):
                chosen = (at, anchor, box)
                break
        assert chosen is not None
        at, anchor, box = chosen
        label.setAnchor(anchor)
        label.setPos(self._view_box.mapSceneToView(at))
        return box

    @property
    def drawn_count(self) -> int:
        """How many calipers are drawn (for tests and the status bar)."""
        return self._count
