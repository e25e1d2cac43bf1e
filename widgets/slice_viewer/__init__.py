"""The slice viewport of the reading station."""

from widgets.slice_viewer._caliper_tool import CaliperStyle
from widgets.slice_viewer._viewer import PHASE_COLOURS, SliceViewer

__all__ = ["PHASE_COLOURS", "CaliperStyle", "SliceViewer"]
