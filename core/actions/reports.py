"""The coordinator's views: progress, final results, and reads exported as case files.

A read is exported, and a final result shown as sound, only while every signature behind
it matches what it signed (docs/signatures.md §5; 21 CFR 11.70).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from core.actions._access import authorize
from core.actions.integrity import SignatureCheck, check_adjudication, check_read
from core.actions.safekeeping import audit_anchor, recorded_check
from core.criteria import case_to_data
from core.errors import PermissionDeniedError, SignatureError
from core.model.reading import Read, Role
from core.model.trial import (
    FinalResult,
    ResignatureNeeded,
    Session,
    Subject,
    Task,
    TrialStatus,
    User,
)
from core.reading import build_case, valid_signed_prefix
from core.store import Store, adjudications, reads, status
from core.store import trial as trial_store


def trial_status(store: Store, session: Session) -> TrialStatus:
    """Progress per reader and the adjudication counts (coordinator or admin); for the
    coordinator also the signed timepoints waiting for a new signature after an
    amendment, with the reason (the admin sees no read content: docs/reading.md §2)."""
    with store.snapshot():
        user = authorize(store, session, Role.COORDINATOR, Role.ADMIN)
        info = trial_store.trial_info(store)
        counts = status.cycle_counts(store)
        stale = tuple(ResignatureNeeded(subject, str(slot), label, reason)
                      for subject, slot, label, reason
                      in status.awaiting_resignature(store)) \
            if user.role is Role.COORDINATOR else ()
        return TrialStatus(info.name, info.criteria, counts["subjects"],
                           status.reader_progress(store), counts["open"],
                           counts["adjudicated"], counts["concordant"], stale,
                           audit_anchor(store), recorded_check(store), store.anchor_problem)


def final_results(store: Store, session: Session) -> tuple[FinalResult, ...]:
    """Each subject's current final result (its latest cycle), for the coordinator.

    A result whose read or adjudication no longer matches its signatures says so in
    ``signature_problems`` (and is not exported).
    """
    with store.snapshot():
        authorize(store, session, Role.COORDINATOR)
        out = []
        for final in adjudications.current_finals(store):
            subject = trial_store.find_subject(store, final.subject)
            assert subject is not None, "a final result's subject exists"
            problems = tuple(str(check) for check in final_checks(store, subject)
                             if not check.ok)
            out.append(dataclasses.replace(final, signature_problems=problems))
        return tuple(out)


def final_checks(store: Store, subject: Subject) -> tuple[SignatureCheck, ...]:
    """The checks of every signature the subject's current final result rests on."""
    found = adjudications.latest_final_task(store, subject.subject_id)
    if found is None:
        return ()
    task = reads.find_task(store, found[0])
    assert task is not None, "a final result's task exists"
    read = reads.load_read(store, task)
    checks = check_read(store, trial_store.trial_info(store), task, read,
                        (read.index_of(found[1]) or 0) + 1)
    if found[2] is not None:
        adjudication = adjudications.find_adjudication(store, found[2])
        assert adjudication is not None, "a final result's adjudication exists"
        signature = adjudications.decision_signature(store, found[2])
        checks = (*checks, check_adjudication(adjudication, signature))
    return checks


def _refuse_unmatched(entity: str, checks: tuple[SignatureCheck, ...]) -> None:
    """Refuse an export resting on a signature that no longer matches (21 CFR 11.70)."""
    bad = [check for check in checks if not check.ok]
    if bad:
        raise SignatureError(entity, "not exported, a signature no longer matches: "
                             + " | ".join(map(str, bad)))


def visible_subject(store: Store, code: str) -> Subject:
    """Subject *code*; one message whether it is missing or not the caller's to see."""
    subject = trial_store.find_subject(store, code)
    if subject is None:
        raise PermissionDeniedError(f"subject {code!r}", "not found or not visible to you")
    return subject


def _final_read(store: Store, subject: Subject, entity: str) -> tuple[Read, int]:
    final = adjudications.latest_final_task(store, subject.subject_id)
    if final is None:
        raise PermissionDeniedError(entity, "this subject has no final result yet")
    task = reads.find_task(store, final[0])
    assert task is not None, "a final result's task exists"
    read = reads.load_read(store, task)
    _refuse_unmatched(entity, final_checks(store, subject))
    return read, (read.index_of(final[1]) or 0) + 1


def _reader_read(store: Store, user: User, subject: Subject, slot: int,
                 entity: str) -> tuple[Read, int]:
    task: Task | None = next((task for task in trial_store.subject_tasks(store, subject)
                              if task.slot == slot), None)
    if task is None or (user.role is Role.READER and task.reader_id != user.user_id):
        raise PermissionDeniedError(entity, "not found or not yours")
    read = reads.load_read(store, task)
    # Signed timepoints only: one waiting for a new signature is not (docs/signatures.md §4).
    through = valid_signed_prefix(read.timepoints)
    if through == 0:
        raise PermissionDeniedError(entity, "nothing signed yet")
    _refuse_unmatched(entity, check_read(store, trial_store.trial_info(store), task, read,
                                         through))
    return read, through


def export_case(store: Store, session: Session, subject: str,
                read: str = "final") -> dict[str, Any]:
    """One read of a subject as ``mrecist-case/1`` data, validly signed timepoints only.

    Parameters
    ----------
    read
        ``"final"`` (the subject's current final read, up to its cycle's timepoint), or
        ``"1"``/``"2"`` for reader 1's or 2's signed read. A coordinator may export any of
        them; a reader only their own read.

    Raises
    ------
    PermissionDeniedError
        The role may not see this read, or there is nothing signed to export.
    SignatureError
        A signature the export rests on no longer matches what it signed (naming the
        subject, the read and the timepoint).
    """
    entity = f"subject {subject!r} read {read}"
    with store.snapshot():
        user = authorize(store, session, Role.COORDINATOR, Role.READER)
        if read not in ("final", "1", "2"):
            raise PermissionDeniedError(entity, "read is 'final', '1' or '2'")
        if read == "final" and user.role is not Role.COORDINATOR:
            raise PermissionDeniedError(entity, "final reads are the coordinator's")
        if user.role is Role.READER:
            # One refusal whether the subject is missing, not assigned to this reader, or
            # theirs in the other slot: nothing about the other read is learnt by asking.
            found_or_none = trial_store.find_subject(store, subject)
            if found_or_none is None or not any(
                    task.slot == int(read) and task.reader_id == user.user_id
                    for task in trial_store.subject_tasks(store, found_or_none)):
                raise PermissionDeniedError(entity, "not found or not yours")
        found = visible_subject(store, subject)
        if read == "final":
            loaded, through = _final_read(store, found, entity)
        else:
            loaded, through = _reader_read(store, user, found, int(read), entity)
        info = trial_store.trial_info(store)
    return case_to_data(build_case(loaded, info.criteria, info.options, through))


def export_case_json(store: Store, session: Session, subject: str, read: str = "final") -> str:
    """``export_case`` as indented JSON text."""
    data = export_case(store, session, subject, read)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
