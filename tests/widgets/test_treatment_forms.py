"""The DEB-TACE session and dose forms: the microspheres' range, a dose period's dates, an
adjustment's reason, and the relative dose intensity with the 80-120 % rule as typed
(docs/clinical.md §5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from clinical_typing import TODAY_TEXT, answer, choose, open_form, shown_problem, type_into

from core.model.clinical_record import DoseAdjustment, DoseRecord, Route, TreatmentSession
from widgets.treatment_forms import DoseForm, TreatmentSessionForm

TODAY = dt.date.fromisoformat(TODAY_TEXT)
DRUGS = ("anlotinib", "anti-PD-L1")


def _dose(qtbot, prescribed, taken):
    form = open_form(qtbot, DoseForm(DRUGS, today=TODAY))
    type_into(qtbot, form.drug, "anlotinib")
    choose(qtbot, form.route, "Oral")
    type_into(qtbot, form.start_date, "2026-01-08")
    type_into(qtbot, form.end_date, "2026-01-21")
    type_into(qtbot, form.prescribed, prescribed)
    type_into(qtbot, form.dose_unit, "mg")
    type_into(qtbot, form.taken, taken)
    return form


@pytest.mark.parametrize(("taken", "head", "sentence"), [
    ("79.9", "RDI 79.9 % · out of the analysis set",
     "79.9 of 100 prescribed (79.9 %) is below 80 %: removed from the analysis set"),
    ("80", "RDI 80.0 % · in the analysis set",
     "80 of 100 prescribed (80.0 %) is within 80-120 %"),
    ("120", "RDI 120.0 % · in the analysis set",
     "120 of 100 prescribed (120.0 %) is within 80-120 %"),
    ("120.1", "RDI 120.1 % · out of the analysis set",
     "120.1 of 100 prescribed (120.1 %) is above 120 %: removed from the analysis set"),
], ids=["RDI-79.9-out", "RDI-exactly-80-in", "RDI-exactly-120-in", "RDI-120.1-out"])
def test_the_relative_dose_intensity_and_the_80_120_rule_beside_the_dose(qtbot, taken, head,
                                                                        sentence):
    form = _dose(qtbot, "100", taken)
    assert form.rdi_text() == (head, sentence)
    assert head in form.rdi.text()
    assert form.value() == DoseRecord("anlotinib", dt.date(2026, 1, 8), Decimal(100),
                                      Decimal(taken), "mg", Route.ORAL, dt.date(2026, 1, 21))


def test_an_adjustment_asks_for_its_reason(qtbot):
    form = _dose(qtbot, "168", "134.2")
    assert not form.adjustment_reason.isVisibleTo(form)
    choose(qtbot, form.adjustment, "Reduced")
    assert form.adjustment_reason.isVisibleTo(form)
    assert form.value() is None
    assert form.status.text() == "To fill in: Reason for the adjustment."
    type_into(qtbot, form.adjustment_reason, "grade 3 hypertension")
    assert form.value().adjustment is DoseAdjustment.REDUCED
    assert form.value().adjustment_reason == "grade 3 hypertension"
    choose(qtbot, form.adjustment, "None")  # the reason goes with the adjustment
    assert form.value().adjustment_reason == ""


def test_a_period_ends_on_or_after_its_start_and_a_dose_is_above_zero(qtbot):
    form = _dose(qtbot, "100", "100")
    type_into(qtbot, form.end_date, "2026-01-07")
    assert shown_problem(form.end_date) == "End date must not be before the start date " \
        "2026-01-08"
    type_into(qtbot, form.end_date, "")  # one day
    assert form.value().end_date is None
    type_into(qtbot, form.prescribed, "0")
    assert shown_problem(form.prescribed) == "Dose prescribed must be greater than 0"
    assert form.value() is None


def test_a_deb_tace_session_by_keys_with_its_microsphere_range(qtbot):
    form = open_form(qtbot, TreatmentSessionForm(("pirarubicin",), today=TODAY))
    type_into(qtbot, form.session_date, "2026-01-05")
    type_into(qtbot, form.drug, "pirarubicin")
    type_into(qtbot, form.dose, "40")
    type_into(qtbot, form.dose_unit, "mg")
    type_into(qtbot, form.microsphere_min, "500")
    type_into(qtbot, form.microsphere_max, "300")
    answer(qtbot, form.end_point, True)
    assert shown_problem(form.microsphere_max) == \
        "Largest microspheres must not be below the smallest, 500 µm"
    assert form.value() is None
    type_into(qtbot, form.microsphere_min, "300")
    type_into(qtbot, form.microsphere_max, "500")
    assert form.value() == TreatmentSession(dt.date(2026, 1, 5), "pirarubicin", Decimal(40),
                                            "mg", 300, 500, True)
    type_into(qtbot, form.microsphere_max, "6000")
    assert shown_problem(form.microsphere_max) == \
        "Largest microspheres must be a whole number from 1 to 5000"


def test_edit_mode_of_a_dose_returns_the_change(qtbot):
    existing = DoseRecord("anti-PD-L1", dt.date(2026, 1, 5), Decimal(1200), Decimal(1200),
                          "mg", Route.INTRA_ARTERIAL)
    form = open_form(qtbot, DoseForm(DRUGS, existing=existing, today=TODAY))
    assert form.value() == existing
    assert form.rdi_text()[0] == "RDI 100.0 % · in the analysis set"
    assert not form.ok_button.isEnabled()
    choose(qtbot, form.route, "Intravenous")
    assert form.value() == DoseRecord("anti-PD-L1", dt.date(2026, 1, 5), Decimal(1200),
                                      Decimal(1200), "mg", Route.INTRAVENOUS)
    assert form.ok_button.isEnabled()
