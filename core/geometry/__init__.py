"""Geometry in DICOM patient coordinates (LPS, mm): image planes and caliper lengths."""

from core.geometry.caliper import LineMeasurement, caliper_length_mm, measure_line
from core.geometry.plane import PlaneGeometry, plane_of_slice

__all__ = [
    "LineMeasurement",
    "PlaneGeometry",
    "caliper_length_mm",
    "measure_line",
    "plane_of_slice",
]
