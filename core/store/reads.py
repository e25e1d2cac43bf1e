"""Persist reads: load one whole, write its lesions, calipers, findings and signatures.

Persistence only. Whose read it is, whether it may change now and what a signature covers
are decided above the store (``core.actions`` with ``core.reading``); a function here
loads what it is asked for or writes one change with its audit row, inside the caller's
``Store.transaction()``.
"""

from __future__ import annotations

from core.model.reading import (
    Finding,
    Lesion,
    Measurement,
    MeasurementKind,
    Read,
    TimepointStatus,
)
from core.model.trial import Signature, Task
from core.store import audit
from core.store.db import Store, utc_now
from core.store.rows import (
    finding_from_row,
    finding_to_row,
    lesion_from_row,
    lesion_to_row,
    measurement_from_row,
    measurement_to_row,
    read_timepoint_from_row,
)


def find_task(store: Store, task_id: int) -> Task | None:
    """The reading task *task_id* with its subject and reader, or ``None``."""
    row = store.row("SELECT t.id, t.slot, t.reader_id, t.subject_id, s.code, u.login "
                    "FROM tasks t JOIN subjects s ON s.id = t.subject_id "
                    "JOIN users u ON u.id = t.reader_id WHERE t.id = ?", (task_id,))
    if row is None:
        return None
    return Task(row["id"], row["code"], row["slot"], row["login"], row["reader_id"],
                row["subject_id"])


def reader_tasks(store: Store, reader_id: int) -> tuple[Task, ...]:
    """The tasks of one reader, in subject order."""
    rows = store.rows("SELECT t.id, t.slot, t.subject_id, s.code, u.login FROM tasks t "
                      "JOIN subjects s ON s.id = t.subject_id JOIN users u "
                      "ON u.id = t.reader_id WHERE t.reader_id = ? ORDER BY s.code",
                      (reader_id,))
    return tuple(Task(row["id"], row["code"], row["slot"], row["login"], reader_id,
                      row["subject_id"]) for row in rows)


def lesion_task_id(store: Store, lesion_id: int) -> int | None:
    """The task a lesion belongs to, or ``None`` if there is no such lesion."""
    row = store.row("SELECT task_id FROM lesions WHERE id = ?", (lesion_id,))
    return int(row["task_id"]) if row else None


def load_read(store: Store, task: Task) -> Read:
    """The whole read of *task*: timepoints in date order, lesions, calipers, findings."""
    task_id = task.task_id
    timepoints = store.rows(
        "SELECT t.id AS timepoint_id, t.label, t.date, t.nominal_week, rt.status, "
        "rt.not_assessed, g.signed_utc FROM read_timepoints rt "
        "JOIN timepoints t ON t.id = rt.timepoint_id "
        "LEFT JOIN signatures g ON g.id = rt.signature_id "
        "WHERE rt.task_id = ? ORDER BY t.date", (task_id,))
    lesions = store.rows("SELECT * FROM lesions WHERE task_id = ? ORDER BY id", (task_id,))
    # An image recorded as lossy marks every caliper drawn on it (LEFT JOIN: a store made
    # before images were recorded still loads).
    measurements = store.rows(
        "SELECT m.*, COALESCE(i.is_lossy, 0) AS is_lossy FROM measurements m "
        "JOIN lesions l ON l.id = m.lesion_id "
        "LEFT JOIN images i ON i.sop_instance_uid = m.sop_instance_uid AND i.frame = m.frame "
        "WHERE l.task_id = ? ORDER BY m.id", (task_id,))
    findings = store.rows(
        "SELECT f.*, l.category FROM findings f JOIN lesions l ON l.id = f.lesion_id "
        "WHERE l.task_id = ? ORDER BY f.id", (task_id,))
    return Read(
        task_id, task.subject,
        tuple(map(read_timepoint_from_row, timepoints)),
        tuple(map(lesion_from_row, lesions)),
        tuple(map(measurement_from_row, measurements)),
        tuple(map(finding_from_row, findings)),
    )


def insert_lesion(store: Store, actor: int, task_id: int, lesion: Lesion) -> Lesion:
    """Add *lesion* (its ``lesion_id`` is ignored) to the task's read; return it with its key."""
    row = lesion_to_row(lesion)
    lesion_id = store.execute(
        "INSERT INTO lesions (task_id, label, category, organ, first_timepoint_id, "
        "is_node, is_previously_treated, is_porta_hepatis, kind, location) VALUES "
        "(:task_id, :label, :category, :organ, :first_timepoint_id, :is_node, "
        ":is_previously_treated, :is_porta_hepatis, :kind, :location)",
        {"task_id": task_id, **row})
    audit.record(store, actor, "create", "lesion", lesion_id, None, row)
    return lesion_from_row({"id": lesion_id, **row})


def delete_lesion(store: Store, actor: int, lesion: Lesion) -> None:
    """Remove *lesion* with its calipers and findings, each with its own audit row."""
    for table, entity in (("measurements", "measurement"), ("findings", "finding")):
        for child in store.rows(f"SELECT * FROM {table} WHERE lesion_id = ?",
                                (lesion.lesion_id,)):
            store.execute(f"DELETE FROM {table} WHERE id = ?", (child["id"],))
            audit.record(store, actor, "delete", entity, child.pop("id"), child, None)
    store.execute("DELETE FROM lesions WHERE id = ?", (lesion.lesion_id,))
    audit.record(store, actor, "delete", "lesion", lesion.lesion_id, lesion_to_row(lesion), None)


