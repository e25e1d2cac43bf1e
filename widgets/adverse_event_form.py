"""The adverse event form: CTCAE term and grade, dates, seriousness, relatedness to each
cause, action and outcome.

``AdverseEventForm(causes, existing=None, today=None, submit=None, parent=None)`` answers a
``core.model.clinical_record.AdverseEvent``. *causes* are what the event may be related to,
given by the caller: the study drugs and ``"DEB-TACE"``; each gets its own relatedness,
all required (an edited event keeps its own causes, the caller's are added). The term is
free text with the CTCAE v4.03 terms of the lab grades and of the regimen's usual events
suggested as it is typed (``SUGGESTED_TERMS``). As it is typed the form refuses a
resolution before the onset and a grade 5 without a fatal outcome or the reverse (CTCAE
v4.03: grade 5 is death related to the adverse event).

``AdverseEventForm.from_proposal(proposal, causes, ...)`` opens the form on an event
proposed from graded lab values (``core.clinical.ProposedEvent``), its term, grade and
onset filled in: the coordinator adds the relatedness, seriousness, action and outcome.
The rest of the API is ``ClinicalForm``'s: ``value()``, ``problems()``, ``existing``,
``today``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from types import MappingProxyType

from PySide6.QtWidgets import QLabel, QWidget

from core.clinical import ProposedEvent
from core.clinical.ctcae import RULES
from core.model.clinical_record import AdverseEvent, AeAction, AeOutcome, Relatedness
from widgets.clinical_fields import (
    ChoiceField,
    DateField,
    TextField,
    YesNoField,
    enum_choices,
)
from widgets.clinical_form_base import ClinicalForm, computed_label, new_form_layout

# CTCAE v4.03's general definition of the grades (NCI 2010, "Grades").
GRADE_CHOICES = ((1, "1 · Mild"), (2, "2 · Moderate"), (3, "3 · Severe"),
                 (4, "4 · Life-threatening"), (5, "5 · Death related to the AE"))
# The seed's Table 3 terms are not in the shared docs: these are the CTCAE v4.03 terms of
# the events its regimen is known for (TACE's post-embolisation syndrome, the
# anti-angiogenic class effects of anlotinib, immune-related events of anti-PD-L1; the
# same that tests/trial31 chose for its Table 3), common unrelated ones, then the lab terms.
REGIMEN_TERMS = (
    "Abdominal pain", "Fever", "Nausea", "Vomiting", "Fatigue", "Anorexia", "Hypertension",
    "Diarrhea", "Palmar-plantar erythrodysesthesia syndrome", "Proteinuria",
    "Rash maculo-papular", "Pruritus", "Hypothyroidism", "Hyperthyroidism", "Weight loss",
    "Mucositis oral", "Hoarseness", "Constipation", "Ascites", "Hepatic failure",
    "Pneumonitis", "Upper gastrointestinal hemorrhage", "Epistaxis",
    "Upper respiratory infection", "Back pain",
)
SUGGESTED_TERMS = (*REGIMEN_TERMS, *(rule.term for rule in RULES.values()))
RELATEDNESS_LABELS = MappingProxyType({
    Relatedness.NOT_RELATED: "Not related", Relatedness.UNLIKELY: "Unlikely related",
    Relatedness.POSSIBLE: "Possibly related", Relatedness.PROBABLE: "Probably related",
    Relatedness.DEFINITE: "Definitely related"})
ACTION_LABELS = MappingProxyType({
    AeAction.DOSE_NOT_CHANGED: "Dose not changed", AeAction.DOSE_REDUCED: "Dose reduced",
    AeAction.DRUG_INTERRUPTED: "Drug interrupted", AeAction.DRUG_WITHDRAWN: "Drug withdrawn",
    AeAction.NOT_APPLICABLE: "Not applicable", AeAction.UNKNOWN: "Unknown"})
OUTCOME_LABELS = MappingProxyType({
    AeOutcome.RECOVERED: "Recovered / resolved",
    AeOutcome.RECOVERING: "Recovering / resolving",
    AeOutcome.NOT_RECOVERED: "Not recovered / not resolved",
    AeOutcome.RECOVERED_WITH_SEQUELAE: "Recovered / resolved with sequelae",
    AeOutcome.FATAL: "Fatal", AeOutcome.UNKNOWN: "Unknown"})
GRADE_5_NOT_FATAL = ("must be Fatal for a grade 5 event (CTCAE v4.03: grade 5 is death "
                     "related to the AE)")
FATAL_NOT_GRADE_5 = ("must not be Fatal for a grade {grade} event: a fatal event is grade 5 "
                     "(CTCAE v4.03)")


class AdverseEventForm(ClinicalForm):
    """One adverse event; see the module's docstring."""

    def __init__(self, causes: Sequence[str], *, existing: AdverseEvent | None = None,
                 today: dt.date | None = None,
                 submit: Callable[[AdverseEvent], str | None] | None = None,
                 parent: QWidget | None = None, title: str | None = None) -> None:
        super().__init__(title or ("Edit adverse event" if existing else "New adverse event"),
                         "CTCAE v4.03 term and grade, as the investigator assessed the "
                         "event, and its relatedness to each study treatment.",
                         existing=existing, today=today, submit=submit, parent=parent)
        self.proposal: ProposedEvent | None = None
        self.causes = _causes(causes, existing)
        if not self.causes:
            raise ValueError("causes: an adverse event is assessed against at least one "
                             "cause (a study drug or DEB-TACE)")
        event = new_form_layout()
        self.term = TextField("term", "Term", placeholder="CTCAE v4.03 term, e.g. Fatigue",
                              suggestions=SUGGESTED_TERMS)
        self.grade = ChoiceField("grade", "Grade", GRADE_CHOICES)
        self.onset = DateField("onset_date", "Onset", self.today)
        self.resolution = DateField("resolution_date", "Resolution", self.today,
                                    required=False)
        self.resolution_note = QLabel("empty while not resolved")
        self.resolution_note.setObjectName("unit")
        self.resolution.add_beside(self.resolution_note)
        self.serious = YesNoField("is_serious", "Serious")
        self._add(event, "&Term", self.term)
        self._add(event, "&Grade", self.grade)
        self._add(event, "&Onset", self.onset)
        self._add(event, "&Resolution", self.resolution)
        self._add(event, "&Serious", self.serious)
        # Relatedness in the same column of fields as the rest, under a heading of its own.
        heading = QLabel("Relatedness to each cause")
        heading.setObjectName("section")
        event.addRow(heading)
        self.relatedness: dict[str, ChoiceField] = {}
        for cause in self.causes:
            field = ChoiceField(f"relatedness to {cause}", f"Relatedness to {cause}",
                                enum_choices(Relatedness, RELATEDNESS_LABELS))
            self.relatedness[cause] = self._add(event, cause, field)
        heading = QLabel("Action and outcome")
        heading.setObjectName("section")
        event.addRow(heading)
        self.action = ChoiceField("action", "Action taken",
                                  enum_choices(AeAction, ACTION_LABELS))
        self.outcome = ChoiceField("outcome", "Outcome", enum_choices(AeOutcome, OUTCOME_LABELS))
        self.fatal_rule = computed_label()
        self.outcome.add_beside(self.fatal_rule)
        self._add(event, "&Action taken", self.action)
        self._add(event, "O&utcome", self.outcome)
        self.body.addLayout(event)
        self._finish()

    @classmethod
    def from_proposal(cls, proposal: ProposedEvent, causes: Sequence[str], *,
                      today: dt.date | None = None,
                      submit: Callable[[AdverseEvent], str | None] | None = None,
                      parent: QWidget | None = None) -> AdverseEventForm:
        """The form on an event proposed from lab grades: term, grade and onset filled in."""
        form = cls(causes, today=today, submit=submit, parent=parent,
                   title="Confirm proposed adverse event")
        form.proposal = proposal
        form.hint.setText(f"Proposed from the lab values: {proposal.text}. Confirm it with "
                          "its relatedness to each study treatment, seriousness, action and "
                          "outcome.")
        form.term.set_value(proposal.term)
        form.grade.set_value(proposal.grade)
        form.onset.set_value(proposal.onset)
        return form

    def value(self) -> AdverseEvent | None:
        """The adverse event entered, or ``None`` while it has a problem."""
        event = super().value()
        assert event is None or isinstance(event, AdverseEvent)
        return event

    def _prefill(self, value: AdverseEvent) -> None:
        self.term.set_value(value.term)
        self.grade.set_value(value.grade)
        self.onset.set_value(value.onset_date)
        self.resolution.set_value(value.resolution_date)
        self.serious.set_value(value.is_serious)
        for cause, assessment in value.relatedness:
            self.relatedness[cause].set_value(assessment)
        self.action.set_value(value.action)
        self.outcome.set_value(value.outcome)

    def _check_rules(self) -> None:
        onset, resolution = self.onset.value(), self.resolution.value()
        self.resolution.set_rule_problem(
            f"must not be before the onset {onset.isoformat()}"
            if onset is not None and resolution is not None and resolution < onset else None)
        grade, outcome = self.grade.value(), self.outcome.value()
        problem = None
        if grade == 5 and outcome is not None and outcome is not AeOutcome.FATAL:
            problem = GRADE_5_NOT_FATAL
        elif outcome is AeOutcome.FATAL and grade is not None and grade != 5:
            problem = FATAL_NOT_GRADE_5.format(grade=grade)
        self.outcome.set_rule_problem(problem)

    def _show_computed(self) -> None:
        grade = self.grade.value()
        self.fatal_rule.setText("grade 5: the outcome is Fatal" if grade == 5 else
                                f"grade {grade}: any outcome but Fatal" if grade is not None
                                else "grade 5 ⇔ Fatal")

    def _build(self) -> AdverseEvent:
        return AdverseEvent(
            self.term.value(), self.grade.value(), self.onset.value(), self.serious.value(),
            tuple((cause, field.value()) for cause, field in self.relatedness.items()),
            self.action.value(), self.outcome.value(), self.resolution.value())


def _causes(given: Sequence[str], existing: AdverseEvent | None) -> tuple[str, ...]:
    """The event's own causes first, then the caller's not among them (case aside)."""
    causes = [cause for cause, _ in existing.relatedness] if existing else []
    for cause in given:
        if cause.strip() and cause.casefold() not in {c.casefold() for c in causes}:
            causes.append(cause.strip())
    return tuple(causes)
