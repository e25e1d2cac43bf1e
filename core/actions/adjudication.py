"""The adjudicator's actions: the queue, the two reads as A and B, the signed choice.

The adjudicator sees open adjudications only, both reads without task ids or reader
identity, and triggers worded "A vs B" (docs/reading.md §3). The chosen read's result,
as the engine decided it when the cycle was opened, becomes the subject's final result.
"""

from __future__ import annotations

from core.actions._access import authorize
from core.errors import PermissionDeniedError, SignatureError, WorkflowError
from core.model.reading import Role
from core.model.trial import (
    Adjudication,
    AdjudicationTask,
    AdjudicationView,
    FinalResult,
    SeriesRecord,
    Session,
)
from core.reading import ADJUDICATION_MEANING, anonymised, content_sha256, truncated
from core.store import Store, adjudications, reads
from core.store.auth import signer_confirmed

CHOICES = ("A", "B")


def _open(store: Store, adjudication_id: int) -> Adjudication:
    found = adjudications.find_adjudication(store, adjudication_id)
    if found is None or found.status != "open":
        raise PermissionDeniedError(f"adjudication {adjudication_id}", "not found or not open")
    return found


def open_adjudications(store: Store, session: Session) -> tuple[AdjudicationTask, ...]:
    """The adjudicator's worklist: open adjudications, oldest first."""
    with store.snapshot():
        authorize(store, session, Role.ADJUDICATOR)
        return adjudications.open_adjudication_tasks(store)


def get_adjudication(store: Store, session: Session, adjudication_id: int) -> AdjudicationView:
    """The two signed reads of a discordant subject as A and B, without reader identity."""
    with store.snapshot():
        authorize(store, session, Role.ADJUDICATOR)
        found = _open(store, adjudication_id)
        shown = []
        for task_id in (found.task_a_id, found.task_b_id):
            task = reads.find_task(store, task_id)
            assert task is not None, "an adjudication's tasks exist"
            read = reads.load_read(store, task)
            through = (read.index_of(found.through_timepoint_id) or 0) + 1
            shown.append(anonymised(truncated(read, through)))
    return AdjudicationView(found.adjudication_id, found.subject, found.through_label,
                            found.triggers, shown[0], shown[1], found.result_a,
                            found.result_b)


def adjudication_series(store: Store, session: Session,
                        adjudication_id: int) -> tuple[SeriesRecord, ...]:
    """The imaging series of an open adjudication's subject, up to its cycle's timepoint."""
    with store.snapshot():
        authorize(store, session, Role.ADJUDICATOR)
        found = _open(store, adjudication_id)
        return adjudications.series_through(store, found.subject_id, found.through_timepoint_id)


def adjudicate(store: Store, session: Session, adjudication_id: int, choice: str,
               rationale: str, password: str) -> FinalResult:
    """Select read ``"A"`` or ``"B"`` with a rationale and sign; it becomes the final read.

    The signature covers the chosen read's result as the engine decided it (21 CFR 11.50,
    11.200(a)); no engine runs again.

    Raises
    ------
    WorkflowError
        No rationale, or a choice other than A or B.
    SignatureError
        Wrong password.
    """
    with store.transaction():
        user = authorize(store, session, Role.ADJUDICATOR)
        found = _open(store, adjudication_id)
        entity = f"adjudication {adjudication_id} ({found.subject})"
        if choice not in CHOICES:
            raise WorkflowError(entity, f"choose read A or B, not {choice!r}")
        if not rationale.strip():
            raise WorkflowError(entity, "the adjudicator's rationale is required")
        confirmed = signer_confirmed(store, session, password)
        if confirmed:
            task_id, result = ((found.task_a_id, found.result_a) if choice == "A"
                               else (found.task_b_id, found.result_b))
            adjudications.record_decision(store, user.user_id, user.display_name, found,
                                          choice, rationale, ADJUDICATION_MEANING,
                                          content_sha256(result))
            adjudications.insert_final(store, user.user_id, found.subject_id,
                                       found.through_timepoint_id, task_id, "adjudicated",
                                       adjudication_id, result)
    if not confirmed:  # the failed attempt was counted and committed above
        raise SignatureError(entity, "password does not match the signer's; not signed")
    # Reader slot 0: the adjudicator stays blind to which reader wrote the chosen read.
    return FinalResult(found.subject, found.through_label, "adjudicated", 0, result,
                       adjudication_id, rationale)
