"""Load a scanned series into a :class:`~core.model.volume.Volume`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom

from core.dicom.headers import ImageHeader
from core.dicom.scan import SeriesInfo
from core.errors import DicomImportError
from core.model.imaging import Modality
from core.model.volume import Volume

Progress = Callable[[float, str], None]


def _orientation(series: SeriesInfo) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    first = series.headers[0]
    if first.orientation is None:
        raise DicomImportError(first.path, "no ImageOrientationPatient: cannot place slices")
    if any(h.orientation != first.orientation for h in series.headers):
        raise DicomImportError(first.path, "mixed orientations within one series")
    row_dir = np.array(first.orientation[:3])  # direction of increasing column index
    col_dir = np.array(first.orientation[3:])  # direction of increasing row index
    return row_dir, col_dir, np.cross(row_dir, col_dir)


def _sorted_headers(series: SeriesInfo, normal: np.ndarray) -> list[ImageHeader]:
    missing = [h for h in series.headers if h.position is None]
    if missing:
        raise DicomImportError(missing[0].path, "no ImagePositionPatient: cannot place slice")
    # Head first for axial series: sort against the normal when it points cranially.
    sign = -1.0 if normal[2] >= 0 else 1.0
    return sorted(series.headers, key=lambda h: sign * float(np.dot(h.position, normal)))


def load_volume(series: SeriesInfo, progress: Progress | None = None) -> Volume:
    """Read every image of *series* and stack them in patient order.

    Raises
    ------
    DicomImportError
        When the series cannot be placed in space (no orientation or positions, mixed
        orientations or sizes) or a file's pixel data cannot be decoded.
    """
    row_dir, col_dir, normal = _orientation(series)
    headers = _sorted_headers(series, normal)
    first = headers[0]
    if any((h.rows, h.columns) != (first.rows, first.columns) for h in headers):
        raise DicomImportError(first.path, "images of different sizes within one series")
    voxels = np.empty((len(headers), first.rows, first.columns), dtype=np.float32)
    for k, header in enumerate(headers):
        voxels[k] = _read_pixels(header.path)
        if progress and k % 16 == 0:
            progress(k / len(headers), f"Loading {series.description}")
    positions = np.array([h.position for h in headers])
    dy, dx = first.pixel_spacing or (1.0, 1.0)
    step = positions[1] - positions[0] if len(headers) > 1 else normal * 1.0
    affine = np.eye(4)
    affine[:3, 0] = step
    affine[:3, 1] = col_dir * dy
    affine[:3, 2] = row_dir * dx
    affine[:3, 3] = positions[0]
    return Volume(
        voxels=voxels,
        affine=affine,
        spacing_mm=(float(np.linalg.norm(step)), float(dy), float(dx)),
        sop_instance_uids=tuple(h.sop_instance_uid for h in headers),
        series_instance_uid=series.series_instance_uid,
        study_instance_uid=first.study_instance_uid,
        modality=Modality.CT if series.modality == "CT" else Modality.MR,
        phase=series.phase.phase,
        series_description=series.description,
        window=first.window,
    )


def _read_pixels(path: Path) -> np.ndarray:
    try:
        ds = pydicom.dcmread(path)
        stored = ds.pixel_array
    except (OSError, ValueError, RuntimeError, AttributeError, NotImplementedError) as exc:
        raise DicomImportError(path, f"pixel data cannot be decoded ({exc})") from None
    slope = float(ds.get("RescaleSlope", 1) or 1)
    intercept = float(ds.get("RescaleIntercept", 0) or 0)
    # TODO(#5): MONOCHROME1 display inversion, enhanced multi-frame, geometry warnings.
    return stored.astype(np.float32) * slope + intercept
