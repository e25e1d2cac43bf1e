"""The forms of a subject's course: an eligibility criterion, the screening outcome, the end
of treatment and a follow-up contact.

Each answers one value of ``core.model.clinical_record``; the rest of the API is
``ClinicalForm``'s (``value()``, ``problems()``, ``existing``, ``today``, *submit*):

``EligibilityForm(criteria=(), ...)`` → ``Eligibility``
    A protocol criterion's code (``IN01``, ``EX03``; *criteria* are suggested), met / not
    met / not applicable, and a note.
``ScreeningForm(criteria=(), ...)`` → ``Screening``
    Enrolled on a date, or a screen failure on the criterion it failed.
``EndOfTreatmentForm(...)`` → ``EndOfTreatment``
    The date and reason (a detail required for "other"), and a subsequent anticancer
    therapy with its start date, or none.
``FollowUpForm(...)`` → ``FollowUp``
    The subject known alive on a date, a death with its date and cause (not before the
    date known alive), a discontinuation of the study with its date and reason: at least
    one of them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import Any

from PySide6.QtWidgets import QWidget

from core.model.clinical_record import (
    CriterionStatus,
    Eligibility,
    EndOfTreatment,
    EndOfTreatmentReason,
    FollowUp,
    Screening,
    ScreeningOutcome,
)
from widgets.clinical_fields import ChoiceField, DateField, TextField, YesNoField, enum_choices
from widgets.clinical_form_base import ClinicalForm, new_form_layout

# The model's form of a criterion code (core.model.clinical_record._CRITERION).
_CRITERION = re.compile(r"[A-Z][A-Z0-9_.-]{0,15}")
STATUS_LABELS = MappingProxyType({CriterionStatus.MET: "Met",
                                  CriterionStatus.NOT_MET: "Not met",
                                  CriterionStatus.NOT_APPLICABLE: "Not applicable"})
OUTCOME_LABELS = MappingProxyType({ScreeningOutcome.ENROLLED: "Enrolled",
                                   ScreeningOutcome.SCREEN_FAILURE: "Screen failure"})
REASON_LABELS = MappingProxyType({
    EndOfTreatmentReason.CONFIRMED_PROGRESSION: "Confirmed progression",
    EndOfTreatmentReason.TOXICITY: "Toxicity", EndOfTreatmentReason.NEW_THERAPY: "New therapy",
    EndOfTreatmentReason.WITHDRAWAL: "Withdrawal of consent",
    EndOfTreatmentReason.DEATH: "Death", EndOfTreatmentReason.OTHER: "Other"})

Submit = Callable[[Any], str | None] | None


def _criterion_refusal(code: str) -> str | None:
    return None if _CRITERION.fullmatch(code) else (
        "must be a protocol code such as IN01 or EX03 (capitals and digits, at most 16)")


def _criterion_field(name: str, label: str, criteria: Sequence[str]) -> TextField:
    return TextField(name, label, placeholder="e.g. IN05", suggestions=criteria,
                     check=_criterion_refusal, width=120, uppercase=True)


class EligibilityForm(ClinicalForm):
    """One eligibility criterion as checked; see the module's docstring."""

    def __init__(self, criteria: Sequence[str] = (), *, existing: Eligibility | None = None,
                 today: dt.date | None = None, submit: Submit = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit eligibility criterion" if existing else
                         "Eligibility criterion",
                         "A criterion of the protocol's list as checked for the subject. The "
                         "lab criteria are also computed from the entered labs.",
                         existing=existing, today=today, submit=submit, parent=parent)
        form = new_form_layout()
        self.criterion = self._add(form, "&Criterion", _criterion_field(
            "criterion", "Criterion", criteria))
        self.criterion_status = self._add(form, "&Status", ChoiceField(
            "status", "Status", enum_choices(CriterionStatus, STATUS_LABELS)))
        self.note = self._add(form, "&Note", TextField("note", "Note", required=False,
                                                       placeholder="where the source needs one"))
        self.body.addLayout(form)
        self._finish()

    def value(self) -> Eligibility | None:
        """The criterion entered, or ``None`` while it has a problem."""
        value = super().value()
        assert value is None or isinstance(value, Eligibility)
        return value

    def _prefill(self, value: Eligibility) -> None:
        self.criterion.set_value(value.criterion)
        self.criterion_status.set_value(value.status)
        self.note.set_value(value.note)

    def _build(self) -> Eligibility:
        return Eligibility(self.criterion.value(), self.criterion_status.value(),
                           self.note.value() or "")


