"""A subject's timeline from the clinical record and the final read (issue #13 item 4).

Pure: the record's values and the final read's result data in, a ``core.model.timeline``
out. Day 0 is the enrolment (docs/clinical.md §6). On treatment runs from the first session
or dose to the end of treatment (or the last dose while treatment goes on); each drug is a
span from its first to its last dose; each DEB-TACE session, each assessment of the final
read (with its overall response), each adverse event (grade and term), the progression,
the death and the last date known alive are marks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.model.clinical_record import ClinicalRecord
from core.model.timeline import Lane, Mark, MarkKind, Span, Timeline


def subject_timeline(record: ClinicalRecord, day_zero: dt.date,
                     final_result: dict[str, Any] | None = None) -> Timeline:
    """The timeline of *record*, counted from *day_zero*, with the final read's
    assessments when there is one (docs/clinical.md §6)."""
    sessions = [entry.value for entry in record.treatment_sessions]
    doses = [entry.value for entry in record.doses]
    marks = [Mark(Lane.TREATMENT, MarkKind.TACE, s.session_date, f"TACE {n}")
             for n, s in enumerate(sorted(sessions, key=lambda s: s.session_date), 1)]
    spans = []
    by_drug: dict[str, list[dt.date]] = {}
    for dose in doses:
        by_drug.setdefault(dose.drug, []).extend(
            [dose.start_date, dose.end_date or dose.start_date])
    for drug, days in sorted(by_drug.items()):
        spans.append(Span(Lane.DRUGS, drug, min(days), max(days)))
    starts = [s.session_date for s in sessions] + [d for days in by_drug.values() for d in days]
    end = record.end_of_treatment.value.end_date if record.end_of_treatment else None
    if starts:
        last = end if end is not None else max(starts)
        spans.insert(0, Span(Lane.TREATMENT, "on treatment", min(starts), max(last, min(starts))))
    for event in (entry.value for entry in record.adverse_events):
        marks.append(Mark(Lane.EVENTS, MarkKind.ADVERSE_EVENT, event.onset_date,
                          f"G{event.grade} {event.term}"))
    for contact in (entry.value for entry in record.follow_up):
        if contact.death_date is not None:
            marks.append(Mark(Lane.EVENTS, MarkKind.DEATH, contact.death_date, "death"))
        if contact.last_known_alive is not None:
            marks.append(Mark(Lane.EVENTS, MarkKind.LAST_KNOWN_ALIVE,
                              contact.last_known_alive, "alive"))
    if final_result is not None:
        for row in final_result.get("timepoints", []):
            marks.append(Mark(Lane.IMAGING, MarkKind.ASSESSMENT,
                              dt.date.fromisoformat(row["date"]),
                              row.get("overall_response") or "baseline"))
        progression = final_result.get("progression")
        if progression:
            marks.append(Mark(Lane.EVENTS, MarkKind.PROGRESSION,
                              dt.date.fromisoformat(progression["date"]), "progression"))
    return Timeline(record.subject, day_zero, tuple(spans), tuple(marks))
