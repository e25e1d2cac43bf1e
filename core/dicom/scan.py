"""Find the studies and series in a folder of DICOM files, reading headers only."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.dicom.headers import ImageHeader, read_header
from core.dicom.phases import PhaseDecision, classify_study_phases
from core.errors import DicomImportError

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]


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

    @property
    def n_images(self) -> int:
        """Number of image files."""
        return len(self.headers)


@dataclass(frozen=True)
class StudyInfo:
    """A study and its series, in series-number order."""

    study_instance_uid: str
    patient_id: str
    study_date: str
    series: tuple[SeriesInfo, ...]


@dataclass(frozen=True)
class Rejected:
    """A file that was not imported, and why, in words a person understands."""

    path: Path
    reason: str


@dataclass(frozen=True)
class ScanResult:
    """What a scan found: studies, and every file it could not use."""

    studies: tuple[StudyInfo, ...]
    rejected: tuple[Rejected, ...] = field(default=())


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    found = []
    for folder, _, names in os.walk(root):
        found.extend(Path(folder) / n for n in sorted(names))
    return sorted(found)


def scan(
    paths: Path | Iterable[Path],
    progress: Progress | None = None,
    is_cancelled: Cancelled | None = None,
) -> ScanResult:
    """Scan files and folders (recursively) for DICOM images, reading headers only.

    Files are de-duplicated by SOP Instance UID; every file that is not used is listed in
    :attr:`ScanResult.rejected` with its reason. Cancelling returns what was found so far.
    """
    roots = [paths] if isinstance(paths, Path) else list(paths)
    files = [f for root in roots for f in _files(Path(root))]
    headers: dict[str, ImageHeader] = {}
    rejected: list[Rejected] = []
    for i, path in enumerate(files):
        if is_cancelled and is_cancelled():
            break
        try:
            header = read_header(path)
        except DicomImportError as exc:
            rejected.append(Rejected(path, exc.reason))
            continue
        if header.sop_instance_uid in headers:
            first = headers[header.sop_instance_uid].path
            rejected.append(Rejected(path, f"duplicate of {first.name} (same SOP Instance UID)"))
            continue
        headers[header.sop_instance_uid] = header
        if progress and i % 50 == 0:
            progress(i / max(len(files), 1), f"Reading headers: {i} of {len(files)} files")
    if progress:
        progress(1.0, f"Read {len(files)} files")
    return ScanResult(_group(headers.values()), tuple(rejected))


def _group(headers: Iterable[ImageHeader]) -> tuple[StudyInfo, ...]:
    by_study: dict[str, dict[tuple[str, int | None], list[ImageHeader]]] = {}
    for h in headers:
        key = (h.series_instance_uid, h.temporal_position)
        by_study.setdefault(h.study_instance_uid, {}).setdefault(key, []).append(h)
    studies = []
    for study_uid, groups in by_study.items():
        decisions = classify_study_phases(dict(groups))
        series = [
            SeriesInfo(
                series_instance_uid=key[0],
                temporal_position=key[1],
                modality=members[0].modality,
                description=members[0].series_description,
                series_number=members[0].series_number,
                headers=tuple(members),
                phase=decisions[key],
            )
            for key, members in groups.items()
        ]
        series.sort(key=lambda s: (s.series_number or 0, s.temporal_position or 0))
        first = series[0].headers[0]
        studies.append(StudyInfo(study_uid, first.patient_id, first.study_date, tuple(series)))
    studies.sort(key=lambda s: (s.patient_id, s.study_date))
    return tuple(studies)
