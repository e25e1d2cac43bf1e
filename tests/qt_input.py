"""Simulated mouse input on a viewport, as a reader's hand delivers it.

pyqtgraph's scene ignores mouse moves closer together than its rate limit (100 per second
by default, ``mouseRateLimit``), as it does for a real mouse; a drag whose moves arrive
within one such interval never starts. The moves here are spaced past it, so a drag is a
drag however fast the test machine is.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget


def mouse(widget: QWidget, kind: QEvent.Type, pos: QPoint, buttons: Qt.MouseButton,
          button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    """Send one mouse event to *widget* at *pos* (widget coordinates)."""
    if kind is QEvent.Type.MouseMove:
        button = Qt.MouseButton.NoButton
    event = QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def move_interval_ms() -> int:
    """A little more than the least time between two moves pyqtgraph delivers."""
    limit = float(pg.getConfigOption("mouseRateLimit"))
    return int(1000 / limit) + 2 if limit > 0 else 0


def drag(viewport: QWidget, start: QPoint, end: QPoint, steps: int = 8) -> None:
    """Press at *start*, move in steps with the left button held, release at *end*."""
    left = Qt.MouseButton.LeftButton
    pause = move_interval_ms()
    mouse(viewport, QEvent.Type.MouseButtonPress, start, left)
    for step in range(1, steps + 1):
        QTest.qWait(pause)
        point = start + (end - start) * step / steps
        mouse(viewport, QEvent.Type.MouseMove, point, left)
    mouse(viewport, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
