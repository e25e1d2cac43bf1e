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
from core.store import key_images, ledger
from core.store.db import Store, utc_now
from core.store.rows import (
    finding_from_row,
    finding_to_row,
    lesion_from_row,
    lesion_to_row,
    measurement_from_row,
    measurement_to_row,
    read_timepoint_from_row,
    signature_from_row,
)

_LESION_ORDER = ("CASE l.category WHEN 'target' THEN 0 WHEN 'non_target' THEN 1 ELSE 2 END, "
                 "length(l.label), l.label")


def find_task(store: Store, task_id: int) -> Task | None:
    """The reading task *task_id* with its subject and reader, or ``None``."""
    row = store._row("SELECT t.id, t.slot, t.reader_id, t.subject_id, s.code, u.login "
                    "FROM tasks t JOIN subjects s ON s.id = t.subject_id "
                    "JOIN users u ON u.id = t.reader_id WHERE t.id = ?", (task_id,))
    if row is None:
        return None
    return Task(row["id"], row["code"], row["slot"], row["login"], row["reader_id"],
                row["subject_id"])


def reader_tasks(store: Store, reader_id: int) -> tuple[Task, ...]:
    """The tasks of one reader, in subject order, with the timepoints awaiting re-signature."""
    rows = store._rows("SELECT t.id, t.slot, t.subject_id, s.code, u.login FROM tasks t "
                      "JOIN subjects s ON s.id = t.subject_id JOIN users u "
                      "ON u.id = t.reader_id WHERE t.reader_id = ? ORDER BY s.code",
                      (reader_id,))
    stale: dict[int, list[str]] = {}
    for row in store._rows("SELECT rt.task_id, tp.label FROM read_timepoints rt "
                          "JOIN tasks t ON t.id = rt.task_id "
                          "JOIN timepoints tp ON tp.id = rt.timepoint_id "
                          "WHERE t.reader_id = ? AND rt.status = 'signed' "
                          "AND rt.resign_reason IS NOT NULL ORDER BY tp.date", (reader_id,)):
        stale.setdefault(row["task_id"], []).append(row["label"])
    return tuple(Task(row["id"], row["code"], row["slot"], row["login"], reader_id,
                      row["subject_id"], tuple(stale.get(row["id"], ()))) for row in rows)


def lesion_task_id(store: Store, lesion_id: int) -> int | None:
    """The task a lesion belongs to, or ``None`` if there is no such lesion."""
    row = store._row("SELECT task_id FROM lesions WHERE id = ?", (lesion_id,))
    return int(row["task_id"]) if row else None


def load_read(store: Store, task: Task) -> Read:
    """The whole read of *task*: timepoints in date order, lesions, calipers, findings."""
    task_id = task.task_id
    timepoints = store._rows(
        "SELECT t.id AS timepoint_id, t.label, t.date, t.nominal_week, rt.status, "
        "rt.not_assessed, rt.resign_reason, g.signed_utc FROM read_timepoints rt "
        "JOIN timepoints t ON t.id = rt.timepoint_id "
        "LEFT JOIN signatures g ON g.id = rt.signature_id "
        "WHERE rt.task_id = ? ORDER BY t.date", (task_id,))
    # Ids are random (see ``ledger``): lesions come in label order, T1..T10 before N1.
    lesions = store._rows(f"SELECT * FROM lesions l WHERE task_id = ? ORDER BY {_LESION_ORDER}",
                         (task_id,))
    # An image recorded as lossy marks every caliper drawn on it (LEFT JOIN: a store made
    # before images were recorded still loads).
    measurements = store._rows(
        "SELECT m.*, COALESCE(i.is_lossy, 0) AS is_lossy FROM measurements m "
        "JOIN lesions l ON l.id = m.lesion_id "
        "LEFT JOIN images i ON i.sop_instance_uid = m.sop_instance_uid AND i.frame = m.frame "
        "JOIN timepoints t ON t.id = m.timepoint_id "
        f"WHERE l.task_id = ? ORDER BY t.date, {_LESION_ORDER}, m.kind", (task_id,))
    findings = store._rows(
        "SELECT f.*, l.category FROM findings f JOIN lesions l ON l.id = f.lesion_id "
        "JOIN timepoints t ON t.id = f.timepoint_id "
        f"WHERE l.task_id = ? ORDER BY t.date, {_LESION_ORDER}", (task_id,))
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
    lesion_id = ledger.insert(store, actor, "lesion", {"task_id": task_id, **row})
    return lesion_from_row({"id": lesion_id, **row})


def delete_lesion(store: Store, actor: int, lesion: Lesion) -> None:
    """Remove *lesion* with its calipers and findings, each with its own audit row."""
    for table, entity in (("measurements", "measurement"), ("findings", "finding")):
        for child in store._rows(f"SELECT id FROM {table} WHERE lesion_id = ?",
                                (lesion.lesion_id,)):
            if entity == "measurement":
                key_images.delete_key_image(store, actor, child["id"])
            ledger.delete(store, actor, entity, child["id"])
    ledger.delete(store, actor, "lesion", lesion.lesion_id)


def upsert_measurement(store: Store, actor: int, measurement: Measurement) -> None:
    """Save *measurement*, replacing the lesion's caliper of the same kind at that timepoint."""
    row = measurement_to_row(measurement)
    before = store._row("SELECT id FROM measurements WHERE lesion_id = ? AND timepoint_id = ? "
                       "AND kind = ?", (row["lesion_id"], row["timepoint_id"], row["kind"]))
    if before is None:
        ledger.insert(store, actor, "measurement", row)
    else:
        ledger.update(store, actor, "measurement", before["id"], row)


