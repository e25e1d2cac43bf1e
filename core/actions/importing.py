"""Import scanned DICOM studies into a trial store.

A study maps to a registered subject and timepoint by its PatientID (the trial code, after
de-identification) and StudyDate, or by an explicit choice. Its files are copied into the
trial's image folder under a name made of their SHA-256, so re-importing the same export is a
no-op and every measurement can reference the exact image by its SOP Instance UID. Each
image's plane is recorded with its series, so a caliper's length is measured against the
image itself. Studies that cannot be mapped are skipped with a reason; nothing
half-imported is registered.

What may come from a hostile file is checked before it touches the disk
(docs/import-limits.md): a SeriesInstanceUID names the series' folder only when it is a
DICOM UID (PS3.5 §9.1) and the folder resolves inside the image folder; each zip archive is
opened once and unpacked within :class:`~core.dicom.sources.ZipLimits`; only regular files
are read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from core.actions import setup
from core.dicom.headers import ImageHeader
from core.dicom.scan import ScanResult, SeriesInfo, SeriesKey, StudyInfo, override_phases, scan
from core.dicom.sources import Archives, UnsafeSourceError, ZipLimits
from core.dicom.uids import shown_uid, uid_problem
from core.errors import DicomImportError
from core.model.imaging import ImageRecord, Phase
from core.model.trial import SeriesRecord, Session, TimepointInfo
from core.progress import Cancelled, Progress
from core.store import Store
from core.store import trial as trial_store

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
    n_images_recorded: int = 0


@dataclass(frozen=True, slots=True)
class SkippedStudy:
    """A study that was not imported, and why."""

    study_instance_uid: str
    patient_id: str
    study_date: str
    reason: str


@dataclass(frozen=True, slots=True)
class SkippedSeries:
    """A series of a mapped study that was not imported, and why.

    *unsafe* is True when an import safety rule refused it (docs/import-limits.md).
    """

    series_instance_uid: str
    subject: str
    timepoint_label: str
    reason: str
    unsafe: bool = False


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the scan, the series imported, the studies and series skipped."""

    scan: ScanResult
    imported: tuple[ImportedSeries, ...]
    skipped: tuple[SkippedStudy, ...]
    skipped_series: tuple[SkippedSeries, ...] = ()


@dataclass(frozen=True, slots=True)
class _Target:
    """Where a study goes: a registered subject's timepoint."""

    subject: str
    timepoint_label: str
    timepoint_id: int


class _Unmapped(Exception):
    """A study that maps to no registered subject and timepoint (the reason is the text)."""


def image_folder(store: Store) -> Path:
    """Where the trial keeps its images: ``<store name>-images`` beside the store file."""
    return store.path.parent / f"{store.path.stem}{IMAGES_SUFFIX}"


def _study_date(study: StudyInfo) -> dt.date | None:
    try:
        return dt.datetime.strptime(study.study_date, "%Y%m%d").date()
    except ValueError:
        return None


def _by_date(timepoints: tuple[TimepointInfo, ...], study: StudyInfo,
             code: str) -> TimepointInfo:
    date = _study_date(study)
    matches = [timepoint for timepoint in timepoints if timepoint.date == date]
    if not matches:
        shown = date.isoformat() if date else f"{study.study_date!r} (not a date)"
        raise _Unmapped(f"subject {code!r} has no timepoint on the study date {shown}; add it "
                        "(mrecist timepoint add) or choose one (--timepoint)")
    return matches[0]


def _map_study(store: Store, session: Session, study: StudyInfo, subject: str | None,
               timepoint: str | None) -> _Target:
    """The subject and timepoint *study* goes to.

    Raises
    ------
    _Unmapped
        With the reason, when none is registered.
    """
    code = subject or study.patient_id
    if code not in {s.code for s in setup.list_subjects(store, session)}:
        raise _Unmapped(f"subject {code!r} is not registered in this trial" if subject else
                        f"PatientID {study.patient_id!r} is not a subject of this trial; "
                        "register it (mrecist subject add) or choose one (--subject)")
    timepoints = setup.list_timepoints(store, session, code)
    if timepoint is None:
        found = _by_date(timepoints, study, code)
    else:
        chosen = [t for t in timepoints if t.label == timepoint]
        if not chosen:
            raise _Unmapped(f"subject {code!r} has no timepoint {timepoint!r}")
        found = chosen[0]
    return _Target(code, found.label, found.timepoint_id)


