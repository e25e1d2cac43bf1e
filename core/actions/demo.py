"""The demo trial in a store: its registration, and the complete demo trial store.

``register_demo_trial`` registers what ``mrecist demo`` wrote: subjects, timepoints, series,
the images staying where they are (each series points at its study folder); their headers
are scanned so every image's plane is recorded, as an import does.

``build_demo_store`` makes the whole demo trial store the application opens with
``--demo``: the accounts of every role with the documented demo passwords, the subjects
with their images imported next to the store as ``mrecist import`` copies them, and both
readers assigned.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.actions import setup
from core.actions.accounts import change_password
from core.actions.demo_clinical import record_demo_clinical
from core.actions.importing import image_records, import_studies
from core.dicom.scan import scan
from core.errors import StoreError
from core.model.imaging import ImageRecord
from core.model.reading import Role
from core.model.trial import Session
from core.phantom import PhantomSize, read_manifest, write_demo_trial
from core.progress import Progress
from core.store import DEFAULT_KDF, ScryptParams, Store, init_store, login, logout

DEMO_TRIAL_NAME = "DEMO-HCC"
DEMO_STORE_NAME = "demo-trial.sqlite"
# The demo accounts' password, shown on the log-in screen in demo mode only. It satisfies
# the password policy (core.store.auth.password_refusal) like any other.
DEMO_PASSWORD = "liver demo 2026"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """One account of the demo trial (its password is ``DEMO_PASSWORD``)."""

    login: str
    display_name: str
    role: Role


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("reader1", "Rita Reader", Role.READER),
    DemoAccount("reader2", "Rolf Reader", Role.READER),
    DemoAccount("adjudicator", "Ann Adjudicator", Role.ADJUDICATOR),
    DemoAccount("coordinator", "Carl Coordinator", Role.COORDINATOR),
    DemoAccount("admin", "Ada Admin", Role.ADMIN),
)


@dataclass(frozen=True)
class _Study:
    """One demo study as it will be registered: read and scanned before anything is written."""

    subject: str
    label: str
    date: dt.date
    week: int | None
    study_instance_uid: str
    modality: str
    location: str
    series: tuple[tuple[str, str, tuple[ImageRecord, ...]], ...]  # uid, phase, images


def register_demo_trial(store: Store, session: Session, folder: Path | str,
                        progress: Progress | None = None) -> int:
    """Add every subject of the demo trial in *folder* with its timepoints and series.

    Every study is read and scanned first; then everything is registered in one
    transaction, so a damaged demo folder registers nothing rather than half a trial.
    Returns the number of subjects added.

    Raises
    ------
    StoreError
        If *folder* holds no complete demo trial, or a study of it cannot be read.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        raise StoreError(folder, "no complete demo trial here (write one with `mrecist demo`)")
    entries = [(subject["subject"], timepoint) for subject in manifest["subjects"]
               for timepoint in subject["timepoints"]]
    studies = []
    for done, (code, timepoint) in enumerate(entries):
        if progress:
            progress(done / len(entries), f"Reading {code} {timepoint['label']}")
        studies.append(_read_study(folder, code, timepoint))
    with store.transaction():
        for study in studies:
            _register(store, session, study)
    if progress:
        progress(1.0, f"Registered {len(manifest['subjects'])} subjects")
    return len(manifest["subjects"])


