"""The clinical record: the coordinator enters, corrects and locks it (issue #13 item 1).

Each entry of a subject's record (docs/clinical-record.md) is recorded, changed or removed
by one action of its kind (``record_lab``, ``update_lab``, ``delete_lab`` ...), each in one
transaction with its audit row: who, when, the old and the new values. A change after
entry, an update or a removal, needs a reason, kept in the same audit row (21 CFR
11.10(e)). ``lock_clinical`` sets a data cut-off, after which every entry it covers is
locked and nothing behind the cut-off is written again.

The record is the coordinator's alone. Readers and adjudicators are blinded to it (a
response read must not be coloured by a subject's course), and the admin, who manages
accounts and the file, has no need of it: every one of these actions refuses every other
role with ``PermissionDeniedError`` (docs/security.md §4). Dates after today are refused
here, against *today* (the local date unless given).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from core.actions._access import authorize
from core.actions.reports import visible_subject
from core.clinical.overview import clinical_overview
from core.errors import ClinicalEntriesError, InvalidValueError, WorkflowError
from core.model.clinical_record import (
    SINGLE_KINDS,
    AdverseEvent,
    BaselineCharacteristics,
    ClinicalEntry,
    ClinicalKind,
    ClinicalRecord,
    ClinicalValue,
    DismissedLabEvent,
    DoseRecord,
    Eligibility,
    EndOfTreatment,
    FollowUp,
    LabResult,
    Screening,
    TreatmentSession,
    kind_of,
)
from core.model.reading import Role
from core.model.trial import Session, Subject
from core.reading.clinical_entry import (
    change_reason_refusal,
    cut_off_refusal,
    future_date_refusal,
    is_behind_cut_off,
    locked_refusal,
)
from core.store import Store
from core.store import clinical as clinical_store
from core.store import trial as trial_store

CLINICAL_ROLES = (Role.COORDINATOR,)


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else dt.date.today()


def _cut_off(store: Store, subject: Subject | None) -> dt.date | None:
    locks = clinical_store.subject_locks(store, subject)
    if subject is None:
        locks = tuple(lock for lock in locks if lock.subject is None)
    return max((lock.cut_off_date for lock in locks), default=None)


def _label(kind: ClinicalKind, subject: str) -> str:
    return f"subject {subject!r} {kind.value.replace('_', ' ')}"


def _entry_refusal(store: Store, subject: Subject, value: ClinicalValue, today: dt.date,
                   exclude: int | None = None, is_locked: bool = False) -> str | None:
    """Why *value* cannot be written for *subject* now, or ``None``."""
    refusal = (future_date_refusal(value, today)
               or locked_refusal(is_locked, value, _cut_off(store, subject)))
    if refusal:
        return refusal
    if clinical_store.conflicting_entry(store, subject, value, exclude) is not None:
        kind = kind_of(value)
        return ("already recorded for this subject" if kind in SINGLE_KINDS
                else "already recorded (the same " + {
                    ClinicalKind.ELIGIBILITY: "criterion",
                    ClinicalKind.LAB: "test on the same visit date",
                    ClinicalKind.LAB_EVENT_DISMISSAL: "term from the same date"}[kind] + ")")
    return None


def _dismissal_refusal(store: Store, subject: Subject, value: ClinicalValue,
                       exclude: int | None = None) -> str | None:
    """Why *value*, a dismissal, names no episode proposed now (docs/clinical.md §5): only
    a lab abnormality not yet recorded or dismissed can be dismissed, so that a dismissal
    can never hide an episode that has not happened yet."""
    if not isinstance(value, DismissedLabEvent):
        return None
    record = _load_record(store, subject)
    record = dataclasses.replace(record, dismissals=tuple(
        entry for entry in record.dismissals if entry.entry_id != exclude))
    if any(proposal.term == value.term and proposal.onset == value.onset_date
           and proposal.grade == value.grade
           for proposal in clinical_overview(record).proposals):
        return None
    return (f"no {value.term!r} episode of grade {value.grade} from "
            f"{value.onset_date.isoformat()} is proposed now: only an abnormal lab episode "
            "not yet recorded or dismissed can be dismissed, at the grade proposed")


def _record(store: Store, session: Session, subject: str, value: ClinicalValue,
            today: dt.date | None) -> ClinicalEntry[Any]:
    with store.transaction():
        actor = authorize(store, session, *CLINICAL_ROLES)
        kind = kind_of(value)
        found = visible_subject(store, subject)
        refusal = (_entry_refusal(store, found, value, _today(today))
                   or _dismissal_refusal(store, found, value))
        if refusal:
            raise WorkflowError(_label(kind, subject), refusal)
        return clinical_store.insert_entry(store, actor.user_id, found, value)


def _existing(store: Store, kind: ClinicalKind, entry_id: int) -> ClinicalEntry[Any]:
    entry = clinical_store.find_entry(store, kind, entry_id)
    if entry is None:
        raise WorkflowError(f"{kind.value.replace('_', ' ')} {entry_id}", "no such entry")
    return entry


def _update(store: Store, session: Session, entry_id: int, value: ClinicalValue,
            reason: str, today: dt.date | None, kind: ClinicalKind) -> ClinicalEntry[Any]:
    with store.transaction():
        actor = authorize(store, session, *CLINICAL_ROLES)
        if kind_of(value) is not kind:
            raise InvalidValueError(kind.value, type(value).__name__, "is another kind")
        entry = _existing(store, kind, entry_id)
        label = f"{_label(kind, entry.subject)} {entry_id}"
        refusal = change_reason_refusal(reason)
        if refusal is None:
            subject = visible_subject(store, entry.subject)
            refusal = (_entry_refusal(store, subject, value, _today(today), entry_id,
                                      entry.is_locked)
                       or _dismissal_refusal(store, subject, value, entry_id))
        if refusal:
            raise WorkflowError(label, refusal)
        return clinical_store.update_entry(store, actor.user_id, entry, value, reason.strip())


def _delete(store: Store, session: Session, entry_id: int, reason: str,
            kind: ClinicalKind) -> None:
    with store.transaction():
        actor = authorize(store, session, *CLINICAL_ROLES)
        entry = _existing(store, kind, entry_id)
        refusal = change_reason_refusal(reason) or locked_refusal(entry.is_locked, None, None)
        if refusal:
            raise WorkflowError(f"{_label(kind, entry.subject)} {entry_id}", refusal)
        clinical_store.delete_entry(store, actor.user_id, entry, reason.strip())


# -- the record as a whole -----------------------------------------------------------------

def clinical_record(store: Store, session: Session, subject: str) -> ClinicalRecord:
    """Everything recorded of *subject*'s clinical course (coordinator only).

    Raises
    ------
    PermissionDeniedError
        Any other role, or no such subject.
    """
    with store.snapshot():
        authorize(store, session, *CLINICAL_ROLES)
        return _load_record(store, visible_subject(store, subject))


def _load_record(store: Store, found: Subject) -> ClinicalRecord:
    """*found*'s clinical record, inside the caller's snapshot (for other actions: the
    caller has authorised the session)."""
    def entries(kind: ClinicalKind) -> tuple[ClinicalEntry[Any], ...]:
        return clinical_store.subject_entries(store, kind, found)

    def single(kind: ClinicalKind) -> ClinicalEntry[Any] | None:
        return next(iter(entries(kind)), None)

    return ClinicalRecord(
        found.code, entries(ClinicalKind.ELIGIBILITY), single(ClinicalKind.SCREENING),
        single(ClinicalKind.BASELINE), entries(ClinicalKind.TREATMENT_SESSION),
        entries(ClinicalKind.DOSE), entries(ClinicalKind.LAB),
        entries(ClinicalKind.ADVERSE_EVENT), single(ClinicalKind.END_OF_TREATMENT),
        entries(ClinicalKind.FOLLOW_UP), clinical_store.subject_locks(store, found),
        entries(ClinicalKind.LAB_EVENT_DISMISSAL))


def clinical_entries(store: Store, session: Session,
                     kind: ClinicalKind | str) -> tuple[ClinicalEntry[Any], ...]:
    """Every entry of *kind* of every subject, by subject code then date (coordinator
    only): what ``mrecist clinical export`` writes."""
    with store.snapshot():
        authorize(store, session, *CLINICAL_ROLES)
        return clinical_store.kind_entries(store, ClinicalKind(kind))


class _CheckedOnly(Exception):
    """Raised to roll back the entries of a check that records nothing."""


def record_clinical_entries(store: Store, session: Session,
                            entries: Sequence[tuple[str, ClinicalValue]], *,
                            what: str = "clinical entries", today: dt.date | None = None,
                            check_only: bool = False) -> tuple[ClinicalEntry[Any], ...]:
    """Record many entries (subject code, value) in one transaction: all or none.

    Every entry is checked as its own ``record_*`` action checks it (the subject, dates
    after today, the data cut-off, a duplicate, also of an earlier entry given here).
    With *check_only* nothing is recorded even when every entry passes (an import that
    refuses lines of its own still names every entry the store would refuse), and the
    result is empty.

    Raises
    ------
    PermissionDeniedError
        Any role but the coordinator.
    ClinicalEntriesError
        Naming every refused entry by its position (from 1) and the reason; nothing is
        recorded.
    """
    day = _today(today)
    try:
        with store.transaction():
            actor = authorize(store, session, *CLINICAL_ROLES)
            problems: list[tuple[int, str]] = []
            recorded = []
            for index, (code, value) in enumerate(entries, start=1):
                subject = trial_store.find_subject(store, code)
                refusal = (f"subject {code!r} is not registered" if subject is None
                           else _entry_refusal(store, subject, value, day)
                           or _dismissal_refusal(store, subject, value))
                if refusal or subject is None:
                    problems.append((index, refusal or ""))
                    continue
                recorded.append(clinical_store.insert_entry(store, actor.user_id, subject,
                                                            value))
            if problems:
                raise ClinicalEntriesError(what, tuple(problems))
            if check_only:
                raise _CheckedOnly
            return tuple(recorded)
    except _CheckedOnly:
        return ()


def lock_clinical(store: Store, session: Session, subject: str | None,
                  cut_off_date: dt.date, *, today: dt.date | None = None) -> int:
    """Lock the clinical record of *subject* (``None``: every subject) at a data cut-off.

    Every entry the cut-off covers (undated ones, eligibility, screening, baseline, and
    those dated on or before *cut_off_date*) is locked, audited one by one; from then on a
    locked entry is neither changed nor removed, and no entry behind the cut-off is
    recorded. Entries dated after it stay open. Returns how many entries were locked.

    Raises
    ------
    PermissionDeniedError
        Any role but the coordinator, or no such subject.
    WorkflowError
        The cut-off is after today, or not later than the one already set.
    """
    with store.transaction():
        actor = authorize(store, session, *CLINICAL_ROLES)
        found = None if subject is None else visible_subject(store, subject)
        label = "every subject" if found is None else f"subject {found.code!r}"
        refusal = cut_off_refusal(cut_off_date, _today(today), _cut_off(store, found))
        if refusal:
            raise WorkflowError(f"clinical record of {label}", refusal)
        clinical_store.insert_lock(store, actor.user_id, found, cut_off_date)
        count = 0
        for kind in ClinicalKind:
            entries = (clinical_store.kind_entries(store, kind) if found is None
                       else clinical_store.subject_entries(store, kind, found))
            for entry in entries:
                if not entry.is_locked and is_behind_cut_off(entry.value, cut_off_date):
                    clinical_store.set_locked(store, actor.user_id, entry, cut_off_date)
                    count += 1
        return count


# -- one action per kind --------------------------------------------------------------------


def record_eligibility(
        store: Store, session: Session, subject: str, value: Eligibility, *,
        today: dt.date | None = None) -> ClinicalEntry[Eligibility]:
    """Record an eligibility criterion's status for *subject* (coordinator only)."""
    return _record(store, session, subject, value, today)


