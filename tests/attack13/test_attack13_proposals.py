"""Proposed adverse events from lab grades (docs/clinical.md §5a): what hides one.

A subject counts once per term at the **worst** grade (CTCAE v4.03). A dismissal or an
event recorded while an episode was mild must not hide the grade it reaches afterwards:
the coordinator has to be asked again about the worse grade, otherwise the safety table
reports a grade 4 thrombocytopenia as grade 1 (or not at all).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.actions import (
    record_adverse_event,
    record_lab,
    record_lab_event_dismissal,
    record_screening,
    record_treatment_session,
)
from core.actions.clinical_overview import subject_overview
from core.errors import CoreError
from core.model.clinical_record import (
    AdverseEvent,
    AeAction,
    AeOutcome,
    DismissedLabEvent,
    LabResult,
    Relatedness,
    Screening,
    ScreeningOutcome,
    TreatmentSession,
)

SUBJECT = "HCC-001"
TODAY = dt.date(2024, 6, 30)
TERM = "Platelet count decreased"


def _plat(day: dt.date, value: str, baseline: bool = False) -> LabResult:
    return LabResult(day, "PLAT", Decimal(value), "10^9/L", Decimal("150"), Decimal("400"),
                     baseline)


def _treated(trial):
    """Enrolled 2024-01-08, normal platelets at baseline, DEB-TACE on 2024-01-10."""
    store, coord = trial.store, trial.coordinator
    record_screening(store, coord, SUBJECT,
                     Screening(ScreeningOutcome.ENROLLED, dt.date(2024, 1, 8)), today=TODAY)
    record_lab(store, coord, SUBJECT, _plat(dt.date(2024, 1, 5), "200", True), today=TODAY)
    record_treatment_session(store, coord, SUBJECT, TreatmentSession(
        dt.date(2024, 1, 10), "pirarubicin", Decimal("40"), "mg", 300, 500, True),
        today=TODAY)


def _platelet_proposals(trial):
    overview = subject_overview(trial.store, trial.coordinator, SUBJECT)
    return [p for p in overview.proposals if p.term == TERM]


def test_a_dismissed_grade_1_episode_does_not_hide_its_later_grade_4(a13_trial):
    store, coord = a13_trial.store, a13_trial.coordinator
    _treated(a13_trial)
    record_lab(store, coord, SUBJECT, _plat(dt.date(2024, 2, 1), "140"), today=TODAY)
    (proposal,) = _platelet_proposals(a13_trial)
    assert proposal.grade == 1
    record_lab_event_dismissal(store, coord, SUBJECT, DismissedLabEvent(
        TERM, dt.date(2024, 2, 1), "within the lab's day-to-day variation", 1), today=TODAY)
    # Three weeks later, still below the LLN all along: 18 x 10^9/L is grade 4.
    record_lab(store, coord, SUBJECT, _plat(dt.date(2024, 2, 22), "18"), today=TODAY)
    assert [p.grade for p in _platelet_proposals(a13_trial)] == [4]


def test_a_grade_1_event_recorded_at_onset_does_not_hide_its_later_grade_4(a13_trial):
    store, coord = a13_trial.store, a13_trial.coordinator
    _treated(a13_trial)
    record_lab(store, coord, SUBJECT, _plat(dt.date(2024, 2, 1), "140"), today=TODAY)
    record_adverse_event(store, coord, SUBJECT, AdverseEvent(
        TERM, 1, dt.date(2024, 2, 1), False, (("DEB-TACE", Relatedness.POSSIBLE),),
        AeAction.DOSE_NOT_CHANGED, AeOutcome.NOT_RECOVERED), today=TODAY)
    record_lab(store, coord, SUBJECT, _plat(dt.date(2024, 2, 22), "18"), today=TODAY)
    # The recorded event says grade 1; the labs say grade 4: the worse grade is proposed.
    assert [p.grade for p in _platelet_proposals(a13_trial)] == [4]


def test_a_sample_after_the_first_treatment_flagged_baseline_does_not_hide_it(a13_trial):
    """LBBLFL=Y on a sample taken after the first DEB-TACE: CDISC's baseline is the last
    value *before* treatment. Flagged so, a grade 4 is neither proposed nor is any later
    value up to grade 4 (the baseline grade becomes 4). Either the flag is refused at
    entry, or the sample still counts as treatment-emergent."""
    store, coord = a13_trial.store, a13_trial.coordinator
    _treated(a13_trial)
    try:
        record_lab(store, coord, SUBJECT, _plat(dt.date(2024, 2, 1), "18", True),
                   today=TODAY)
    except CoreError:
        return  # refused at entry: nothing hidden
    record_lab(store, coord, SUBJECT, _plat(dt.date(2024, 2, 22), "20"), today=TODAY)
    assert [p.grade for p in _platelet_proposals(a13_trial)] == [4]
