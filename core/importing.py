"""Import scanned DICOM studies into a trial store.

A study maps to a registered subject and timepoint by its PatientID (the trial code, after
de-identification) and StudyDate, or by an explicit choice. Its files are copied into the
trial's image folder under a name made of their SHA-256, so re-importing the same export is a
no-op and every measurement can reference the exact image by its SOP Instance UID. Studies
that cannot be mapped are skipped with a reason; nothing half-imported is registered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from core.dicom.scan import ScanResult, SeriesInfo, StudyInfo, scan
from core.model.trial import Session
from core.store import Store
from core.store.trial import add_series, find_series, list_subjects, list_timepoints

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]

IMAGES_SUFFIX = "-images"


@dataclass(frozen=True, slots=True)
class ImportedSeries:
    """One series now in the store (or already there before this import)."""

    subject: str
    timepoint_label: str
    series_instance_uid: str
    phase: str
    n_files: int
    n_copied: int
    already_imported: bool


@dataclass(frozen=True, slots=True)
class SkippedStudy:
    """A study that was not imported, and why."""

    study_instance_uid: str
    patient_id: str
    study_date: str
    reason: str


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the scan, the series imported, the studies skipped."""

    scan: ScanResult
    imported: tuple[ImportedSeries, ...]
    skipped: tuple[SkippedStudy, ...]


def image_folder(store: Store) -> Path:
    """Where the trial keeps its images: ``<store name>-images`` beside the store file."""
    return store.path.parent / f"{store.path.stem}{IMAGES_SUFFIX}"


def _study_date(study: StudyInfo) -> dt.date | None:
    try:
        return dt.datetime.strptime(study.study_date, "%Y%m%d").date()
    except ValueError:
        return None


def _map_study(store: Store, session: Session, study: StudyInfo, subject: str | None,
               timepoint: str | None) -> tuple[str, str] | str:
    """(subject, timepoint label) for *study*, or the reason it cannot be mapped."""
    code = subject or study.patient_id
    if code not in {s.code for s in list_subjects(store, session)}:
        return (f"PatientID {study.patient_id!r} is not a subject of this trial; register it "
                "(mrecist subject add) or choose one (--subject)") if subject is None \
            else f"subject {code!r} is not registered in this trial"
    timepoints = list_timepoints(store, session, code)
    if timepoint is not None:
        if timepoint not in {t.label for t in timepoints}:
            return f"subject {code!r} has no timepoint {timepoint!r}"
        return code, timepoint
    date = _study_date(study)
    matches = [t for t in timepoints if t.date == date]
    if not matches:
        shown = date.isoformat() if date else f"{study.study_date!r} (not a date)"
        return (f"subject {code!r} has no timepoint on the study date {shown}; add it "
                "(mrecist timepoint add) or choose one (--timepoint)")
    return code, matches[0].label


def _copy_series(series: SeriesInfo, folder: Path) -> int:
    """Copy the series' files into *folder*, named by content; return how many were new."""
    folder.mkdir(parents=True, exist_ok=True)
    copied = 0
    seen: set[tuple[Path, str | None]] = set()
    for header in series.headers:
        key = (header.path, header.member)
        if key in seen:  # frames of one multi-frame file
            continue
        seen.add(key)
        with header.ref.open() as source:
            data = source.read()
        target = folder / f"{hashlib.sha256(data).hexdigest()}.dcm"
        if target.exists():
            continue
        temporary = target.with_suffix(".partial")
        temporary.write_bytes(data)
        os.replace(temporary, target)  # a killed import never leaves half a file named
        copied += 1
    return copied


def import_studies(
    store: Store,
    session: Session,
    paths: Iterable[Path],
    *,
    subject: str | None = None,
    timepoint: str | None = None,
    progress: Progress | None = None,
    is_cancelled: Cancelled | None = None,
) -> ImportResult:
    """Scan *paths* and import every study that maps to a subject and timepoint.

    Files are copied before their series is registered, so a series in the store always has
    all its files. A series whose UID the store already knows is counted as already imported
    (its files are still checked and completed).
    """
    result = scan(list(paths), progress=progress, is_cancelled=is_cancelled)
    imported: list[ImportedSeries] = []
    skipped: list[SkippedStudy] = []
    images = image_folder(store)
    for study in result.studies:
        mapped = _map_study(store, session, study, subject, timepoint)
        if isinstance(mapped, str):
            skipped.append(SkippedStudy(study.study_instance_uid, study.patient_id,
                                        study.study_date, mapped))
            continue
        code, label = mapped
        by_uid: dict[str, list[SeriesInfo]] = {}
        for series in study.series:
            by_uid.setdefault(series.series_instance_uid, []).append(series)
        for parts in by_uid.values():
            imported.append(_import_series(store, session, parts, study, code, label, images))
    return ImportResult(result, tuple(imported), tuple(skipped))


def _import_series(store: Store, session: Session, parts: list[SeriesInfo], study: StudyInfo,
                   code: str, label: str, images: Path) -> ImportedSeries:
    uid = parts[0].series_instance_uid
    folder = images / uid
    copied = sum(_copy_series(part, folder) for part in parts)
    # An MR dynamic series holds several phases under one UID (one entry per temporal
    # position after the scan); the store keeps one row per UID, and loading splits it again.
    phase = parts[0].phase.phase.value if len(parts) == 1 else "dynamic"
    known = find_series(store, session, uid)
    if known is None:
        add_series(store, session, code, label, series_instance_uid=uid,
                   study_instance_uid=study.study_instance_uid, modality=parts[0].modality,
                   phase=phase, location=str(folder.relative_to(store.path.parent)))
    n_files = len({(h.path, h.member) for part in parts for h in part.headers})
    return ImportedSeries(code, label, uid, phase, n_files, copied,
                          already_imported=known is not None)
