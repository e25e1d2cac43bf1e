"""Review: the sign dialog against what the signature records."""

from __future__ import annotations

import json

from test_reading_view import _target, draw

from core.actions import get_read
from core.model.clinical import LesionCategory
from core.model.imaging import Phase
from core.model.reading import MeasurementKind

VIABLE, TOTAL = MeasurementKind.VIABLE, MeasurementKind.TOTAL


def _measured_off_arterial(qtbot, widget, answers, truth):
    """T1: total on the arterial phase, viable on the portal venous one (confirmed)."""
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    arterial = widget.measuring_viewer
    venous = next(v for v in widget.grid.viewers if v.volume.phase is Phase.PORTAL_VENOUS)
    arterial.set_slice(truth["slice_index"])
    venous.set_slice(truth["slice_index"])
    widget.start_measuring(lesion.lesion_id, TOTAL)
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(arterial, *truth["total_endpoints_mm"])
    answers.answer = True
    widget.start_measuring(lesion.lesion_id, VIABLE)
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(venous, *truth["viable_endpoints_mm"])
    return lesion


def test_the_sign_dialog_says_a_viable_diameter_was_measured_off_the_arterial_phase(
        qtbot, view, answers):
    """docs/reading.md: a caliper on another phase "shows its phase wherever it is listed";
    the lesion panel says "(PV)", the sign dialog — what the reader signs — does not."""
    widget, store, reader, tp = view
    lesion = _measured_off_arterial(qtbot, widget, answers, _target(tp))
    saved = get_read(store, reader, widget.reading.task_id).measurement(
        lesion.lesion_id, widget.timepoint_id, VIABLE)
    assert saved.phase is Phase.PORTAL_VENOUS
    assert "PV" in widget.lesions.rows()[0][2]  # the panel says so
    dialog = widget.sign()
    assert dialog is not None, widget.status.text()
    qtbot.addWidget(dialog)
    viable_cell = dialog.lesion_rows()[0][3]
    assert "PV" in viable_cell, f"the sign dialog shows the viable diameter as {viable_cell!r}"


def test_the_signed_content_records_the_phase_of_a_viable_diameter(qtbot, view, answers):
    """The phase a viable diameter was measured on decides whether it is an mRECIST
    measurement (LL2010); the signed content (mrecist-signed/2) leaves it out, so a
    signature never covers it and the signature check cannot see it change."""
    widget, store, reader, tp = view
    _measured_off_arterial(qtbot, widget, answers, _target(tp))
    preview = widget.reading.sign_preview(widget.timepoint_id)
    assert preview is not None
    from core.actions.reading import _open_task  # the content sign_timepoint records
    from core.reading import signed_content

    opened = _open_task(store, reader, widget.reading.task_id)
    from core.actions._engine import evaluate_read
    result, _problems = evaluate_read(opened.read, opened.trial, 1)
    content = signed_content(opened.read, 1, result)
    calipers = content["timepoints"][tp.label]["calipers"]
    viable = next(iter(calipers.values()))["viable"]
    assert "phase" in viable, "signed caliper: " + json.dumps(sorted(viable))