def delete_measurement(store: Store, actor: int, lesion_id: int, timepoint_id: int,
                       kind: MeasurementKind) -> bool:
    """Remove one caliper; return False if there was none."""
    before = store._row("SELECT id FROM measurements WHERE lesion_id = ? AND timepoint_id = ? "
                       "AND kind = ?", (lesion_id, timepoint_id, kind.value))
    if before is None:
        return False
    key_images.delete_key_image(store, actor, before["id"])
    ledger.delete(store, actor, "measurement", before["id"])
    return True


def upsert_finding(store: Store, actor: int, finding: Finding) -> None:
    """Save what was recorded of a lesion at one timepoint, replacing what was there."""
    row = finding_to_row(finding)
    before = store._row("SELECT id FROM findings WHERE lesion_id = ? AND timepoint_id = ?",
                       (finding.lesion_id, finding.timepoint_id))
    if before is None:
        ledger.insert(store, actor, "finding", row)
    else:
        ledger.update(store, actor, "finding", before["id"], row)


def delete_finding(store: Store, actor: int, lesion_id: int, timepoint_id: int) -> bool:
    """Remove what was recorded of a lesion at one timepoint; return False if nothing was."""
    before = store._row("SELECT id FROM findings WHERE lesion_id = ? AND timepoint_id = ?",
                       (lesion_id, timepoint_id))
    if before is None:
        return False
    ledger.delete(store, actor, "finding", before["id"])
    return True


def _read_timepoint_id(store: Store, task_id: int, timepoint_id: int) -> int:
    row = store._row("SELECT id FROM read_timepoints WHERE task_id = ? AND timepoint_id = ?",
                    (task_id, timepoint_id))
    if row is None:  # the caller found the timepoint in the loaded read
        raise LookupError(f"task {task_id} has no timepoint {timepoint_id}")
    return int(row["id"])


def set_not_assessed(store: Store, actor: int, task_id: int, timepoint_id: int,
                     is_not_assessed: bool, was: bool) -> None:
    """Record a timepoint of the read as not assessed (a missed assessment), or undo that."""
    del was  # the ledger records the value it replaces
    rt_id = _read_timepoint_id(store, task_id, timepoint_id)
    ledger.update(store, actor, "read_timepoint", rt_id, {"not_assessed": int(is_not_assessed)})


def sign_read_timepoint(store: Store, actor: int, signer_name: str, task_id: int,
                        timepoint_id: int, was: TimepointStatus, meaning: str,
                        digest: str, content_json: str | None = None) -> Signature:
    """Record a signature of one timepoint of a read and mark the timepoint signed.

    *content_json* is the canonical text *digest* was computed from (docs/signatures.md).
    An amendment waiting for this signature (the timepoint was re-opened) is closed by it,
    and so is a wait for re-signature.
    """
    del was
    rt_id = _read_timepoint_id(store, task_id, timepoint_id)
    signed_utc = utc_now()
    signature_id = ledger.insert(store, actor, "signature", {
        "user_id": actor, "signer_name": signer_name, "signed_utc": signed_utc,
        "meaning": meaning, "entity": "read_timepoint", "entity_id": rt_id,
        "content_sha256": digest, "content_json": content_json})
    ledger.update(store, actor, "read_timepoint", rt_id,
                  {"status": "signed", "signature_id": signature_id, "resign_reason": None},
                  action="sign")
    for waiting in store._rows("SELECT id FROM amendments WHERE read_timepoint_id = ? "
                              "AND signature_id IS NULL", (rt_id,)):
        ledger.update(store, actor, "amendment", waiting["id"],
                      {"signature_id": signature_id}, action="sign")
    return Signature(signature_id, signer_name, signed_utc, meaning, "read_timepoint", digest,
                     rt_id, actor, content_json)


def mark_resignature(store: Store, actor: int, task_id: int, timepoint_id: int,
                     reason: str, amendment_id: int) -> None:
    """Record that a signed timepoint waits for a new signature, and why (docs/signatures.md)."""
    rt_id = _read_timepoint_id(store, task_id, timepoint_id)
    ledger.update(store, actor, "read_timepoint", rt_id, {"resign_reason": reason},
                  action="resignature_needed", note={"amendment_id": amendment_id})


def timepoint_signatures(store: Store, task_id: int
                         ) -> tuple[tuple[int, int, Signature | None], ...]:
    """(timepoint, read timepoint, current signature) of each signed timepoint of a read.

    The signature is the one the timepoint points at, ``None`` if it points at none.
    """
    rows = store._rows("SELECT rt.id AS rt_id, rt.timepoint_id AS tp_id, g.* "
                      "FROM read_timepoints rt "
                      "JOIN timepoints t ON t.id = rt.timepoint_id "
                      "LEFT JOIN signatures g ON g.id = rt.signature_id "
                      "WHERE rt.task_id = ? AND rt.status = 'signed' ORDER BY t.date",
                      (task_id,))
    return tuple((row["tp_id"], row["rt_id"],
                  None if row["id"] is None else signature_from_row(row)) for row in rows)


def open_amendment(store: Store, actor: int, task_id: int, timepoint_id: int,
                   reason: str) -> int:
    """Re-open a signed timepoint for a correction with *reason*; return the amendment's key."""
    rt_id = _read_timepoint_id(store, task_id, timepoint_id)
    amendment_id = ledger.insert(store, actor, "amendment", {
        "read_timepoint_id": rt_id, "user_id": actor, "reason": reason,
        "created_utc": utc_now()})
    ledger.update(store, actor, "read_timepoint", rt_id, {"status": "amending"},
                  action="amend", note={"amendment_id": amendment_id, "reason": reason})
    return amendment_id
