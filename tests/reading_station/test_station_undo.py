"""Review: undo and redo of a reading against what the store holds at each step."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from test_reading_view import _target, draw

from core.actions import get_read
from core.model.clinical import LesionCategory
from core.model.reading import MeasurementKind

TOTAL = MeasurementKind.TOTAL
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _stored(store, reader, widget):
    """The store's read as comparable values: lesions by label, calipers by label."""
    read = get_read(store, reader, widget.reading.task_id)
    labels = {lesion.lesion_id: lesion.label for lesion in read.lesions}
    return (sorted((lesion.label, lesion.organ) for lesion in read.lesions),
            sorted((labels[m.lesion_id], m.kind.value, m.caliper.start_rc, m.caliper.end_rc)
                   for m in read.measurements))


def test_add_draw_move_delete_then_undo_three_and_redo_three_match_the_store(qtbot, view):
    widget, store, reader, tp = view
    truth = _target(tp)
    tree = widget.lesions.tree
    states = [_stored(store, reader, widget)]
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    states.append(_stored(store, reader, widget))
    viewer = widget.measuring_viewer
    viewer.set_slice(truth["slice_index"])
    start, end = (np.array(p, dtype=float) for p in truth["total_endpoints_mm"])
    short = start + (end - start) * 0.8
    qtbot.keyClick(tree, Qt.Key.Key_T)
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(viewer, start, short)
    states.append(_stored(store, reader, widget))
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(viewer, short, end)  # move the end
    states.append(_stored(store, reader, widget))
    assert states[3] != states[2]
    widget.lesions.select(lesion.lesion_id)
    qtbot.keyClick(tree, Qt.Key.Key_Delete)
    states.append(_stored(store, reader, widget))
    assert states[4] == states[0]
    # Undo the delete, the move, the drawing: back through states 3, 2, 1.
    for expected in (states[3], states[2], states[1]):
        qtbot.keyClick(tree, Qt.Key.Key_Z, CTRL)
        assert _stored(store, reader, widget) == expected
        assert widget.reading.read.lesions  # the view's read keeps the lesion
    # Redo the drawing, the move, the delete: forward through states 2, 3, 4.
    for expected in (states[2], states[3], states[4]):
        qtbot.keyClick(tree, Qt.Key.Key_Z, CTRL | SHIFT)
        assert _stored(store, reader, widget) == expected
