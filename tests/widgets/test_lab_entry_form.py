"""The lab value form graded as typed (CTCAE v4.03, docs/clinical.md §2): exactly 75
platelets is grade 1 and 74.9 grade 2, exactly 3 × ULN AST grade 1, a missing LLN says so;
future dates and values past the physical limits (§9) are refused as typed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from clinical_typing import TODAY_TEXT, choose, open_form, shown_problem, type_into
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from core.model.clinical_record import LabResult
from widgets.clinical_form_base import NOTHING_CHANGED
from widgets.lab_entry_form import LabEntryForm

TODAY = dt.date.fromisoformat(TODAY_TEXT)


def _lab(qtbot, test, value, lln="", uln="", *, date="2026-02-16", unit=None):
    form = open_form(qtbot, LabEntryForm(today=TODAY))
    choose(qtbot, form.test, test)
    type_into(qtbot, form.visit_date, date)
    type_into(qtbot, form.lab_value, value)
    if unit is not None:
        choose(qtbot, form.unit, unit)
    if lln:
        type_into(qtbot, form.lln, lln)
    if uln:
        type_into(qtbot, form.uln, uln)
    return form


@pytest.mark.parametrize(("value", "grade"), [
    ("75", 1),  # CTCAE v4.03: "< 75" is grade 2, so exactly 75 is grade 1
    ("74.9", 2),
    ("50", 2),
    ("49.9", 3),
], ids=["PLAT-exactly-75-grade-1", "PLAT-74.9-grade-2", "PLAT-exactly-50-grade-2",
        "PLAT-49.9-grade-3"])
def test_platelets_at_the_ctcae_boundaries(qtbot, value, grade):
    form = _lab(qtbot, "PLAT · Platelets", value, "150", "400")
    assert form.grade_text() == (f"Grade {grade} · Platelet count decreased", "CTCAE v4.03")
    assert f"Grade {grade} · Platelet count decreased" in form.grade.text()
    assert form.value() == LabResult(dt.date(2026, 2, 16), "PLAT", Decimal(value), "10^9/L",
                                     Decimal(150), Decimal(400))
    assert form.ok_button.isEnabled()


@pytest.mark.parametrize(("value", "grade"), [("120", 1), ("120.1", 2), ("200", 2),
                                              ("200.1", 3)],
                         ids=["AST-exactly-3xULN-grade-1", "AST-past-3xULN-grade-2",
                              "AST-exactly-5xULN-grade-2", "AST-past-5xULN-grade-3"])
def test_ast_at_multiples_of_the_uln(qtbot, value, grade):
    form = _lab(qtbot, "AST · Aspartate aminotransferase", value, "0", "40")
    assert form.grade_text()[0] == f"Grade {grade} · Aspartate aminotransferase increased"
    assert form.value().value == Decimal(value)


def test_a_missing_lln_says_why_the_value_is_not_graded_and_may_still_be_recorded(qtbot):
    form = _lab(qtbot, "PLAT · Platelets", "140")
    assert form.grade_text() == ("Not graded · Platelet count decreased",
                                 "no LLN given: grade 1 (< LLN) cannot be decided")
    assert "no LLN given" in form.grade.text()
    assert form.value() == LabResult(dt.date(2026, 2, 16), "PLAT", Decimal(140), "10^9/L")
    type_into(qtbot, form.lab_value, "40")  # grade 3 is decided without the LLN
    assert form.grade_text()[0] == "Grade 3 · Platelet count decreased"


def test_a_future_visit_date_is_refused_as_typed_and_ok_waits(qtbot):
    form = _lab(qtbot, "PLAT · Platelets", "200", "150", "400", date="2026-03-02")
    assert shown_problem(form.visit_date) == \
        "Visit date 2026-03-02 is after today (2026-03-01)"
    assert not form.ok_button.isEnabled()
    assert form.value() is None
    assert [(p.field, p.reason) for p in form.problems()] == [
        ("visit_date", "2026-03-02 is after today (2026-03-01)")]
    with qtbot.assertNotEmitted(form.accepted):
        qtbot.keyClick(form.visit_date.input, Qt.Key.Key_Return)
    assert form.isVisible()
    type_into(qtbot, form.visit_date, TODAY_TEXT)  # today itself is fine
    assert shown_problem(form.visit_date) == ""
    assert form.ok_button.isEnabled()
    qtbot.keyClick(form.visit_date.input, Qt.Key.Key_Return)
    assert form.result() == QDialog.DialogCode.Accepted
    assert form.value().visit_date == TODAY


def test_a_value_past_the_physical_range_is_refused_in_the_unit_chosen(qtbot):
    form = _lab(qtbot, "PLAT · Platelets", "150000", "150", "400")
    assert shown_problem(form.lab_value) == (
        "Value 150000 10^9/L is outside the physical range 0-5000 10^9/L: another unit, "
        "or a slipped digit?")
    assert form.value() is None
    assert not form.ok_button.isEnabled()
    form = _lab(qtbot, "CREAT · Creatinine", "0.9", "0.6", "1.2")  # mg/dL typed in µmol/L
    assert form.unit.value() == "umol/L"
    assert "outside the physical range 5-4000 umol/L" in shown_problem(form.lab_value)
    assert "outside the physical range" in shown_problem(form.lln)
    choose(qtbot, form.unit, "mg/dL")
    assert shown_problem(form.lab_value) == ""
    assert form.lln.unit.text() == "mg/dL"  # the limits follow the value's unit
    assert form.value() == LabResult(dt.date(2026, 2, 16), "CREAT", Decimal("0.9"), "mg/dL",
                                     Decimal("0.6"), Decimal("1.2"))
    assert form.grade_text()[0] == "Grade 0 · Creatinine increased"


def test_the_units_offered_are_the_tests_and_an_uln_below_the_lln_is_refused(qtbot):
    form = _lab(qtbot, "HGB · Hemoglobin", "7.9", "13", "12", unit="g/dL")
    assert form.unit.choices() == ("g/L", "g/dL")
    assert shown_problem(form.uln) == "ULN must not be below the LLN 13"
    type_into(qtbot, form.uln, "17")
    assert form.grade_text()[0] == "Grade 3 · Anemia"  # 79 g/L
    assert form.value().unit == "g/dL"
    type_into(qtbot, form.lab_value, "7,9")
    assert shown_problem(form.lab_value) == "Value takes a point for decimals: 7.9, not 7,9"


def test_edit_mode_is_prefilled_and_returns_the_changed_value(qtbot):
    existing = LabResult(dt.date(2026, 1, 5), "PLAT", Decimal("92"), "10^3/uL",
                         Decimal("125"), Decimal("350"), is_baseline=True)
    form = open_form(qtbot, LabEntryForm(existing=existing, today=TODAY))
    assert form.windowTitle() == "Edit lab value"
    assert form.test.input.currentText() == "PLAT · Platelets"
    assert form.unit.value() == "10^3/uL"
    assert form.lab_value.input.text() == "92"
    assert form.is_baseline.yes.isChecked()
    assert form.value() == existing
    assert not form.ok_button.isEnabled()  # nothing to save yet
    assert form.status.text() == NOTHING_CHANGED
    type_into(qtbot, form.lab_value, "95")
    assert form.ok_button.isEnabled()
    assert form.value() == LabResult(dt.date(2026, 1, 5), "PLAT", Decimal("95"), "10^3/uL",
                                     Decimal("125"), Decimal("350"), is_baseline=True)
    qtbot.keyClick(form.lab_value.input, Qt.Key.Key_Return)
    assert form.result() == QDialog.DialogCode.Accepted


def test_an_unusual_spelling_of_a_known_unit_is_kept_as_stored(qtbot):
    existing = LabResult(dt.date(2026, 1, 5), "PLAT", Decimal("92"), "x10^9/L")
    form = open_form(qtbot, LabEntryForm(existing=existing, today=TODAY))
    assert form.unit.value() == "x10^9/L"
    assert form.value() == existing


def test_escape_cancels_and_a_refusal_of_the_store_keeps_the_form_open(qtbot):
    refusals = ["behind the data cut-off of 2026-02-28: the record is locked up to that "
                "date", None]
    recorded = []

    def submit(value):
        recorded.append(value)
        return refusals.pop(0)

    form = open_form(qtbot, LabEntryForm(today=TODAY, submit=submit))
    choose(qtbot, form.test, "K · Potassium")
    type_into(qtbot, form.visit_date, "2026-02-16")
    type_into(qtbot, form.lab_value, "5.6")
    type_into(qtbot, form.uln, "5.0")
    assert form.grade_text()[0] == "Grade 2 · Hyperkalemia"
    qtbot.keyClick(form.uln.input, Qt.Key.Key_Return)
    assert form.isVisible()
    assert form.refusal.text().startswith("behind the data cut-off")
    qtbot.keyClick(form.uln.input, Qt.Key.Key_Return)
    assert form.result() == QDialog.DialogCode.Accepted
    assert recorded == [form.value(), form.value()]

    other = open_form(qtbot, LabEntryForm(today=TODAY))
    choose(qtbot, other.test, "K · Potassium")
    qtbot.keyClick(other.test.input, Qt.Key.Key_Escape)
    assert other.result() == QDialog.DialogCode.Rejected


def test_a_new_form_lists_what_to_fill_in_without_red(qtbot):
    form = open_form(qtbot, LabEntryForm(today=TODAY))
    assert form.status.text() == "To fill in: Test, Visit date, Value, Unit."
    assert shown_problem(form.visit_date) == ""
    assert not form.ok_button.isEnabled()
    type_into(qtbot, form.visit_date, "2026-02")
    assert shown_problem(form.visit_date) == \
        "Visit date must be a date as yyyy-mm-dd (e.g. 2024-01-31)"


def test_an_imported_test_the_form_does_not_grade_is_edited_as_it_is(qtbot):
    existing = LabResult(dt.date(2026, 1, 5), "TSH", Decimal("2.1"), "mU/L", Decimal("0.4"),
                         Decimal("4.0"))
    form = open_form(qtbot, LabEntryForm(existing=existing, today=TODAY))
    assert form.test.input.currentText() == "TSH · not graded here"
    assert form.unit.choices() == ("mU/L",)
    assert form.value() == existing
    assert form.grade_text() == ("Not graded", "TSH is not a test CTCAE grades here")
    type_into(qtbot, form.lab_value, "2.4")
    assert form.value().value == Decimal("2.4")
