"""One image plane placed in the patient: pixel (row, col) ↔ patient (x, y, z) in mm."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.errors import InvalidValueError
from core.model.imaging import ImageRecord
from core.model.reading import finite_point
from core.model.volume import Volume

# Direction cosines written with 6 decimals are unit and orthogonal to about 1e-6; exporters
# that round harder still pass, while a damaged orientation does not.
_COSINE_TOLERANCE = 1e-3


@dataclass(frozen=True, slots=True)
class PlaneGeometry:
    """Where the pixels of one image are, in DICOM patient coordinates (LPS, mm).

    The fields are DICOM's Image Plane module: ``origin_xyz`` is ImagePositionPatient (the
    centre of pixel (0, 0)); ``row_direction`` and ``column_direction`` are the two triplets
    of ImageOrientationPatient (the first points along a row, i.e. towards increasing column
    index); ``pixel_spacing_mm`` is PixelSpacing, (between rows, between columns).

    Every coordinate in and out is finite: NaN or infinity (in a field, a point given to a
    method, or a point so far away that it overflows) raises ``InvalidValueError`` naming
    it, so no NaN reaches a caliper or the screen.
    """

    origin_xyz: tuple[float, float, float]
    row_direction: tuple[float, float, float]
    column_direction: tuple[float, float, float]
    pixel_spacing_mm: tuple[float, float]

    def __post_init__(self) -> None:
        for name, size in (("origin_xyz", 3), ("row_direction", 3), ("column_direction", 3),
                           ("pixel_spacing_mm", 2)):
            object.__setattr__(self, name, finite_point(getattr(self, name), name, size))
        row, col = np.array(self.row_direction), np.array(self.column_direction)
        for name, vector in (("row_direction", row), ("column_direction", col)):
            if vector.shape != (3,) or abs(float(np.linalg.norm(vector)) - 1) > _COSINE_TOLERANCE:
                raise ValueError(f"{name} must be a unit vector of 3 direction cosines, "
                                 f"got {self.__getattribute__(name)}")
        if abs(float(np.dot(row, col))) > _COSINE_TOLERANCE:
            raise ValueError("row_direction and column_direction must be orthogonal")
        if len(self.pixel_spacing_mm) != 2 or min(self.pixel_spacing_mm) <= 0:
            raise ValueError(f"pixel_spacing_mm must be two positive distances, got "
                             f"{self.pixel_spacing_mm}")

    @classmethod
    def from_dicom(cls, image_position: Sequence[float], image_orientation: Sequence[float],
                   pixel_spacing: Sequence[float]) -> PlaneGeometry:
        """From ImagePositionPatient, ImageOrientationPatient and PixelSpacing values."""
        iop = [float(v) for v in image_orientation]
        return cls(_triple(image_position), _triple(iop[:3]), _triple(iop[3:]),
                   (float(pixel_spacing[0]), float(pixel_spacing[1])))

    def to_patient_xyz(self, point_rc: Sequence[float]) -> np.ndarray:
        """Patient coordinates (mm) of a (row, column) pixel position, fractional allowed."""
        row, col = finite_point(point_rc, "point_rc", 2)
        dy, dx = self.pixel_spacing_mm
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is refused below
            xyz = (np.array(self.origin_xyz) + row * dy * np.array(self.column_direction)
                   + col * dx * np.array(self.row_direction))
        return np.asarray(_finite_result(xyz.tolist(), "point_rc", point_rc), dtype=float)

    def to_pixel_rc(self, point_xyz: Sequence[float]) -> tuple[float, float]:
        """(row, column) of the projection of a patient point onto this plane."""
        offset = np.array(finite_point(point_xyz, "point_xyz", 3)) - np.array(self.origin_xyz)
        dy, dx = self.pixel_spacing_mm
        with np.errstate(over="ignore", invalid="ignore"):
            rc = (float(np.dot(offset, self.column_direction)) / dy,
                  float(np.dot(offset, self.row_direction)) / dx)
        row, col = _finite_result(rc, "point_xyz", point_xyz)
        return row, col

    def to_plane_mm(self, point_rc: Sequence[float]) -> tuple[float, float]:
        """The in-plane coordinates (u, v) in mm of a (row, column) position.

        u runs along the row direction and v along the column direction, both measured
        from the patient origin's projection, so parallel planes of one series share them
        and an axial image's (u, v) is its patient (x, y). Viewers place images in these
        coordinates; :meth:`from_plane_mm` is the inverse, exact for any orientation.
        """
        row, col = finite_point(point_rc, "point_rc", 2)
        u0, v0 = self._plane_origin_mm()
        dy, dx = self.pixel_spacing_mm
        u, v = _finite_result((u0 + col * dx, v0 + row * dy), "point_rc", point_rc)
        return u, v

    def from_plane_mm(self, u_mm: float, v_mm: float) -> tuple[float, float]:
        """The (row, column) position of in-plane coordinates (u, v), see :meth:`to_plane_mm`."""
        u, v = finite_point((u_mm, v_mm), "plane_mm", 2)
        u0, v0 = self._plane_origin_mm()
        dy, dx = self.pixel_spacing_mm
        row, col = _finite_result(((v - v0) / dy, (u - u0) / dx), "plane_mm", (u_mm, v_mm))
        return row, col

    def pixel_edges_mm(self, rows: int, columns: int) -> tuple[float, float, float, float]:
        """(u, v, width, height) in plane mm covered by a rows × columns image, edges included."""
        dy, dx = self.pixel_spacing_mm
        u, v = self.to_plane_mm((-0.5, -0.5))
        return u, v, columns * dx, rows * dy

    def _plane_origin_mm(self) -> tuple[float, float]:
        origin = np.array(self.origin_xyz)
        return (float(np.dot(origin, self.row_direction)),
                float(np.dot(origin, self.column_direction)))

    def distance_from_plane_mm(self, point_xyz: Sequence[float]) -> float:
        """Signed distance of a patient point from this plane, along row × column."""
        normal = np.cross(self.row_direction, self.column_direction)
        point = np.array(finite_point(point_xyz, "point_xyz", 3))
        with np.errstate(over="ignore", invalid="ignore"):
            distance = float(np.dot(point - self.origin_xyz, normal))
        return _finite_result((distance,), "point_xyz", point_xyz)[0]


def _finite_result(values: Sequence[float], name: str, given: object) -> tuple[float, ...]:
    """*values* computed from the finite point *given*, refused if they overflowed."""
    result = tuple(float(v) for v in values)
    if not all(np.isfinite(result)):
        raise InvalidValueError(name, given, "lies too far away to place in the patient")
    return result


def _triple(values: Sequence[float]) -> tuple[float, float, float]:
    if len(values) != 3:
        raise ValueError(f"expected 3 values, got {len(values)}")
    return float(values[0]), float(values[1]), float(values[2])


def plane_of_slice(volume: Volume, k: int) -> PlaneGeometry:
    """The plane of slice *k* of *volume*, for measuring on it.

    Raises
    ------
    ValueError
        If the volume is not measurable (no PixelSpacing) or *k* is not a slice.
    """
    if not volume.is_measurable:
        raise ValueError("the series has no PixelSpacing: it can be viewed but not measured")
    return display_plane(volume, k)


def display_plane(volume: Volume, k: int) -> PlaneGeometry:
    """The plane of slice *k* as the volume places it, measurable or not (for showing it).

    Without PixelSpacing the loader assumes 1 mm pixels: the image is placed, but its
    millimetres are not the patient's, so only :func:`plane_of_slice` measures.

    Raises
    ------
    ValueError
        If *k* is not a slice.
    """
    if not 0 <= k < volume.n_slices:
        raise ValueError(f"slice {k} is outside 0..{volume.n_slices - 1}")
    _, dy, dx = volume.spacing_mm
    column_step, row_step = volume.affine[:3, 1], volume.affine[:3, 2]
    return PlaneGeometry(
        origin_xyz=_triple(volume.patient_position((k, 0, 0)).tolist()),
        row_direction=_triple((row_step / np.linalg.norm(row_step)).tolist()),
        column_direction=_triple((column_step / np.linalg.norm(column_step)).tolist()),
        pixel_spacing_mm=(float(dy), float(dx)),
    )


def slice_nearest_point(volume: Volume, point_xyz: Sequence[float]) -> int:
    """The slice of *volume* whose plane lies closest to the patient point, clamped.

    Measured along the planes' normal, not patient z (``Volume.nearest_slice``): the same
    slice for an axial series, the right one for a sagittal, coronal, oblique or tilted
    one, whose slices do not follow z.

    Raises
    ------
    InvalidValueError
        If the point is not three finite coordinates.
    """
    plane = display_plane(volume, 0)
    step = np.asarray(volume.affine[:3, 0], dtype=float)
    normal = np.cross(plane.row_direction, plane.column_direction)
    per_slice = float(np.dot(step, normal))
    if per_slice == 0:
        return 0
    k = round(plane.distance_from_plane_mm(point_xyz) / per_slice)
    return min(max(k, 0), volume.n_slices - 1)


def plane_of_image(image: ImageRecord) -> PlaneGeometry:
    """The plane of a registered image (its Image Plane module as the trial keeps it)."""
    return PlaneGeometry(image.origin_xyz, image.row_direction, image.column_direction,
                         image.pixel_spacing_mm)


# The patient direction each LPS axis points to, positive and negative (PS3.3 C.7.6.1.1.1:
# x towards the patient's left, y posterior, z head).
_LETTERS = (("L", "R"), ("P", "A"), ("H", "F"))
# An axis names an edge when it makes up at least this much of the direction (about 75°
# off it): an oblique plane's edge gets two or three letters, strongest first.
_LETTER_THRESHOLD = 0.25


def orientation_letters(direction: Sequence[float]) -> str:
    """The patient directions a unit vector points to: ``"L"``, ``"A"``, ``"LP"`` ...

    A viewer labels each image edge with the letters of the direction it faces (DICOM
    PS3.3 C.7.6.1.1.1), so a sagittal, coronal or oblique series is never shown with
    axial labels.
    """
    weights = sorted(((abs(float(value)), axis, float(value))
                      for axis, value in enumerate(direction)), reverse=True)
    letters = [_LETTERS[axis][0 if value > 0 else 1]
               for weight, axis, value in weights if weight >= _LETTER_THRESHOLD]
    return "".join(letters) or "?"