def _read_study(folder: Path, code: str, timepoint: dict[str, Any]) -> _Study:
    truth_file = folder / timepoint["ground_truth"]
    try:
        truth = json.loads(truth_file.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise StoreError(truth_file, f"cannot read the demo's ground truth: {error}") from None
    location = Path(timepoint["folder"]) / "dicom"
    scanned = {series.series_instance_uid: series
               for series in scan(folder / location).series}
    series = tuple(
        (entry["series_instance_uid"], entry["phase"],
         image_records([scanned[entry["series_instance_uid"]]])
         if entry["series_instance_uid"] in scanned else ())
        for entry in truth["series"])
    return _Study(code, timepoint["label"], dt.date.fromisoformat(timepoint["date"]),
                  timepoint["week"], truth["study_instance_uid"], truth["modality"],
                  str(location), series)


def _register(store: Store, session: Session, study: _Study) -> None:
    # Nested in register_demo_trial's transaction: each action is a savepoint of it.
    if not any(s.code == study.subject for s in setup.list_subjects(store, session)):
        setup.add_subject(store, session, study.subject)
    setup.add_timepoint(store, session, study.subject, study.label, study.date, study.week)
    for uid, phase, images in study.series:
        setup.add_series(store, session, study.subject, study.label, series_instance_uid=uid,
                         study_instance_uid=study.study_instance_uid, modality=study.modality,
                         phase=phase, location=study.location, images=images)


def build_demo_store(folder: Path | str, size: PhantomSize = PhantomSize.DEMO,
                     progress: Progress | None = None, kdf: ScryptParams = DEFAULT_KDF,
                     phantom: Path | None = None) -> Path:
    """The demo trial store in *folder*, built first when absent; returns the store's path.

    Built in ``<folder>.building`` and renamed to *folder* once complete, so an interrupted
    build is started again and never opened half-made. The phantom studies are written,
    registered (``register_demo_trial``) and imported as ``mrecist import`` does, which
    copies them into ``<store>-images/`` beside the store; then the written originals are
    removed (a demo trial already written, *phantom*, is imported and kept). Every
    account of ``DEMO_ACCOUNTS`` gets ``DEMO_PASSWORD``: the admin at
    creation, the others by the first-log-in change a new account must make, done here
    (and audited as theirs) so that the demo accounts, and only they, skip it.

    Raises
    ------
    StoreError
        *folder* exists without a demo store in it, or the demo could not be imported whole.
    """
    folder = Path(folder)
    store_path = folder / DEMO_STORE_NAME
    if store_path.is_file():
        return store_path
    if folder.exists():
        raise StoreError(folder, "exists but holds no demo trial store; remove it first")
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)  # an interrupted build starts again
    building.mkdir(parents=True)
    source = phantom if phantom is not None else building / "phantom"
    if phantom is None:
        write_demo_trial(source, size, _part(progress, 0.0, 0.6))
    store = init_store(building / DEMO_STORE_NAME, DEMO_TRIAL_NAME, "mRECIST", "admin",
                       _account("admin").display_name, DEMO_PASSWORD, kdf=kdf)
    try:
        admin = login(store, "admin", DEMO_PASSWORD)
        _add_demo_accounts(store, admin, kdf)
        register_demo_trial(store, admin, source, _part(progress, 0.6, 0.75))
        imported = import_studies(store, admin, [source], progress=_part(progress, 0.75, 0.95))
        if imported.skipped or imported.skipped_series:
            reasons = [s.reason for s in imported.skipped] + \
                [s.reason for s in imported.skipped_series]
            raise StoreError(source, f"the demo did not import whole: {'; '.join(reasons)}")
        for subject in setup.list_subjects(store, admin):
            setup.assign(store, admin, subject.code, "reader1", 1)
            setup.assign(store, admin, subject.code, "reader2", 2)
        logout(store, admin)
        # The coordinator's clinical record of each subject (blind to the readers).
        coordinator = login(store, "coordinator", DEMO_PASSWORD)
        record_demo_clinical(store, coordinator, _demo_today())
        logout(store, coordinator)
    finally:
        store.close()
    if phantom is None:
        shutil.rmtree(source)
    os.replace(building, folder)
    if progress:
        progress(1.0, "Demo trial ready")
    return store_path


# The demo's timepoints are dated in 2026 and its last contact in August 2026: every entry
# must lie before "today", also on a machine whose clock is behind.
_DEMO_WRITTEN = dt.date(2026, 12, 1)


def _demo_today() -> dt.date:
    """Today, or the day the demo's dates were written for if the clock says earlier."""
    return max(dt.date.today(), _DEMO_WRITTEN)


def _account(login_name: str) -> DemoAccount:
    return next(a for a in DEMO_ACCOUNTS if a.login == login_name)


def _add_demo_accounts(store: Store, admin: Session, kdf: ScryptParams) -> None:
    """Every demo account but the admin, its first-log-in change made with DEMO_PASSWORD."""
    for account in DEMO_ACCOUNTS:
        if account.role is Role.ADMIN:
            continue
        temporary = secrets.token_urlsafe(18)  # known to nobody, replaced at once
        setup.add_user(store, admin, account.login, account.display_name, account.role,
                       temporary, kdf=kdf)
        session = login(store, account.login, temporary)
        change_password(store, session, temporary, DEMO_PASSWORD, kdf=kdf)
        logout(store, session)


def _part(progress: Progress | None, start: float, end: float) -> Progress | None:
    """*progress* for one part of the work, from *start* to *end* of the whole."""
    if progress is None:
        return None
    whole = progress

    def part(fraction: float, message: str) -> None:
        whole(start + (end - start) * fraction, message)
    return part
