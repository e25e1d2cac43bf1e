"""Where a lesion is in the patient, from the reader's own calipers: for "go to lesion".

The reader at Week 12 selects T1 and wants every viewer brought to it. Its calipers at
that timepoint say where it is; when they have not measured it yet, where they measured it
last is the best guess (a lesion moves little between scans, and the reader is looking for
it). Pure functions of a :class:`~core.model.reading.Read`, so the reading view, a test or
a script get the same answer.
"""

from __future__ import annotations

from typing import NamedTuple

from core.model.reading import MeasurementKind, Point3, Read

# The caliper that best says where the lesion is: the viable part is what mRECIST follows
# and what the arterial viewer shows; a total diameter spans the whole lesion; a node has
# only its short axis.
POSITION_KINDS = (MeasurementKind.VIABLE, MeasurementKind.TOTAL, MeasurementKind.SHORT_AXIS)


class KnownPosition(NamedTuple):
    """Where a lesion was last measured: the timepoint, the point and the caliper's kind."""

    timepoint_id: int
    point_xyz: Point3
    kind: MeasurementKind


def lesion_position(read: Read, lesion_id: int, timepoint_id: int) -> Point3 | None:
    """The midpoint (patient xyz, mm) of the lesion's caliper at the timepoint.

    The viable caliper if there is one, else the total, else the short axis; ``None`` when
    the lesion has no caliper there (not measured, not in the read, or no such timepoint).
    """
    known = _position_at(read, lesion_id, timepoint_id)
    return None if known is None else known.point_xyz


def last_known_position(read: Read, lesion_id: int,
                        up_to_timepoint_id: int) -> KnownPosition | None:
    """Where the lesion was measured at *up_to_timepoint_id*, else most recently before it.

    Timepoints after *up_to_timepoint_id* are never looked at: the reader of Week 12 is
    taken to where it was at Week 6, not to a later read they may be amending from.
    ``None`` when the timepoint is not in the read or the lesion has no caliper at it or
    before it.
    """
    index = read.index_of(up_to_timepoint_id)
    if index is None:
        return None
    for timepoint in reversed(read.timepoints[: index + 1]):
        known = _position_at(read, lesion_id, timepoint.timepoint_id)
        if known is not None:
            return known
    return None


def _position_at(read: Read, lesion_id: int, timepoint_id: int) -> KnownPosition | None:
    for kind in POSITION_KINDS:
        measurement = read.measurement(lesion_id, timepoint_id, kind)
        if measurement is not None:
            start, end = measurement.caliper.start_xyz, measurement.caliper.end_xyz
            mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, (start[2] + end[2]) / 2)
            return KnownPosition(timepoint_id, mid, kind)
    return None
