"""OS and PFS per subject, from the clinical record and the final reads (issue #13).

The coordinator's view of the trial's time-to-event endpoints, the input of the survival
statistics (``core.stats.kaplan_meier``): for each enrolled subject, overall survival from
enrolment to death or the last date known alive, and progression-free survival from
enrolment to the first progression by the **final** (concordant or adjudicated) read, or
death, with the FDA (2018) censoring rules (``core.clinical.endpoints``, docs/clinical.md
§6). A subject without a final read yet has no PFS, and says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.actions._access import authorize
from core.actions.clinical import CLINICAL_ROLES, _load_record
from core.clinical import Endpoint, TumourAssessment, overall_survival, progression_free_survival
from core.errors import CoreError
from core.model.clinical_record import ClinicalRecord, ScreeningOutcome
from core.model.trial import FinalResult, Session
from core.store import Store, adjudications
from core.store import trial as trial_store
from core.store.settings import get_setting

# The visit window around each 6-weekly assessment, in days, when the trial sets none
# (setting ``visit_window_days``): it decides when an assessment counts as missed.
DEFAULT_VISIT_WINDOW_DAYS = 7
VISIT_WINDOW_SETTING = "visit_window_days"


@dataclass(frozen=True, slots=True)
class SubjectEndpoints:
    """One subject's OS and PFS (``None`` where it cannot be derived, with *note* why)."""

    subject: str
    overall_survival: Endpoint | None
    progression_free_survival: Endpoint | None
    note: str = ""


def subject_endpoints(store: Store, session: Session) -> tuple[SubjectEndpoints, ...]:
    """OS and PFS of every subject screened as enrolled, in subject order (coordinator).

    Raises
    ------
    PermissionDeniedError
        Any other role: readers stay blind to the clinical record.
    """
    with store.snapshot():
        authorize(store, session, *CLINICAL_ROLES)
        window = int(get_setting(store, VISIT_WINDOW_SETTING, DEFAULT_VISIT_WINDOW_DAYS))
        finals = {final.subject: final for final in adjudications.current_finals(store)}
        out = []
        for subject in trial_store.all_subjects(store):
            record = _load_record(store, subject)
            screening = record.screening.value if record.screening else None
            if screening is None or screening.outcome is not ScreeningOutcome.ENROLLED \
                    or screening.enrolment_date is None:
                continue
            out.append(_subject(record, screening.enrolment_date, finals.get(subject.code),
                                window))
        return tuple(out)


def _subject(record: ClinicalRecord, enrolment: dt.date, final: FinalResult | None,
             window_days: int) -> SubjectEndpoints:
    """The subject's endpoints; a record they cannot be derived from yet (no contact, a
    death before the enrolment) gives none, with the rule's reason, and never stops the
    other subjects' (the record is then to be completed or corrected)."""
    try:
        return _endpoints(record, enrolment, final, window_days)
    except CoreError as exc:
        return SubjectEndpoints(record.subject, None, None, f"not derivable: {exc}")


def _endpoints(record: ClinicalRecord, enrolment: dt.date, final: FinalResult | None,
               window_days: int) -> SubjectEndpoints:
    follow_ups = [entry.value for entry in record.follow_up]
    deaths = [f.death_date for f in follow_ups if f.death_date is not None]
    alive = [f.last_known_alive for f in follow_ups if f.last_known_alive is not None]
    death = min(deaths, default=None)
    os = overall_survival(enrolment, death, max(alive, default=None))
    if final is None:
        return SubjectEndpoints(record.subject, os, None,
                                "no final read yet: PFS waits for a decided dual read")
    end = record.end_of_treatment.value if record.end_of_treatment else None
    baseline, assessments = _assessments(final.result)
    pfs = progression_free_survival(
        enrolment, baseline, assessments, death=death,
        new_therapy_start=end.subsequent_therapy_start if end else None,
        treatment_stop=end.end_date if end else None, window_days=window_days)
    return SubjectEndpoints(record.subject, os, pfs,
                            f"final read through {final.through_label} ({final.source})")


def _assessments(result: dict[str, Any]) -> tuple[dt.date | None, list[TumourAssessment]]:
    """The baseline date and the follow-up assessments of a final read's result data."""
    rows = list(result.get("timepoints", []))
    if not rows:
        return None, []
    baseline = dt.date.fromisoformat(rows[0]["date"])
    progression = result.get("progression")
    progression_date = progression["date"] if progression else None
    assessments = [TumourAssessment(dt.date.fromisoformat(row["date"]),
                                    row.get("overall_response") or "NE",
                                    is_progression=row["date"] == progression_date)
                   for row in rows[1:]]
    return baseline, assessments
