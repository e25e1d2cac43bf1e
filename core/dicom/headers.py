"""Read only the DICOM header fields the workstation needs, never the pixel data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pydicom
from pydicom.errors import InvalidDicomError

from core.errors import DicomImportError

# Parsing stops at these tags: a header read costs a fraction of a full read.
HEADER_TAGS = (
    "SOPClassUID", "SOPInstanceUID", "Modality", "PatientID", "StudyInstanceUID", "StudyDate",
    "StudyDescription", "SeriesInstanceUID", "SeriesNumber", "SeriesDescription",
    "ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing", "SliceThickness",
    "Rows", "Columns", "AcquisitionTime", "ContentTime", "SeriesTime", "ContrastBolusAgent",
    "ContrastBolusStartTime", "TemporalPositionIdentifier", "NumberOfTemporalPositions",
    "TriggerTime", "InstanceNumber", "WindowCenter", "WindowWidth", "Manufacturer",
)


@dataclass(frozen=True, slots=True)
class ImageHeader:
    """The header of one image file, as plain values."""

    path: Path
    sop_instance_uid: str
    modality: str
    patient_id: str
    study_instance_uid: str
    study_date: str
    series_instance_uid: str
    series_number: int | None
    series_description: str
    position: tuple[float, float, float] | None
    orientation: tuple[float, ...] | None
    pixel_spacing: tuple[float, float] | None
    rows: int
    columns: int
    acquisition_time: str
    contrast_agent: str
    contrast_start_time: str
    temporal_position: int | None
    window: tuple[float, float] | None


def _first(value: object) -> object:
    return value[0] if isinstance(value, pydicom.multival.MultiValue) else value


def _floats(value: object, n: int) -> tuple[float, ...] | None:
    if value is None:
        return None
    try:
        numbers = tuple(float(v) for v in value)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    return numbers if len(numbers) == n else None


def read_header(path: Path) -> ImageHeader:
    """Read the header of *path*; raise :class:`DicomImportError` if it is not a usable image."""
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=list(HEADER_TAGS))
    except InvalidDicomError:
        raise DicomImportError(path, "not a DICOM file (no DICM preamble)") from None
    except (OSError, ValueError, EOFError, KeyError, TypeError) as exc:
        raise DicomImportError(path, f"unreadable DICOM header ({exc})") from None
    if "SOPInstanceUID" not in ds or "SeriesInstanceUID" not in ds:
        raise DicomImportError(path, "no SOP or series instance UID: not an image object")
    if not ds.get("Rows") or not ds.get("Columns"):
        raise DicomImportError(path, "not an image (no Rows/Columns)")
    centre, width = _first(ds.get("WindowCenter")), _first(ds.get("WindowWidth"))
    temporal = ds.get("TemporalPositionIdentifier")
    return ImageHeader(
        path=path,
        sop_instance_uid=str(ds.SOPInstanceUID),
        modality=str(ds.get("Modality", "")),
        patient_id=str(ds.get("PatientID", "")),
        study_instance_uid=str(ds.get("StudyInstanceUID", "")),
        study_date=str(ds.get("StudyDate", "")),
        series_instance_uid=str(ds.SeriesInstanceUID),
        series_number=int(ds.SeriesNumber) if ds.get("SeriesNumber") is not None else None,
        series_description=str(ds.get("SeriesDescription", "")),
        position=_floats(ds.get("ImagePositionPatient"), 3),  # type: ignore[arg-type]
        orientation=_floats(ds.get("ImageOrientationPatient"), 6),
        pixel_spacing=_floats(ds.get("PixelSpacing"), 2),  # type: ignore[arg-type]
        rows=int(ds.Rows),
        columns=int(ds.Columns),
        acquisition_time=str(ds.get("AcquisitionTime") or ds.get("ContentTime") or ""),
        contrast_agent=str(ds.get("ContrastBolusAgent", "")),
        contrast_start_time=str(ds.get("ContrastBolusStartTime", "")),
        temporal_position=int(temporal) if temporal is not None else None,
        window=(float(centre), float(width)) if centre is not None and width else None,
    )
