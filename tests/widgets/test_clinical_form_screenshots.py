"""Pictures of the coordinator's clinical forms as filled in for a subject, computed values
beside the entered ones.

They go to docs/screenshots/ only when asked (MRECIST_WRITE_SCREENSHOTS=1), so a test run
leaves the working tree as it was; otherwise to a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

from clinical_typing import TODAY_TEXT, answer, choose, fill_baseline_example, open_form, type_into
from PySide6.QtWidgets import QMainWindow

from core.clinical import ProposedEvent
from widgets.adverse_event_form import AdverseEventForm
from widgets.baseline_form import BaselineForm
from widgets.lab_entry_form import LabEntryForm
from widgets.treatment_forms import DoseForm

DOC_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TODAY = dt.date.fromisoformat(TODAY_TEXT)
CAUSES = ("anlotinib", "anti-PD-L1", "DEB-TACE")


def _save(qtbot, form, folder: Path, name: str) -> None:
    qtbot.wait(100)  # the rows settle around what the form computed
    form.resize(form.minimumSizeHint())
    qtbot.wait(50)
    image = form.grab().toImage()
    assert image.width() > 300
    assert image.height() > 200
    assert len({image.pixel(x, y) for x in range(0, image.width(), 7)
                for y in range(0, image.height(), 7)}) > 10  # not blank
    assert image.save(str(folder / name))


def test_screenshots_of_the_clinical_forms(qtbot, tmp_path):
    folder = DOC_SCREENSHOTS if os.environ.get("MRECIST_WRITE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)

    lab = open_form(qtbot, LabEntryForm(today=TODAY))
    choose(qtbot, lab.test, "PLAT · Platelets")
    type_into(qtbot, lab.visit_date, "2026-02-16")
    type_into(qtbot, lab.lab_value, "74")
    type_into(qtbot, lab.lln, "150")
    type_into(qtbot, lab.uln, "400")
    assert lab.grade_text()[0] == "Grade 2 · Platelet count decreased"
    _save(qtbot, lab, folder, "clinical-lab-form.png")

    proposal = ProposedEvent("HCC-001", "Aspartate aminotransferase increased", 3,
                             dt.date(2026, 2, 2), dt.date(2026, 2, 16), 2)
    event = open_form(qtbot, AdverseEventForm.from_proposal(proposal, CAUSES, today=TODAY))
    type_into(qtbot, event.resolution, "2026-01-30")  # before the onset: refused as typed
    answer(qtbot, event.serious, False)
    choose(qtbot, event.relatedness["anlotinib"], "Probably related")
    choose(qtbot, event.relatedness["anti-PD-L1"], "Possibly related")
    choose(qtbot, event.relatedness["DEB-TACE"], "Unlikely related")
    choose(qtbot, event.action, "Dose reduced")
    choose(qtbot, event.outcome, "Recovering / resolving")
    assert [p.field for p in event.problems()] == ["resolution_date"]
    _save(qtbot, event, folder, "clinical-ae-form.png")

    baseline = open_form(qtbot, BaselineForm((Decimal("88.4"), "umol/L"), today=TODAY))
    fill_baseline_example(qtbot, baseline)
    assert baseline.value() is not None
    _save(qtbot, baseline, folder, "clinical-baseline-form.png")

    dose = open_form(qtbot, DoseForm(("anlotinib", "anti-PD-L1"), today=TODAY))
    type_into(qtbot, dose.drug, "anlotinib")
    choose(qtbot, dose.route, "Oral")
    type_into(qtbot, dose.start_date, "2026-01-08")
    type_into(qtbot, dose.end_date, "2026-01-21")
    type_into(qtbot, dose.prescribed, "168")
    type_into(qtbot, dose.dose_unit, "mg")
    type_into(qtbot, dose.taken, "134")
    choose(qtbot, dose.adjustment, "Reduced")
    type_into(qtbot, dose.adjustment_reason, "grade 3 hypertension: 12 to 10 mg/day")
    assert dose.rdi_text()[0] == "RDI 79.8 % · out of the analysis set"
    _save(qtbot, dose, folder, "clinical-dose-form.png")


def test_a_form_stays_paper_inside_the_dark_window(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    # The reading-room frame of desktop/main_window.py, which the form must not inherit.
    window.setStyleSheet("QMainWindow { background: #1e1f22; color: #d8d8d8; } "
                         "QToolButton { color: #d8d8d8; } QLabel { color: #d8d8d8; }")
    window.show()
    form = LabEntryForm(today=TODAY, parent=window)
    open_form(qtbot, form)
    image = form.grab().toImage()
    assert image.pixelColor(4, 4).name() == "#f5f5f2"
    assert form.title.palette().windowText().color().name() == "#1f1f1f"
