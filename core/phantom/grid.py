"""The voxel grid a phantom series is sampled on, and the standard sizes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np


@dataclass(frozen=True, slots=True)
class ImageGrid:
    """An axial voxel grid in DICOM patient coordinates (LPS, millimetres).

    Rows run anterior to posterior (+y), columns patient right to left (+x), so the
    ImageOrientationPatient is ``1\\0\\0\\0\\1\\0``. Slices run head to feet: slice ``k`` lies at
    ``z_top_mm - k * slice_spacing_mm``, the order in which scanners number axial images.
    Positions are those of pixel *centres*.
    """

    rows: int
    columns: int
    pixel_spacing_mm: float
    slice_spacing_mm: float
    slice_thickness_mm: float
    n_slices: int
    fov_centre_xy_mm: tuple[float, float]
    z_top_mm: float

    def __post_init__(self) -> None:
        if self.rows < 8 or self.columns < 8 or self.n_slices < 1:
            raise ValueError(f"grid too small: {self.rows}x{self.columns}x{self.n_slices}")
        if self.pixel_spacing_mm <= 0 or self.slice_spacing_mm <= 0:
            raise ValueError("pixel and slice spacing must be positive")

    @property
    def x_mm(self) -> np.ndarray:
        """Patient x of each column centre."""
        x0 = self.fov_centre_xy_mm[0] - (self.columns - 1) / 2 * self.pixel_spacing_mm
        return x0 + np.arange(self.columns) * self.pixel_spacing_mm

    @property
    def y_mm(self) -> np.ndarray:
        """Patient y of each row centre."""
        y0 = self.fov_centre_xy_mm[1] - (self.rows - 1) / 2 * self.pixel_spacing_mm
        return y0 + np.arange(self.rows) * self.pixel_spacing_mm

    @property
    def z_mm(self) -> np.ndarray:
        """Patient z of each slice, head first."""
        return self.z_top_mm - np.arange(self.n_slices) * self.slice_spacing_mm

    def position_mm(self, k: int) -> tuple[float, float, float]:
        """ImagePositionPatient of slice *k*: the centre of its first (top-left) pixel."""
        return (float(self.x_mm[0]), float(self.y_mm[0]), float(self.z_mm[k]))

    def nearest_slice(self, z_mm: float) -> int:
        """Index of the slice closest to patient position *z_mm*."""
        return int(np.argmin(np.abs(self.z_mm - z_mm)))


class PhantomSize(StrEnum):
    """Standard phantom sizes: realistic abdominal CT, or small and fast for tests."""

    FULL = "full"
    DEMO = "demo"
    SMALL = "small"


# Where the phantom's anatomy sits on the table: the coverage is centred on the liver.
COVERAGE_CENTRE_Z_MM = -190.0


def _axial_grid(
    matrix: int, fov_mm: float, slice_mm: float, n_slices: int, *, thickness_mm: float
) -> ImageGrid:
    coverage = (n_slices - 1) * slice_mm
    return ImageGrid(
        rows=matrix,
        columns=matrix,
        pixel_spacing_mm=fov_mm / matrix,
        slice_spacing_mm=slice_mm,
        slice_thickness_mm=thickness_mm,
        n_slices=n_slices,
        fov_centre_xy_mm=(0.0, 10.0),
        z_top_mm=COVERAGE_CENTRE_Z_MM + coverage / 2,
    )


def ct_grid(size: PhantomSize) -> ImageGrid:
    """The CT grid of a standard size.

    ``FULL`` is sized like a clinical liver protocol: 512², 380 mm field of view
    (0.742 mm pixels), 2.5 mm slices over 20 cm. ``DEMO`` keeps the in-plane resolution but
    covers the 16 cm around the liver, so a 9-study demo trial stays small. ``SMALL`` is a
    coarse grid for fast tests.
    """
    if size is PhantomSize.FULL:
        return _axial_grid(512, 380.0, 2.5, 81, thickness_mm=2.5)
    if size is PhantomSize.DEMO:
        return _axial_grid(512, 380.0, 2.5, 65, thickness_mm=2.5)
    return _axial_grid(128, 384.0, 5.0, 33, thickness_mm=5.0)


def mr_grid(size: PhantomSize) -> ImageGrid:
    """The MR grid of a standard size: coarser pixels and thicker slices than the CT.

    A 3D T1-weighted gradient-echo liver acquisition (VIBE, LAVA, THRIVE) is typically
    reconstructed at about 1.4 mm in plane with 3 mm slices.
    """
    if size is PhantomSize.SMALL:
        return _axial_grid(96, 384.0, 6.0, 27, thickness_mm=6.0)
    n_slices = 61 if size is PhantomSize.FULL else 53
    return _axial_grid(288, 400.0, 3.0, n_slices, thickness_mm=3.0)
