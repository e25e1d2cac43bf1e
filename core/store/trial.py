"""Create a trial store and set up its trial: subjects, timepoints, series, reading tasks.

Set-up is the work of an admin or a coordinator; user accounts are the admin's alone
(``core.store.auth``).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from core.criteria import CaseOptions, Criteria
from core.errors import PermissionDeniedError, StoreError, WorkflowError
from core.model.reading import Role
from core.model.trial import (
    SeriesRecord,
    Session,
    Subject,
    Task,
    TimepointInfo,
    TrialInfo,
)
from core.reading import DEFAULT_TRIGGERS, Trigger
from core.store import audit
from core.store.auth import DEFAULT_KDF, ScryptParams, insert_user, require
from core.store.db import Store, open_store, utc_now
from core.store.rows import series_from_row

SETUP_ROLES = (Role.ADMIN, Role.COORDINATOR)


def init_store(
    path: Path | str,
    trial: str,
    criteria: Criteria | str,
    admin_login: str,
    admin_name: str,
    admin_password: str,
    *,
    options: CaseOptions | None = None,
    triggers: tuple[Trigger | str, ...] = DEFAULT_TRIGGERS,
    kdf: ScryptParams = DEFAULT_KDF,
) -> Store:
    """Create the store of a new trial with its first admin account, and open it.

    Raises
    ------
    StoreError
        If *path* already holds a trial.
    """
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise StoreError(path, "a file is already here; a trial store is created only once")
    criteria = Criteria(criteria)
    option_data = {key: (str(value) if not isinstance(value, int) else value)
                   for key in CaseOptions.__slots__
                   if (value := getattr(options or CaseOptions(), key)) is not None}
    trigger_values = [Trigger(trigger).value for trigger in triggers]
    store = open_store(path, create=True)
    try:
        with store.transaction():
            if store.row("SELECT id FROM trial"):
                raise StoreError(path, "this store already holds a trial")
            after = {"name": trial, "criteria": criteria.value, "options": option_data,
                     "triggers": trigger_values}
            store.execute(
                "INSERT INTO trial (id, name, criteria, options_json, triggers_json, "
                "created_utc) VALUES (1, ?, ?, ?, ?, ?)",
                (trial, criteria.value, json.dumps(option_data), json.dumps(trigger_values),
                 utc_now()),
            )
            audit.record(store, None, "create", "trial", 1, None, after)
            insert_user(store, None, admin_login, admin_name, Role.ADMIN, admin_password, kdf)
    except BaseException:
        store.close()
        raise
    return store


def trial_info(store: Store) -> TrialInfo:
    """The trial this store holds (not blinded: every role sees the protocol settings)."""
    row = store.row("SELECT * FROM trial WHERE id = 1")
    if row is None:
        raise StoreError(store.path, "holds no trial (create it with `mrecist db init`)")
    return TrialInfo(row["name"], row["criteria"], json.loads(row["options_json"]),
                     tuple(json.loads(row["triggers_json"])))


def case_options(info: TrialInfo) -> CaseOptions:
    """The engine options of the trial as ``CaseOptions``."""
    values = dict(info.options)
    if "pd_min_increase_mm" in values:
        values["pd_min_increase_mm"] = Decimal(str(values["pd_min_increase_mm"]))
    return CaseOptions(**values)


def subject_id(store: Store, code: str) -> int:
    """The key of subject *code*.

    Raises
    ------
    PermissionDeniedError
        If there is no such subject (the message does not say whether it exists).
    """
    row = store.row("SELECT id FROM subjects WHERE code = ?", (code,))
    if row is None:
        raise PermissionDeniedError(f"subject {code!r}", "not found or not visible to you")
    return int(row["id"])


def add_subject(store: Store, session: Session, code: str) -> Subject:
    """Register a subject by its trial code (never a patient name or ID)."""
    actor = require(store, session, *SETUP_ROLES)
    if not code.strip():
        raise WorkflowError("subject", "the trial code must not be empty")
    with store.transaction():
        if store.row("SELECT id FROM subjects WHERE code = ?", (code,)):
            raise WorkflowError(f"subject {code!r}", "already registered")
        new_id = store.execute("INSERT INTO subjects (code) VALUES (?)", (code,))
        audit.record(store, actor, "create", "subject", new_id, None, {"code": code})
    return Subject(new_id, code)


def list_subjects(store: Store, session: Session) -> tuple[Subject, ...]:
    """Every subject, in code order (set-up roles only)."""
    require(store, session, *SETUP_ROLES)
    return tuple(Subject(row["id"], row["code"])
                 for row in store.rows("SELECT * FROM subjects ORDER BY code"))


def add_timepoint(store: Store, session: Session, subject: str, label: str, date: dt.date,
                  nominal_week: int | None = None) -> TimepointInfo:
    """Add an imaging timepoint to a subject; every existing read gets it as open.

    Timepoints arrive in date order: a new one must be later than every earlier one, so
    a signed read is never invalidated by a timepoint inserted before it. A new timepoint
    re-opens the dual-read cycle (response-criteria §8).
    """
    actor = require(store, session, *SETUP_ROLES)
    with store.transaction():
        sid = subject_id(store, subject)
        last = store.row("SELECT label, date FROM timepoints WHERE subject_id = ? "
                         "ORDER BY date DESC LIMIT 1", (sid,))
        if last and date.isoformat() <= last["date"]:
            raise WorkflowError(f"subject {subject!r} timepoint {label!r}",
                                f"date {date} is not after the last timepoint "
                                f"({last['label']}, {last['date']})")
        if store.row("SELECT id FROM timepoints WHERE subject_id = ? AND label = ?",
                     (sid, label)):
            raise WorkflowError(f"subject {subject!r} timepoint {label!r}", "already exists")
        tp_id = store.execute(
            "INSERT INTO timepoints (subject_id, label, date, nominal_week) VALUES (?, ?, ?, ?)",
            (sid, label, date.isoformat(), nominal_week),
        )
        for task in store.rows("SELECT id FROM tasks WHERE subject_id = ?", (sid,)):
            store.execute("INSERT INTO read_timepoints (task_id, timepoint_id) VALUES (?, ?)",
                          (task["id"], tp_id))
        audit.record(store, actor, "create", "timepoint", tp_id, None,
                     {"subject": subject, "label": label, "date": date.isoformat(),
                      "nominal_week": nominal_week})
    return TimepointInfo(tp_id, subject, label, date, nominal_week)


def list_timepoints(store: Store, session: Session, subject: str) -> tuple[TimepointInfo, ...]:
    """The timepoints of *subject*, in date order (set-up roles only)."""
    require(store, session, *SETUP_ROLES)
    sid = subject_id(store, subject)
    return tuple(
        TimepointInfo(row["id"], subject, row["label"], dt.date.fromisoformat(row["date"]),
                      row["nominal_week"])
        for row in store.rows("SELECT * FROM timepoints WHERE subject_id = ? ORDER BY date",
                              (sid,))
    )


def find_series(store: Store, session: Session,
                series_instance_uid: str) -> SeriesRecord | None:
    """The registered series with this UID, or None (set-up roles only)."""
    require(store, session, *SETUP_ROLES)
    row = store.row("SELECT * FROM series WHERE series_instance_uid = ?",
                    (series_instance_uid,))
    return series_from_row(row) if row else None


def add_series(store: Store, session: Session, subject: str, timepoint_label: str, *,
               series_instance_uid: str, study_instance_uid: str, modality: str, phase: str,
               location: str) -> SeriesRecord:
    """Register one imaging series of a timepoint: its UIDs, phase and where its files are."""
    actor = require(store, session, *SETUP_ROLES)
    with store.transaction():
        sid = subject_id(store, subject)
        tp = store.row("SELECT id FROM timepoints WHERE subject_id = ? AND label = ?",
                       (sid, timepoint_label))
        if tp is None:
            raise WorkflowError(f"subject {subject!r} timepoint {timepoint_label!r}",
                                "no such timepoint")
        if store.row("SELECT id FROM series WHERE series_instance_uid = ?",
                     (series_instance_uid,)):
            raise WorkflowError(f"series {series_instance_uid}", "already registered")
        row = {"timepoint_id": tp["id"], "series_instance_uid": series_instance_uid,
               "study_instance_uid": study_instance_uid, "modality": modality,
               "phase": phase, "location": location}
        new_id = store.execute(
            "INSERT INTO series (timepoint_id, series_instance_uid, study_instance_uid, "
            "modality, phase, location) VALUES (:timepoint_id, :series_instance_uid, "
            ":study_instance_uid, :modality, :phase, :location)", row)
        audit.record(store, actor, "create", "series", new_id, None, row)
    return series_from_row({"id": new_id, **row})


def assign(store: Store, session: Session, subject: str, reader_login: str,
           slot: int) -> Task:
    """Assign a reader to a subject as reader 1 or 2; the read starts with every timepoint open.

    Raises
    ------
    WorkflowError
        If the user is not a reader, the slot is taken, or the reader already reads it.
    """
    actor = require(store, session, *SETUP_ROLES)
    entity = f"subject {subject!r} reader {slot}"
    if slot not in (1, 2):
        raise WorkflowError(entity, "the reader slot is 1 or 2")
    with store.transaction():
        sid = subject_id(store, subject)
        reader = store.row("SELECT id, role FROM users WHERE login = ?", (reader_login,))
        if reader is None or reader["role"] != Role.READER.value:
            raise WorkflowError(entity, f"{reader_login!r} is not a reader")
        if store.row("SELECT id FROM tasks WHERE subject_id = ? AND slot = ?", (sid, slot)):
            raise WorkflowError(entity, "this slot is already assigned")
        if store.row("SELECT id FROM tasks WHERE subject_id = ? AND reader_id = ?",
                     (sid, reader["id"])):
            raise WorkflowError(entity, f"{reader_login!r} already reads this subject; "
                                "the two reads must be independent")
        task_id = store.execute(
            "INSERT INTO tasks (subject_id, reader_id, slot) VALUES (?, ?, ?)",
            (sid, reader["id"], slot))
        for tp in store.rows("SELECT id FROM timepoints WHERE subject_id = ?", (sid,)):
            store.execute("INSERT INTO read_timepoints (task_id, timepoint_id) VALUES (?, ?)",
                          (task_id, tp["id"]))
        audit.record(store, actor, "create", "task", task_id, None,
                     {"subject": subject, "reader": reader_login, "slot": slot})
    return Task(task_id, subject, slot, reader_login)

