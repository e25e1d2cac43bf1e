"""Caliper lengths in patient mm: anisotropic pixels and oblique planes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.geometry import PlaneGeometry, caliper_length_mm, measure_line

AXIAL = PlaneGeometry((0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.5, 0.8))


def _rotation(seed: int) -> np.ndarray:
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    return q


def test_anisotropic_pixels_weigh_rows_and_columns_differently():
    # 3 rows of 0.5 mm down and 4 columns of 0.8 mm across: 1.5 mm and 3.2 mm.
    assert caliper_length_mm(AXIAL, (0, 0), (3, 4)) == pytest.approx(math.hypot(1.5, 3.2))
    assert caliper_length_mm(AXIAL, (10, 0), (10, 10)) == pytest.approx(8.0)
    assert caliper_length_mm(AXIAL, (0, 7), (10, 7)) == pytest.approx(5.0)


@pytest.mark.parametrize("seed", range(5))
def test_oblique_plane_length_matches_the_analytic_distance(seed):
    rotation = _rotation(seed)
    plane = PlaneGeometry(tuple(np.array([10.0, -20.0, 30.0])), tuple(rotation[:, 0]),
                          tuple(rotation[:, 1]), (0.7, 1.3))
    start_rc, end_rc = (12.25, 3.5), (40.0, 77.75)
    line = measure_line(plane, start_rc, end_rc)
    expected = math.hypot((40.0 - 12.25) * 0.7, (77.75 - 3.5) * 1.3)
    assert line.length_mm == pytest.approx(expected, rel=1e-12)
    assert np.linalg.norm(np.subtract(line.end_xyz, line.start_xyz)) == pytest.approx(expected)
    assert plane.to_pixel_rc(line.end_xyz) == pytest.approx(end_rc)
    assert plane.distance_from_plane_mm(line.end_xyz) == pytest.approx(0.0, abs=1e-9)


def test_plane_rejects_orientation_that_cannot_place_pixels():
    with pytest.raises(ValueError, match="orthogonal"):
        PlaneGeometry((0, 0, 0), (1, 0, 0), (0.6, 0.8, 0), (1, 1))
    with pytest.raises(ValueError, match="unit vector"):
        PlaneGeometry((0, 0, 0), (2, 0, 0), (0, 1, 0), (1, 1))
    with pytest.raises(ValueError, match="positive"):
        PlaneGeometry((0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 1))
