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
