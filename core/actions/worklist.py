"""The reader's worklist: each assigned subject, each timepoint's state, the next to read.

Made from the reader's own tasks and reads alone (``_access``: a reader sees only their
tasks), so it carries nothing about the other read of a subject.
"""

from __future__ import annotations

from core.actions._access import authorize
from core.model.reading import Read, ReadTimepoint, Role, TimepointStatus
from core.model.trial import Session
from core.model.worklist import TimepointState, WorklistEntry, WorklistTimepoint
from core.store import Store, reads


def worklist(store: Store, session: Session) -> tuple[WorklistEntry, ...]:
    """The acting reader's worklist, in subject order (one consistent snapshot).

    Raises
    ------
    PermissionDeniedError
        The session is not live, or its user is not a reader.
    """
    with store.snapshot():
        user = authorize(store, session, Role.READER)
        return tuple(_entry(reads.load_read(store, task))
                     for task in reads.reader_tasks(store, user.user_id))


def timepoint_state(read: Read, timepoint: ReadTimepoint) -> TimepointState:
    """The worklist's word for one timepoint of *read*."""
    if timepoint.status is TimepointStatus.SIGNED:
        return (TimepointState.RESIGNATURE_NEEDED if timepoint.needs_resignature
                else TimepointState.SIGNED)
    if timepoint.status is TimepointStatus.AMENDING or timepoint.is_not_assessed:
        return TimepointState.IN_PROGRESS
    tid = timepoint.timepoint_id
    recorded = (any(m.timepoint_id == tid for m in read.measurements)
                or any(f.timepoint_id == tid for f in read.findings)
                or any(les.first_timepoint_id == tid for les in read.lesions))
    return TimepointState.IN_PROGRESS if recorded else TimepointState.NOT_STARTED


def _entry(read: Read) -> WorklistEntry:
    timepoints = tuple(WorklistTimepoint(tp.timepoint_id, tp.label, tp.date,
                                         timepoint_state(read, tp))
                       for tp in read.timepoints)
    # Timepoints are read and (re-)signed in date order: the first not validly signed.
    following = next((tp.timepoint_id for tp in timepoints
                      if tp.state is not TimepointState.SIGNED), None)
    return WorklistEntry(read.task_id, read.subject, timepoints, following)
