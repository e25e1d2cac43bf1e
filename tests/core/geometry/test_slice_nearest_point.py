"""The slice nearest a patient point, along the planes' normal (axial and oblique)."""

from __future__ import annotations

import numpy as np
import pytest

from core.geometry import display_plane, slice_nearest_point
from core.model.imaging import Modality, Phase
from core.model.volume import Volume


def _volume(normal_step: np.ndarray, row_step: np.ndarray, col_step: np.ndarray,
            origin: np.ndarray, n: int = 10) -> Volume:
    affine = np.eye(4)
    affine[:3, 0], affine[:3, 1], affine[:3, 2], affine[:3, 3] = (normal_step, row_step,
                                                                  col_step, origin)
    spacing = (float(np.linalg.norm(normal_step)), float(np.linalg.norm(row_step)),
               float(np.linalg.norm(col_step)))
    return Volume(np.zeros((n, 8, 8), np.int16), affine, spacing,
                  tuple(f"1.2.{k}" for k in range(n)), "1.2", "1", Modality.CT,
                  Phase.ARTERIAL, "test")


AXIAL = _volume(np.array([0, 0, -2.5]), np.array([0, 0.7, 0]), np.array([0.7, 0, 0]),
                np.array([-10.0, -10.0, 20.0]))


@pytest.mark.parametrize("z", [20.0, 18.8, 18.7, 0.0, -2.5, 100.0, -500.0])
def test_axial_agrees_with_the_volumes_own_nearest_slice(z):
    assert slice_nearest_point(AXIAL, (3.0, -4.0, z)) == AXIAL.nearest_slice(z)


def test_an_oblique_series_is_measured_along_its_normal():
    rotation, _ = np.linalg.qr(np.random.default_rng(3).normal(size=(3, 3)))
    volume = _volume(rotation[:, 2] * 3.0, rotation[:, 1] * 0.8, rotation[:, 0] * 0.9,
                     np.array([5.0, -7.0, 40.0]))
    for k in range(volume.n_slices):
        # A point off the slice's centre line and 1.4 mm off its plane (under half of 3 mm).
        point = volume.patient_position((k, 3.3, 6.1)) + rotation[:, 2] * 1.4
        assert slice_nearest_point(volume, point) == k
        assert abs(display_plane(volume, k).distance_from_plane_mm(point)) < 1.5


def test_a_tilted_gantry_is_measured_perpendicular_to_the_planes():
    # Slices step 2 mm along z and 1 mm along y: their planes are still axial, 2 mm apart.
    volume = _volume(np.array([0, 1.0, -2.0]), np.array([0, 0.7, 0]), np.array([0.7, 0, 0]),
                     np.array([0.0, 0.0, 0.0]))
    assert slice_nearest_point(volume, (0.0, 50.0, -6.1)) == 3
