"""The adjudicator's actions: the queue, the two reads as A and B, the signed choice.

The adjudicator sees open adjudications only, both reads without task ids or reader
identity, signing dates but not times, and triggers worded "A vs B" (docs/reading.md §3).
The chosen read's result, as the engine decided it when the cycle was opened, becomes the
subject's final result. A cycle is decided only while every signature of both reads
through it matches what it signed (docs/signatures.md §5).
"""

from __future__ import annotations

from core.actions._access import authorize
from core.actions.integrity import check_read
from core.errors import PermissionDeniedError, SignatureError, WorkflowError
from core.model.reading import Read, Role
from core.model.trial import (
    Adjudication,
    AdjudicationTask,
    AdjudicationView,
    EarlierDecision,
    FinalResult,
    ResignatureNeeded,
    SeriesRecord,
    Session,
)
from core.reading import (
    ADJUDICATION_MEANING,
    adjudication_content,
    anonymised,
    canonical_json,
    signed_sha256,
    truncated,
)
from core.store import Store, adjudications, reads
from core.store import trial as trial_store
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


def _cycle_reads(store: Store, found: Adjudication) -> tuple[list[Read], tuple[str, ...]]:
    """Reads A and B through the cycle, and what no longer matches in their signatures.

    The problems name the read by its letter, never its reader (docs/reading.md §2).
    """
    trial = trial_store.trial_info(store)
    shown: list[Read] = []
    problems: list[str] = []
    for letter, task_id in zip("AB", (found.task_a_id, found.task_b_id), strict=True):
        task = reads.find_task(store, task_id)
        assert task is not None, "an adjudication's tasks exist"
        read = reads.load_read(store, task)
        through = (read.index_of(found.through_timepoint_id) or 0) + 1
        shown.append(truncated(read, through))
        problems.extend(f"read {letter} {check.timepoint}: {check.state.value}: "
                        f"{check.problem}"
                        for check in check_read(store, trial, task, read, through)
                        if not check.ok)
    return shown, tuple(problems)


def get_adjudication(store: Store, session: Session, adjudication_id: int) -> AdjudicationView:
    """The two signed reads of a discordant subject as A and B, without reader identity.

    ``signature_problems`` lists any signature of either read that no longer matches what
    it signed; while it is not empty the cycle cannot be decided.
    """
    with store.snapshot():
        authorize(store, session, Role.ADJUDICATOR)
        found = _open(store, adjudication_id)
        shown, problems = _cycle_reads(store, found)
    return AdjudicationView(found.adjudication_id, found.subject, found.through_label,
                            found.triggers, anonymised(shown[0]), anonymised(shown[1]),
                            found.result_a, found.result_b, problems)


def earlier_decisions(store: Store, session: Session,
                      adjudication_id: int) -> tuple[EarlierDecision, ...]:
    """The subject's decisions of earlier cycles, read-only beside an open adjudication.

    A later timepoint re-opens the dual read; the adjudicator sees what was decided before
    (which letter, the rationale, when) and may not change it (docs/reading.md §3).
    """
    with store.snapshot():
        authorize(store, session, Role.ADJUDICATOR)
        found = _open(store, adjudication_id)
        return adjudications.decided_before(store, found.subject_id, adjudication_id)


def awaiting_resignature(store: Store, session: Session) -> tuple[ResignatureNeeded, ...]:
    """Why a withdrawn adjudication waits: the timepoints of its cycle, by read letter, that
    must be signed again.

    An amendment withdraws (supersedes) the adjudications resting on the amended timepoint
    or later; for each subject whose latest adjudication was withdrawn, this names the
    read ("A" or "B", as before, never the reader) and the timepoints up to that cycle's
    that wait for a new signature, with the reason (the amended timepoint, the date, the
    amendment's reason). The cycle returns to the queue once they are signed again
    (docs/signatures.md §4).
    """
    with store.snapshot():
        authorize(store, session, Role.ADJUDICATOR)
        return tuple(ResignatureNeeded(*row)
                     for row in adjudications.withdrawn_resignatures(store))


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

    Both reads' signatures through the cycle are checked first: a cycle whose reads no
    longer match what was signed cannot be decided. The signature covers the cycle, both
    results as the engine decided them when it was opened, the choice and the rationale
    (``core.reading.adjudication_content``; 21 CFR 11.50, 11.70, 11.200(a)).

    Raises
    ------
    WorkflowError
        No rationale, a choice other than A or B, or a signature of read A or B that no
        longer matches.
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
        _shown, problems = _cycle_reads(store, found)
        if problems:
            raise WorkflowError(entity, "cannot be decided while a signature no longer "
                                        f"matches: {' | '.join(problems)}")
        confirmed = signer_confirmed(store, session, password)
        if confirmed:
            task_id, result = ((found.task_a_id, found.result_a) if choice == "A"
                               else (found.task_b_id, found.result_b))
            content = adjudication_content(found.subject, found.through_label, found.triggers,
                                           found.result_a, found.result_b, choice, rationale)
            adjudications.record_decision(store, user.user_id, user.display_name, found,
                                          choice, rationale, ADJUDICATION_MEANING,
                                          signed_sha256(content), canonical_json(content))
            adjudications.insert_final(store, user.user_id, found.subject_id,
                                       found.through_timepoint_id, task_id, "adjudicated",
                                       adjudication_id, result)
    if not confirmed:  # the failed attempt was counted and committed above
        raise SignatureError(entity, "password does not match the signer's; not signed")
    # Reader slot 0: the adjudicator stays blind to which reader wrote the chosen read.
    return FinalResult(found.subject, found.through_label, "adjudicated", 0, result,
                       adjudication_id, rationale)
