"""Create a trial store; persist its trial, subjects, timepoints, series, images and tasks.

Persistence only: who may do what, and in which order, is decided above the store
(``core.actions``, with the rules of ``core.reading``). Writes run inside the caller's
``Store.transaction()`` and each records its audit row there.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from core.errors import StoreError
from core.model.clinical import DEFAULT_TRIGGERS, CaseOptions, Criteria, Trigger
from core.model.imaging import ImageRecord
from core.model.reading import Role
from core.model.trial import SeriesRecord, Subject, Task, TimepointInfo, TrialInfo
from core.store import ledger
from core.store.anchors import checkpoint_path
from core.store.auth import DEFAULT_KDF, ScryptParams, check_new_account, insert_user
from core.store.db import Store, open_store, utc_now
from core.store.rows import image_from_row, image_to_row, series_from_row

log = logging.getLogger(__name__)


def _options_data(options: CaseOptions) -> dict[str, int | str]:
    # Decimals are kept as text so that 5 mm stays exactly 5 mm through JSON.
    return {key: (value if isinstance(value, int) else str(value))
            for key, value in options.recorded().items()}


def init_store(
    path: Path | str,
    trial: str,
    criteria: Criteria | str,
    admin_login: str,
    admin_name: str,
    admin_password: str,
    *,
    options: CaseOptions | None = None,
    triggers: Sequence[Trigger | str] = DEFAULT_TRIGGERS,
    kdf: ScryptParams = DEFAULT_KDF,
) -> Store:
    """Create the store of a new trial with its first admin account, and open it.

    Everything is checked before the file exists, and the store is built under a
    temporary name that becomes *path* only when complete: a refused password or a killed
    process never leaves a half-made store where a retry would find "a file is already
    here".

    Raises
    ------
    StoreError
        If *path* already holds a file, or its folder does not exist.
    AuthenticationError
        If the admin's login, name or password is refused.
    ValueError
        If *criteria* or a trigger is unknown.
    """
    path = Path(path)
    _check_new_store_path(path)
    criteria = Criteria(criteria)
    trigger_values = [Trigger(trigger).value for trigger in triggers]
    check_new_account(admin_login, admin_name, admin_password)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}.creating")
    try:
        store = open_store(draft, create=True)
        store._anchoring = False  # the draft's name is not the store's
        try:
            with store.transaction():
                option_data = _options_data(options or CaseOptions())
                ledger.insert(store, None, "trial", {
                    "name": trial, "criteria": criteria.value,
                    "options_json": json.dumps(option_data),
                    "triggers_json": json.dumps(trigger_values), "created_utc": utc_now()},
                    row_id=1)
                insert_user(store, None, admin_login, admin_name, Role.ADMIN, admin_password,
                            kdf)
        finally:
            store.close()
        _publish(draft, path)
    finally:
        _remove_draft(draft)
    store = open_store(path)
    checkpoint_path(path).unlink(missing_ok=True)  # left by an earlier store of this name
    store.anchor("create")
    return store


def _check_new_store_path(path: Path) -> None:
    # An empty file is what an interrupted creation by an older version left: not a store.
    if path.exists() and not _is_empty_regular_file(path):
        raise StoreError(path, "a file is already here; a trial store is created only once")
    if not path.parent.is_dir():
        raise StoreError(path, f"the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(path, f"the folder {path.parent} cannot be written to")


def _is_empty_regular_file(path: Path) -> bool:
    """True for an empty regular file: never a device such as /dev/zero (size 0 too)."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == 0


def _publish(draft: Path, path: Path) -> None:
    """Give the complete draft its name, never replacing a store that appeared meanwhile."""
    if _is_empty_regular_file(path):
        path.unlink()  # an empty leftover (see _check_new_store_path)
    try:
        os.link(draft, path)  # fails if *path* exists, where os.replace would overwrite
        return
    except FileExistsError:
        raise StoreError(path, "a file is already here; a trial store is created only "
                         "once") from None
    except OSError:
        pass  # no hard links here (FAT, some network shares): claim the name, then replace
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        raise StoreError(path, "a file is already here; a trial store is created only "
                         "once") from None
    os.replace(draft, path)


def _remove_draft(draft: Path) -> None:
    for leftover in (draft, Path(f"{draft}-wal"), Path(f"{draft}-shm")):
        try:
            leftover.unlink(missing_ok=True)
        except OSError as error:  # held open elsewhere (Windows): the store is made anyway
            log.warning("could not remove %s: %s", leftover, error)