def upsert_measurement(store: Store, actor: int, measurement: Measurement) -> None:
    """Save *measurement*, replacing the lesion's caliper of the same kind at that timepoint."""
    row = measurement_to_row(measurement)
    before = store.row("SELECT * FROM measurements WHERE lesion_id = ? AND timepoint_id = ? "
                       "AND kind = ?", (row["lesion_id"], row["timepoint_id"], row["kind"]))
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


def delete_measurement(store: Store, actor: int, lesion_id: int, timepoint_id: int,
                       kind: MeasurementKind) -> bool:
    """Remove one caliper; return False if there was none."""
    before = store.row("SELECT * FROM measurements WHERE lesion_id = ? AND timepoint_id = ? "
                       "AND kind = ?", (lesion_id, timepoint_id, kind.value))
    if before is None:
        return False
    store.execute("DELETE FROM measurements WHERE id = ?", (before["id"],))
    audit.record(store, actor, "delete", "measurement", before.pop("id"), before, None)
    return True


def upsert_finding(store: Store, actor: int, finding: Finding) -> None:
    """Save what was recorded of a lesion at one timepoint, replacing what was there."""
    row = finding_to_row(finding)
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


def delete_finding(store: Store, actor: int, lesion_id: int, timepoint_id: int) -> bool:
    """Remove what was recorded of a lesion at one timepoint; return False if nothing was."""
    before = store.row("SELECT * FROM findings WHERE lesion_id = ? AND timepoint_id = ?",
                       (lesion_id, timepoint_id))
    if before is None:
        return False
    store.execute("DELETE FROM findings WHERE id = ?", (before["id"],))
    audit.record(store, actor, "delete", "finding", before.pop("id"), before, None)
    return True


def _read_timepoint_id(store: Store, task_id: int, timepoint_id: int) -> int:
    row = store.row("SELECT id FROM read_timepoints WHERE task_id = ? AND timepoint_id = ?",
                    (task_id, timepoint_id))
    if row is None:  # the caller found the timepoint in the loaded read
        raise LookupError(f"task {task_id} has no timepoint {timepoint_id}")
    return int(row["id"])


def set_not_assessed(store: Store, actor: int, task_id: int, timepoint_id: int,
                     is_not_assessed: bool, was: bool) -> None:
    """Record a timepoint of the read as not assessed (a missed assessment), or undo that."""
    rt_id = _read_timepoint_id(store, task_id, timepoint_id)
    store.execute("UPDATE read_timepoints SET not_assessed = ? WHERE id = ?",
                  (int(is_not_assessed), rt_id))
    audit.record(store, actor, "update", "read_timepoint", rt_id, {"not_assessed": was},
                 {"not_assessed": is_not_assessed})


def sign_read_timepoint(store: Store, actor: int, signer_name: str, task_id: int,
                        timepoint_id: int, was: TimepointStatus, meaning: str,
                        digest: str) -> Signature:
    """Record a signature of one timepoint of a read and mark the timepoint signed.

    An amendment waiting for this signature (the timepoint was re-opened) is closed by it.
    """
    rt_id = _read_timepoint_id(store, task_id, timepoint_id)
    signed_utc = utc_now()
    signature_id = store.execute(
        "INSERT INTO signatures (user_id, signer_name, signed_utc, meaning, entity, "
        "entity_id, content_sha256) VALUES (?, ?, ?, ?, 'read_timepoint', ?, ?)",
        (actor, signer_name, signed_utc, meaning, rt_id, digest))
    store.execute("UPDATE read_timepoints SET status = 'signed', signature_id = ? WHERE id = ?",
                  (signature_id, rt_id))
    store.execute("UPDATE amendments SET signature_id = ? WHERE read_timepoint_id = ? "
                  "AND signature_id IS NULL", (signature_id, rt_id))
    audit.record(store, actor, "sign", "read_timepoint", rt_id, {"status": was.value},
                 {"status": "signed", "signature_id": signature_id, "meaning": meaning,
                  "content_sha256": digest})
    return Signature(signature_id, signer_name, signed_utc, meaning, "read_timepoint", digest)


def open_amendment(store: Store, actor: int, task_id: int, timepoint_id: int,
                   reason: str) -> int:
    """Re-open a signed timepoint for a correction with *reason*; return the amendment's key."""
    rt_id = _read_timepoint_id(store, task_id, timepoint_id)
    store.execute("UPDATE read_timepoints SET status = 'amending' WHERE id = ?", (rt_id,))
    amendment_id = store.execute(
        "INSERT INTO amendments (read_timepoint_id, user_id, reason, created_utc) "
        "VALUES (?, ?, ?, ?)", (rt_id, actor, reason, utc_now()))
    audit.record(store, actor, "amend", "read_timepoint", rt_id, {"status": "signed"},
                 {"status": "amending", "amendment_id": amendment_id, "reason": reason})
    return amendment_id