def _copy_series(series: SeriesInfo, folder: Path, archives: Archives) -> int:
    """Copy the series' files into *folder*, named by content; return how many were new.

    Zip members are read through *archives*: the scan's open archives, not one open each.
    """
    folder.mkdir(parents=True, exist_ok=True)
    copied = 0
    seen: set[tuple[Path, str | None]] = set()
    for header in series.headers:
        key = (header.path, header.member)
        if key in seen:  # frames of one multi-frame file
            continue
        seen.add(key)
        try:
            with archives.open(header.ref) as source:
                data = source.read()
        except OSError as exc:  # changed or gone since the scan
            raise DicomImportError(header.display_path, "cannot be read to copy it "
                                   f"({exc.strerror or exc})") from None
        target = folder / f"{hashlib.sha256(data).hexdigest()}.dcm"
        if target.exists():
            continue
        temporary = target.with_suffix(".partial")
        temporary.write_bytes(data)
        os.replace(temporary, target)  # a killed import never leaves half a file named
        copied += 1
    return copied


def image_record(header: ImageHeader) -> ImageRecord | None:
    """What the trial keeps of one image: its plane (``None`` when it has none to measure by)."""
    if header.position is None or header.orientation is None or header.pixel_spacing is None:
        return None
    row_direction = header.orientation[:3]
    column_direction = header.orientation[3:6]
    return ImageRecord(
        header.sop_instance_uid,
        0 if header.frame_index is None else header.frame_index + 1,
        header.rows, header.columns, header.position,
        (row_direction[0], row_direction[1], row_direction[2]),
        (column_direction[0], column_direction[1], column_direction[2]),
        header.pixel_spacing, header.is_lossy)


def image_records(parts: Iterable[SeriesInfo]) -> tuple[ImageRecord, ...]:
    """The image records of every measurable image of a series' parts."""
    return tuple(record for part in parts for header in part.headers
                 if (record := image_record(header)) is not None)


def import_studies(
    store: Store,
    session: Session,
    paths: Iterable[Path],
    *,
    subject: str | None = None,
    timepoint: str | None = None,
    phases: Mapping[SeriesKey, Phase] | None = None,
    progress: Progress | None = None,
    is_cancelled: Cancelled | None = None,
    limits: ZipLimits | None = None,
) -> ImportResult:
    """Scan *paths* and import every study that maps to a subject and timepoint.

    *phases* overrides the recognised phase of series by (SeriesInstanceUID, temporal
    position), as a reader corrects an import that could not name a phase. Files are
    copied before their series is registered, so a series in the store always has all
    its files. A series whose UID the store already knows is counted as already imported;
    its files are still checked and completed, it is pointed at the store's copies and
    images it lacks are recorded. *limits* bound what zip archives may unpack (the
    defaults of :class:`~core.dicom.sources.ZipLimits` otherwise); what they, or any other
    safety rule, refuse is skipped with its reason and ``unsafe`` set.

    Raises
    ------
    DicomImportError
        If a phase override names a series the scan did not find.
    """
    with Archives(limits) as archives:
        result = scan(list(paths), progress=progress, is_cancelled=is_cancelled,
                      archives=archives)
        return _import_scanned(store, session, result, subject, timepoint, phases, archives)


def import_scanned(
    store: Store,
    session: Session,
    result: ScanResult,
    *,
    subject: str | None = None,
    timepoint: str | None = None,
    progress: Progress | None = None,
    limits: ZipLimits | None = None,
) -> ImportResult:
    """Import a scan already made and reviewed (the import dialog's, its phase choices
    applied): as :func:`import_studies` without scanning again.

    *progress* hears of each series as it is imported; the files are read again from
    where the scan found them (zip archives reopened within *limits*).
    """
    with Archives(limits) as archives:
        return _import_scanned(store, session, result, subject, timepoint, None, archives,
                               progress)


def _import_scanned(store: Store, session: Session, result: ScanResult, subject: str | None,
                    timepoint: str | None, phases: Mapping[SeriesKey, Phase] | None,
                    archives: Archives, progress: Progress | None = None) -> ImportResult:
    if phases:
        try:
            result = override_phases(result, phases)
        except ValueError as error:
            raise DicomImportError("--phase", str(error)) from None
    imported: list[ImportedSeries] = []
    skipped: list[SkippedStudy] = []
    conflicts: list[SkippedSeries] = []
    images = image_folder(store)
    total = max(1, len({series.series_instance_uid for series in result.series}))
    for study in result.studies:
        try:
            target = _map_study(store, session, study, subject, timepoint)
        except _Unmapped as why:
            skipped.append(SkippedStudy(study.study_instance_uid, study.patient_id,
                                        study.study_date, str(why)))
            continue
        by_uid: dict[str, list[SeriesInfo]] = {}
        for series in study.series:
            by_uid.setdefault(series.series_instance_uid, []).append(series)
        for parts in by_uid.values():
            if progress is not None:
                done_so_far = len(imported) + len(conflicts)
                progress(done_so_far / total, f"importing {target.subject} "
                         f"{target.timepoint_label}: series {done_so_far + 1} of {total}")
            done = _import_series(store, session, parts, study, target, images, archives)
            if isinstance(done, SkippedSeries):
                conflicts.append(done)
            else:
                imported.append(done)
    return ImportResult(result, tuple(imported), tuple(skipped), tuple(conflicts))