def update_eligibility(
        store: Store, session: Session, entry_id: int, value: Eligibility, reason: str, *,
        today: dt.date | None = None) -> ClinicalEntry[Eligibility]:
    """Change an eligibility criterion's status, with the reason (coordinator only)."""
    return _update(store, session, entry_id, value, reason, today, ClinicalKind.ELIGIBILITY)


def delete_eligibility(store: Store, session: Session, entry_id: int, reason: str) -> None:
    """Remove an eligibility criterion's status, with the reason (coordinator only)."""
    _delete(store, session, entry_id, reason, ClinicalKind.ELIGIBILITY)


def record_screening(
        store: Store, session: Session, subject: str, value: Screening, *,
        today: dt.date | None = None) -> ClinicalEntry[Screening]:
    """Record the screening outcome for *subject* (coordinator only)."""
    return _record(store, session, subject, value, today)


def update_screening(
        store: Store, session: Session, entry_id: int, value: Screening, reason: str, *,
        today: dt.date | None = None) -> ClinicalEntry[Screening]:
    """Change the screening outcome, with the reason for the change (coordinator only)."""
    return _update(store, session, entry_id, value, reason, today, ClinicalKind.SCREENING)


def delete_screening(store: Store, session: Session, entry_id: int, reason: str) -> None:
    """Remove the screening outcome, with the reason (coordinator only)."""
    _delete(store, session, entry_id, reason, ClinicalKind.SCREENING)


