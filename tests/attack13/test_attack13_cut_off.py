"""Writing behind the data cut-off through a value with more than one date.

docs/clinical-record.md §4: after a cut-off "no entry behind the cut-off is recorded, nor
an entry moved behind it". A follow-up contact or an end of treatment carries several
dates; the cut-off is tested against one of them only (``reference_date``), so a date
behind the cut-off gets in beside a later one.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.actions import (
    clinical_record,
    lock_clinical,
    record_end_of_treatment,
    record_follow_up,
    record_screening,
)
from core.errors import WorkflowError
from core.model.clinical_record import (
    EndOfTreatment,
    EndOfTreatmentReason,
    FollowUp,
    Screening,
    ScreeningOutcome,
)

SUBJECT = "HCC-001"
TODAY = dt.date(2024, 6, 30)
CUT_OFF = dt.date(2024, 3, 1)


def _locked(trial):
    record_screening(trial.store, trial.coordinator, SUBJECT,
                     Screening(ScreeningOutcome.ENROLLED, dt.date(2024, 1, 8)), today=TODAY)
    lock_clinical(trial.store, trial.coordinator, None, CUT_OFF, today=TODAY)


def test_a_death_behind_the_cut_off_is_not_recorded_beside_a_later_discontinuation(a13_trial):
    """A death on 2024-02-01 (behind the 2024-03-01 cut-off) with a discontinuation on
    2024-04-01: the death changes the locked OS, and must be refused."""
    _locked(a13_trial)
    value = FollowUp(death_date=dt.date(2024, 2, 1), death_cause="hepatic failure",
                     discontinuation_date=dt.date(2024, 4, 1),
                     discontinuation_reason="death reported late")
    with pytest.raises(WorkflowError, match="behind the data cut-off"):
        record_follow_up(a13_trial.store, a13_trial.coordinator, SUBJECT, value, today=TODAY)
    record = clinical_record(a13_trial.store, a13_trial.coordinator, SUBJECT)
    assert record.follow_up == ()


def test_a_discontinuation_behind_the_cut_off_is_not_recorded_beside_a_later_contact(
        a13_trial):
    _locked(a13_trial)
    value = FollowUp(last_known_alive=dt.date(2024, 5, 1),
                     discontinuation_date=dt.date(2024, 2, 1),
                     discontinuation_reason="withdrew consent")
    with pytest.raises(WorkflowError, match="behind the data cut-off"):
        record_follow_up(a13_trial.store, a13_trial.coordinator, SUBJECT, value, today=TODAY)


def test_a_new_therapy_started_behind_the_cut_off_is_not_recorded(a13_trial):
    """An end of treatment after the cut-off naming a subsequent therapy started before
    it: the new therapy re-censors the locked PFS (FDA row "new anticancer therapy")."""
    _locked(a13_trial)
    value = EndOfTreatment(dt.date(2024, 4, 1), EndOfTreatmentReason.NEW_THERAPY, "",
                           "sorafenib", dt.date(2024, 1, 20))
    with pytest.raises(WorkflowError, match="behind the data cut-off"):
        record_end_of_treatment(a13_trial.store, a13_trial.coordinator, SUBJECT, value,
                                today=TODAY)
