"""Solid shapes in patient coordinates and their rasterisation onto an :class:`ImageGrid`.

Every shape answers one question — which voxel centres lie inside — and only over its
bounding box, so painting a small lesion into a 512² × 80 volume costs microseconds, not a
full-volume pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.phantom.grid import ImageGrid

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class Box:
    """Index ranges of a shape's bounding box on a grid (half-open), and its coordinates."""

    k: slice
    r: slice
    c: slice
    z: np.ndarray  # (nk, 1, 1)
    y: np.ndarray  # (1, nr, 1)
    x: np.ndarray  # (1, 1, nc)

    @property
    def empty(self) -> bool:
        """True when the box misses the grid."""
        return self.z.size == 0 or self.y.size == 0 or self.x.size == 0


def _index_range(coords: np.ndarray, lo: float, hi: float) -> slice:
    inside = np.nonzero((coords >= lo) & (coords <= hi))[0]
    if inside.size == 0:
        return slice(0, 0)
    return slice(int(inside[0]), int(inside[-1]) + 1)


def bounding_box(grid: ImageGrid, lo: Vec3, hi: Vec3) -> Box:
    """The voxels of *grid* whose centres fall in the axis-aligned box [lo, hi]."""
    xs, ys, zs = grid.x_mm, grid.y_mm, grid.z_mm
    c = _index_range(xs, lo[0], hi[0])
    r = _index_range(ys, lo[1], hi[1])
    k = _index_range(zs, lo[2], hi[2])  # zs descends, but the test is order-free
    return Box(
        k=k,
        r=r,
        c=c,
        z=zs[k][:, None, None],
        y=ys[r][None, :, None],
        x=xs[c][None, None, :],
    )


@dataclass(frozen=True)
class Ellipsoid:
    """An ellipsoid with semi-axes (along its own u, v, w) turned by *angle_deg* about z."""

    centre_mm: Vec3
    semi_axes_mm: Vec3
    angle_deg: float = 0.0

    def box(self, grid: ImageGrid) -> Box:
        """Bounding box of the shape on *grid*."""
        r = max(self.semi_axes_mm[:2])
        cx, cy, cz = self.centre_mm
        h = self.semi_axes_mm[2]
        return bounding_box(grid, (cx - r, cy - r, cz - h), (cx + r, cy + r, cz + h))

    def local_uvw(self, box: Box) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Coordinates of the box's voxel centres in the ellipsoid's own frame (mm)."""
        a = math.radians(self.angle_deg)
        dx = box.x - self.centre_mm[0]
        dy = box.y - self.centre_mm[1]
        dz = box.z - self.centre_mm[2]
        u = math.cos(a) * dx + math.sin(a) * dy
        v = -math.sin(a) * dx + math.cos(a) * dy
        return u, v, np.broadcast_to(dz, np.broadcast_shapes(u.shape, dz.shape))

    def inside(self, box: Box) -> np.ndarray:
        """Boolean mask over *box*: voxel centres inside the ellipsoid."""
        u, v, w = self.local_uvw(box)
        su, sv, sw = self.semi_axes_mm
        return (u / su) ** 2 + (v / sv) ** 2 + (w / sw) ** 2 <= 1.0


@dataclass(frozen=True)
class EllipticCylinder:
    """An elliptic cylinder along z between *z_range_mm*, turned by *angle_deg* about z."""

    centre_xy_mm: tuple[float, float]
    semi_axes_mm: tuple[float, float]
    z_range_mm: tuple[float, float]
    angle_deg: float = 0.0

    def box(self, grid: ImageGrid) -> Box:
        """Bounding box of the shape on *grid*."""
        r = max(self.semi_axes_mm)
        cx, cy = self.centre_xy_mm
        z0, z1 = self.z_range_mm
        return bounding_box(grid, (cx - r, cy - r, z0), (cx + r, cy + r, z1))

    def inside(self, box: Box) -> np.ndarray:
        """Boolean mask over *box*: voxel centres inside the cylinder."""
        a = math.radians(self.angle_deg)
        dx = box.x - self.centre_xy_mm[0]
        dy = box.y - self.centre_xy_mm[1]
        u = math.cos(a) * dx + math.sin(a) * dy
        v = -math.sin(a) * dx + math.cos(a) * dy
        inplane = (u / self.semi_axes_mm[0]) ** 2 + (v / self.semi_axes_mm[1]) ** 2 <= 1.0
        return np.broadcast_to(inplane, (box.z.shape[0], *inplane.shape[1:]))


@dataclass(frozen=True)
class Capsule:
    """All points within *radius_mm* of the segment from *start_mm* to *end_mm* (a vessel)."""

    start_mm: Vec3
    end_mm: Vec3
    radius_mm: float

    def box(self, grid: ImageGrid) -> Box:
        """Bounding box of the shape on *grid*."""
        p, q, r = np.array(self.start_mm), np.array(self.end_mm), self.radius_mm
        lo, hi = np.minimum(p, q) - r, np.maximum(p, q) + r
        return bounding_box(grid, tuple(lo), tuple(hi))

    def along(self, box: Box) -> np.ndarray:
        """Position of each voxel's projection on the axis, 0 at start and 1 at end."""
        p, q = np.array(self.start_mm), np.array(self.end_mm)
        d = q - p
        t = ((box.x - p[0]) * d[0] + (box.y - p[1]) * d[1] + (box.z - p[2]) * d[2]) / (d @ d)
        clipped: np.ndarray = np.clip(t, 0.0, 1.0)
        return clipped

    def inside(self, box: Box) -> np.ndarray:
        """Boolean mask over *box*: voxel centres inside the capsule."""
        p, q = np.array(self.start_mm), np.array(self.end_mm)
        t = self.along(box)
        dist2 = (
            (box.x - (p[0] + t * (q[0] - p[0]))) ** 2
            + (box.y - (p[1] + t * (q[1] - p[1]))) ** 2
            + (box.z - (p[2] + t * (q[2] - p[2]))) ** 2
        )
        inside: np.ndarray = dist2 <= self.radius_mm**2
        return inside


Shape = Ellipsoid | EllipticCylinder | Capsule


def paint(labels: np.ndarray, grid: ImageGrid, shape: Shape, label: int,
          within: int | tuple[int, ...] | None = None) -> None:
    """Set the voxels of *labels* inside *shape* to *label*.

    With *within*, only voxels that currently hold one of those labels change: a lesion is
    painted only where there is liver, a vessel only inside the body.
    """
    box = shape.box(grid)
    if box.empty:
        return
    mask = shape.inside(box)
    view = labels[box.k, box.r, box.c]
    if within is not None:
        mask = mask & np.isin(view, np.atleast_1d(within))
    view[mask] = label
