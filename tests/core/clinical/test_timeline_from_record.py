"""A subject's timeline built from the demo-like record and a final read (#13 item 4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.clinical.timeline import subject_timeline
from core.model.clinical_record import (
    AdverseEvent,
    AeAction,
    AeOutcome,
    ClinicalEntry,
    ClinicalRecord,
    DoseAdjustment,
    DoseRecord,
    EndOfTreatment,
    EndOfTreatmentReason,
    FollowUp,
    Relatedness,
    Route,
    TreatmentSession,
)
from core.model.timeline import Lane, MarkKind

DAY0 = dt.date(2026, 2, 5)


def _entry(value: object, number: int = 1) -> ClinicalEntry:
    return ClinicalEntry(number, "HCC-003", value)


RECORD = ClinicalRecord(
    "HCC-003",
    treatment_sessions=(
        _entry(TreatmentSession(
            DAY0 + dt.timedelta(days=1), "pirarubicin", Decimal(40), "mg", 300, 500, True)),),
    doses=(_entry(DoseRecord(
        "anlotinib", DAY0 + dt.timedelta(days=3), Decimal(1176), Decimal(1176), "mg",
        Route.ORAL, DAY0 + dt.timedelta(days=80), DoseAdjustment.NONE)),),
    adverse_events=(_entry(AdverseEvent(
        "Hypertension", 2, DAY0 + dt.timedelta(days=13), False,
        (("anlotinib", Relatedness.PROBABLE),), AeAction.DOSE_NOT_CHANGED,
        AeOutcome.RECOVERED, DAY0 + dt.timedelta(days=40))),),
    end_of_treatment=_entry(EndOfTreatment(
        DAY0 + dt.timedelta(days=88), EndOfTreatmentReason.CONFIRMED_PROGRESSION)),
    follow_up=(_entry(FollowUp(
        death_date=DAY0 + dt.timedelta(days=200), death_cause="tumour progression")),),
)
FINAL = {"timepoints": [{"date": "2026-02-02", "overall_response": None},
                        {"date": "2026-03-16", "overall_response": "SD"},
                        {"date": "2026-04-27", "overall_response": "PD"}],
         "progression": {"label": "Week 12", "date": "2026-04-27"}}


def test_the_timeline_has_every_part_of_the_course_at_its_day():
    timeline = subject_timeline(RECORD, DAY0, FINAL)
    spans = {(span.lane, span.label): (timeline.day(span.start), timeline.day(span.end))
             for span in timeline.spans}
    assert spans == {(Lane.TREATMENT, "on treatment"): (1, 88),
                     (Lane.DRUGS, "anlotinib"): (3, 80)}
    marks = {(mark.kind, mark.label): timeline.day(mark.date) for mark in timeline.marks}
    assert marks[(MarkKind.TACE, "TACE 1")] == 1
    assert marks[(MarkKind.ASSESSMENT, "baseline")] == -3  # imaged before enrolment
    assert marks[(MarkKind.ASSESSMENT, "PD")] == 81
    assert marks[(MarkKind.PROGRESSION, "progression")] == 81
    assert marks[(MarkKind.ADVERSE_EVENT, "G2 Hypertension")] == 13
    assert marks[(MarkKind.DEATH, "death")] == 200
    assert timeline.last_day == 200


def test_without_a_final_read_the_imaging_lane_is_empty():
    timeline = subject_timeline(RECORD, DAY0)
    assert not [mark for mark in timeline.marks if mark.lane is Lane.IMAGING]
    empty = subject_timeline(ClinicalRecord("HCC-009"), DAY0)
    assert (empty.spans, empty.marks) == ((), ())
