"""The pieces: the exact longest chord, the sub-pixel edge, connected components."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import ndimage

from core.suggest.diameter import Chord, boundary_pixels, longest_chord, refine_chord
from core.suggest.region import label_components


def _ellipse(shape: tuple[int, int], centre: tuple[float, float], a_px: float, b_px: float,
             angle_deg: float, spacing: tuple[float, float] = (1.0, 1.0)) -> np.ndarray:
    """Pixels whose centre lies inside an ellipse given in mm (semi-axes a, b)."""
    rows, cols = np.mgrid[:shape[0], :shape[1]]
    y, x = (rows - centre[0]) * spacing[0], (cols - centre[1]) * spacing[1]
    t = math.radians(angle_deg)
    u, v = x * math.cos(t) + y * math.sin(t), -x * math.sin(t) + y * math.cos(t)
    return (u / a_px) ** 2 + (v / b_px) ** 2 <= 1


def test_longest_chord_is_the_farthest_pair_of_boundary_pixel_centres():
    rng = np.random.default_rng(3)
    for _ in range(20):
        mask = rng.random((14, 17)) < 0.3
        mask[5, 5] = True
        spacing = (0.6, 1.3)  # anisotropic: rows 0.6 mm apart, columns 1.3 mm
        chord = longest_chord(mask, spacing)
        points = boundary_pixels(mask) * np.array(spacing)
        brute = max(float(np.linalg.norm(p - q)) for p in points for q in points)
        assert chord is not None
        assert chord.length_mm == pytest.approx(brute)


def test_longest_chord_of_nothing_and_of_one_pixel():
    empty = np.zeros((5, 5), bool)
    assert longest_chord(empty, (1.0, 1.0)) is None
    empty[2, 3] = True
    assert longest_chord(empty, (1.0, 1.0)) == Chord((2.0, 3.0), (2.0, 3.0), 0.0)


@pytest.mark.parametrize("angle", [0.0, 30.0, 77.0])
def test_refined_ends_sit_on_the_edge_of_a_blurred_ellipse(angle):
    # A 30 x 18 mm ellipse sampled on 0.8 mm pixels, blurred as the phantom's scanner
    # blurs: the refined chord is the true long axis to within 3/4 of a pixel (the pixel
    # centres at the pointed tips are where the sampling is coarsest).
    spacing = (0.8, 0.8)
    mask = _ellipse((60, 60), (29.6, 30.3), 15.0, 9.0, angle, spacing)
    image = np.where(mask, 150.0, 70.0)
    for axis in (0, 1):
        image = (np.roll(image, 1, axis) + 2 * image + np.roll(image, -1, axis)) / 4
    raw = longest_chord(mask, spacing)
    assert raw is not None
    refined = refine_chord(image, raw, spacing, ((150.0, 70.0), (150.0, 70.0)))
    assert abs(refined.length_mm - 30.0) < 0.75 * spacing[0]
    assert refined.length_mm > raw.length_mm


def test_components_match_scipy_on_random_masks():
    rng = np.random.default_rng(11)
    structure = ndimage.generate_binary_structure(3, 1)  # 6-connected
    for density in (0.2, 0.35, 0.5):
        mask = rng.random((7, 23, 19)) < density
        ours = label_components(mask)
        theirs, _ = ndimage.label(mask, structure)
        assert ((ours >= 0) == mask).all()
        # The same partition: each of our labels is one of theirs and vice versa.
        pairs = set(zip(ours[mask].tolist(), theirs[mask].tolist(), strict=True))
        assert len(pairs) == len(set(ours[mask].tolist())) == int(theirs.max())
