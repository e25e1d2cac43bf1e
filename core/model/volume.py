"""A loaded image series: voxels plus the geometry that places them in the patient."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.model.imaging import Modality, Phase


@dataclass(frozen=True, eq=False)
class Volume:
    """One series as a stack of parallel slices, ready to display and measure.

    ``voxels`` is (slices, rows, columns) in modality units: Hounsfield units for CT,
    rescaled stored values for MR. Its type is int16 when every value is an exact integer
    that fits (most CT and MR as loaded by :mod:`core.dicom`), else float32; code that does
    arithmetic on voxels converts first (int16 wraps silently).

    ``affine`` maps homogeneous indices (slice, row, column, 1) to DICOM patient
    coordinates (LPS, mm) of voxel centres. Slice 0 is the first slice
    a reader expects to see: the most cranial one for axial series.
    """

    voxels: np.ndarray
    affine: np.ndarray
    spacing_mm: tuple[float, float, float]  # (slice, row, column)
    sop_instance_uids: tuple[str, ...]
    series_instance_uid: str
    study_instance_uid: str
    modality: Modality
    phase: Phase
    series_description: str
    window: tuple[float, float] | None = None  # (centre, width) suggested by the header
    # What the import found odd about the series, in words a reader understands.
    warnings: tuple[str, ...] = ()
    # False when the images carry no PixelSpacing: viewable, but calipers would not be mm.
    is_measurable: bool = True
    # MONOCHROME1: the lowest value is white. Voxels keep their modality values (HU), so the
    # display inverts its grey scale rather than the numbers being changed.
    is_monochrome1: bool = False
    # 1-based frame number of each slice in a multi-frame object (ReferencedFrameNumber),
    # None for single-frame images; empty when not recorded.
    frame_numbers: tuple[int | None, ...] = ()
    # True when any slice's pixels are, were or may be lossy compressed (PS3.3 C.7.6.1.1.5):
    # measurements on them are on degraded pixels; ``warnings`` says how.
    is_lossy: bool = False

    def __post_init__(self) -> None:
        if self.voxels.ndim != 3:
            raise ValueError(f"voxels must be (slices, rows, columns), got {self.voxels.shape}")
        if len(self.sop_instance_uids) != self.voxels.shape[0]:
            raise ValueError("one SOP Instance UID per slice is required")
        if self.affine.shape != (4, 4):
            raise ValueError("affine must be 4x4")

    @property
    def n_slices(self) -> int:
        """Number of slices."""
        return int(self.voxels.shape[0])

    @property
    def normal(self) -> np.ndarray:
        """Unit vector along increasing slice index, in patient coordinates."""
        step = np.asarray(self.affine[:3, 0], dtype=float)
        unit: np.ndarray = step / float(np.linalg.norm(step))
        return unit

    def patient_position(self, index_krc: tuple[float, float, float]) -> np.ndarray:
        """Patient coordinates (mm) of a (slice, row, column) index, fractional allowed."""
        position: np.ndarray = (self.affine @ np.array([*index_krc, 1.0]))[:3]
        return position

    def slice_position_mm(self, k: int) -> float:
        """Signed position of slice *k* along the patient z axis (mm)."""
        return float(self.patient_position((k, 0, 0))[2])

    def nearest_slice(self, z_mm: float) -> int:
        """The slice whose plane lies closest to patient z position *z_mm*."""
        k0 = self.slice_position_mm(0)
        dz = self.affine[2, 0]
        if dz == 0:
            return 0
        k = round((z_mm - k0) / float(dz))
        return min(max(k, 0), self.n_slices - 1)
