"""The forms of a subject's course: an eligibility criterion, the screening outcome, the end
of treatment, a follow-up contact."""

from __future__ import annotations

import datetime as dt

from clinical_typing import TODAY_TEXT, answer, choose, open_form, shown_problem, type_into

from core.model.clinical_record import (
    CriterionStatus,
    Eligibility,
    EndOfTreatment,
    EndOfTreatmentReason,
    FollowUp,
    Screening,
    ScreeningOutcome,
)
from widgets.course_forms import EligibilityForm, EndOfTreatmentForm, FollowUpForm, ScreeningForm

TODAY = dt.date.fromisoformat(TODAY_TEXT)


def test_an_eligibility_criterion_typed_in_any_case_is_kept_in_capitals(qtbot):
    form = open_form(qtbot, EligibilityForm(("IN01", "EX03"), today=TODAY))
    type_into(qtbot, form.criterion, "ex03")
    assert form.criterion.input.text() == "EX03"
    choose(qtbot, form.criterion_status, "Not applicable")
    type_into(qtbot, form.note, "no prior therapy recorded")
    assert form.value() == Eligibility("EX03", CriterionStatus.NOT_APPLICABLE,
                                       "no prior therapy recorded")
    type_into(qtbot, form.criterion, "3X")
    assert shown_problem(form.criterion).startswith("Criterion must be a protocol code")


def test_screening_asks_for_the_date_or_the_criterion_the_outcome_needs(qtbot):
    form = open_form(qtbot, ScreeningForm(("IN05",), today=TODAY))
    choose(qtbot, form.outcome, "Enrolled")
    assert form.enrolment_date.isVisibleTo(form)
    assert not form.failed_criterion.isVisibleTo(form)
    type_into(qtbot, form.enrolment_date, "2026-01-05")
    assert form.value() == Screening(ScreeningOutcome.ENROLLED, dt.date(2026, 1, 5))
    choose(qtbot, form.outcome, "Screen failure")
    assert not form.enrolment_date.isVisibleTo(form)
    assert form.value() is None
    assert form.status.text() == "To fill in: Failed criterion."
    type_into(qtbot, form.failed_criterion, "in05")
    assert form.value() == Screening(ScreeningOutcome.SCREEN_FAILURE, None, "IN05")


def test_an_end_of_treatment_for_another_reason_needs_its_detail_and_a_therapy_its_start(
        qtbot):
    form = open_form(qtbot, EndOfTreatmentForm(today=TODAY))
    type_into(qtbot, form.end_date, "2026-02-20")
    choose(qtbot, form.reason, "Other")
    answer(qtbot, form.has_subsequent, True)
    type_into(qtbot, form.subsequent_therapy, "sorafenib")
    assert form.value() is None
    assert form.status.text() == "To fill in: Detail, Therapy start."
    type_into(qtbot, form.reason_detail, "moved abroad")
    type_into(qtbot, form.subsequent_therapy_start, "2026-02-27")
    assert form.value() == EndOfTreatment(dt.date(2026, 2, 20), EndOfTreatmentReason.OTHER,
                                          "moved abroad", "sorafenib", dt.date(2026, 2, 27))
    answer(qtbot, form.has_subsequent, False)
    assert not form.subsequent_therapy.isVisibleTo(form)
    assert form.value() == EndOfTreatment(dt.date(2026, 2, 20), EndOfTreatmentReason.OTHER,
                                          "moved abroad")


def test_a_follow_up_records_something_and_a_death_is_not_before_the_date_known_alive(qtbot):
    form = open_form(qtbot, FollowUpForm(today=TODAY))
    assert form.status.text() == "To fill in: Known alive on."
    assert not form.death_date.isVisibleTo(form)
    type_into(qtbot, form.last_known_alive, "2026-02-01")
    assert form.value() == FollowUp(last_known_alive=dt.date(2026, 2, 1))
    answer(qtbot, form.died, True)
    type_into(qtbot, form.death_date, "2026-01-20")
    type_into(qtbot, form.death_cause, "tumour progression")
    assert shown_problem(form.death_date) == \
        "Date of death must not be before the date known alive 2026-02-01"
    assert form.value() is None
    type_into(qtbot, form.last_known_alive, "")  # a death alone is a contact
    assert form.value() == FollowUp(death_date=dt.date(2026, 1, 20),
                                    death_cause="tumour progression")
    answer(qtbot, form.discontinued, True)
    type_into(qtbot, form.discontinuation_date, "2026-01-10")
    type_into(qtbot, form.discontinuation_reason, "withdrew consent")
    assert form.value().discontinuation_reason == "withdrew consent"


def test_a_follow_up_edit_shows_the_death_it_recorded(qtbot):
    existing = FollowUp(dt.date(2026, 1, 2), dt.date(2026, 2, 3), "liver failure")
    form = open_form(qtbot, FollowUpForm(existing=existing, today=TODAY))
    assert form.died.yes.isChecked()
    assert form.death_cause.input.text() == "liver failure"
    assert form.value() == existing
    assert not form.ok_button.isEnabled()
