"""The adverse event form: an event entered by keys, the resolution not before the onset,
grade 5 exactly the fatal outcome (CTCAE v4.03), a proposed lab event confirmed."""

from __future__ import annotations

import datetime as dt

import pytest
from clinical_typing import TODAY_TEXT, answer, choose, open_form, shown_problem, type_into
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from core.clinical import ProposedEvent
from core.model.clinical_record import AdverseEvent, AeAction, AeOutcome, Relatedness
from widgets.adverse_event_form import SUGGESTED_TERMS, AdverseEventForm

TODAY = dt.date.fromisoformat(TODAY_TEXT)
CAUSES = ("anlotinib", "anti-PD-L1", "DEB-TACE")


def _fill(qtbot, form, *, grade="2 · Moderate", outcome="Recovered / resolved",
          resolution="2026-02-02"):
    type_into(qtbot, form.term, "Hypertension")
    choose(qtbot, form.grade, grade)
    type_into(qtbot, form.onset, "2026-01-20")
    type_into(qtbot, form.resolution, resolution)
    answer(qtbot, form.serious, False)
    choose(qtbot, form.relatedness["anlotinib"], "Probably related")
    choose(qtbot, form.relatedness["anti-PD-L1"], "Unlikely related")
    choose(qtbot, form.relatedness["DEB-TACE"], "Not related")
    choose(qtbot, form.action, "Dose reduced")
    choose(qtbot, form.outcome, outcome)


def test_an_event_entered_by_keys(qtbot):
    form = open_form(qtbot, AdverseEventForm(CAUSES, today=TODAY))
    assert form.status.text().startswith("To fill in: Term, Grade, Onset, Serious, "
                                          "Relatedness to anlotinib")
    _fill(qtbot, form)
    assert form.problems() == ()
    assert form.value() == AdverseEvent(
        "Hypertension", 2, dt.date(2026, 1, 20), False,
        (("anlotinib", Relatedness.PROBABLE), ("anti-PD-L1", Relatedness.UNLIKELY),
         ("DEB-TACE", Relatedness.NOT_RELATED)),
        AeAction.DOSE_REDUCED, AeOutcome.RECOVERED, dt.date(2026, 2, 2))
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert form.result() == QDialog.DialogCode.Accepted


def test_a_resolution_before_the_onset_is_refused_as_typed(qtbot):
    form = open_form(qtbot, AdverseEventForm(CAUSES, today=TODAY))
    _fill(qtbot, form, resolution="2026-01-19")
    assert shown_problem(form.resolution) == \
        "Resolution must not be before the onset 2026-01-20"
    assert form.value() is None
    assert not form.ok_button.isEnabled()
    type_into(qtbot, form.resolution, "2026-01-20")  # the same day is fine
    assert form.value().resolution_date == dt.date(2026, 1, 20)
    type_into(qtbot, form.resolution, "")  # not resolved yet
    assert form.value().resolution_date is None


@pytest.mark.parametrize(("grade", "outcome", "problem"), [
    ("5 · Death related to the AE", "Recovered / resolved",
     "Outcome must be Fatal for a grade 5 event (CTCAE v4.03: grade 5 is death related to "
     "the AE)"),
    ("3 · Severe", "Fatal",
     "Outcome must not be Fatal for a grade 3 event: a fatal event is grade 5 (CTCAE v4.03)"),
    ("5 · Death related to the AE", "Fatal", ""),
], ids=["grade-5-not-fatal-refused", "fatal-grade-3-refused", "grade-5-fatal"])
def test_grade_5_is_exactly_the_fatal_outcome(qtbot, grade, outcome, problem):
    form = open_form(qtbot, AdverseEventForm(CAUSES, today=TODAY))
    _fill(qtbot, form, grade=grade, outcome=outcome, resolution="")
    assert shown_problem(form.outcome) == problem
    assert (form.value() is None) is bool(problem)
    assert form.ok_button.isEnabled() is not bool(problem)
    if not problem:
        assert form.value().grade == 5
        assert form.value().outcome is AeOutcome.FATAL
        assert form.fatal_rule.text() == "grade 5: the outcome is Fatal"


def test_a_proposed_lab_event_needs_only_the_coordinators_assessment(qtbot):
    proposal = ProposedEvent("HCC-001", "Aspartate aminotransferase increased", 3,
                             dt.date(2026, 2, 2), dt.date(2026, 2, 16), 2)
    form = open_form(qtbot, AdverseEventForm.from_proposal(proposal, CAUSES, today=TODAY))
    assert form.windowTitle() == "Confirm proposed adverse event"
    assert proposal.text in form.hint.text()
    assert form.term.input.text() == "Aspartate aminotransferase increased"
    assert form.grade.value() == 3
    assert form.onset.value() == dt.date(2026, 2, 2)
    assert form.proposal == proposal
    answer(qtbot, form.serious, True)
    for cause in CAUSES:
        choose(qtbot, form.relatedness[cause], "Possibly related")
    choose(qtbot, form.action, "Drug interrupted")
    choose(qtbot, form.outcome, "Recovering / resolving")
    assert form.value() == AdverseEvent(
        "Aspartate aminotransferase increased", 3, dt.date(2026, 2, 2), True,
        tuple((cause, Relatedness.POSSIBLE) for cause in CAUSES),
        AeAction.DRUG_INTERRUPTED, AeOutcome.RECOVERING)


def test_edit_mode_keeps_the_events_causes_and_adds_the_callers(qtbot):
    existing = AdverseEvent("Abdominal pain", 1, dt.date(2026, 1, 11), False,
                            (("DEB-TACE", Relatedness.DEFINITE),),
                            AeAction.DOSE_NOT_CHANGED, AeOutcome.RECOVERED,
                            dt.date(2026, 1, 14))
    form = open_form(qtbot, AdverseEventForm(("deb-tace", "anlotinib"), existing=existing,
                                             today=TODAY))
    assert form.causes == ("DEB-TACE", "anlotinib")
    assert form.relatedness["DEB-TACE"].value() is Relatedness.DEFINITE
    assert form.value() is None  # the relatedness to anlotinib is asked for
    choose(qtbot, form.relatedness["anlotinib"], "Not related")
    choose(qtbot, form.grade, "2 · Moderate")
    assert form.value() == AdverseEvent(
        "Abdominal pain", 2, dt.date(2026, 1, 11), False,
        (("DEB-TACE", Relatedness.DEFINITE), ("anlotinib", Relatedness.NOT_RELATED)),
        AeAction.DOSE_NOT_CHANGED, AeOutcome.RECOVERED, dt.date(2026, 1, 14))


def test_terms_are_suggested_and_free_text_is_allowed(qtbot):
    form = open_form(qtbot, AdverseEventForm(CAUSES, today=TODAY))
    model = form.term.input.completer().model()
    words = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert "Hypertension" in words
    assert "Platelet count decreased" in words  # the lab terms graded by the application
    assert words == list(dict.fromkeys(SUGGESTED_TERMS))
    type_into(qtbot, form.term, "Injection site reaction")
    assert form.term.value() == "Injection site reaction"
    with pytest.raises(ValueError, match="at least one cause"):
        AdverseEventForm(())
