"""DICOM in, plain ``core`` values out: scanning, phase recognition, volume loading."""

from core.dicom.phases import PhaseDecision, phase_from_description
from core.dicom.scan import (
    Rejected,
    ScanResult,
    SeriesInfo,
    StudyInfo,
    override_phases,
    scan,
)
from core.dicom.volume import load_volume

__all__ = [
    "PhaseDecision",
    "Rejected",
    "ScanResult",
    "SeriesInfo",
    "StudyInfo",
    "load_volume",
    "override_phases",
    "phase_from_description",
    "scan",
]
