"""A reader's actions: lesions, calipers, findings, signatures and amendments.

Each action is one function that loads what it needs once (inside one transaction), applies
the rules of ``core.reading`` once, writes once with its audit row, and returns a
``ReadUpdate``: the changed value, the read as it now is and the engine's result of it
(docs/ARCHITECTURE.md, "One path of a user action"). A reader touches only their own
tasks; everything else is ``PermissionDeniedError`` (``core.actions._access``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from core.actions import cycles
from core.actions._access import authorize, own_lesion_task, own_task
from core.actions._engine import evaluate_read
from core.actions.outcome import ReadUpdate
from core.criteria import Result
from core.errors import PermissionDeniedError, SignatureError, WorkflowError
from core.geometry import CALIPER_PRECISION_MM, measure_caliper, plane_of_image
from core.model.clinical import LesionCategory
from core.model.imaging import Phase
from core.model.reading import (
    Caliper,
    Finding,
    Lesion,
    Measurement,
    MeasurementKind,
    Read,
    Role,
    TimepointStatus,
)
from core.model.trial import SeriesRecord, Session, Signature, Task, TrialInfo, User
from core.reading import (
    SignSummary,
    amend_refusal,
    canonical_json,
    edit_refusal,
    evaluation_through,
    finding_refusal,
    finding_state,
    first_seen_refusal,
    image_refusal,
    kind_refusal,
    length_refusal,
    lesion_removal_refusal,
    lesion_selection_refusal,
    next_label,
    not_assessed_refusal,
    read_caliper_problems,
    recorded_caliper_problems,
    resignature_needed,
    resignature_reason,
    sign_refusal,
    sign_summary,
    signature_meaning,
    signed_content,
    signed_sha256,
    viable_total_refusal,
    with_finding,
    with_lesion,
    with_measurement,
    with_timepoint,
    without_finding,
    without_lesion,
    without_measurement,
)
from core.store import Store, adjudications, reads
from core.store import trial as trial_store
from core.store.auth import MAX_FAILED_LOGINS, find_user, signer_confirmed
from core.store.db import utc_now

T = TypeVar("T")


@dataclass(frozen=True)
class _Opened:
    """What an action on one read loads once: who acts, the task, the read, the trial."""

    user: User
    task: Task
    read: Read
    trial: TrialInfo


def _open_task(store: Store, session: Session, task_id: int) -> _Opened:
    user = authorize(store, session, Role.READER)
    task = own_task(store, user, task_id)
    return _Opened(user, task, reads.load_read(store, task), trial_store.trial_info(store))


def _open_lesion(store: Store, session: Session, lesion_id: int) -> tuple[_Opened, Lesion]:
    user = authorize(store, session, Role.READER)
    task = own_lesion_task(store, user, lesion_id)
    read = reads.load_read(store, task)
    lesion = read.lesion_with_id(lesion_id)
    assert lesion is not None, "the lesion's own task holds it"
    return _Opened(user, task, read, trial_store.trial_info(store)), lesion


def _index(read: Read, timepoint_id: int) -> int:
    index = read.index_of(timepoint_id)
    if index is None:
        raise PermissionDeniedError(f"timepoint {timepoint_id}", "not part of this read")
    return index


def _where(read: Read, index: int) -> str:
    return f"{read.subject} {read.timepoints[index].label}"


def _refuse(entity: str, refusal: str | None) -> None:
    if refusal is not None:
        raise WorkflowError(entity, refusal)


def _editable_index(read: Read, timepoint_id: int) -> int:
    index = _index(read, timepoint_id)
    _refuse(_where(read, index), edit_refusal(read.statuses, index))
    return index


E = TypeVar("E", LesionCategory, MeasurementKind)


def _choice(kind: type[E], value: E | str, what: str) -> E:
    """*value* as a member of *kind*, or a WorkflowError listing the choices."""
    try:
        return kind(value)
    except ValueError:
        names = ", ".join(member.value for member in kind)
        raise WorkflowError(what, f"the {what}'s kind is one of {names}, not {value!r}") \
            from None


def _updated(opened: _Opened, read: Read, index: int, value: T) -> ReadUpdate[T]:
    through = evaluation_through(read.statuses, index)
    result, problems = evaluate_read(read, opened.trial, through)
    return ReadUpdate(value, read, through, result, problems)


# -- looking ------------------------------------------------------------------------------

def my_tasks(store: Store, session: Session) -> tuple[Task, ...]:
    """The acting reader's tasks, in subject order."""
    with store.snapshot():
        user = authorize(store, session, Role.READER)
        return reads.reader_tasks(store, user.user_id)


