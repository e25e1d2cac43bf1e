"""Caliper lengths: a line between two image points, measured in the patient in mm.

A caliper is drawn on one image, so both ends lie in its plane. The length is the distance
between the two ends in patient space, which takes anisotropic pixels (0.7 × 0.8 mm) and any
orientation of the plane (oblique MR) into account; counting pixels would not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.geometry.plane import PlaneGeometry


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
    """Measure the line from *start_rc* to *end_rc* (row, column; fractional allowed)."""
    start_xyz, end_xyz = plane.to_patient_xyz(start_rc), plane.to_patient_xyz(end_rc)
    return LineMeasurement(
        start_rc=(float(start_rc[0]), float(start_rc[1])),
        end_rc=(float(end_rc[0]), float(end_rc[1])),
        start_xyz=(float(start_xyz[0]), float(start_xyz[1]), float(start_xyz[2])),
        end_xyz=(float(end_xyz[0]), float(end_xyz[1]), float(end_xyz[2])),
        length_mm=float(np.linalg.norm(end_xyz - start_xyz)),
    )


def caliper_length_mm(plane: PlaneGeometry, start_rc: Sequence[float],
                      end_rc: Sequence[float]) -> float:
    """Length in mm of the line from *start_rc* to *end_rc* on *plane*."""
    return measure_line(plane, start_rc, end_rc).length_mm
