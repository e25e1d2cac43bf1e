"""The entry form of each kind of the clinical record, built for one subject's overview.

``form_for(kind, overview, existing=None, *, today=None, submit=None, parent=None)`` is
the dialog that enters (or, with *existing*, edits) one value of *kind*, given what the
form needs from the rest of the record: the causes an adverse event may be related to
(the subject's study drugs and DEB-TACE), the drugs already given (suggested in the
treatment forms), the criteria checked (for a screen failure), the baseline creatinine
(for Cockcroft-Gault beside the baseline). ``what_of(kind, value)`` names an entry in a
sentence ("lab value PLAT of 2026-03-01"), for the reason dialogs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from core.clinical.overview import ClinicalOverview
from core.model.clinical_record import ClinicalKind, LabResult
from widgets.adverse_event_form import AdverseEventForm
from widgets.baseline_form import BaselineForm
from widgets.clinical_form_base import ClinicalForm
from widgets.course_forms import EligibilityForm, EndOfTreatmentForm, FollowUpForm, ScreeningForm
from widgets.lab_entry_form import LabEntryForm
from widgets.treatment_forms import DoseForm, TreatmentSessionForm

Submit = Callable[[Any], str | None] | None


def _baseline_creatinine(overview: ClinicalOverview) -> LabResult | None:
    samples = [entry.value for entry in overview.record.labs
               if entry.value.test_code == "CREAT" and entry.value.is_baseline]
    return max(samples, key=lambda lab: lab.visit_date, default=None)


def form_for(kind: ClinicalKind, overview: ClinicalOverview, existing: Any = None, *,
             today: dt.date | None = None, submit: Submit = None,
             parent: QWidget | None = None) -> ClinicalForm:
    """The form entering (or editing *existing*) one value of *kind* for *overview*'s
    subject.

    Raises
    ------
    ValueError
        For a kind entered elsewhere: a dismissal is made from a proposed event.
    """
    record = overview.record
    common: dict[str, Any] = {"existing": existing, "today": today, "submit": submit,
                              "parent": parent}
    if kind is ClinicalKind.ELIGIBILITY:
        return EligibilityForm([e.value.criterion for e in record.eligibility], **common)
    if kind is ClinicalKind.SCREENING:
        return ScreeningForm([e.value.criterion for e in record.eligibility], **common)
    if kind is ClinicalKind.BASELINE:
        creatinine = _baseline_creatinine(overview)
        return BaselineForm(None if creatinine is None
                            else (creatinine.value, creatinine.unit), **common)
    if kind is ClinicalKind.TREATMENT_SESSION:
        return TreatmentSessionForm(sorted({e.value.drug for e in record.treatment_sessions}),
                                    **common)
    if kind is ClinicalKind.DOSE:
        return DoseForm(sorted({e.value.drug for e in record.doses}), **common)
    if kind is ClinicalKind.LAB:
        return LabEntryForm(**common)
    if kind is ClinicalKind.ADVERSE_EVENT:
        return AdverseEventForm(overview.causes, **common)
    if kind is ClinicalKind.END_OF_TREATMENT:
        return EndOfTreatmentForm(**common)
    if kind is ClinicalKind.FOLLOW_UP:
        return FollowUpForm(**common)
    raise ValueError(f"{kind.value} is not entered with a form")


def what_of(kind: ClinicalKind, value: Any) -> str:
    """An entry named in a few words, for the title of a reason dialog."""
    date = getattr(value, "reference_date", lambda: None)()
    when = f" of {date.isoformat()}" if isinstance(date, dt.date) else ""
    detail = {ClinicalKind.LAB: lambda v: f" {v.test_code}",
              ClinicalKind.ADVERSE_EVENT: lambda v: f" {v.term}",
              ClinicalKind.DOSE: lambda v: f" {v.drug}",
              ClinicalKind.ELIGIBILITY: lambda v: f" {v.criterion}",
              ClinicalKind.LAB_EVENT_DISMISSAL: lambda v: f" {v.term}"}
    name = {ClinicalKind.LAB: "lab value", ClinicalKind.DOSE: "study drug dose",
            ClinicalKind.TREATMENT_SESSION: "DEB-TACE session",
            ClinicalKind.ELIGIBILITY: "eligibility criterion",
            ClinicalKind.BASELINE: "baseline characteristics",
            ClinicalKind.LAB_EVENT_DISMISSAL: "dismissal of"}.get(
        kind, kind.value.replace("_", " "))
    extra = detail.get(kind, lambda v: "")(value)
    return f"{name}{extra}{when}"