def get_read(store: Store, session: Session, task_id: int) -> Read:
    """The acting reader's own read of one task (never another reader's)."""
    with store.snapshot():
        user = authorize(store, session, Role.READER)
        return reads.load_read(store, own_task(store, user, task_id))


def read_state(store: Store, session: Session, task_id: int,
               timepoint_id: int) -> ReadUpdate[None]:
    """The reader's read with the engine's result as of one timepoint: what a screen opens."""
    with store.snapshot():
        opened = _open_task(store, session, task_id)
    return _updated(opened, opened.read, _index(opened.read, timepoint_id), None)


def list_series(store: Store, session: Session, task_id: int,
                timepoint_id: int) -> tuple[SeriesRecord, ...]:
    """The imaging series of one timepoint of the reader's own task, by phase."""
    with store.snapshot():
        opened = _open_task(store, session, task_id)
        _index(opened.read, timepoint_id)
        return trial_store.timepoint_series(store, (timepoint_id,))


# -- lesions ------------------------------------------------------------------------------

def add_lesion(store: Store, session: Session, task_id: int, timepoint_id: int,
               category: LesionCategory | str, organ: str, *, is_node: bool = False,
               is_previously_treated: bool = False, is_porta_hepatis: bool = False,
               kind: str | None = None, location: str | None = None) -> ReadUpdate[Lesion]:
    """Add a lesion to the reader's read; it is labelled T/NT/N plus the next number.

    Target and non-target lesions are added at baseline before it is signed; new lesions
    at a follow-up timepoint the reader may edit (``core.reading.lesion_selection_refusal``).
    """
    with store.transaction():
        opened = _open_task(store, session, task_id)
        category = _choice(LesionCategory, category, "lesion")
        read = opened.read
        index = _editable_index(read, timepoint_id)
        _refuse(_where(read, index),
                lesion_selection_refusal(category, index, read.timepoints[0].status))
        draft = Lesion(0, next_label(read, category), category, organ, timepoint_id, is_node,
                       is_previously_treated, is_porta_hepatis, kind, location)
        lesion = reads.insert_lesion(store, opened.user.user_id, task_id, draft)
    return _updated(opened, with_lesion(read, lesion), index, lesion)


def delete_lesion(store: Store, session: Session, lesion_id: int) -> ReadUpdate[None]:
    """Remove a lesion added by mistake, while the timepoint it was added at is open."""
    with store.transaction():
        opened, lesion = _open_lesion(store, session, lesion_id)
        read = opened.read
        _refuse(f"{read.subject} lesion {lesion.label}", lesion_removal_refusal(read, lesion))
        reads.delete_lesion(store, opened.user.user_id, lesion)
    return _updated(opened, without_lesion(read, lesion_id),
                    _index(read, lesion.first_timepoint_id), None)


def _lesion_timepoint(opened: _Opened, lesion: Lesion, timepoint_id: int) -> int:
    index = _editable_index(opened.read, timepoint_id)
    _refuse(f"{opened.read.subject} lesion {lesion.label}",
            first_seen_refusal(opened.read, lesion, index))
    return index


# -- calipers -----------------------------------------------------------------------------

