"""Imaging vocabulary shared by every layer: contrast phases and modalities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path


class Phase(StrEnum):
    """The contrast phase of a series, as the liver imaging literature names them.

    mRECIST measures viable tumour on the arterial phase and judges washout on the portal
    venous and delayed phases (Lencioni & Llovet 2010), so the phase decides which series a
    caliper may be drawn on.
    """

    PRE_CONTRAST = "pre_contrast"
    ARTERIAL = "arterial"
    PORTAL_VENOUS = "portal_venous"
    DELAYED = "delayed"
    HEPATOBILIARY = "hepatobiliary"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """Short human label for viewport overlays and reports."""
        return _PHASE_LABELS[self]


_PHASE_LABELS = {
    Phase.PRE_CONTRAST: "Pre-contrast",
    Phase.ARTERIAL: "Arterial",
    Phase.PORTAL_VENOUS: "Portal venous",
    Phase.DELAYED: "Delayed",
    Phase.HEPATOBILIARY: "Hepatobiliary",
    Phase.UNKNOWN: "Unknown phase",
}

# The order in which a hanging protocol shows the phases, left to right.
DISPLAY_ORDER: tuple[Phase, ...] = (
    Phase.PRE_CONTRAST,
    Phase.ARTERIAL,
    Phase.PORTAL_VENOUS,
    Phase.DELAYED,
    Phase.HEPATOBILIARY,
    Phase.UNKNOWN,
)


class Modality(StrEnum):
    """DICOM Modality (0008,0060) values the workstation reads."""

    CT = "CT"
    MR = "MR"


@dataclass(frozen=True, slots=True)
class StudyRef:
    """Where one timepoint's images of a subject are: what a worklist entry points to."""

    subject: str
    timepoint_label: str
    study_date: date
    folder: Path


@dataclass(frozen=True, slots=True)
class ImageRecord:
    """One image of a registered series as the trial keeps it: where its pixels are.

    The fields are the Image Plane module's (DICOM PS3.3 C.7.6.2): ``origin_xyz`` is
    ImagePositionPatient (centre of pixel (0, 0)), ``row_direction`` and
    ``column_direction`` the two triplets of ImageOrientationPatient, ``pixel_spacing_mm``
    PixelSpacing (between rows, between columns). With them a caliper's length is computed
    from its end points by the store's caller, never taken from a client. ``frame`` is 0
    for a single-frame image, else the 1-based frame number; ``is_lossy`` is True when the
    image is or was lossy compressed (PS3.3 C.7.6.1.1.5).
    """

    sop_instance_uid: str
    frame: int
    rows: int
    columns: int
    origin_xyz: tuple[float, float, float]
    row_direction: tuple[float, float, float]
    column_direction: tuple[float, float, float]
    pixel_spacing_mm: tuple[float, float]
    is_lossy: bool = False

    def __post_init__(self) -> None:
        if not self.sop_instance_uid:
            raise ValueError("sop_instance_uid: must not be empty")
        if self.frame < 0 or self.rows <= 0 or self.columns <= 0:
            raise ValueError(f"image {self.sop_instance_uid}: frame must be ≥ 0 and the "
                             f"matrix positive, not frame {self.frame}, "
                             f"{self.rows} × {self.columns}")
        if len(self.pixel_spacing_mm) != 2 or min(self.pixel_spacing_mm) <= 0:
            raise ValueError(f"image {self.sop_instance_uid}: pixel spacing must be two "
                             f"positive distances, not {self.pixel_spacing_mm}")