class ScreeningForm(ClinicalForm):
    """The end of screening; see the module's docstring."""

    def __init__(self, criteria: Sequence[str] = (), *, existing: Screening | None = None,
                 today: dt.date | None = None, submit: Submit = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit screening outcome" if existing else "Screening outcome",
                         "The end of screening: enrolled on a date, or a screen failure on "
                         "the criterion it failed.",
                         existing=existing, today=today, submit=submit, parent=parent)
        form = new_form_layout()
        self.outcome = self._add(form, "&Outcome", ChoiceField(
            "outcome", "Outcome", enum_choices(ScreeningOutcome, OUTCOME_LABELS)))
        self.enrolment_date = self._add(form, "&Enrolment date", DateField(
            "enrolment_date", "Enrolment date", self.today))
        self.failed_criterion = self._add(form, "&Failed criterion", _criterion_field(
            "failed_criterion", "Failed criterion", criteria))
        self.body.addLayout(form)
        self._finish()

    def value(self) -> Screening | None:
        """The screening outcome entered, or ``None`` while it has a problem."""
        value = super().value()
        assert value is None or isinstance(value, Screening)
        return value

    def _prefill(self, value: Screening) -> None:
        self.outcome.set_value(value.outcome)
        self.enrolment_date.set_value(value.enrolment_date)
        self.failed_criterion.set_value(value.failed_criterion)

    def _check_rules(self) -> None:
        outcome = self.outcome.value()
        self._set_active(self.enrolment_date, outcome is ScreeningOutcome.ENROLLED)
        self._set_active(self.failed_criterion, outcome is ScreeningOutcome.SCREEN_FAILURE)

    def _build(self) -> Screening:
        enrolled = self.outcome.value() is ScreeningOutcome.ENROLLED
        return Screening(self.outcome.value(),
                         self.enrolment_date.value() if enrolled else None,
                         None if enrolled else self.failed_criterion.value())


class EndOfTreatmentForm(ClinicalForm):
    """The end of study treatment; see the module's docstring."""

    def __init__(self, *, existing: EndOfTreatment | None = None,
                 today: dt.date | None = None, submit: Submit = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit end of treatment" if existing else "End of treatment",
                         "When and why study treatment ended, and the anticancer therapy "
                         "that followed it.",
                         existing=existing, today=today, submit=submit, parent=parent)
        form = new_form_layout()
        self.end_date = self._add(form, "&End date", DateField("end_date", "End date",
                                                               self.today))
        self.reason = self._add(form, "&Reason", ChoiceField(
            "reason", "Reason", enum_choices(EndOfTreatmentReason, REASON_LABELS)))
        self.reason_detail = self._add(form, "&Detail", TextField(
            "reason_detail", "Detail", required=False, placeholder="required for Other"))
        self.has_subsequent = self._add(form, "&Subsequent therapy", YesNoField(
            "has_subsequent_therapy", "Subsequent therapy"))
        self.subsequent_therapy = self._add(form, "&Therapy", TextField(
            "subsequent_therapy", "Therapy", placeholder="e.g. sorafenib"))
        self.subsequent_therapy_start = self._add(form, "Therapy st&art", DateField(
            "subsequent_therapy_start", "Therapy start", self.today))
        self.body.addLayout(form)
        self._finish()

    def value(self) -> EndOfTreatment | None:
        """The end of treatment entered, or ``None`` while it has a problem."""
        value = super().value()
        assert value is None or isinstance(value, EndOfTreatment)
        return value

    def _prefill(self, value: EndOfTreatment) -> None:
        self.end_date.set_value(value.end_date)
        self.reason.set_value(value.reason)
        self.reason_detail.set_value(value.reason_detail)
        self.has_subsequent.set_value(value.subsequent_therapy is not None)
        self.subsequent_therapy.set_value(value.subsequent_therapy)
        self.subsequent_therapy_start.set_value(value.subsequent_therapy_start)

    def _check_rules(self) -> None:
        self.reason_detail.set_required(self.reason.value() is EndOfTreatmentReason.OTHER)
        following = self.has_subsequent.value() is True
        self._set_active(self.subsequent_therapy, following)
        self._set_active(self.subsequent_therapy_start, following)

    def _build(self) -> EndOfTreatment:
        following = self.has_subsequent.value() is True
        return EndOfTreatment(
            self.end_date.value(), self.reason.value(), self.reason_detail.value() or "",
            self.subsequent_therapy.value() if following else None,
            self.subsequent_therapy_start.value() if following else None)


