"""The coordinator's view of one subject's clinical record (issue #13 item 4).

``subject_overview`` is what the coordinator's forms show: the record with every value
derived from it (``core.clinical.overview``: grades, scores, criteria, dose intensities,
the proposed adverse events), the timeline with the final read's assessments. A proposed
event is confirmed with ``record_adverse_event`` and dismissed with
``record_lab_event_dismissal`` (``core.actions.clinical``).
"""

from __future__ import annotations

from core.actions._access import authorize
from core.actions.clinical import CLINICAL_ROLES, _load_record
from core.actions.reports import visible_subject
from core.clinical.overview import ClinicalOverview, clinical_overview
from core.model.trial import Session
from core.store import Store, adjudications


def subject_overview(store: Store, session: Session, subject: str) -> ClinicalOverview:
    """*subject*'s clinical record with its grades, scores, criteria, dose intensities,
    proposed adverse events and timeline (coordinator only).

    Raises
    ------
    PermissionDeniedError
        Any other role, or no such subject.
    """
    with store.snapshot():
        authorize(store, session, *CLINICAL_ROLES)
        found = visible_subject(store, subject)
        final = next((f for f in adjudications.current_finals(store)
                      if f.subject == found.code), None)
        return clinical_overview(_load_record(store, found),
                                 final.result if final is not None else None)
