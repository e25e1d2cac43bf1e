"""Find the studies and series in a folder of DICOM files, reading headers only."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.dicom.headers import ImageHeader, pydicom_warnings_ignored, read_headers
from core.dicom.phases import PhaseDecision, classify_study_phases, override_phase
from core.dicom.quality import image_warnings
from core.dicom.sources import (
    Archives,
    FileRef,
    SourceProblem,
    UnsafeSourceError,
    expand_archive,
    list_files,
)
from core.dicom.stack import Stack, build_stack, split_dynamic
from core.errors import DicomImportError, NotDicomError
from core.model.imaging import Phase
from core.progress import Cancelled, Progress

# (SeriesInstanceUID, temporal position): one displayable series, see SeriesInfo.key.
SeriesKey = tuple[str, int | None]


@dataclass(frozen=True)
class SeriesInfo:
    """One displayable series: the images of a series (and temporal position) in a study.

    An MR dynamic series that holds every contrast phase is split into one ``SeriesInfo``
    per temporal position, because each is a phase of its own to the reader.
    """

    series_instance_uid: str
    temporal_position: int | None
    modality: str
    description: str
    series_number: int | None
    headers: tuple[ImageHeader, ...]
    phase: PhaseDecision
    warnings: tuple[str, ...] = ()
    slice_spacing_mm: float | None = None
    is_measurable: bool = True

    @property
    def n_images(self) -> int:
        """Number of images (frames of a multi-frame object count one each)."""
        return len(self.headers)

    @property
    def is_lossy(self) -> bool:
        """True when any image is, was or may be lossy compressed (see the warnings)."""
        return any(h.is_lossy for h in self.headers)

    @property
    def key(self) -> tuple[str, int | None]:
        """(SeriesInstanceUID, temporal position): unique within a scan, used by overrides."""
        return self.series_instance_uid, self.temporal_position

    @property
    def rows(self) -> int:
        """Rows of each image."""
        return self.headers[0].rows

    @property
    def columns(self) -> int:
        """Columns of each image."""
        return self.headers[0].columns

    @property
    def pixel_spacing_mm(self) -> tuple[float, float] | None:
        """(row spacing, column spacing) in mm, or None when the images do not say."""
        return self.headers[0].pixel_spacing


@dataclass(frozen=True)
class StudyInfo:
    """A study and its series, in series-number order."""

    study_instance_uid: str
    patient_id: str
    study_date: str
    series: tuple[SeriesInfo, ...]


@dataclass(frozen=True)
class Rejected:
    """A file that was not imported, and why, in words a person understands.

    *unsafe* is True when an import safety rule refused it (docs/import-limits.md: not a
    regular file, a zip beyond the limits), not merely because it is no usable image.
    """

    path: Path
    reason: str
    unsafe: bool = False


@dataclass(frozen=True)
class ScanResult:
    """What a scan found: studies, and every file it could not use."""

    studies: tuple[StudyInfo, ...]
    rejected: tuple[Rejected, ...] = field(default=())
    is_complete: bool = True  # False when the scan was cancelled before the last file

    @property
    def series(self) -> tuple[SeriesInfo, ...]:
        """Every series of every study."""
        return tuple(s for study in self.studies for s in study.series)


def scan(
    paths: Path | Iterable[Path],
    progress: Progress | None = None,
    is_cancelled: Cancelled | None = None,
    on_header: Callable[[ImageHeader], None] | None = None,
    archives: Archives | None = None,
) -> ScanResult:
    """Scan folders (recursively), zip archives and DICOMDIRs for CT and MR images.

    Only headers are read. Images are de-duplicated by SOP Instance UID (and frame), grouped
    into studies and series (a dynamic series into one per time point), ordered into stacks,
    and given a phase. Every file that is not used is in :attr:`ScanResult.rejected` with its
    reason; no file, however damaged, makes this raise. Cancelling returns what was found so
    far, with ``is_complete`` False.

    Parameters
    ----------
    paths
        Files, folders, zip archives or DICOMDIR files.
    progress
        Called with (fraction done, message) as files are read.
    is_cancelled
        Polled before each file; return True to stop.
    on_header
        Called with each image header accepted (after de-duplication), as it is read:
        lets a caller show an image before the scan ends.
    archives
        Opens each zip archive once for all its members and holds the zip limits
        (:class:`~core.dicom.sources.ZipLimits`); the caller closes it, and may read the
        members through it again (the import copies them). By default one with the
        default limits, closed when the scan returns.
    """
    roots = [paths] if isinstance(paths, str | Path) else list(paths)
    if progress:
        progress(0.0, "Listing files")
    own = archives is None
    archives = Archives() if archives is None else archives
    try:
        with pydicom_warnings_ignored():
            refs, problems = list_files((Path(r) for r in roots), archives)
            headers, rejected, is_complete = _read_all(refs, problems, progress,
                                                       is_cancelled, on_header)
    finally:
        if own:
            archives.close()
    rejected[:0] = [Rejected(p.path, p.reason, p.unsafe) for p in problems]
    if progress:
        progress(1.0, f"Read {len(refs)} files")
    studies = _group(headers.values(), rejected)
    return ScanResult(studies, tuple(rejected), is_complete)


def _read_all(
    refs: list[FileRef], problems: list[SourceProblem], progress: Progress | None,
    is_cancelled: Cancelled | None, on_header: Callable[[ImageHeader], None] | None,
) -> tuple[dict[tuple[str, int | None], ImageHeader], list[Rejected], bool]:
    """Read every header once; *refs* grows when a file turns out to be a zip archive."""
    headers: dict[tuple[str, int | None], ImageHeader] = {}
    rejected: list[Rejected] = []
    i = 0
    while i < len(refs):
        ref = refs[i]
        i += 1
        if is_cancelled and is_cancelled():
            return headers, rejected, False
        if progress and i % 50 == 1:
            progress((i - 1) / len(refs), f"Reading headers: {i - 1} of {len(refs)} files")
        try:
            found = read_headers(ref)
        except DicomImportError as exc:
            # Only a file that is not DICOM at all may be a zip archive under another name.
            is_zip = isinstance(exc, NotDicomError)
            members = expand_archive(ref, problems) if is_zip else None
            if members is None:
                rejected.append(Rejected(ref.display_path, exc.reason,
                                         isinstance(exc, UnsafeSourceError)))
            else:
                refs.extend(members)
            continue
        for header in found:
            key = (header.sop_instance_uid, header.frame_index)
            if key in headers:
                first = headers[key].display_path
                rejected.append(Rejected(ref.display_path,
                                         f"duplicate of {first.name} (same SOP Instance UID)"))
                break
            headers[key] = header
            if on_header:
                on_header(header)
    return headers, rejected, True


def _group(headers: Iterable[ImageHeader], rejected: list[Rejected]) -> tuple[StudyInfo, ...]:
    by_study: dict[str, dict[tuple[str, int | None], list[ImageHeader]]] = {}
    for h in headers:
        key = (h.series_instance_uid, h.temporal_position)
        by_study.setdefault(h.study_instance_uid, {}).setdefault(key, []).append(h)
    studies = []
    for study_uid, groups in by_study.items():
        groups = _split_dynamic_series(groups)
        stacks = {key: build_stack(members) for key, members in groups.items()}
        for stack in stacks.values():
            rejected.extend(Rejected(h.display_path, _frame_prefix(h) + why)
                            for h, why in stack.left_out)
        decisions = classify_study_phases({k: s.headers for k, s in stacks.items()})
        series = [_series_info(key, stack, decisions[key]) for key, stack in stacks.items()]
        series.sort(key=lambda s: (s.series_number or 0, s.temporal_position or 0,
                                   s.series_instance_uid))
        first = series[0].headers[0]
        studies.append(StudyInfo(study_uid, first.patient_id, first.study_date, tuple(series)))
    studies.sort(key=lambda s: (s.patient_id, s.study_date, s.study_instance_uid))
    return tuple(studies)


def _frame_prefix(h: ImageHeader) -> str:
    return f"frame {h.frame_number}: " if h.frame_number is not None else ""


def _split_dynamic_series(
    groups: dict[tuple[str, int | None], list[ImageHeader]],
) -> dict[tuple[str, int | None], list[ImageHeader]]:
    """Give each time point of a dynamic series without temporal positions its own group."""
    out: dict[tuple[str, int | None], list[ImageHeader]] = {}
    for (uid, temporal), members in groups.items():
        parts = split_dynamic(members) if temporal is None else None
        if parts is None:
            out[(uid, temporal)] = members
        else:
            out.update(((uid, t), part) for t, part in enumerate(parts, start=1))
    return out


def _series_info(key: tuple[str, int | None], stack: Stack, phase: PhaseDecision) -> SeriesInfo:
    first = stack.headers[0]
    return SeriesInfo(
        series_instance_uid=key[0],
        temporal_position=key[1],
        modality=first.modality,
        description=first.series_description,
        series_number=first.series_number,
        headers=stack.headers,
        phase=phase,
        warnings=(*stack.warnings, *image_warnings(stack.headers)),
        slice_spacing_mm=stack.slice_spacing_mm,
        is_measurable=stack.is_measurable,
    )


def override_phases(result: ScanResult, overrides: Mapping[SeriesKey, Phase]) -> ScanResult:
    """A copy of *result* where the reader's choice of phase replaces the import's.

    Pure: *result* is unchanged. Each overridden decision says so and keeps what the
    import had decided in its reason.

    Raises
    ------
    ValueError
        If a key names no series of *result* (a typo must not pass silently).
    """
    known = {s.key for s in result.series}
    unknown = [key for key in overrides if key not in known]
    if unknown:
        raise ValueError(f"no series {format_series_key(unknown[0])} in this scan")
    studies = tuple(
        replace(study, series=tuple(
            replace(s, phase=override_phase(s.phase, overrides[s.key]))
            if s.key in overrides else s
            for s in study.series))
        for study in result.studies)
    return replace(result, studies=studies)


def format_series_key(key: SeriesKey) -> str:
    """``UID`` or ``UID:3`` for time point 3 of a dynamic series."""
    uid, temporal = key
    return uid if temporal is None else f"{uid}:{temporal}"


def parse_series_key(text: str) -> SeriesKey:
    """The inverse of :func:`format_series_key`.

    Raises
    ------
    ValueError
        If the time point after the colon is not a whole number.
    """
    uid, sep, temporal = text.strip().partition(":")
    if not sep:
        return uid, None
    if not temporal.isdigit():
        raise ValueError(f"{text!r}: the time point after ':' must be a whole number")
    return uid, int(temporal)
