"""The coordinator's views: progress, final results, and reads exported as case files."""

from __future__ import annotations

import json
from typing import Any

from core.actions._access import authorize
from core.criteria import case_to_data
from core.errors import PermissionDeniedError
from core.model.reading import Read, Role
from core.model.trial import FinalResult, Session, Subject, TrialStatus, User
from core.reading import build_case, signed_prefix
from core.store import Store, adjudications, reads, status
from core.store import trial as trial_store


def trial_status(store: Store, session: Session) -> TrialStatus:
    """Progress per reader and the adjudication counts (coordinator or admin; no content)."""
    with store.snapshot():
        authorize(store, session, Role.COORDINATOR, Role.ADMIN)
        info = trial_store.trial_info(store)
        counts = status.cycle_counts(store)
        return TrialStatus(info.name, info.criteria, counts["subjects"],
                           status.reader_progress(store), counts["open"],
                           counts["adjudicated"], counts["concordant"])


def final_results(store: Store, session: Session) -> tuple[FinalResult, ...]:
    """Each subject's current final result (its latest cycle), for the coordinator."""
    with store.snapshot():
        authorize(store, session, Role.COORDINATOR)
        return adjudications.current_finals(store)


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
    return read, (read.index_of(final[1]) or 0) + 1


def _reader_read(store: Store, user: User, subject: Subject, slot: int,
                 entity: str) -> tuple[Read, int]:
    task = next((task for task in trial_store.subject_tasks(store, subject)
                 if task.slot == slot), None)
    if task is None or (user.role is Role.READER and task.reader_id != user.user_id):
        raise PermissionDeniedError(entity, "not found or not yours")
    read = reads.load_read(store, task)
    through = signed_prefix(read.statuses)
    if through == 0:
        raise PermissionDeniedError(entity, "nothing signed yet")
    return read, through


def export_case(store: Store, session: Session, subject: str,
                read: str = "final") -> dict[str, Any]:
    """One read of a subject as ``mrecist-case/1`` data, signed timepoints only.

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
    """
    entity = f"subject {subject!r} read {read}"
    with store.snapshot():
        user = authorize(store, session, Role.COORDINATOR, Role.READER)
        found = visible_subject(store, subject)
        if read == "final":
            if user.role is not Role.COORDINATOR:
                raise PermissionDeniedError(entity, "final reads are the coordinator's")
            loaded, through = _final_read(store, found, entity)
        elif read in ("1", "2"):
            loaded, through = _reader_read(store, user, found, int(read), entity)
        else:
            raise PermissionDeniedError(entity, "read is 'final', '1' or '2'")
        info = trial_store.trial_info(store)
    return case_to_data(build_case(loaded, info.criteria, info.options, through))


def export_case_json(store: Store, session: Session, subject: str, read: str = "final") -> str:
    """``export_case`` as indented JSON text."""
    data = export_case(store, session, subject, read)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
