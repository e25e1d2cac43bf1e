"""Tumour models of the phantom and their exact ground-truth diameters.

An HCC is an ellipsoid whose long in-plane axis is turned off the pixel rows. Its viable
(arterially enhancing) part is a smaller copy of it, scaled about one end of the long axis:
the eccentric nodular residue typical after TACE, surrounded by non-enhancing necrosis.
The viable part is then a convex ellipsoid whose longest diameter is unambiguous — the
quantity mRECIST asks the reader to measure, not crossing necrosis (Lencioni & Llovet
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
    def viable_fraction(self) -> float:
        """Scale of the viable nodule relative to the whole lesion (0: fully necrotic)."""
        return self.viable_mm / self.total_mm

    @property
    def viable_ellipsoid(self) -> Ellipsoid | None:
        """The enhancing nodule: the lesion scaled by :attr:`viable_fraction` about the end
        of its long axis at ``-u`` (a homothety about a boundary point stays inside)."""
        f = self.viable_fraction
        if f <= 0:
            return None
        a = math.radians(self.angle_deg)
        shift = (1 - f) * self.total_mm / 2
        cx, cy, cz = self.centre_mm
        centre = (cx - shift * math.cos(a), cy - shift * math.sin(a), cz)
        semi = (self.total_mm / 2 * f, self.short_mm / 2 * f, self.height_mm / 2 * f)
        return Ellipsoid(centre, semi, self.angle_deg)


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


def _axial_long_axis(shape: Ellipsoid, z: float) -> Diameter:
    """Long axis of *shape*'s cross-section at patient *z* (zero length if it misses)."""
    a_mm, _, c_mm = shape.semi_axes_mm
    scale2 = 1.0 - ((z - shape.centre_mm[2]) / c_mm) ** 2
    half = a_mm * math.sqrt(scale2) if scale2 > 0 else 0.0
    angle = math.radians(shape.angle_deg)
    dx, dy = half * math.cos(angle), half * math.sin(angle)
    cx, cy, _ = shape.centre_mm
    start = (round(cx - dx, 3), round(cy - dy, 3), round(z, 3))
    end = (round(cx + dx, 3), round(cy + dy, 3), round(z, 3))
    return Diameter(2 * half, start, end)


def measure_ground_truth(spec: LesionSpec, grid: ImageGrid) -> GroundTruth:
    """Measure *spec* on the slices of *grid* as a perfect reader would.

    Both the lesion and its viable nodule are centred on the same axial plane, so the
    slice nearest that plane shows both at their largest, and each longest diameter is the
    long axis of an ellipse.
    """
    k = grid.nearest_slice(spec.centre_mm[2])
    z = float(grid.z_mm[k])
    total = _axial_long_axis(spec.ellipsoid, z)
    if total.length_mm == 0:
        raise ValueError(f"{spec.lesion_id}: no slice of the grid passes through the lesion")
    nodule = spec.viable_ellipsoid
    viable = (_axial_long_axis(nodule, z) if nodule is not None
              else Diameter(0.0, total.start_mm, total.start_mm))
    short = total.length_mm * spec.short_mm / spec.total_mm
    return GroundTruth(k, z, total, viable, short)


# Liver lesions keep this much parenchyma around them, so every edge of a lesion is seen
# against liver (as a reader needs to measure it) and never against fat or a vessel.
PARENCHYMA_MARGIN_MM = 4.0


def paint_lesion(labels: np.ndarray, grid: ImageGrid, spec: LesionSpec) -> None:
    """Paint *spec* into *labels*; raise if it (with its margin) leaves its organ.

    A lesion clipped by the liver capsule would no longer match its ground truth, so the
    scenario must place lesions fully inside the organ.
    """
    host = _HOST_TISSUES[spec.pattern]
    margin = PARENCHYMA_MARGIN_MM if spec.pattern is not Pattern.LYMPH_NODE else 0.0
    shape = spec.ellipsoid
    a, b, c = (s + margin for s in shape.semi_axes_mm)
    padded = Ellipsoid(shape.centre_mm, (a, b, c), shape.angle_deg)
    box = padded.box(grid)
    if box.empty:
        raise ValueError(f"{spec.lesion_id}: lesion lies outside the scanned volume")
    view = labels[box.k, box.r, box.c]
    if not np.isin(view[padded.inside(box)], host).all():
        raise ValueError(f"{spec.lesion_id}: lesion comes within {margin:g} mm of the edge "
                         f"of the {spec.organ}")
    mask = shape.inside(box)
    if spec.pattern is Pattern.TYPICAL_HCC:
        view[mask] = Tissue.NECROSIS
        nodule = spec.viable_ellipsoid
        if nodule is not None:
            view[mask & nodule.inside(box)] = Tissue.HCC_VIABLE
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