def record_baseline(
        store: Store, session: Session, subject: str, value: BaselineCharacteristics, *,
        today: dt.date | None = None) -> ClinicalEntry[BaselineCharacteristics]:
    """Record the baseline characteristics for *subject* (coordinator only)."""
    return _record(store, session, subject, value, today)


def update_baseline(
        store: Store, session: Session, entry_id: int, value: BaselineCharacteristics,
        reason: str, *, today: dt.date | None = None) -> ClinicalEntry[BaselineCharacteristics]:
    """Change the baseline characteristics, with the reason for the change (coordinator only)."""
    return _update(store, session, entry_id, value, reason, today, ClinicalKind.BASELINE)


def delete_baseline(store: Store, session: Session, entry_id: int, reason: str) -> None:
    """Remove the baseline characteristics, with the reason (coordinator only)."""
    _delete(store, session, entry_id, reason, ClinicalKind.BASELINE)


def record_treatment_session(
        store: Store, session: Session, subject: str, value: TreatmentSession, *,
        today: dt.date | None = None) -> ClinicalEntry[TreatmentSession]:
    """Record a DEB-TACE session for *subject* (coordinator only)."""
    return _record(store, session, subject, value, today)


def update_treatment_session(
        store: Store, session: Session, entry_id: int, value: TreatmentSession, reason: str, *,
        today: dt.date | None = None) -> ClinicalEntry[TreatmentSession]:
    """Change a DEB-TACE session, with the reason for the change (coordinator only)."""
    return _update(store, session, entry_id, value, reason, today, ClinicalKind.TREATMENT_SESSION)


