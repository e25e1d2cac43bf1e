"""Tumour models of the phantom and their exact ground-truth diameters.

An HCC is an ellipsoid whose long in-plane axis is turned off the pixel rows. Its necrotic
(non-enhancing) part is the cap beyond a plane across the long axis, so the viable part is
convex and its longest diameter is unambiguous — the quantity mRECIST asks the reader to
measure "without including any major area of intervening necrosis" (Lencioni & Llovet
2010). Diameters are measured as a reader does: in the axial plane, on the slice where the
lesion is largest, between the two farthest points of its outline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from core.phantom.grid import ImageGrid
from core.phantom.shapes import Capsule, Ellipsoid
from core.phantom.tissues import Tissue

Vec3 = tuple[float, float, float]


class LesionRole(StrEnum):
    """How the trial classifies a lesion (RECIST 1.1 / mRECIST vocabulary)."""

    TARGET = "target"
    NON_TARGET = "non_target"
    NEW = "new"


class Pattern(StrEnum):
    """The enhancement pattern a lesion is drawn with."""

    TYPICAL_HCC = "typical_hcc"          # arterial hyperenhancement and washout
    ATYPICAL_NODULE = "atypical_nodule"  # neither: an equivocal nodule
    LYMPH_NODE = "lymph_node"
    TUMOUR_THROMBUS = "tumour_thrombus"


@dataclass(frozen=True, slots=True)
class LesionSpec:
    """One lesion as the scenario intends it at one timepoint.

    ``total_mm`` and ``viable_mm`` are the intended longest diameters in the axial plane
    through the centre; the ground truth written beside the images is re-measured on the
    actual slices. ``short_mm`` is the in-plane short axis (of the whole lesion),
    ``height_mm`` the craniocaudal extent, ``angle_deg`` the direction of the long axis from
    the patient's +x (left) axis in the axial plane.
    """

    lesion_id: str
    role: LesionRole
    organ: str
    pattern: Pattern
    centre_mm: Vec3
    total_mm: float
    viable_mm: float
    short_mm: float
    height_mm: float
    angle_deg: float = 30.0

    def __post_init__(self) -> None:
        if self.total_mm <= 0 or self.short_mm <= 0 or self.height_mm <= 0:
            raise ValueError(f"{self.lesion_id}: diameters must be positive")
        if self.short_mm > self.total_mm:
            raise ValueError(f"{self.lesion_id}: short axis longer than the long axis")
        if not 0 <= self.viable_mm <= self.total_mm:
            raise ValueError(f"{self.lesion_id}: viable diameter must lie in [0, total]")

    @property
    def ellipsoid(self) -> Ellipsoid:
        """The whole lesion (viable and necrotic) as a solid."""
        return Ellipsoid(
            self.centre_mm,
            (self.total_mm / 2, self.short_mm / 2, self.height_mm / 2),
            self.angle_deg,
        )

    @property
    def necrosis_cut_mm(self) -> float:
        """Position along the long axis (from the centre) beyond which tissue is necrotic."""
        a, b = self.total_mm / 2, self.short_mm / 2
        return cut_for_viable_diameter(a, b, self.viable_mm)


def _outline(a: float, b: float, cut: float, n: int = 1440) -> np.ndarray:
    """Extreme points of {ellipse (a, b)} ∩ {u ≤ cut} in the ellipse frame, shape (m, 2)."""
    t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    u, v = a * np.cos(t), b * np.sin(t)
    keep = u <= cut
    points = [np.column_stack([u[keep], v[keep]])]
    if cut < a:
        half = b * math.sqrt(max(0.0, 1.0 - (cut / a) ** 2))
        points.append(np.array([[cut, half], [cut, -half]]))
    return np.concatenate(points)


def farthest_pair(points: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """The largest distance between two of *points* (m, 2) and the two points."""
    if len(points) < 2:
        return 0.0, points[0], points[0]
    d2 = ((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=-1)
    i, j = np.unravel_index(int(np.argmax(d2)), d2.shape)
    return math.sqrt(float(d2[i, j])), points[i], points[j]


def viable_diameter(a: float, b: float, cut: float, n: int = 1440) -> float:
    """Longest diameter of the enhancing part of an ellipse cut across its long axis."""
    if cut <= -a:
        return 0.0
    return farthest_pair(_outline(a, b, min(cut, a), n))[0]


def cut_for_viable_diameter(a: float, b: float, viable_mm: float) -> float:
    """The cut position that leaves a viable part of longest diameter *viable_mm*.

    The viable part grows monotonically with the cut, so bisection converges. A coarse
    outline (1° steps) is enough here: its error is second order, far below 0.01 mm.
    """
    if viable_mm <= 0:
        return -a - 1.0  # everything is necrotic: no enhancing tissue left
    if viable_mm >= 2 * a:
        return a
    lo, hi = -a, a
    for _ in range(48):
        mid = (lo + hi) / 2
        if viable_diameter(a, b, mid, n=360) < viable_mm:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@dataclass(frozen=True, slots=True)
class Diameter:
    """A measured longest diameter: its length and end points in patient coordinates."""

    length_mm: float
    start_mm: Vec3
    end_mm: Vec3


@dataclass(frozen=True, slots=True)
class GroundTruth:
    """What a perfect reader measures on a lesion in the written images."""

    slice_index: int
    slice_z_mm: float
    total: Diameter
    viable: Diameter
    short_axis_mm: float


def _to_patient(spec: LesionSpec, uv: np.ndarray, z: float) -> Vec3:
    a = math.radians(spec.angle_deg)
    u, v = float(uv[0]), float(uv[1])
    x = spec.centre_mm[0] + u * math.cos(a) - v * math.sin(a)
    y = spec.centre_mm[1] + u * math.sin(a) + v * math.cos(a)
    return (round(x, 3), round(y, 3), round(z, 3))


def measure_ground_truth(spec: LesionSpec, grid: ImageGrid) -> GroundTruth:
    """Measure *spec* on the slices of *grid* as a perfect reader would."""
    k = grid.nearest_slice(spec.centre_mm[2])
    z = float(grid.z_mm[k])
    a, b, c = spec.total_mm / 2, spec.short_mm / 2, spec.height_mm / 2
    scale2 = 1.0 - ((z - spec.centre_mm[2]) / c) ** 2
    if scale2 <= 0:
        raise ValueError(f"{spec.lesion_id}: no slice of the grid passes through the lesion")
    s = math.sqrt(scale2)
    total_ends = np.array([[-a * s, 0.0], [a * s, 0.0]])
    total = Diameter(2 * a * s, _to_patient(spec, total_ends[0], z),
                     _to_patient(spec, total_ends[1], z))
    cut = spec.necrosis_cut_mm
    if cut <= -a * s:
        viable = Diameter(0.0, total.start_mm, total.start_mm)
    else:
        length, p, q = farthest_pair(_outline(a * s, b * s, min(cut, a * s)))
        viable = Diameter(length, _to_patient(spec, p, z), _to_patient(spec, q, z))
    return GroundTruth(k, z, total, viable, 2 * b * s)


def paint_lesion(labels: np.ndarray, grid: ImageGrid, spec: LesionSpec) -> None:
    """Paint *spec* into *labels*; raise if any of it would fall outside its organ.

    A lesion clipped by the liver capsule would no longer match its ground truth, so the
    scenario must place lesions fully inside the organ.
    """
    shape = spec.ellipsoid
    box = shape.box(grid)
    if box.empty:
        raise ValueError(f"{spec.lesion_id}: lesion lies outside the scanned volume")
    mask = shape.inside(box)
    view = labels[box.k, box.r, box.c]
    host = _HOST_TISSUES[spec.pattern]
    if not np.isin(view[mask], host).all():
        raise ValueError(f"{spec.lesion_id}: lesion extends outside the {spec.organ}")
    if spec.pattern is Pattern.TYPICAL_HCC:
        u, _, _ = shape.local_uvw(box)
        necrotic = np.broadcast_to(u > spec.necrosis_cut_mm, mask.shape)
        view[mask & ~necrotic] = Tissue.HCC_VIABLE
        view[mask & necrotic] = Tissue.NECROSIS
    else:
        view[mask] = _PATTERN_TISSUE[spec.pattern]


_HOST_TISSUES = {
    Pattern.TYPICAL_HCC: (Tissue.LIVER,),
    Pattern.ATYPICAL_NODULE: (Tissue.LIVER,),
    Pattern.LYMPH_NODE: (Tissue.VISCERAL_FAT,),
}
_PATTERN_TISSUE = {
    Pattern.ATYPICAL_NODULE: Tissue.ATYPICAL_NODULE,
    Pattern.LYMPH_NODE: Tissue.LYMPH_NODE,
}


@dataclass(frozen=True, slots=True)
class ThrombusSpec:
    """Tumour thrombus filling a stretch of the portal vein (a non-target lesion).

    Malignant portal vein thrombosis is non-measurable under mRECIST and is followed as a
    non-target lesion (Lencioni & Llovet 2010).
    """

    lesion_id: str
    start_mm: Vec3
    end_mm: Vec3
    radius_mm: float

    @property
    def capsule(self) -> Capsule:
        """The thrombus as a solid."""
        return Capsule(self.start_mm, self.end_mm, self.radius_mm)

    @property
    def centre_mm(self) -> Vec3:
        """Midpoint of the thrombus."""
        p, q = self.start_mm, self.end_mm
        return tuple(round((p[i] + q[i]) / 2, 3) for i in range(3))  # type: ignore[return-value]


def paint_thrombus(labels: np.ndarray, grid: ImageGrid, spec: ThrombusSpec) -> None:
    """Fill and slightly expand the portal vein along *spec* with enhancing thrombus."""
    shape = spec.capsule
    box = shape.box(grid)
    if box.empty:
        raise ValueError(f"{spec.lesion_id}: thrombus lies outside the scanned volume")
    view = labels[box.k, box.r, box.c]
    mask = shape.inside(box) & np.isin(view, (Tissue.PORTAL_VEIN, Tissue.LIVER))
    view[mask] = Tissue.TUMOUR_THROMBUS
