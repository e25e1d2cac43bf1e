"""A reader's work: lesions, calipers, findings, signatures and amendments.

Every call takes the reader's ``Session`` and touches only that reader's own tasks: a task,
lesion or timepoint of another read is refused with ``PermissionDeniedError`` whether or
not it exists, so ids cannot be used to probe the other read (response-criteria §8). The
workflow rules come from ``core.reading``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from core.criteria import CaseError, case_to_data, evaluate
from core.errors import PermissionDeniedError, WorkflowError
from core.model.reading import (
    LABEL_PREFIX,
    Finding,
    Lesion,
    LesionCategory,
    Measurement,
    Read,
    Role,
    TimepointStatus,
)
from core.model.trial import SeriesRecord, Session, Signature, Task
from core.reading import (
    build_case,
    edit_refusal,
    finding_refusal,
    lesion_selection_refusal,
)
from core.store import audit, cycles
from core.store.auth import reauthenticate, require
from core.store.db import Store, utc_now
from core.store.loading import load_read
from core.store.rows import (
    finding_to_row,
    lesion_from_row,
    lesion_to_row,
    measurement_from_row,
    measurement_to_row,
    series_from_row,
)
from core.store.trial import case_options, trial_info

SIGN_MEANING = "Author: I read this timepoint and am responsible for these assessments."
AMEND_MEANING = "Author: I made this amendment and am responsible for it."


def _own_task(store: Store, session: Session, task_id: int) -> tuple[int, dict[str, Any]]:
    actor = require(store, session, Role.READER)
    task = store.row("SELECT * FROM tasks WHERE id = ?", (task_id,))
    if task is None or task["reader_id"] != actor:
        raise PermissionDeniedError(f"task {task_id}", "not found or not yours")
    return actor, task


def _own_lesion(store: Store, session: Session, lesion_id: int) -> tuple[int, dict[str, Any]]:
    actor = require(store, session, Role.READER)
    lesion = store.row("SELECT l.*, t.reader_id FROM lesions l JOIN tasks t ON t.id = l.task_id "
                       "WHERE l.id = ?", (lesion_id,))
    if lesion is None or lesion["reader_id"] != actor:
        raise PermissionDeniedError(f"lesion {lesion_id}", "not found or not yours")
    return actor, lesion


def _index(read: Read, timepoint_id: int) -> int:
    for index, timepoint in enumerate(read.timepoints):
        if timepoint.timepoint_id == timepoint_id:
            return index
    raise PermissionDeniedError(f"timepoint {timepoint_id}", "not part of this read")


def _statuses(read: Read) -> list[TimepointStatus]:
    return [timepoint.status for timepoint in read.timepoints]


def _check_editable(read: Read, index: int) -> None:
    refusal = edit_refusal(_statuses(read), index)
    if refusal:
        timepoint = read.timepoints[index]
        raise WorkflowError(f"{read.subject} {timepoint.label}", refusal)


def my_tasks(store: Store, session: Session) -> tuple[Task, ...]:
    """The acting reader's tasks, in subject order."""
    actor = require(store, session, Role.READER)
    rows = store.rows("SELECT t.id, s.code, t.slot FROM tasks t JOIN subjects s "
                      "ON s.id = t.subject_id WHERE t.reader_id = ? ORDER BY s.code", (actor,))
    return tuple(Task(row["id"], row["code"], row["slot"], session.login) for row in rows)


def get_read(store: Store, session: Session, task_id: int) -> Read:
    """The acting reader's own read of one task (never another reader's)."""
    _own_task(store, session, task_id)
    return load_read(store, task_id)


def list_series(store: Store, session: Session, task_id: int,
                timepoint_id: int) -> tuple[SeriesRecord, ...]:
    """The imaging series of one timepoint of the reader's own task, by phase."""
    _own_task(store, session, task_id)
    _index(load_read(store, task_id), timepoint_id)
    rows = store.rows("SELECT * FROM series WHERE timepoint_id = ? ORDER BY phase, id",
                      (timepoint_id,))
    return tuple(map(series_from_row, rows))