def _elsewhere(store: Store, known: SeriesRecord, target: _Target) -> SkippedSeries | None:
    """A series already registered to another timepoint stays there, and the import says so."""
    if known.timepoint_id == target.timepoint_id:
        return None
    owner = trial_store.find_timepoint(store, known.timepoint_id)
    where = f"{owner.subject} {owner.label}" if owner else "another timepoint"
    return SkippedSeries(known.series_instance_uid, target.subject, target.timepoint_label,
                         f"already registered to {where}, not {target.subject} "
                         f"{target.timepoint_label}; nothing of it was changed")


def _unsafe_folder(parts: list[SeriesInfo], target: _Target,
                   images: Path) -> SkippedSeries | None:
    """The series refused, when its UID cannot name a folder inside *images*, else None.

    The UID must be a DICOM UID (PS3.5 §9.1: digits and dots, so no separator, ``..`` or
    drive); and, in depth, ``images/UID`` must resolve to a folder directly inside
    *images* (not through a link placed there).
    """
    uid = parts[0].series_instance_uid
    files = sorted({h.display_path for part in parts for h in part.headers})
    where = f"{files[0]}" + (f" and {len(files) - 1} more file(s)" if len(files) > 1 else "")
    problem = uid_problem(uid)
    if problem is not None:
        reason = (f"SeriesInstanceUID {shown_uid(uid)} of {where} is not a DICOM UID "
                  f"({problem}; PS3.5 §9.1); it would name the series' folder, so nothing "
                  "of the series was imported")
    elif (images / uid).resolve().parent != images.resolve():
        reason = (f"the folder for SeriesInstanceUID {uid} of {where} resolves to "
                  f"{(images / uid).resolve()}, outside {images}; nothing of the series "
                  "was imported")
    else:
        return None
    return SkippedSeries(uid, target.subject, target.timepoint_label, reason, unsafe=True)


def _import_series(store: Store, session: Session, parts: list[SeriesInfo], study: StudyInfo,
                   target: _Target, images: Path,
                   archives: Archives) -> ImportedSeries | SkippedSeries:
    uid = parts[0].series_instance_uid
    if (refused := _unsafe_folder(parts, target, images)) is not None:
        return refused
    known = setup.find_series(store, session, uid)
    if known is not None and (conflict := _elsewhere(store, known, target)) is not None:
        return conflict
    folder = images / uid
    try:
        copied = sum(_copy_series(part, folder, archives) for part in parts)
    except DicomImportError as exc:
        return SkippedSeries(uid, target.subject, target.timepoint_label,
                             f"{exc}; the series was not registered",
                             unsafe=isinstance(exc, UnsafeSourceError))
    # An MR dynamic series holds several phases under one UID (one entry per temporal
    # position after the scan); the store keeps one row per UID, and loading splits it again.
    phase = parts[0].phase.phase.value if len(parts) == 1 else "dynamic"
    location = str(folder.relative_to(store.path.parent))
    records = image_records(parts)
    recorded: SeriesRecord
    if known is None:
        recorded = setup.add_series(store, session, target.subject, target.timepoint_label,
                                    series_instance_uid=uid,
                                    study_instance_uid=study.study_instance_uid,
                                    modality=parts[0].modality, phase=phase, location=location,
                                    images=records)
        new_images = len(records)
    else:
        before = trial_store.series_image_count(store, known.series_id)
        recorded = setup.complete_series(store, session, uid, location=location, images=records)
        new_images = trial_store.series_image_count(store, known.series_id) - before
    n_files = len({(h.path, h.member) for part in parts for h in part.headers})
    return ImportedSeries(target.subject, target.timepoint_label, uid, recorded.phase, n_files,
                          copied, already_imported=known is not None,
                          n_images_recorded=new_images)