def trial_info(store: Store) -> TrialInfo:
    """The trial this store holds (not blinded: every role sees the protocol settings)."""
    row = store._row("SELECT * FROM trial WHERE id = 1")
    if row is None:
        raise StoreError(store.path, "holds no trial (create it with `mrecist db init`)")
    options = json.loads(row["options_json"])
    return TrialInfo(row["name"], Criteria(row["criteria"]), CaseOptions(**options),
                     tuple(Trigger(name) for name in json.loads(row["triggers_json"])))


# -- subjects and timepoints --------------------------------------------------------------

def find_subject(store: Store, code: str) -> Subject | None:
    """The subject with trial code *code*, or ``None``."""
    row = store._row("SELECT id, code FROM subjects WHERE code = ?", (code,))
    return Subject(row["id"], row["code"]) if row else None


def all_subjects(store: Store) -> tuple[Subject, ...]:
    """Every subject, in code order."""
    return tuple(Subject(row["id"], row["code"])
                 for row in store._rows("SELECT id, code FROM subjects ORDER BY code"))


def insert_subject(store: Store, actor: int, code: str) -> Subject:
    """Register subject *code*."""
    subject_id = ledger.insert(store, actor, "subject", {"code": code})
    return Subject(subject_id, code)


def subject_timepoints(store: Store, subject: Subject) -> tuple[TimepointInfo, ...]:
    """The timepoints of *subject*, in date order."""
    return tuple(
        TimepointInfo(row["id"], subject.code, row["label"],
                      dt.date.fromisoformat(row["date"]), row["nominal_week"])
        for row in store._rows("SELECT * FROM timepoints WHERE subject_id = ? ORDER BY date",
                              (subject.subject_id,))
    )


def find_timepoint(store: Store, timepoint_id: int) -> TimepointInfo | None:
    """Timepoint *timepoint_id* with its subject's code, or ``None``."""
    row = store._row("SELECT t.*, s.code FROM timepoints t JOIN subjects s "
                    "ON s.id = t.subject_id WHERE t.id = ?", (timepoint_id,))
    if row is None:
        return None
    return TimepointInfo(row["id"], row["code"], row["label"],
                         dt.date.fromisoformat(row["date"]), row["nominal_week"])


def insert_timepoint(store: Store, actor: int, subject: Subject, label: str, date: dt.date,
                     nominal_week: int | None) -> TimepointInfo:
    """Add a timepoint to *subject*; every read of the subject gets it, open."""
    timepoint_id = ledger.insert(store, actor, "timepoint", {
        "subject_id": subject.subject_id, "label": label, "date": date.isoformat(),
        "nominal_week": nominal_week}, note={"subject": subject.code})
    for task in store._rows("SELECT id FROM tasks WHERE subject_id = ?", (subject.subject_id,)):
        ledger.insert(store, actor, "read_timepoint",
                      {"task_id": task["id"], "timepoint_id": timepoint_id})
    return TimepointInfo(timepoint_id, subject.code, label, date, nominal_week)


# -- series and images --------------------------------------------------------------------

def find_series(store: Store, series_instance_uid: str) -> SeriesRecord | None:
    """The registered series with this UID, or ``None``."""
    row = store._row("SELECT * FROM series WHERE series_instance_uid = ?",
                    (series_instance_uid,))
    return series_from_row(row) if row else None


def timepoint_series(store: Store, timepoint_ids: Iterable[int]) -> tuple[SeriesRecord, ...]:
    """The series of the given timepoints, by timepoint date, then phase."""
    ids = tuple(timepoint_ids)
    if not ids:
        return ()
    marks = ",".join("?" * len(ids))
    rows = store._rows(f"SELECT s.* FROM series s JOIN timepoints t ON t.id = s.timepoint_id "
                      f"WHERE s.timepoint_id IN ({marks}) ORDER BY t.date, s.phase, s.id", ids)
    return tuple(map(series_from_row, rows))


def insert_series(store: Store, actor: int, subject: str, timepoint: TimepointInfo, *,
                  series_instance_uid: str, study_instance_uid: str, modality: str,
                  phase: str, location: str) -> SeriesRecord:
    """Register one series of *timepoint*: its UIDs, phase and where its files are."""
    row = {"timepoint_id": timepoint.timepoint_id, "series_instance_uid": series_instance_uid,
           "study_instance_uid": study_instance_uid, "modality": modality, "phase": phase,
           "location": location}
    series_id = ledger.insert(store, actor, "series", row,
                              note={"subject": subject, "timepoint": timepoint.label})
    return series_from_row({"id": series_id, **row})


