"""Geometry in DICOM patient coordinates (LPS, mm): image planes and caliper lengths."""

from core.geometry.caliper import (
    CALIPER_PRECISION_MM,
    LineMeasurement,
    caliper_length_mm,
    measure_caliper,
    measure_line,
    recorded_length_mm,
)
from core.geometry.plane import (
    PlaneGeometry,
    display_plane,
    orientation_letters,
    plane_of_image,
    plane_of_slice,
    slice_nearest_point,
)

__all__ = [
    "CALIPER_PRECISION_MM",
    "LineMeasurement",
    "PlaneGeometry",
    "caliper_length_mm",
    "display_plane",
    "measure_caliper",
    "measure_line",
    "orientation_letters",
    "plane_of_image",
    "plane_of_slice",
    "recorded_length_mm",
    "slice_nearest_point",
]