def save_caliper(store: Store, session: Session, lesion_id: int, timepoint_id: int,
                 kind: MeasurementKind | str, caliper: Caliper) -> ReadUpdate[Measurement]:
    """Save one caliper of a lesion (replacing its caliper of the same kind at that timepoint).

    The length and patient coordinates are measured here from the end points and the
    registered image's plane, never taken from the caller: the image must be one of the
    timepoint's, both ends inside it, the caller's length must agree with what its ends
    measure, and a viable diameter cannot exceed the total one (``core.reading.calipers``).
    The save is durable when this returns: the commit is synced to disk.
    """
    with store.transaction():
        opened, lesion = _open_lesion(store, session, lesion_id)
        kind = _choice(MeasurementKind, kind, "caliper")
        read = opened.read
        index = _lesion_timepoint(opened, lesion, timepoint_id)
        where = _where(read, index)
        image = trial_store.timepoint_image(store, timepoint_id, caliper.sop_instance_uid,
                                            caliper.frame)
        _refuse(where, image_refusal(image, caliper, where))
        assert image is not None
        measured = measure_caliper(plane_of_image(image), caliper.start_rc, caliper.end_rc,
                                   caliper.sop_instance_uid, caliper.frame,
                                   on_lossy_image=image.is_lossy)
        _refuse(where, length_refusal(caliper.length_mm, measured.length_mm,
                                      CALIPER_PRECISION_MM))
        _refuse(where, kind_refusal(lesion, kind, measured.length_mm))
        _refuse(where, viable_total_refusal(read, lesion, timepoint_id, kind,
                                            measured.length_mm))
        # The phase it was drawn on, as the store knows the series now (docs/reading.md).
        series = trial_store.image_owner(store, caliper.sop_instance_uid, caliper.frame)
        measurement = Measurement(lesion_id, timepoint_id, kind, measured,
                                  _phase_of(series))
        reads.upsert_measurement(store, opened.user.user_id, measurement)
    return _updated(opened, with_measurement(read, measurement), index, measurement)


def _phase_of(series: SeriesRecord | None) -> Phase | None:
    try:
        return Phase(series.phase) if series is not None else None
    except ValueError:
        return None


def delete_caliper(store: Store, session: Session, lesion_id: int, timepoint_id: int,
                   kind: MeasurementKind | str) -> ReadUpdate[None]:
    """Remove one caliper from an editable timepoint (nothing happens if there is none)."""
    with store.transaction():
        opened, lesion = _open_lesion(store, session, lesion_id)
        kind = _choice(MeasurementKind, kind, "caliper")
        index = _lesion_timepoint(opened, lesion, timepoint_id)
        reads.delete_measurement(store, opened.user.user_id, lesion_id, timepoint_id, kind)
    read = without_measurement(opened.read, (lesion_id, timepoint_id, kind))
    return _updated(opened, read, index, None)


# -- findings and timepoints --------------------------------------------------------------

def record_finding(store: Store, session: Session, finding: Finding) -> ReadUpdate[Finding]:
    """Record what the reader saw of a lesion at one timepoint (state, enhancement, washout).

    A target takes a ``TargetState`` (or none: measured), a non-target a
    ``NonTargetState``, a new lesion no state (``core.reading.finding_refusal``).
    """
    with store.transaction():
        opened, lesion = _open_lesion(store, session, finding.lesion_id)
        index = _lesion_timepoint(opened, lesion, finding.timepoint_id)
        raw = None if finding.state is None else str(finding.state)
        _refuse(f"{opened.read.subject} lesion {lesion.label}",
                finding_refusal(lesion.category, raw))
        finding = dataclasses.replace(finding, state=finding_state(lesion.category, raw))
        reads.upsert_finding(store, opened.user.user_id, finding)
    return _updated(opened, with_finding(opened.read, finding), index, finding)


def clear_finding(store: Store, session: Session, lesion_id: int,
                  timepoint_id: int) -> ReadUpdate[None]:
    """Remove what was recorded of a lesion at one editable timepoint (a finding made by
    mistake); nothing happens if there is none."""
    with store.transaction():
        opened, lesion = _open_lesion(store, session, lesion_id)
        index = _lesion_timepoint(opened, lesion, timepoint_id)
        reads.delete_finding(store, opened.user.user_id, lesion_id, timepoint_id)
    read = without_finding(opened.read, (lesion_id, timepoint_id))
    return _updated(opened, read, index, None)