def update_series(store: Store, actor: int, series: SeriesRecord, **changes: str) -> SeriesRecord:
    """Change a series' ``phase`` or ``location`` (a reader's phase correction, a re-import)."""
    allowed = {"phase", "location"}
    if not changes or set(changes) - allowed:
        raise ValueError(f"only {', '.join(sorted(allowed))} of a series change, "
                         f"not {sorted(changes)}")
    ledger.update(store, actor, "series", series.series_id, changes)
    row = {"id": series.series_id, "timepoint_id": series.timepoint_id,
           "series_instance_uid": series.series_instance_uid,
           "study_instance_uid": series.study_instance_uid, "modality": series.modality,
           "phase": series.phase, "location": series.location, **changes}
    return series_from_row(row)


def insert_images(store: Store, actor: int, series: SeriesRecord,
                  images: Sequence[ImageRecord]) -> int:
    """Record the images of *series* not recorded yet; return how many were new.

    One audit row per call names the series, the count and a digest of what was recorded,
    rather than one row per slice.
    """
    known = {(row["sop_instance_uid"], row["frame"]) for row in store._rows(
        "SELECT sop_instance_uid, frame FROM images WHERE series_id = ?", (series.series_id,))}
    new = [image for image in images if (image.sop_instance_uid, image.frame) not in known]
    rows = [{"series_id": series.series_id, **image_to_row(image)} for image in new]
    return ledger.insert_group(store, actor, "images", series.series_id, rows,
                               note={"series_instance_uid": series.series_instance_uid,
                                     "new": len(rows)})


def timepoint_image(store: Store, timepoint_id: int, sop_instance_uid: str,
                    frame: int) -> ImageRecord | None:
    """The registered image with this UID and frame in a series of *timepoint_id*, or None."""
    row = store._row("SELECT i.* FROM images i JOIN series s ON s.id = i.series_id "
                    "WHERE s.timepoint_id = ? AND i.sop_instance_uid = ? AND i.frame = ?",
                    (timepoint_id, sop_instance_uid, frame))
    return image_from_row(row) if row else None


def images_of(store: Store, keys: Iterable[tuple[int, str, int]]
              ) -> dict[tuple[int, str, int], ImageRecord | None]:
    """The registered image of each (timepoint, SOP Instance UID, frame), or ``None``."""
    return {key: timepoint_image(store, *key) for key in set(keys)}


def image_owner(store: Store, sop_instance_uid: str, frame: int) -> SeriesRecord | None:
    """The series an image is registered in, whichever it is, or ``None``."""
    row = store._row("SELECT s.* FROM series s JOIN images i ON i.series_id = s.id "
                    "WHERE i.sop_instance_uid = ? AND i.frame = ?", (sop_instance_uid, frame))
    return series_from_row(row) if row else None


def series_image_count(store: Store, series_id: int) -> int:
    """How many images of the series are recorded."""
    row = store._row("SELECT COUNT(*) AS n FROM images WHERE series_id = ?", (series_id,))
    return int(row["n"]) if row else 0


# -- reading tasks ------------------------------------------------------------------------

def subject_tasks(store: Store, subject: Subject) -> tuple[Task, ...]:
    """The reading tasks of *subject*, by slot."""
    rows = store._rows("SELECT t.id, t.slot, t.reader_id, u.login FROM tasks t "
                      "JOIN users u ON u.id = t.reader_id WHERE t.subject_id = ? "
                      "ORDER BY t.slot", (subject.subject_id,))
    return tuple(Task(row["id"], subject.code, row["slot"], row["login"], row["reader_id"],
                      subject.subject_id) for row in rows)


def insert_task(store: Store, actor: int, subject: Subject, reader_id: int, reader_login: str,
                slot: int) -> Task:
    """Make *reader_id* reader *slot* of *subject*; the read starts with every timepoint open."""
    task_id = ledger.insert(store, actor, "task", {
        "subject_id": subject.subject_id, "reader_id": reader_id, "slot": slot},
        note={"subject": subject.code, "reader": reader_login})
    for timepoint in store._rows("SELECT id FROM timepoints WHERE subject_id = ?",
                                (subject.subject_id,)):
        ledger.insert(store, actor, "read_timepoint",
                      {"task_id": task_id, "timepoint_id": timepoint["id"]})
    return Task(task_id, subject.code, slot, reader_login, reader_id, subject.subject_id)