def _next_label(store: Store, task_id: int, category: LesionCategory) -> str:
    prefix = LABEL_PREFIX[category]
    numbers = [int(row["label"][len(prefix):]) for row in store.rows(
        "SELECT label FROM lesions WHERE task_id = ? AND category = ?",
        (task_id, category.value)) if row["label"][len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


def add_lesion(store: Store, session: Session, task_id: int, timepoint_id: int,
               category: LesionCategory | str, organ: str, *, is_node: bool = False,
               is_previously_treated: bool = False, is_porta_hepatis: bool = False,
               kind: str | None = None, location: str | None = None) -> Lesion:
    """Add a lesion to the reader's read; it is labelled T/NT/N plus the next number.

    Target and non-target lesions are added at baseline before it is signed; new lesions
    at a follow-up timepoint the reader may edit.
    """
    actor, _task = _own_task(store, session, task_id)
    category = LesionCategory(category)
    with store.transaction():
        read = load_read(store, task_id)
        index = _index(read, timepoint_id)
        _check_editable(read, index)
        refusal = lesion_selection_refusal(category, index, read.timepoints[0].status)
        if refusal:
            raise WorkflowError(f"{read.subject} {read.timepoints[index].label}", refusal)
        lesion = Lesion(0, _next_label(store, task_id, category), category, organ,
                        timepoint_id, is_node, is_previously_treated, is_porta_hepatis, kind,
                        location)
        row = lesion_to_row(lesion)
        lesion_id = store.execute(
            "INSERT INTO lesions (task_id, label, category, organ, first_timepoint_id, "
            "is_node, is_previously_treated, is_porta_hepatis, kind, location) VALUES "
            "(:task_id, :label, :category, :organ, :first_timepoint_id, :is_node, "
            ":is_previously_treated, :is_porta_hepatis, :kind, :location)",
            {"task_id": task_id, **row})
        audit.record(store, actor, "create", "lesion", lesion_id, None, row)
    return lesion_from_row({"id": lesion_id, **row})


def delete_lesion(store: Store, session: Session, lesion_id: int) -> None:
    """Remove a lesion added by mistake, while the timepoint it was added at is open."""
    actor, row = _own_lesion(store, session, lesion_id)
    with store.transaction():
        read = load_read(store, row["task_id"])
        index = _index(read, row["first_timepoint_id"])
        if read.timepoints[index].status is not TimepointStatus.OPEN:
            raise WorkflowError(f"{read.subject} lesion {row['label']}",
                                "was recorded at a signed timepoint and stays in the read")
        # The lesion's calipers and findings go with it; each gets its own audit row.
        for table, entity in (("measurements", "measurement"), ("findings", "finding")):
            for child in store.rows(f"SELECT * FROM {table} WHERE lesion_id = ?", (lesion_id,)):
                store.execute(f"DELETE FROM {table} WHERE id = ?", (child["id"],))
                audit.record(store, actor, "delete", entity, child.pop("id"), child, None)
        store.execute("DELETE FROM lesions WHERE id = ?", (lesion_id,))
        audit.record(store, actor, "delete", "lesion", lesion_id,
                     lesion_to_row(lesion_from_row(row)), None)


def _check_lesion_timepoint(store: Store, session: Session, lesion_id: int,
                            timepoint_id: int) -> tuple[int, Read]:
    actor, row = _own_lesion(store, session, lesion_id)
    read = load_read(store, row["task_id"])
    index = _index(read, timepoint_id)
    _check_editable(read, index)
    if _index(read, row["first_timepoint_id"]) > index:
        raise WorkflowError(f"{read.subject} lesion {row['label']}",
                            f"was first seen after {read.timepoints[index].label}")
    return actor, read


def save_measurement(store: Store, session: Session, measurement: Measurement) -> Measurement:
    """Save one caliper (replacing the lesion's caliper of the same kind at that timepoint).

    The save is durable when this returns: the commit is synced to disk.
    """
    row = measurement_to_row(measurement)
    key = (measurement.lesion_id, measurement.timepoint_id, measurement.kind.value)
    with store.transaction():
        actor, _read = _check_lesion_timepoint(store, session, measurement.lesion_id,
                                               measurement.timepoint_id)
        before = store.row("SELECT * FROM measurements WHERE lesion_id = ? AND "
                           "timepoint_id = ? AND kind = ?", key)
        measurement_id = store.execute(
            "INSERT INTO measurements (lesion_id, timepoint_id, kind, length_mm, start_rc, "
            "end_rc, start_xyz, end_xyz, sop_instance_uid, frame) VALUES (:lesion_id, "
            ":timepoint_id, :kind, :length_mm, :start_rc, :end_rc, :start_xyz, :end_xyz, "
            ":sop_instance_uid, :frame) ON CONFLICT (lesion_id, timepoint_id, kind) DO UPDATE "
            "SET length_mm = excluded.length_mm, start_rc = excluded.start_rc, "
            "end_rc = excluded.end_rc, start_xyz = excluded.start_xyz, "
            "end_xyz = excluded.end_xyz, sop_instance_uid = excluded.sop_instance_uid, "
            "frame = excluded.frame", row)
        if before is not None:
            measurement_id = before.pop("id")
        audit.record(store, actor, "update" if before else "create", "measurement",
                     measurement_id, before, row)
    return measurement_from_row(row)


def delete_measurement(store: Store, session: Session, lesion_id: int, timepoint_id: int,
                       kind: str) -> None:
    """Remove one caliper from an editable timepoint."""
    with store.transaction():
        actor, _read = _check_lesion_timepoint(store, session, lesion_id, timepoint_id)
        before = store.row("SELECT * FROM measurements WHERE lesion_id = ? AND "
                           "timepoint_id = ? AND kind = ?", (lesion_id, timepoint_id, kind))
        if before is None:
            return
        store.execute("DELETE FROM measurements WHERE id = ?", (before["id"],))
        audit.record(store, actor, "delete", "measurement", before.pop("id"), before, None)


def save_finding(store: Store, session: Session, finding: Finding) -> Finding:
    """Save what the reader recorded about a lesion at one timepoint (state, enhancement)."""
    row = finding_to_row(finding)
    with store.transaction():
        actor, read = _check_lesion_timepoint(store, session, finding.lesion_id,
                                              finding.timepoint_id)
        lesion = next(item for item in read.lesions if item.lesion_id == finding.lesion_id)
        refusal = finding_refusal(lesion.category, finding.state)
        if refusal:
            raise WorkflowError(f"{read.subject} lesion {lesion.label}", refusal)
        before = store.row("SELECT * FROM findings WHERE lesion_id = ? AND timepoint_id = ?",
                           (finding.lesion_id, finding.timepoint_id))
        finding_id = store.execute(
            "INSERT INTO findings (lesion_id, timepoint_id, state, arterial_enhancement, "
            "washout, is_equivocal, is_cytology_confirmed) VALUES (:lesion_id, "
            ":timepoint_id, :state, :arterial_enhancement, :washout, :is_equivocal, "
            ":is_cytology_confirmed) ON CONFLICT (lesion_id, timepoint_id) DO UPDATE SET "
            "state = excluded.state, arterial_enhancement = excluded.arterial_enhancement, "
            "washout = excluded.washout, is_equivocal = excluded.is_equivocal, "
            "is_cytology_confirmed = excluded.is_cytology_confirmed", row)
        if before is not None:
            finding_id = before.pop("id")
        audit.record(store, actor, "update" if before else "create", "finding", finding_id,
                     before, row)
    return finding


def set_not_assessed(store: Store, session: Session, task_id: int, timepoint_id: int,
                     is_not_assessed: bool) -> None:
    """Record a follow-up timepoint as not assessed (a missed assessment), or undo that."""
    actor, _task = _own_task(store, session, task_id)
    with store.transaction():
        read = load_read(store, task_id)
        index = _index(read, timepoint_id)
        _check_editable(read, index)
        if index == 0:
            raise WorkflowError(f"{read.subject} baseline", "the baseline must be assessed")
        rt = store.row("SELECT id FROM read_timepoints WHERE task_id = ? AND timepoint_id = ?",
                       (task_id, timepoint_id))
        assert rt is not None
        store.execute("UPDATE read_timepoints SET not_assessed = ? WHERE id = ?",
                      (int(is_not_assessed), rt["id"]))
        audit.record(store, actor, "update", "read_timepoint", rt["id"],
                     {"not_assessed": read.timepoints[index].is_not_assessed},
                     {"not_assessed": is_not_assessed})


def content_sha256(read: Read, criteria: str, through: int) -> str:
    """SHA-256 of the case-file form of the read's first *through* timepoints."""
    data = case_to_data(build_case(read, criteria, through=through))
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_signable(store: Store, read: Read, index: int) -> None:
    timepoint = read.timepoints[index]
    entity = f"{read.subject} {timepoint.label}"
    if timepoint.status is TimepointStatus.SIGNED:
        raise WorkflowError(entity, "is signed already")
    _check_editable(read, index)
    info = trial_info(store)
    signed = [i for i, tp in enumerate(read.timepoints) if tp.status is TimepointStatus.SIGNED]
    through = max([*signed, index]) + 1
    try:
        evaluate(build_case(read, info.criteria, case_options(info), through=through))
    except CaseError as error:
        problems = "; ".join(str(problem) for problem in error.problems)
        raise WorkflowError(entity, f"cannot be signed: {problems}") from None


def sign_timepoint(store: Store, session: Session, task_id: int, timepoint_id: int,
                   password: str, meaning: str | None = None) -> Signature:
    """Sign one timepoint of the reader's read: it becomes immutable.

    The reader's password is checked again (21 CFR 11.200), the read up to this timepoint
    must be complete enough for the response engine, and earlier timepoints must be
    signed. When both reads of the subject are then signed up to the same timepoint, the
    dual-read cycle is evaluated (``core.store.cycles``).

    Raises
    ------
    SignatureError
        Wrong password.
    WorkflowError
        Signed already, out of date order, or the read is incomplete (the engine's
        problems are listed).
    """
    actor, task = _own_task(store, session, task_id)
    read = load_read(store, task_id)
    index = _index(read, timepoint_id)
    _check_signable(store, read, index)
    timepoint = read.timepoints[index]
    entity = f"{read.subject} {timepoint.label}"
    reauthenticate(store, session, password, entity)
    is_amendment = timepoint.status is TimepointStatus.AMENDING
    meaning = meaning or (AMEND_MEANING if is_amendment else SIGN_MEANING)
    with store.transaction():
        read = load_read(store, task_id)  # re-read under the write lock
        _check_signable(store, read, index)
        rt = store.row("SELECT id FROM read_timepoints WHERE task_id = ? AND timepoint_id = ?",
                       (task_id, timepoint_id))
        assert rt is not None
        digest = content_sha256(read, trial_info(store).criteria, index + 1)
        signed_utc = utc_now()
        signature_id = store.execute(
            "INSERT INTO signatures (user_id, signer_name, signed_utc, meaning, entity, "
            "entity_id, content_sha256) VALUES (?, ?, ?, ?, 'read_timepoint', ?, ?)",
            (actor, session.display_name, signed_utc, meaning, rt["id"], digest))
        store.execute("UPDATE read_timepoints SET status = 'signed', signature_id = ? "
                      "WHERE id = ?", (signature_id, rt["id"]))
        if is_amendment:
            store.execute("UPDATE amendments SET signature_id = ? WHERE read_timepoint_id = ? "
                          "AND signature_id IS NULL", (signature_id, rt["id"]))
        audit.record(store, actor, "sign", "read_timepoint", rt["id"],
                     {"status": timepoint.status.value},
                     {"status": "signed", "signature_id": signature_id, "meaning": meaning,
                      "content_sha256": digest})
        cycles.evaluate_cycle(store, task["subject_id"], actor)
    return Signature(signature_id, session.display_name, signed_utc, meaning,
                     "read_timepoint", digest)


def amend_timepoint(store: Store, session: Session, task_id: int, timepoint_id: int,
                    reason: str) -> None:
    """Re-open a signed timepoint for a correction; the reason is recorded and audited.

    The baseline's lesion selection stays fixed; a final result or adjudication that
    rested on this timepoint is superseded until the read is signed again.
    """
    actor, task = _own_task(store, session, task_id)
    if not reason.strip():
        raise WorkflowError(f"task {task_id}", "an amendment needs a reason")
    with store.transaction():
        read = load_read(store, task_id)
        index = _index(read, timepoint_id)
        timepoint = read.timepoints[index]
        if timepoint.status is not TimepointStatus.SIGNED:
            raise WorkflowError(f"{read.subject} {timepoint.label}",
                                "only a signed timepoint is amended; edit it directly")
        rt = store.row("SELECT id FROM read_timepoints WHERE task_id = ? AND timepoint_id = ?",
                       (task_id, timepoint_id))
        assert rt is not None
        store.execute("UPDATE read_timepoints SET status = 'amending' WHERE id = ?", (rt["id"],))
        amendment_id = store.execute(
            "INSERT INTO amendments (read_timepoint_id, user_id, reason, created_utc) "
            "VALUES (?, ?, ?, ?)", (rt["id"], actor, reason, utc_now()))
        audit.record(store, actor, "amend", "read_timepoint", rt["id"],
                     {"status": "signed"},
                     {"status": "amending", "amendment_id": amendment_id, "reason": reason})
        cycles.supersede(store, task["subject_id"], index, actor)