def set_not_assessed(store: Store, session: Session, task_id: int, timepoint_id: int,
                     is_not_assessed: bool) -> ReadUpdate[None]:
    """Record a follow-up timepoint as not assessed (a missed assessment), or undo that."""
    with store.transaction():
        opened = _open_task(store, session, task_id)
        index = _editable_index(opened.read, timepoint_id)
        _refuse(_where(opened.read, index), not_assessed_refusal(index))
        timepoint = opened.read.timepoints[index]
        reads.set_not_assessed(store, opened.user.user_id, task_id, timepoint_id,
                               is_not_assessed, timepoint.is_not_assessed)
    read = with_timepoint(opened.read,
                          dataclasses.replace(timepoint, is_not_assessed=is_not_assessed))
    return _updated(opened, read, index, None)


# -- signatures ---------------------------------------------------------------------------

def _signable(store: Store, opened: _Opened, index: int) -> dict[int, Result]:
    """Refuse what cannot be signed; else the engine's results a signature needs.

    The results are by number of timepoints: the one through this timepoint, which the
    signature covers, and the one through the last signed timepoint, which decides the
    cycle (they are one when nothing later is signed).
    """
    read = opened.read
    where = _where(read, index)
    _refuse(where, sign_refusal(read.timepoints, index))
    through = evaluation_through(read.statuses, index)
    _refuse(where, _incomplete(read_caliper_problems(read, through)))
    images = trial_store.images_of(store, ((m.timepoint_id, m.caliper.sop_instance_uid,
                                            m.caliper.frame) for m in read.measurements))
    _refuse(where, _incomplete(recorded_caliper_problems(read, through, images)))
    results = {}
    for count in sorted({through, index + 1}, reverse=True):
        result, problems = evaluate_read(read, opened.trial, count)
        _refuse(where, _incomplete(tuple(str(problem) for problem in problems)))
        assert result is not None
        results[count] = result
    return results


@dataclass(frozen=True)
class SignPreview:
    """What a signature of one timepoint would cover, and who would sign it.

    *signer* is the printed name a signature records (21 CFR 11.50(a)(1)); *summary* the
    content read back as a screen shows it (``core.reading.sign_summary``).
    """

    signer: str
    login: str
    summary: SignSummary


def sign_preview(store: Store, session: Session, task_id: int,
                 timepoint_id: int) -> SignPreview:
    """What ``sign_timepoint`` would sign now, for the dialog that asks for the password.

    The same refusals and the same engine run as the signature itself, without the
    password, so a screen shows exactly the content whose digest would be recorded
    (21 CFR 11.50; docs/signatures.md §3.1). Changes nothing.

    Raises
    ------
    WorkflowError
        Signed already, out of date order, or the read is incomplete.
    """
    with store.snapshot():
        opened = _open_task(store, session, task_id)
        index = _index(opened.read, timepoint_id)
        results = _signable(store, opened, index)
    return SignPreview(opened.user.display_name, opened.user.login,
                       sign_summary(opened.read, index, results[index + 1]))


def sign_timepoint(store: Store, session: Session, task_id: int, timepoint_id: int,
                   password: str, meaning: str | None = None, *,
                   shown_sha256: str | None = None) -> ReadUpdate[Signature]:
    """Sign one timepoint of the reader's read: it becomes immutable.

    The reader's password is checked again (21 CFR 11.200(a)), earlier timepoints must be
    validly signed, and the read up to this timepoint (and any later signed one) must be
    complete for the response engine. The signature covers the read through this
    timepoint — lesions, every caliper's end points, image and length, findings — and the
    engine's result through it (``core.reading.signed_content``, docs/signatures.md). A
    signed timepoint that waits for a new signature after an earlier one was amended is
    signed again here (meaning ``RESIGN_MEANING``). The read is loaded once and the engine
    runs once (twice when later timepoints are signed: the result through this one is
    what it covers); when both reads of the subject are then signed to the same timepoint,
    the dual-read cycle is decided in the same transaction (``core.actions.cycles``),
    reusing these results.

    *shown_sha256* is the digest of the content the signer was shown (``sign_preview``):
    if the read changed since (another window, a second station on the same account), the
    signature is refused before the password is checked — a signature must cover what its
    signer saw (21 CFR 11.50(b), 11.70).

    Raises
    ------
    SignatureError
        Wrong password; when that failure locked the account (``MAX_FAILED_LOGINS`` in a
        row, 11.300(d)) the reason says so, and the session has ended.
    WorkflowError
        Signed already, out of date order, the read is incomplete (the engine's problems
        are listed), or it is no longer what was shown.
    """
    signature: Signature | None = None
    with store.transaction():
        opened = _open_task(store, session, task_id)
        read = opened.read
        index = _index(read, timepoint_id)
        where = _where(read, index)
        results = _signable(store, opened, index)
        through = evaluation_through(read.statuses, index)
        if shown_sha256 is not None and shown_sha256 != signed_sha256(
                signed_content(read, index + 1, results[index + 1])):
            raise WorkflowError(where, "the read changed after it was shown for signing; "
                                "not signed: review it and sign again")
        if signer_confirmed(store, session, password):
            signature, read = _sign(store, opened, index, results, meaning)
    if signature is None:  # the failed attempt was counted and committed above
        user = find_user(store, session.login)
        if user is not None and user.is_locked:
            raise SignatureError(where, f"password does not match the signer's; not signed. "
                                 f"The account is locked after {MAX_FAILED_LOGINS} failed "
                                 "attempts and this session has ended; an admin must "
                                 "unlock it")
        raise SignatureError(where, "password does not match the signer's; not signed")
    return ReadUpdate(signature, read, through, results[through])


