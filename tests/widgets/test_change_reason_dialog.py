"""The reason for a change after entry or a deletion (21 CFR 11.10(e)): required, one line,
at most 500 characters, the store's own rule as typed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from clinical_typing import open_form
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from core.model.clinical_record import AdverseEvent, AeAction, AeOutcome, LabResult, Relatedness
from core.reading.clinical_entry import REASON_NEEDED
from widgets.change_reason_dialog import ChangeReasonDialog, change_lines, entry_lines

OLD = LabResult(dt.date(2026, 1, 5), "PLAT", Decimal("92"), "10^9/L", Decimal(125), None)
NEW = LabResult(dt.date(2026, 1, 5), "PLAT", Decimal("95"), "10^9/L", Decimal(125),
                Decimal(350))


def test_the_lines_of_a_change_and_of_a_deleted_entry():
    assert change_lines(OLD, NEW) == ("value: 92 → 95", "uln: — → 350")
    assert change_lines(OLD, OLD) == ()
    assert entry_lines(OLD) == ("visit date: 2026-01-05", "test code: PLAT", "value: 92",
                                "unit: 10^9/L", "lln: 125", "uln: —", "is baseline: no")
    event = AdverseEvent("Fatigue", 1, dt.date(2026, 1, 5), False,
                         (("anlotinib", Relatedness.POSSIBLE),), AeAction.DOSE_NOT_CHANGED,
                         AeOutcome.RECOVERED)
    assert "relatedness: anlotinib: POSSIBLY RELATED" in entry_lines(event)
    with pytest.raises(TypeError, match="one clinical kind"):
        change_lines(OLD, event)


def test_a_reason_is_required_and_checked_as_typed(qtbot):
    dialog = open_form(qtbot, ChangeReasonDialog("lab value PLAT of 2026-01-05",
                                                 change_lines(OLD, NEW)))
    assert "value: 92 → 95" in dialog.changes.text()
    assert not dialog.ok_button.isEnabled()
    assert not dialog.message.isVisibleTo(dialog)  # not red before anything is typed
    assert dialog.reason() is None
    qtbot.keyClick(dialog.reason_field, Qt.Key.Key_Return)
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.reason_field, "   ")
    assert dialog.message.text() == REASON_NEEDED
    assert dialog.message.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.reason_field, "transcription error ")
    assert dialog.ok_button.isEnabled()
    assert dialog.reason() == "transcription error"
    qtbot.keyClick(dialog.reason_field, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_reason_past_500_characters_is_refused(qtbot):
    dialog = open_form(qtbot, ChangeReasonDialog("lab value", ["value: 92 → 95"]))
    dialog.reason_field.setText("x" * 500)
    assert dialog.reason() == "x" * 500
    qtbot.keyClicks(dialog.reason_field, "x")
    assert dialog.message.text() == "the reason must be at most 500 characters"
    assert not dialog.ok_button.isEnabled()


def test_a_deletion_says_so_and_escape_cancels(qtbot):
    dialog = open_form(qtbot, ChangeReasonDialog("lab value PLAT of 2026-01-05",
                                                 entry_lines(OLD), deleting=True))
    assert dialog.windowTitle() == "Reason for the deletion"
    assert dialog.ok_button.text() == "Delete entry"
    qtbot.keyClicks(dialog.reason_field, "entered for the wrong subject")
    qtbot.keyClick(dialog.reason_field, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
