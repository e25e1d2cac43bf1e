"""Review: calipers drawn or moved to nothing."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtTest import QTest
from qt_input import mouse, move_interval_ms
from test_reading_view import _target, draw, on_screen

from core.actions import get_read
from core.model.clinical import LesionCategory
from core.model.reading import MeasurementKind

VIABLE, TOTAL = MeasurementKind.VIABLE, MeasurementKind.TOTAL


def _there_and_back(viewport, start: QPoint, away: QPoint) -> None:
    """Press, move away (a drag starts), come back, release where it began."""
    left = Qt.MouseButton.LeftButton
    mouse(viewport, QEvent.Type.MouseButtonPress, start, left)
    for point in (start + (away - start) / 2, away, start + (away - start) / 2, start):
        QTest.qWait(move_interval_ms())
        mouse(viewport, QEvent.Type.MouseMove, point, left)
    mouse(viewport, QEvent.Type.MouseButtonRelease, start, Qt.MouseButton.NoButton)


def test_a_viable_drag_that_ends_where_it_began_is_not_recorded_as_no_viable_tumour(
        qtbot, view):
    """With V on, a hesitant drag back to its start is a 0 mm caliper. A viable diameter
    of 0 mm is mRECIST's "no viable tumour" (docs/reading.md), which key 0 records on
    purpose; the mouse records it without a word."""
    widget, store, reader, tp = view
    truth = _target(tp)
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    viewer = widget.measuring_viewer
    viewer.set_slice(truth["slice_index"])
    widget.start_measuring(lesion.lesion_id, TOTAL)
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(viewer, *truth["total_endpoints_mm"])
    widget.start_measuring(lesion.lesion_id, VIABLE)
    centre = np.mean(np.array(truth["viable_endpoints_mm"], dtype=float), axis=0)
    at = on_screen(viewer, centre)
    _there_and_back(viewer._graphics.viewport(), at, at + QPoint(25, 0))
    qtbot.wait(50)
    viable = get_read(store, reader, widget.reading.task_id).measurement(
        lesion.lesion_id, widget.timepoint_id, VIABLE)
    assert viable is None or viable.length_mm > 0, (
        f"a drawn viable of {viable.length_mm} mm recorded; status: {widget.status.text()!r}")