def _sign(store: Store, opened: _Opened, index: int, results: dict[int, Result],
          meaning: str | None) -> tuple[Signature, Read]:
    """Record the signature, then decide the cycle with the results already computed.

    *results* are the engine's results by number of timepoints, among them the one
    through this timepoint, which the signature covers (21 CFR 11.70).
    """
    read = opened.read
    timepoint = read.timepoints[index]
    meaning = meaning or signature_meaning(timepoint)
    content = signed_content(read, index + 1, results[index + 1])
    signature = reads.sign_read_timepoint(
        store, opened.user.user_id, opened.user.display_name, opened.task.task_id,
        timepoint.timepoint_id, timepoint.status, meaning, signed_sha256(content),
        canonical_json(content))
    read = with_timepoint(read, dataclasses.replace(
        timepoint, status=TimepointStatus.SIGNED, signed_utc=signature.signed_utc,
        resign_reason=None))
    cycles.decide_cycle(store, opened.user.user_id, opened.task, read, opened.trial, results)
    return signature, read


def _incomplete(problems: tuple[str, ...]) -> str | None:
    return f"cannot be signed: {'; '.join(problems)}" if problems else None


def amend_timepoint(store: Store, session: Session, task_id: int, timepoint_id: int,
                    reason: str) -> ReadUpdate[int]:
    """Re-open a signed timepoint for a correction; the reason is recorded and audited.

    The baseline's lesion selection stays fixed; a final result or adjudication that
    rested on this timepoint is superseded until the read is signed again. Every later
    signed timepoint waits for a new signature, with the reason ("Baseline was amended on
    2026-03-02: ..."): its signature covers this one (docs/signatures.md §4). Returns the
    amendment's key as the value.
    """
    with store.transaction():
        opened = _open_task(store, session, task_id)
        index = _index(opened.read, timepoint_id)
        timepoint = opened.read.timepoints[index]
        if not reason.strip():
            raise WorkflowError(_where(opened.read, index), "an amendment needs a reason")
        _refuse(_where(opened.read, index), amend_refusal(timepoint.status))
        amendment_id = reads.open_amendment(store, opened.user.user_id, task_id,
                                            timepoint_id, reason)
        why = resignature_reason(timepoint.label, dt.date.fromisoformat(utc_now()[:10]),
                                 reason)
        read = with_timepoint(opened.read,
                              dataclasses.replace(timepoint, status=TimepointStatus.AMENDING))
        for later in resignature_needed(opened.read, index):
            reads.mark_resignature(store, opened.user.user_id, task_id, later.timepoint_id,
                                   why, amendment_id)
            read = with_timepoint(read, dataclasses.replace(later, resign_reason=why))
        adjudications.supersede_from(store, opened.user.user_id, opened.task.subject_id or 0,
                                     index)
    return _updated(opened, read, index, amendment_id)

