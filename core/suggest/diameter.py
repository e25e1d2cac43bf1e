"""The longest in-plane diameter of a region on one slice, in mm, with sub-pixel ends.

A reader measures the longest diameter of a lesion on an axial image, between the two
farthest points of its outline (RECIST 1.1, Eisenhauer et al. 2009; for the viable part,
mRECIST, Lencioni & Llovet 2010). Here: the exact farthest pair of the region's boundary
pixel centres (they lie on its convex hull, so only hull points are compared), in mm with
the slice's own row and column spacing; then each end moves along that line to where the
image crosses half-way between the region and what lies beyond, which puts the ends on
the edge rather than on the last pixel centre inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Where each end's edge is searched, in pixels along the line from the end pixel's centre:
# from inside the region to beyond it. The end pixel is inside a half-way threshold, so
# the edge lies within about one pixel of it.
EDGE_WINDOW_PX = (-1.5, 2.0)
EDGE_STEP_PX = 0.125
# The profile is averaged over lines this far to either side (pixels), against noise.
EDGE_SIDE_OFFSET_PX = 0.5
# An end never moves further than this from its pixel centre (pixels).
MAX_END_SHIFT_PX = 1.5


@dataclass(frozen=True, slots=True)
class Chord:
    """A line across a region on one slice: ends in (row, column), length in mm."""

    start_rc: tuple[float, float]
    end_rc: tuple[float, float]
    length_mm: float


def boundary_pixels(mask: np.ndarray) -> np.ndarray:
    """(n, 2) (row, column) of the pixels of a 2-D *mask* with a 4-neighbour outside it."""
    padded = np.pad(mask, 1, constant_values=False)
    interior = (padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:])
    return np.argwhere(mask & ~interior)


def convex_hull(points: np.ndarray) -> np.ndarray:
    """The convex hull of (n, 2) points, counter-clockwise (Andrew's monotone chain)."""
    unique = np.unique(points, axis=0)
    if len(unique) <= 2:
        return unique
    pts = [tuple(p) for p in unique.tolist()]

    def half(sequence: list[tuple[float, float]]) -> list[tuple[float, float]]:
        chain: list[tuple[float, float]] = []
        for p in sequence:
            while len(chain) >= 2 and _cross(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
        return chain

    lower, upper = half(pts), half(pts[::-1])
    return np.array(lower[:-1] + upper[:-1], dtype=float)


def _cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def longest_chord(mask: np.ndarray, spacing_rc: tuple[float, float]) -> Chord | None:
    """The farthest pair of boundary pixel centres of 2-D *mask*, exact, in mm.

    None for an empty mask; a single pixel is a chord of length 0.
    """
    pixels = boundary_pixels(mask)
    if len(pixels) == 0:
        return None
    scale = np.array(spacing_rc, dtype=float)
    hull = convex_hull(pixels.astype(float) * scale)  # in mm, so anisotropy is exact
    diff = hull[:, None, :] - hull[None, :, :]
    dist = np.einsum("ijk,ijk->ij", diff, diff)
    i, j = np.unravel_index(int(np.argmax(dist)), dist.shape)
    start, end = hull[i] / scale, hull[j] / scale
    return Chord((float(start[0]), float(start[1])), (float(end[0]), float(end[1])),
                 float(np.sqrt(dist[i, j])))


def bilinear(image: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """*image* sampled at fractional (row, column) positions, edges clamped."""
    r = np.clip(rows, 0, image.shape[0] - 1)
    c = np.clip(cols, 0, image.shape[1] - 1)
    r0 = np.minimum(np.floor(r).astype(int), image.shape[0] - 2).clip(0)
    c0 = np.minimum(np.floor(c).astype(int), image.shape[1] - 2).clip(0)
    fr, fc = r - r0, c - c0
    r1, c1 = np.minimum(r0 + 1, image.shape[0] - 1), np.minimum(c0 + 1, image.shape[1] - 1)
    top = image[r0, c0] * (1 - fc) + image[r0, c1] * fc
    bottom = image[r1, c0] * (1 - fc) + image[r1, c1] * fc
    result: np.ndarray = top * (1 - fr) + bottom * fr
    return result


def edge_offset_px(image: np.ndarray, end_rc: np.ndarray, direction: np.ndarray,
                   inside: float, outside: float) -> float:
    """Where the edge is, in pixels from *end_rc* along the unit *direction* (outwards).

    The profile across the end is normalised to 1 at the *inside* level and 0 at the
    *outside* one, clipped, and integrated from inside: for a step blurred by any
    symmetric point spread, the integral is the step's position (an area-based edge
    locator, robust to noise where a single threshold crossing is not). Summing stops
    once the profile has reached the outside level, so a third tissue further out
    (fat beyond the liver) does not count.
    """
    if inside == outside:
        return 0.0
    t = np.arange(EDGE_WINDOW_PX[0], EDGE_WINDOW_PX[1] + 1e-9, EDGE_STEP_PX)
    normal = np.array([-direction[1], direction[0]])
    profile = np.zeros_like(t)
    offsets = (-EDGE_SIDE_OFFSET_PX, 0.0, EDGE_SIDE_OFFSET_PX)
    for offset in offsets:
        points = end_rc[None, :] + t[:, None] * direction[None, :] + offset * normal[None, :]
        profile += bilinear(image, points[:, 0], points[:, 1])
    fraction = np.clip((profile / len(offsets) - outside) / (inside - outside), 0.0, 1.0)
    reached = np.flatnonzero((fraction < 0.05) & (t > 0))
    if len(reached):
        fraction[reached[0]:] = 0.0
    edge = EDGE_WINDOW_PX[0] + EDGE_STEP_PX * float(fraction.sum()) - EDGE_STEP_PX / 2
    return float(np.clip(edge, -MAX_END_SHIFT_PX, MAX_END_SHIFT_PX))


def refine_chord(image: np.ndarray, chord: Chord, spacing_rc: tuple[float, float],
                 levels: tuple[tuple[float, float], tuple[float, float]]) -> Chord:
    """*chord* with each end moved along the line onto the edge (see :func:`edge_offset_px`).

    *levels* gives (inside, outside) for the start and for the end.
    """
    start, end = np.array(chord.start_rc), np.array(chord.end_rc)
    scale = np.array(spacing_rc, dtype=float)
    along = (end - start) * scale
    norm = float(np.linalg.norm(along))
    if norm == 0:
        return chord
    # The unit direction in pixels that is a straight line in mm.
    direction_px = along / norm / scale
    unit_px = direction_px / float(np.linalg.norm(direction_px))
    mm_per_px = float(np.linalg.norm(unit_px * scale))
    shift_end = edge_offset_px(image, end, unit_px, *levels[1])
    shift_start = edge_offset_px(image, start, -unit_px, *levels[0])
    new_end, new_start = end + shift_end * unit_px, start - shift_start * unit_px
    length = norm + (shift_end + shift_start) * mm_per_px
    return Chord((float(new_start[0]), float(new_start[1])),
                 (float(new_end[0]), float(new_end[1])), max(length, 0.0))
