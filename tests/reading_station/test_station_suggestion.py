"""Review: the suggestion tool and key 0 save calipers the reader did not mean."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from test_reading_view import _target, draw, on_screen

from core.actions import get_read
from core.model.clinical import LesionCategory
from core.model.imaging import Phase
from core.model.reading import MeasurementKind

VIABLE, TOTAL = MeasurementKind.VIABLE, MeasurementKind.TOTAL


def test_a_suggestion_made_for_one_lesion_is_not_saved_onto_another(qtbot, view):
    """Suggest T1's diameters, press N (the next lesion is selected), then Enter: the
    proposal made inside T1 must not be recorded as T2's diameters."""
    widget, store, reader, tp = view
    truth = _target(tp)
    first = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    second = widget.add_lesion(LesionCategory.TARGET, "liver")
    widget.lesions.select(first.lesion_id)
    viewer = widget.measuring_viewer
    viewer.set_slice(truth["slice_index"])
    centre = np.mean(np.array(truth["viable_endpoints_mm"], dtype=float), axis=0)
    qtbot.mouseClick(viewer._graphics.viewport(), Qt.MouseButton.LeftButton,
                     pos=on_screen(viewer, centre))
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_A)
    assert set(widget.suggested) == {VIABLE, TOTAL}  # proposed for T1
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_N)  # the reader moves on to T2
    assert widget.lesions.current_lesion().lesion_id == second.lesion_id
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_Return)
    read = get_read(store, reader, widget.reading.task_id)
    on_second = [m for m in read.measurements if m.lesion_id == second.lesion_id]
    assert on_second == [], "T1's suggested diameters were recorded as T2's"


def test_key_0_asks_before_recording_no_viable_tumour_off_the_arterial_phase(qtbot, view,
                                                                              answers):
    """The total may be drawn on the portal venous phase without asking; the viable 0 mm
    that key 0 then records is a viable diameter on the PV phase, which a drawn one is
    saved as only after the reader confirms (docs/reading.md, Calipers)."""
    widget, store, reader, tp = view
    truth = _target(tp)
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    venous = next(v for v in widget.grid.viewers if v.volume.phase is Phase.PORTAL_VENOUS)
    venous.set_slice(truth["slice_index"])
    widget.start_measuring(lesion.lesion_id, TOTAL)
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(venous, *truth["total_endpoints_mm"])
    assert answers.asked == []
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_0)  # answers.answer is False: "Cancel"
    viable = get_read(store, reader, widget.reading.task_id).measurement(
        lesion.lesion_id, widget.timepoint_id, VIABLE)
    assert viable is None, f"viable 0 mm saved on the {viable.phase} phase, asked: " \
        f"{answers.asked}"