class FollowUpForm(ClinicalForm):
    """One follow-up contact; see the module's docstring."""

    def __init__(self, *, existing: FollowUp | None = None, today: dt.date | None = None,
                 submit: Submit = None, parent: QWidget | None = None) -> None:
        super().__init__("Edit follow-up contact" if existing else "Follow-up contact",
                         "The subject known alive on a date, or their death, and whether "
                         "they left the study. The last date known alive censors overall "
                         "survival.",
                         existing=existing, today=today, submit=submit, parent=parent)
        form = new_form_layout()
        self.last_known_alive = self._add(form, "&Known alive on", DateField(
            "last_known_alive", "Known alive on", self.today))
        self.died = self._add(form, "&Died", YesNoField("died", "Died", default=False))
        self.death_date = self._add(form, "Date of &death", DateField(
            "death_date", "Date of death", self.today))
        self.death_cause = self._add(form, "&Cause of death", TextField(
            "death_cause", "Cause of death", placeholder="e.g. tumour progression"))
        self.discontinued = self._add(form, "Left the &study", YesNoField(
            "discontinued", "Left the study", default=False))
        self.discontinuation_date = self._add(form, "Date &left", DateField(
            "discontinuation_date", "Date left", self.today))
        self.discontinuation_reason = self._add(form, "&Reason", TextField(
            "discontinuation_reason", "Reason", placeholder="e.g. lost to follow-up"))
        self.body.addLayout(form)
        self._finish()

    def value(self) -> FollowUp | None:
        """The follow-up contact entered, or ``None`` while it has a problem."""
        value = super().value()
        assert value is None or isinstance(value, FollowUp)
        return value

    def _prefill(self, value: FollowUp) -> None:
        self.last_known_alive.set_value(value.last_known_alive)
        self.died.set_value(value.death_date is not None)
        self.death_date.set_value(value.death_date)
        self.death_cause.set_value(value.death_cause)
        self.discontinued.set_value(value.discontinuation_date is not None)
        self.discontinuation_date.set_value(value.discontinuation_date)
        self.discontinuation_reason.set_value(value.discontinuation_reason)

    def _check_rules(self) -> None:
        died, left = self.died.value() is True, self.discontinued.value() is True
        for field in (self.death_date, self.death_cause):
            self._set_active(field, died)
        for field in (self.discontinuation_date, self.discontinuation_reason):
            self._set_active(field, left)
        # A contact records something: the date known alive unless a death or an exit.
        self.last_known_alive.set_required(not (died or left))
        alive, death = self.last_known_alive.value(), self.death_date.value()
        self.death_date.set_rule_problem(
            f"must not be before the date known alive {alive.isoformat()}"
            if died and alive is not None and death is not None and death < alive else None)

    def _build(self) -> FollowUp:
        died, left = self.died.value() is True, self.discontinued.value() is True
        return FollowUp(self.last_known_alive.value(),
                        self.death_date.value() if died else None,
                        self.death_cause.value() if died else None,
                        self.discontinuation_date.value() if left else None,
                        self.discontinuation_reason.value() if left else None)
