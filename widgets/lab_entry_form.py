"""The lab value form: one test of a visit, graded by CTCAE v4.03 as it is typed.

``LabEntryForm(existing=None, today=None, submit=None, parent=None)`` answers a
``core.model.clinical_record.LabResult``: the test (an LBTESTCD code of
``core.clinical.TESTS``, shown with its name), the visit date, the value in one of the
units known for the test, the sample's LLN and ULN in the same unit, and the baseline
flag. Beside the value it shows the CTCAE v4.03 term and grade (``core.clinical.grade_lab``)
or the reason the value cannot be graded ("no LLN given ..."); a value, LLN or ULN past
the test's physical range (``core.clinical.limit_refusal``) is refused under it. A
creatinine is graded here on its ULN alone (the subject's baseline clause needs the
record, docs/clinical.md §2). An entry of another test (imported from a file) is edited
with its own test and unit, ungraded. The rest of the API is ``ClinicalForm``'s:
``value()``, ``problems()``, ``existing``, ``today``; in the edit mode as in a new entry, a
value past its physical range is corrected before anything is saved.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from decimal import Decimal
from types import MappingProxyType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from core.clinical import ClinicalDataError, grade_lab, known_units, limit_refusal
from core.clinical.units import TESTS, normalised_unit
from core.model.clinical_record import LabResult
from widgets.clinical_fields import ChoiceField, DateField, DecimalField, YesNoField
from widgets.clinical_form_base import ClinicalForm, computed_label, new_form_layout

# CDISC LBTEST names of the codes (SDTM controlled terminology C67154), as the screen says.
TEST_NAMES = MappingProxyType({
    "PLAT": "Platelets", "WBC": "Leukocytes", "NEUT": "Neutrophils",
    "LYM": "Lymphocytes", "HGB": "Hemoglobin", "ALB": "Albumin",
    "AST": "Aspartate aminotransferase", "ALT": "Alanine aminotransferase",
    "ALP": "Alkaline phosphatase", "GGT": "Gamma glutamyl transferase",
    "BILI": "Bilirubin (total)", "INR": "Prothrombin intl. normalized ratio",
    "CREAT": "Creatinine", "GLUC": "Glucose (fasting)", "SODIUM": "Sodium",
    "K": "Potassium",
})
NOT_GRADED_YET = ("CTCAE v4.03", "graded once the test, value and unit are entered")


class LabEntryForm(ClinicalForm):
    """One lab value with its live CTCAE v4.03 grade; see the module's docstring."""

    def __init__(self, *, existing: LabResult | None = None, today: dt.date | None = None,
                 submit: Callable[[LabResult], str | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit lab value" if existing else "New lab value",
                         "One test of a visit, as the laboratory reported it: value, unit "
                         "and the sample's limits of normal. The CTCAE v4.03 grade is "
                         "computed from them, never entered.",
                         existing=existing, today=today, submit=submit, parent=parent,
                         min_width=760)
        form = new_form_layout()
        self.test = ChoiceField("test_code", "Test",
                                [(code, f"{code} · {TEST_NAMES[code]}") for code in TESTS])
        self.visit_date = DateField("visit_date", "Visit date", self.today)
        self.lab_value = DecimalField("value", "Value")
        self.lab_value.unit.hide()  # the unit is a choice of its own, beside the value
        self.unit = ChoiceField("unit", "Unit", [])
        self.grade = computed_label()
        self.grade.setTextFormat(Qt.TextFormat.RichText)
        self.lab_value.add_beside(self.unit)
        self.lab_value.add_beside(self.grade)
        self.lln = DecimalField("lln", "LLN", required=False)
        self.uln = DecimalField("uln", "ULN", required=False, positive=True)
        self.is_baseline = YesNoField("is_baseline", "Baseline value", default=False)
        self._add(form, "&Test", self.test)
        self._add(form, "Visit &date", self.visit_date)
        self._add(form, "&Value", self.lab_value)
        self._watch(self.unit)
        self._add(form, "&LLN", self.lln)
        self._add(form, "&ULN", self.uln)
        self._add(form, "&Baseline value", self.is_baseline)
        self.body.addLayout(form)
        self.test.changed.connect(self._on_test_changed)
        self.unit.changed.connect(self._on_unit_changed)
        self._finish()

    def value(self) -> LabResult | None:
        """The lab value entered, or ``None`` while it has a problem."""
        result = super().value()
        assert result is None or isinstance(result, LabResult)
        return result

    # -- the fields that follow the test ---------------------------------------------------
    def _on_test_changed(self) -> None:
        test = self.test.value()
        if test is None:
            self.unit.set_choices([])
            return
        if test not in TESTS:  # an imported test this form does not grade: its own unit
            assert self.existing is not None
            self.unit.set_choices([(self.existing.unit, self.existing.unit)],
                                  self.existing.unit)
            return
        units = known_units(test)
        current = self.unit.value()
        keep = next((u for u in units if current and normalised_unit(u) ==
                     normalised_unit(current)), units[0])
        self.unit.set_choices([(unit, unit) for unit in units], keep)

    def _on_unit_changed(self) -> None:
        unit = self.unit.value() or ""
        for field in (self.lln, self.uln):
            field.set_unit(unit)

    def _prefill(self, value: LabResult) -> None:
        if value.test_code not in TESTS:  # imported from a file: kept, never graded here
            choices = [(code, f"{code} · {TEST_NAMES[code]}") for code in TESTS]
            self.test.set_choices([*choices, (value.test_code, f"{value.test_code} · not "
                                              "graded here")])
        self.test.set_value(value.test_code)
        if value.test_code not in TESTS:
            self._fill_values(value)
            return
        units = [(unit, unit) for unit in known_units(value.test_code)]
        if value.unit not in dict(units):  # another spelling of a known unit: kept as stored
            units.append((value.unit, value.unit))
        self.unit.set_choices(units, value.unit)
        self._fill_values(value)

    def _fill_values(self, value: LabResult) -> None:
        self.visit_date.set_value(value.visit_date)
        self.lab_value.set_value(value.value)
        self.lln.set_value(value.lln)
        self.uln.set_value(value.uln)
        self.is_baseline.set_value(value.is_baseline)

    # -- rules and the grade -----------------------------------------------------------------
    def _check_rules(self) -> None:
        test, unit = self.test.value(), self.unit.value()
        limits = {field: None if test is None or unit is None or field.value() is None
                  else _limit(test, field.value(), unit)
                  for field in (self.lab_value, self.lln, self.uln)}
        lln, uln = self.lln.value(), self.uln.value()
        if limits[self.uln] is None and lln is not None and uln is not None and uln < lln:
            limits[self.uln] = f"must not be below the LLN {lln}"
        for field, reason in limits.items():
            field.set_rule_problem(reason)

    def _show_computed(self) -> None:
        head, detail = self.grade_text()
        # Two lines always, so the row keeps its height as the grade changes.
        self.grade.setText(f"<b>{html.escape(head)}</b><br>{html.escape(detail)}")

    def grade_text(self) -> tuple[str, str]:
        """What the form shows beside the value: the grade and the term, or why not."""
        test, unit, number = self.test.value(), self.unit.value(), self.lab_value.value()
        if test is None or unit is None or number is None or self.lab_value.problem():
            return NOT_GRADED_YET
        if self.lln.problem() or self.uln.problem():
            return ("CTCAE v4.03", "graded once the limits are corrected")
        if test not in TESTS:
            return ("Not graded", f"{test} is not a test CTCAE grades here")
        try:
            graded = grade_lab(test, number, unit, self.lln.value(), self.uln.value())
        except ClinicalDataError as error:
            return ("Not graded", error.reason)
        if graded.grade is None:
            return (f"Not graded · {graded.term}", str(graded.reason))
        return (f"Grade {graded.grade} · {graded.term}", "CTCAE v4.03")

    def _build(self) -> LabResult:
        return LabResult(self.visit_date.value(), self.test.value(), self.lab_value.value(),
                         self.unit.value(), self.lln.value(), self.uln.value(),
                         self.is_baseline.value())


def _limit(test: str, number: Decimal, unit: str) -> str | None:
    if test not in TESTS:  # no physical range known: the model's checks only
        return None
    try:
        return limit_refusal(test, number, unit)
    except ClinicalDataError as error:  # a unit of another spelling: the grade says so
        return error.reason