def delete_treatment_session(store: Store, session: Session, entry_id: int, reason: str) -> None:
    """Remove a DEB-TACE session, with the reason (coordinator only)."""
    _delete(store, session, entry_id, reason, ClinicalKind.TREATMENT_SESSION)


def record_dose(
        store: Store, session: Session, subject: str, value: DoseRecord, *,
        today: dt.date | None = None) -> ClinicalEntry[DoseRecord]:
    """Record a study drug's dose for *subject* (coordinator only)."""
    return _record(store, session, subject, value, today)


def update_dose(
        store: Store, session: Session, entry_id: int, value: DoseRecord, reason: str, *,
        today: dt.date | None = None) -> ClinicalEntry[DoseRecord]:
    """Change a study drug's dose, with the reason for the change (coordinator only)."""
    return _update(store, session, entry_id, value, reason, today, ClinicalKind.DOSE)


def delete_dose(store: Store, session: Session, entry_id: int, reason: str) -> None:
    """Remove a study drug's dose, with the reason (coordinator only)."""
    _delete(store, session, entry_id, reason, ClinicalKind.DOSE)


def record_lab(
        store: Store, session: Session, subject: str, value: LabResult, *,
        today: dt.date | None = None) -> ClinicalEntry[LabResult]:
    """Record a laboratory value for *subject* (coordinator only)."""
    return _record(store, session, subject, value, today)


def update_lab(
        store: Store, session: Session, entry_id: int, value: LabResult, reason: str, *,
        today: dt.date | None = None) -> ClinicalEntry[LabResult]:
    """Change a laboratory value, with the reason for the change (coordinator only)."""
    return _update(store, session, entry_id, value, reason, today, ClinicalKind.LAB)


