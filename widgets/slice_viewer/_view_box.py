"""A pyqtgraph ViewBox with reading-station mouse bindings.

Wheel scrolls slices (Ctrl+wheel zooms), left drag adjusts window/level (or draws a caliper
while measuring), middle drag pans, right drag zooms: the bindings most PACS viewers share,
so readers need not relearn them. With no caliper tool on, a left drag that starts on the
end of a drawn caliper moves that end; with a tool on, every left drag draws (a new
caliper often starts where another ends: a viable diameter on the total's edge).
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal


class ReadingViewBox(pg.ViewBox):
    """ViewBox that turns wheel and left-drag gestures into reading signals.

    Signals
    -------
    slice_step_requested(int)        +1 / -1 per wheel notch (towards the feet is +1)
    window_drag(float, float)        screen-pixel motion (dx, dy) of a left drag
    caliper_drag(QPointF, QPointF, bool)
                                     while measuring, a left drag from / to (view
                                     coordinates, plane mm), and whether it was released
    end_drag(QPointF, bool)          a left drag that started on a caliper's end: where
                                     the end is now (plane mm), and whether released
    """

    slice_step_requested = Signal(int)
    window_drag = Signal(float, float)
    caliper_drag = Signal(QPointF, QPointF, bool)
    end_drag = Signal(QPointF, bool)

    def __init__(self) -> None:
        super().__init__(lockAspect=True, invertY=True, enableMenu=False)
        self.setMouseEnabled(x=True, y=True)
        self.measuring = False
        # Asked at the start of a left drag, with the scene point pressed: is it on a
        # caliper's end (which the viewer then moves)?
        self.grabs_end: Callable[[QPointF], bool] = lambda _scene_point: False
        self._moving_end = False

    def wheelEvent(self, ev, axis=None) -> None:
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(ev, axis)
            return
        # One notch is 120 units; scrolling the wheel towards the user moves to the feet.
        steps = -int(ev.delta() / 120) or (-1 if ev.delta() > 0 else 1)
        self.slice_step_requested.emit(steps)
        ev.accept()

    def mouseDragEvent(self, ev, axis=None) -> None:
        if ev.button() == Qt.MouseButton.LeftButton and ev.isStart():
            self._moving_end = not self.measuring and self.grabs_end(ev.buttonDownScenePos())
        if ev.button() == Qt.MouseButton.LeftButton and self._moving_end:
            ev.accept()
            self.end_drag.emit(self.mapToView(ev.pos()), bool(ev.isFinish()))
            if ev.isFinish():
                self._moving_end = False
            return
        if ev.button() == Qt.MouseButton.LeftButton and self.measuring:
            ev.accept()
            self.caliper_drag.emit(self.mapToView(ev.buttonDownPos()), self.mapToView(ev.pos()),
                                   bool(ev.isFinish()))
            return
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            delta = ev.screenPos() - ev.lastScreenPos()
            self.window_drag.emit(float(delta.x()), float(delta.y()))
            return
        super().mouseDragEvent(ev, axis)
