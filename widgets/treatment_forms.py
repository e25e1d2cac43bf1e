"""The treatment forms: a DEB-TACE session, and a study drug's dose over a day or a period.

``TreatmentSessionForm(drugs=(), existing=None, today=None, submit=None, parent=None)``
answers a ``core.model.clinical_record.TreatmentSession``: date, the drug loaded and its
dose, the microspheres' size range (the largest not below the smallest) and whether the
embolisation end point was reached.

``DoseForm(drugs=(), existing=None, today=None, submit=None, parent=None)`` answers a
``DoseRecord``: drug, route, start and end dates (the end not before the start; none for
one day), the dose prescribed and the dose taken over the period in one unit, and a
reduction, interruption or stop with its reason (required then). Beside the dose taken it
shows the relative dose intensity of the period and the trial's 80-120 % rule in a
sentence (``core.clinical.dose_intensity``).

*drugs* are suggested as the drug's name is typed (the trial's study drugs); any name is
allowed. The rest of the API is ``ClinicalForm``'s: ``value()``, ``problems()``,
``existing``, ``today``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from decimal import Decimal
from types import MappingProxyType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from core.clinical import ClinicalDataError, dose_intensity
from core.model.clinical_record import DoseAdjustment, DoseRecord, Route, TreatmentSession
from widgets.clinical_fields import (
    ChoiceField,
    DateField,
    DecimalField,
    IntegerField,
    TextField,
    YesNoField,
    enum_choices,
)
from widgets.clinical_form_base import ClinicalForm, computed_label, new_form_layout

DOSE_UNITS = ("mg", "mg/m2", "mg/kg", "g")
ROUTE_LABELS = MappingProxyType({Route.INTRA_ARTERIAL: "Intra-arterial",
                                 Route.INTRAVENOUS: "Intravenous", Route.ORAL: "Oral"})
ADJUSTMENT_LABELS = MappingProxyType({
    DoseAdjustment.NONE: "None", DoseAdjustment.REDUCED: "Reduced",
    DoseAdjustment.INTERRUPTED: "Interrupted", DoseAdjustment.STOPPED: "Stopped"})
# Microsphere calibres of the DEB-TACE products: 1-5000 µm (the model's bounds).
MICROSPHERE_UM = (1, 5000)
RDI_PENDING = ("Relative dose intensity", "once the doses prescribed and taken are entered")


def _unit_field(name: str, label: str) -> TextField:
    return TextField(name, label, placeholder="mg", suggestions=DOSE_UNITS, width=80)


class TreatmentSessionForm(ClinicalForm):
    """One DEB-TACE session; see the module's docstring."""

    def __init__(self, drugs: Sequence[str] = (), *,
                 existing: TreatmentSession | None = None, today: dt.date | None = None,
                 submit: Callable[[TreatmentSession], str | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit DEB-TACE session" if existing else "New DEB-TACE session",
                         "One drug-eluting-bead TACE: the drug loaded on the microspheres, "
                         "its dose, the microspheres' calibre and whether the embolisation "
                         "end point was reached.",
                         existing=existing, today=today, submit=submit, parent=parent)
        form = new_form_layout()
        self.session_date = DateField("session_date", "Session date", self.today)
        self.drug = TextField("drug", "Drug", placeholder="e.g. pirarubicin",
                              suggestions=drugs)
        self.dose = DecimalField("dose", "Dose", positive=True)
        self.dose.unit.hide()
        self.dose_unit = _unit_field("dose_unit", "Dose unit")
        self.dose.add_beside(self.dose_unit)
        self.microsphere_min = IntegerField("microsphere_min_um", "Smallest microspheres",
                                            *MICROSPHERE_UM)
        self.microsphere_max = IntegerField("microsphere_max_um", "Largest microspheres",
                                            *MICROSPHERE_UM, unit="µm")
        dash = QLabel("to")
        self.microsphere_min.add_beside(dash)
        self.microsphere_min.add_beside(self.microsphere_max)
        self.end_point = YesNoField("is_end_point_reached", "Embolisation end point reached")
        self._add(form, "Session &date", self.session_date)
        self._add(form, "D&rug", self.drug)
        self._add(form, "D&ose", self.dose)
        self._watch(self.dose_unit)
        self._add(form, "&Microspheres", self.microsphere_min)
        self._watch(self.microsphere_max)
        self._add(form, "&End point reached", self.end_point)
        self.body.addLayout(form)
        self._finish()

    def value(self) -> TreatmentSession | None:
        """The session entered, or ``None`` while it has a problem."""
        session = super().value()
        assert session is None or isinstance(session, TreatmentSession)
        return session

    def _prefill(self, value: TreatmentSession) -> None:
        self.session_date.set_value(value.session_date)
        self.drug.set_value(value.drug)
        self.dose.set_value(value.dose)
        self.dose_unit.set_value(value.dose_unit)
        self.microsphere_min.set_value(value.microsphere_min_um)
        self.microsphere_max.set_value(value.microsphere_max_um)
        self.end_point.set_value(value.is_end_point_reached)

    def _check_rules(self) -> None:
        low, high = self.microsphere_min.value(), self.microsphere_max.value()
        self.microsphere_max.set_rule_problem(
            f"must not be below the smallest, {low} µm" if low is not None
            and high is not None and high < low else None)

    def _build(self) -> TreatmentSession:
        return TreatmentSession(self.session_date.value(), self.drug.value(),
                                self.dose.value(), self.dose_unit.value(),
                                self.microsphere_min.value(), self.microsphere_max.value(),
                                self.end_point.value())


class DoseForm(ClinicalForm):
    """A study drug's dose over a day or a period, with its live dose intensity; see the
    module's docstring."""

    def __init__(self, drugs: Sequence[str] = (), *, existing: DoseRecord | None = None,
                 today: dt.date | None = None,
                 submit: Callable[[DoseRecord], str | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit study drug dose" if existing else "New study drug dose",
                         "A study drug over one day or a period: the total dose prescribed "
                         "and the total taken in one unit, and any change to the dose with "
                         "its reason.",
                         existing=existing, today=today, submit=submit, parent=parent,
                         min_width=760)
        form = new_form_layout()
        self.drug = TextField("drug", "Drug", placeholder="e.g. anlotinib", suggestions=drugs)
        self.route = ChoiceField("route", "Route", enum_choices(Route, ROUTE_LABELS))
        self.start_date = DateField("start_date", "Start date", self.today)
        self.end_date = DateField("end_date", "End date", self.today, required=False)
        one_day = QLabel("empty for one day")
        one_day.setObjectName("unit")
        self.end_date.add_beside(one_day)
        self.prescribed = DecimalField("prescribed_dose", "Dose prescribed", positive=True)
        self.prescribed.unit.hide()
        self.dose_unit = _unit_field("dose_unit", "Dose unit")
        self.prescribed.add_beside(self.dose_unit)
        self.taken = DecimalField("taken_dose", "Dose taken")
        self.rdi = computed_label()
        self.rdi.setTextFormat(Qt.TextFormat.RichText)
        self.taken.add_beside(self.rdi)
        self.adjustment = ChoiceField("adjustment", "Adjustment",
                                      enum_choices(DoseAdjustment, ADJUSTMENT_LABELS),
                                      default=DoseAdjustment.NONE)
        self.adjustment_reason = TextField("adjustment_reason", "Reason for the adjustment",
                                           placeholder="e.g. grade 3 hypertension")
        self._add(form, "D&rug", self.drug)
        self._add(form, "Rou&te", self.route)
        self._add(form, "&Start date", self.start_date)
        self._add(form, "&End date", self.end_date)
        self._add(form, "Dose &prescribed", self.prescribed)
        self._watch(self.dose_unit)
        self._add(form, "Dose t&aken", self.taken)
        self._add(form, "Ad&justment", self.adjustment)
        self._add(form, "Rea&son", self.adjustment_reason)
        self.body.addLayout(form)
        self._finish()

    def value(self) -> DoseRecord | None:
        """The dose entered, or ``None`` while it has a problem."""
        record = super().value()
        assert record is None or isinstance(record, DoseRecord)
        return record

    def _prefill(self, value: DoseRecord) -> None:
        self.drug.set_value(value.drug)
        self.route.set_value(value.route)
        self.start_date.set_value(value.start_date)
        self.end_date.set_value(value.end_date)
        self.prescribed.set_value(value.prescribed_dose)
        self.dose_unit.set_value(value.dose_unit)
        self.taken.set_value(value.taken_dose)
        self.adjustment.set_value(value.adjustment)
        self.adjustment_reason.set_value(value.adjustment_reason)

    def _check_rules(self) -> None:
        start, end = self.start_date.value(), self.end_date.value()
        self.end_date.set_rule_problem(
            f"must not be before the start date {start.isoformat()}"
            if start is not None and end is not None and end < start else None)
        self._set_active(self.adjustment_reason,
                         self.adjustment.value() not in (None, DoseAdjustment.NONE))

    def _show_computed(self) -> None:
        self.taken.set_unit(self.dose_unit.value() or "")  # one unit for both doses
        head, detail = self.rdi_text()
        self.rdi.setText(f"<b>{html.escape(head)}</b><br>{html.escape(detail)}")

    def rdi_text(self) -> tuple[str, str]:
        """What the form shows beside the dose taken: the relative dose intensity and the
        80-120 % rule's sentence."""
        taken, prescribed = self.taken.value(), self.prescribed.value()
        if taken is None or prescribed is None:
            return RDI_PENDING
        try:
            intensity = dose_intensity(taken, prescribed)
        except ClinicalDataError as error:
            return ("Relative dose intensity", error.reason)
        verdict = "in the analysis set" if intensity.in_analysis_set else \
            "out of the analysis set"
        pct = f"{intensity.rdi_pct.quantize(Decimal('0.1')):f}"
        return (f"RDI {pct} % · {verdict}", intensity.reason)

    def _build(self) -> DoseRecord:
        reason_active = self.adjustment_reason not in self._inactive
        return DoseRecord(self.drug.value(), self.start_date.value(), self.prescribed.value(),
                          self.taken.value(), self.dose_unit.value(), self.route.value(),
                          self.end_date.value(), self.adjustment.value(),
                          (self.adjustment_reason.value() or "") if reason_active else "")