def delete_lab(store: Store, session: Session, entry_id: int, reason: str) -> None:
    """Remove a laboratory value, with the reason (coordinator only)."""
    _delete(store, session, entry_id, reason, ClinicalKind.LAB)


def record_adverse_event(
        store: Store, session: Session, subject: str, value: AdverseEvent, *,
        today: dt.date | None = None) -> ClinicalEntry[AdverseEvent]:
    """Record an adverse event for *subject* (coordinator only)."""
    return _record(store, session, subject, value, today)


def update_adverse_event(
        store: Store, session: Session, entry_id: int, value: AdverseEvent, reason: str, *,
        today: dt.date | None = None) -> ClinicalEntry[AdverseEvent]:
    """Change an adverse event, with the reason for the change (coordinator only)."""
    return _update(store, session, entry_id, value, reason, today, ClinicalKind.ADVERSE_EVENT)


def delete_adverse_event(store: Store, session: Session, entry_id: int, reason: str) -> None:
    """Remove an adverse event, with the reason (coordinator only)."""
    _delete(store, session, entry_id, reason, ClinicalKind.ADVERSE_EVENT)


def record_end_of_treatment(
        store: Store, session: Session, subject: str, value: EndOfTreatment, *,
        today: dt.date | None = None) -> ClinicalEntry[EndOfTreatment]:
    """Record the end of treatment for *subject* (coordinator only)."""
    return _record(store, session, subject, value, today)


def update_end_of_treatment(
        store: Store, session: Session, entry_id: int, value: EndOfTreatment, reason: str, *,
        today: dt.date | None = None) -> ClinicalEntry[EndOfTreatment]:
    """Change the end of treatment, with the reason for the change (coordinator only)."""
    return _update(store, session, entry_id, value, reason, today, ClinicalKind.END_OF_TREATMENT)


def delete_end_of_treatment(store: Store, session: Session, entry_id: int, reason: str) -> None:
    """Remove the end of treatment, with the reason (coordinator only)."""
    _delete(store, session, entry_id, reason, ClinicalKind.END_OF_TREATMENT)


def record_follow_up(
        store: Store, session: Session, subject: str, value: FollowUp, *,
        today: dt.date | None = None) -> ClinicalEntry[FollowUp]:
    """Record a follow-up contact for *subject* (coordinator only)."""
    return _record(store, session, subject, value, today)


def update_follow_up(
        store: Store, session: Session, entry_id: int, value: FollowUp, reason: str, *,
        today: dt.date | None = None) -> ClinicalEntry[FollowUp]:
    """Change a follow-up contact, with the reason for the change (coordinator only)."""
    return _update(store, session, entry_id, value, reason, today, ClinicalKind.FOLLOW_UP)


def delete_follow_up(store: Store, session: Session, entry_id: int, reason: str) -> None:
    """Remove a follow-up contact, with the reason (coordinator only)."""
    _delete(store, session, entry_id, reason, ClinicalKind.FOLLOW_UP)


def record_lab_event_dismissal(
        store: Store, session: Session, subject: str, value: DismissedLabEvent, *,
        today: dt.date | None = None) -> ClinicalEntry[DismissedLabEvent]:
    """Dismiss a proposed adverse event (a lab episode: its term and first abnormal date)
    with the reason it is not one (coordinator only). Confirming one is recording the
    event, ``record_adverse_event``, with its relatedness.

    Raises
    ------
    WorkflowError
        Also when no such episode is proposed now.
    """
    return _record(store, session, subject, value, today)


def update_lab_event_dismissal(
        store: Store, session: Session, entry_id: int, value: DismissedLabEvent, reason: str,
        *, today: dt.date | None = None) -> ClinicalEntry[DismissedLabEvent]:
    """Change a dismissal (its reason, say), with the reason for the change (coordinator
    only)."""
    return _update(store, session, entry_id, value, reason, today,
                   ClinicalKind.LAB_EVENT_DISMISSAL)


def delete_lab_event_dismissal(store: Store, session: Session, entry_id: int,
                               reason: str) -> None:
    """Withdraw a dismissal, with the reason: the episode is proposed again (coordinator
    only)."""
    _delete(store, session, entry_id, reason, ClinicalKind.LAB_EVENT_DISMISSAL)
