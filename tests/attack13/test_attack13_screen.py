"""The coordinator's clinical screen: a change the store refuses after the reason is typed.

Adding keeps the form open on a refusal (docs/clinical.md §10, the screen's docstring) so
nothing typed is lost. Editing closes the form before the reason is asked; when the store
then refuses the change (a duplicate, the cut-off) what the coordinator typed is gone.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt

from core.actions import clinical_record, record_lab, record_screening
from core.model.clinical_record import ClinicalKind, LabResult, Screening, ScreeningOutcome
from desktop.clinical_screen import ClinicalScreen
from widgets.change_reason_dialog import ChangeReasonDialog
from widgets.lab_entry_form import LabEntryForm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "widgets"))
from clinical_records import click_row
from clinical_typing import type_into

LEFT = Qt.MouseButton.LeftButton
TODAY = dt.date(2024, 6, 30)
SUBJECT = "HCC-001"


def _plat(day: dt.date, value: str) -> LabResult:
    return LabResult(day, "PLAT", Decimal(value), "10^9/L", Decimal("150"), Decimal("400"))


def test_an_edit_refused_by_the_store_keeps_what_was_typed(qtbot, a13_trial):
    store, coord = a13_trial.store, a13_trial.coordinator
    record_screening(store, coord, SUBJECT,
                     Screening(ScreeningOutcome.ENROLLED, dt.date(2024, 1, 8)), today=TODAY)
    record_lab(store, coord, SUBJECT, _plat(dt.date(2024, 2, 1), "120"), today=TODAY)
    record_lab(store, coord, SUBJECT, _plat(dt.date(2024, 2, 15), "80"), today=TODAY)
    screen = ClinicalScreen(store, coord, today=TODAY)
    qtbot.addWidget(screen)
    screen.resize(1300, 800)
    screen.show()
    qtbot.waitExposed(screen)
    screen.view.show_tab("Labs")
    labs = screen.view.tables[ClinicalKind.LAB]
    row = next(n for n, cells in enumerate(labs.cell_texts()) if "2024-02-15" in cells)
    click_row(qtbot, labs.table, row)
    qtbot.keyClick(labs.table, Qt.Key.Key_F2)
    form = screen.dialog
    assert isinstance(form, LabEntryForm)
    # The coordinator corrects the value and, by a slip, the date onto the other visit.
    type_into(qtbot, form.visit_date, "2024-02-01")
    type_into(qtbot, form.lab_value, "95")
    qtbot.mouseClick(form.ok_button, LEFT)
    reason = screen.dialog
    assert isinstance(reason, ChangeReasonDialog)
    qtbot.keyClicks(reason.reason_field, "value and date rechecked on the lab report")
    qtbot.mouseClick(reason.ok_button, LEFT)
    values = sorted(str(e.value.value) for e in clinical_record(store, coord, SUBJECT).labs)
    assert values == ["120", "80"]  # refused: a second PLAT on 2024-02-01
    assert "already recorded" in screen.message.text()
    # What was typed is still there to be corrected, as when adding.
    again = screen.dialog
    assert isinstance(again, LabEntryForm)
    assert again.lab_value.value() == Decimal("95")
