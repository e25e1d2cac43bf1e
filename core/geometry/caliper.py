"""Caliper lengths: a line between two image points, measured in the patient in mm.

A caliper is drawn on one image, so both ends lie in its plane. The length is the distance
between the two ends in patient space, which takes anisotropic pixels (0.7 × 0.8 mm) and any
orientation of the plane (oblique MR) into account; counting pixels would not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from core.errors import InvalidValueError
from core.geometry.plane import PlaneGeometry
from core.model.reading import Caliper

# Caliper lengths are recorded to 0.01 mm: far below a CT pixel (0.5-1 mm), so the record
# keeps what the reader drew, and the same end points always give the same recorded length,
# whoever recomputes it. Responses are decided on the recorded decimal (docs/criteria.md §3).
CALIPER_PRECISION_MM = Decimal("0.01")
# No image is a kilometre across: a longer line is a coordinate error, refused before the
# decimal rounding (whose 28 digits would fail on it with a bare InvalidOperation).
MAX_CALIPER_MM = 1_000_000.0


@dataclass(frozen=True, slots=True)
class LineMeasurement:
    """A measured line: its ends in pixels and in the patient, and its length."""

    start_rc: tuple[float, float]
    end_rc: tuple[float, float]
    start_xyz: tuple[float, float, float]
    end_xyz: tuple[float, float, float]
    length_mm: float


def measure_line(plane: PlaneGeometry, start_rc: Sequence[float],
                 end_rc: Sequence[float]) -> LineMeasurement:
    """Measure the line from *start_rc* to *end_rc* (row, column; fractional allowed).

    Raises
    ------
    InvalidValueError
        An end that is not two finite numbers, or so far off that the length overflows.
    """
    start_xyz, end_xyz = plane.to_patient_xyz(start_rc), plane.to_patient_xyz(end_rc)
    with np.errstate(over="ignore"):
        length = float(np.linalg.norm(end_xyz - start_xyz))
    if not np.isfinite(length):
        raise InvalidValueError("length_mm", length, "must be a finite length (an end lies "
                                "too far away)")
    return LineMeasurement(
        start_rc=(float(start_rc[0]), float(start_rc[1])),
        end_rc=(float(end_rc[0]), float(end_rc[1])),
        start_xyz=(float(start_xyz[0]), float(start_xyz[1]), float(start_xyz[2])),
        end_xyz=(float(end_xyz[0]), float(end_xyz[1]), float(end_xyz[2])),
        length_mm=length,
    )


def caliper_length_mm(plane: PlaneGeometry, start_rc: Sequence[float],
                      end_rc: Sequence[float]) -> float:
    """Length in mm of the line from *start_rc* to *end_rc* on *plane*."""
    return measure_line(plane, start_rc, end_rc).length_mm


def recorded_length_mm(length_mm: float) -> Decimal:
    """*length_mm* as recorded: rounded half up to ``CALIPER_PRECISION_MM``.

    Raises
    ------
    InvalidValueError
        If *length_mm* is NaN, infinite, negative or ``MAX_CALIPER_MM`` or more.
    """
    length = float(length_mm)
    if not 0 <= length < MAX_CALIPER_MM:  # False for NaN too
        raise InvalidValueError("length_mm", length_mm,
                                f"must be a finite length from 0 to {MAX_CALIPER_MM:.0f} mm")
    return Decimal(repr(length)).quantize(CALIPER_PRECISION_MM, ROUND_HALF_UP)


def measure_caliper(plane: PlaneGeometry, start_rc: Sequence[float], end_rc: Sequence[float],
                    sop_instance_uid: str, frame: int = 0, *,
                    on_lossy_image: bool = False) -> Caliper:
    """The caliper from *start_rc* to *end_rc* on one image, ready to be a ``Measurement``.

    Parameters
    ----------
    plane
        Where the image's pixels are in the patient.
    start_rc, end_rc
        The ends in the image's pixels, (row, column), fractional allowed; (0, 0) is the
        centre of the first pixel.
    sop_instance_uid, frame
        The image drawn on: its SOP Instance UID, and 0 or the 1-based frame number.
    on_lossy_image
        The image is or was lossy compressed; the caliper carries it so it is shown.

    Returns
    -------
    Caliper
        Both ends in pixels and in patient mm, and the length rounded to
        ``CALIPER_PRECISION_MM``.
    """
    line = measure_line(plane, start_rc, end_rc)
    return Caliper(line.start_rc, line.end_rc, line.start_xyz, line.end_xyz,
                   recorded_length_mm(line.length_mm), sop_instance_uid, frame,
                   on_lossy_image)
