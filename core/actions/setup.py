"""Setting up a trial: accounts (admin), subjects, timepoints, series, reader assignment.

Set-up is the work of an admin or a coordinator; user accounts are the admin's alone.
Each action checks the role, applies the set-up rules (``core.reading.setup``) and writes
in one transaction with its audit rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from core.actions._access import authorize
from core.actions.reports import visible_subject
from core.errors import WorkflowError
from core.model.imaging import ImageRecord, Phase
from core.model.reading import Role
from core.model.trial import SeriesRecord, Session, Subject, Task, TimepointInfo, User
from core.reading import assignment_refusal, timepoint_refusal
from core.store import Store, auth
from core.store import trial as trial_store
from core.store.auth import DEFAULT_KDF, ScryptParams

SETUP_ROLES = (Role.ADMIN, Role.COORDINATOR)
# A series' phase as registered: a contrast phase, or "dynamic" for an MR series holding
# every phase under one UID (split again by temporal position when loaded).
SERIES_PHASES = (*(phase.value for phase in Phase), "dynamic")


# -- accounts -----------------------------------------------------------------------------

def add_user(store: Store, session: Session, login: str, display_name: str,
             role: Role | str, temporary_password: str,
             kdf: ScryptParams = DEFAULT_KDF) -> User:
    """Create a user account with a temporary password (admin only).

    The new user's first session may do nothing but change the password
    (``core.actions.change_password``), so the admin never knows a working password of
    theirs (21 CFR 11.300(b)).

    Raises
    ------
    PermissionDeniedError
        If the acting user is not an admin.
    AuthenticationError
        If the login exists already, or the login, name or password is refused
        (``core.store.auth.password_refusal``).
    """
    with store.transaction():
        actor = authorize(store, session, Role.ADMIN)
        return auth.insert_user(store, actor.user_id, login, display_name, role,
                                temporary_password, kdf, temporary=True)


def unlock_user(store: Store, session: Session, login: str) -> None:
    """Unlock an account locked by failed logins (admin only; the only other way is
    ``core.actions.accounts.recover_admin``, for an admin account, from the file)."""
    with store.transaction():
        actor = authorize(store, session, Role.ADMIN)
        auth.set_unlocked(store, actor.user_id, login)


# -- subjects and timepoints --------------------------------------------------------------

def add_subject(store: Store, session: Session, code: str) -> Subject:
    """Register a subject by its trial code (never a patient name or ID)."""
    with store.transaction():
        actor = authorize(store, session, *SETUP_ROLES)
        if not code.strip():
            raise WorkflowError("subject", "the trial code must not be empty")
        if trial_store.find_subject(store, code) is not None:
            raise WorkflowError(f"subject {code!r}", "already registered")
        return trial_store.insert_subject(store, actor.user_id, code)


def list_subjects(store: Store, session: Session) -> tuple[Subject, ...]:
    """Every subject, in code order (set-up roles only)."""
    with store.snapshot():
        authorize(store, session, *SETUP_ROLES)
        return trial_store.all_subjects(store)


def add_timepoint(store: Store, session: Session, subject: str, label: str, date: dt.date,
                  nominal_week: int | None = None) -> TimepointInfo:
    """Add an imaging timepoint to a subject; every existing read gets it, open.

    Timepoints arrive in date order (``core.reading.timepoint_refusal``). A new timepoint
    re-opens the dual-read cycle (docs/reading.md §3).
    """
    with store.transaction():
        actor = authorize(store, session, *SETUP_ROLES)
        found = visible_subject(store, subject)
        refusal = timepoint_refusal(trial_store.subject_timepoints(store, found), label, date)
        if refusal:
            raise WorkflowError(f"subject {subject!r} timepoint {label!r}", refusal)
        return trial_store.insert_timepoint(store, actor.user_id, found, label, date,
                                            nominal_week)


def list_timepoints(store: Store, session: Session, subject: str) -> tuple[TimepointInfo, ...]:
    """The timepoints of *subject*, in date order (set-up roles only)."""
    with store.snapshot():
        authorize(store, session, *SETUP_ROLES)
        return trial_store.subject_timepoints(store, visible_subject(store, subject))


# -- series -------------------------------------------------------------------------------

def find_series(store: Store, session: Session,
                series_instance_uid: str) -> SeriesRecord | None:
    """The registered series with this UID, or None (set-up roles only)."""
    with store.snapshot():
        authorize(store, session, *SETUP_ROLES)
        return trial_store.find_series(store, series_instance_uid)


def _timepoint(store: Store, subject: str, label: str) -> TimepointInfo:
    found = visible_subject(store, subject)
    for timepoint in trial_store.subject_timepoints(store, found):
        if timepoint.label == label:
            return timepoint
    raise WorkflowError(f"subject {subject!r} timepoint {label!r}", "no such timepoint")


def _check_phase(phase: str, entity: str) -> None:
    if phase not in SERIES_PHASES:
        raise WorkflowError(entity, f"phase is one of {', '.join(SERIES_PHASES)}, "
                            f"not {phase!r}")


def _check_images_free(store: Store, series_instance_uid: str,
                       images: Sequence[ImageRecord]) -> None:
    """Refuse images already registered in another series: a SOP Instance UID names one
    image in the world (DICOM PS3.5 §9), so a second series claiming it is a copy or a
    damaged export, and a caliper on it could not tell which visit it measured."""
    for image in images:
        owner = trial_store.image_owner(store, image.sop_instance_uid, image.frame)
        if owner is not None and owner.series_instance_uid != series_instance_uid:
            frame = f" frame {image.frame}" if image.frame else ""
            raise WorkflowError(f"series {series_instance_uid}",
                                f"image {image.sop_instance_uid}{frame} is already registered "
                                f"in series {owner.series_instance_uid}")


def add_series(store: Store, session: Session, subject: str, timepoint_label: str, *,
               series_instance_uid: str, study_instance_uid: str, modality: str, phase: str,
               location: str, images: Sequence[ImageRecord] = ()) -> SeriesRecord:
    """Register one imaging series of a timepoint: UIDs, phase, where its files are, and
    each image's plane (calipers are measured against it; without images a series can be
    viewed but not measured on)."""
    entity = f"series {series_instance_uid}"
    with store.transaction():
        actor = authorize(store, session, *SETUP_ROLES)
        _check_phase(phase, entity)
        timepoint = _timepoint(store, subject, timepoint_label)
        if trial_store.find_series(store, series_instance_uid) is not None:
            raise WorkflowError(entity, "already registered")
        _check_images_free(store, series_instance_uid, images)
        series = trial_store.insert_series(
            store, actor.user_id, subject, timepoint, series_instance_uid=series_instance_uid,
            study_instance_uid=study_instance_uid, modality=modality, phase=phase,
            location=location)
        trial_store.insert_images(store, actor.user_id, series, images)
        return series


def complete_series(store: Store, session: Session, series_instance_uid: str, *,
                    location: str | None = None,
                    images: Sequence[ImageRecord] = ()) -> SeriesRecord:
    """Bring a registered series up to date on a re-import: where its files are now, and
    the images not recorded yet. Nothing else of the series changes."""
    with store.transaction():
        actor = authorize(store, session, *SETUP_ROLES)
        series = trial_store.find_series(store, series_instance_uid)
        if series is None:
            raise WorkflowError(f"series {series_instance_uid}", "not registered")
        _check_images_free(store, series_instance_uid, images)
        if location is not None and location != series.location:
            series = trial_store.update_series(store, actor.user_id, series, location=location)
        trial_store.insert_images(store, actor.user_id, series, images)
        return series


def set_series_phase(store: Store, session: Session, series_instance_uid: str,
                     phase: str) -> SeriesRecord:
    """Correct the phase of a registered series (the import could not recognise it)."""
    entity = f"series {series_instance_uid}"
    with store.transaction():
        actor = authorize(store, session, *SETUP_ROLES)
        _check_phase(phase, entity)
        series = trial_store.find_series(store, series_instance_uid)
        if series is None:
            raise WorkflowError(entity, "not registered")
        if series.phase == phase:
            return series
        return trial_store.update_series(store, actor.user_id, series, phase=phase)


# -- reading tasks ------------------------------------------------------------------------

def assign(store: Store, session: Session, subject: str, reader_login: str,
           slot: int) -> Task:
    """Assign a reader to a subject as reader 1 or 2; the read starts with every timepoint open.

    Raises
    ------
    WorkflowError
        If the user is not a reader, the slot is taken, or the reader already reads it.
    """
    entity = f"subject {subject!r} reader {slot}"
    with store.transaction():
        actor = authorize(store, session, *SETUP_ROLES)
        found = visible_subject(store, subject)
        reader = auth.find_user(store, reader_login)
        refusal = assignment_refusal(trial_store.subject_tasks(store, found), reader,
                                     reader_login, slot)
        if refusal:
            raise WorkflowError(entity, refusal)
        assert reader is not None
        return trial_store.insert_task(store, actor.user_id, found, reader.user_id,
                                       reader_login, slot)


def assign_readers(store: Store, session: Session, subject: str, reader_1: str | None,
                   reader_2: str | None) -> tuple[Task, ...]:
    """Assign reader 1 and/or reader 2 of a subject in one transaction (``None`` leaves a
    slot as it is): both are assigned, or, when either is refused, neither.

    Raises
    ------
    WorkflowError
        As :func:`assign` (the same person twice: "… already reads this subject; the two
        reads must be independent"); nothing is assigned then.
    """
    with store.transaction():
        return tuple(assign(store, session, subject, login, slot)
                     for slot, login in ((1, reader_1), (2, reader_2)) if login is not None)
