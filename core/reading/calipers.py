"""What a caliper may be: drawn inside an image of its timepoint, consistent with the lesion.

The action that saves a caliper measures it itself from the end points and the registered
image's plane (``core.geometry``); these rules decide whether what it measured can be part
of a read. Each returns ``None`` or the sentence that says why not.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from core.geometry import CALIPER_PRECISION_MM, measure_caliper, plane_of_image
from core.model.imaging import ImageRecord
from core.model.reading import Caliper, Lesion, MeasurementKind, Read

# (timepoint, SOP Instance UID, frame): where a stored caliper says it was drawn.
ImageKey = tuple[int, str, int]

# A caliper end may lie anywhere on a pixel of the image, up to its outer edge.
_EDGE = 0.5


def _outside(image: ImageRecord, point_rc: tuple[float, ...]) -> bool:
    row, col = point_rc
    return not (-_EDGE <= row <= image.rows - 1 + _EDGE
                and -_EDGE <= col <= image.columns - 1 + _EDGE)


def image_refusal(image: ImageRecord | None, caliper: Caliper, timepoint: str) -> str | None:
    """Why *caliper* cannot be on *image*, the registered image it names (``None``: not one).

    The image must be one of the timepoint's series (a caliper on another visit's image
    would be measured on the wrong date), and both ends must lie inside it, up to the outer
    edge of its pixels (DICOM PS3.3 C.7.6.2; docs/reading.md §1).
    """
    frame = f" frame {caliper.frame}" if caliper.frame else ""
    if image is None:
        return (f"image {caliper.sop_instance_uid}{frame} is not an image of {timepoint} "
                "(no series of this timepoint records it; a series registered before its "
                "images were recorded gets them by importing it again)")
    for name, point in (("start", caliper.start_rc), ("end", caliper.end_rc)):
        if _outside(image, point):
            row, col = point
            return (f"the caliper's {name} (row {row:g}, column {col:g}) lies outside image "
                    f"{caliper.sop_instance_uid}{frame} ({image.rows} × {image.columns})")
    return None


def length_refusal(given_mm: Decimal, measured_mm: Decimal, precision_mm: Decimal) -> str | None:
    """Why a caliper that says it is *given_mm* long but measures *measured_mm* is refused.

    The length is the image's, not the client's: a disagreement beyond the recorded
    precision means the client placed the image elsewhere than the trial registered it
    (docs/reading.md §1).
    """
    if abs(given_mm - measured_mm) > precision_mm:
        return (f"the caliper says {given_mm} mm but its end points on the registered image "
                f"measure {measured_mm} mm")
    return None


def kind_refusal(lesion: Lesion, kind: MeasurementKind, length_mm: Decimal) -> str | None:
    """Why a caliper of *kind* and *length_mm* does not fit *lesion*, or ``None``.

    The short axis is a lymph node's measure (RECIST 1.1 §3.1.1). A viable diameter of
    0 mm (both ends on one point) records that no arterially enhancing tumour is left
    (LL2010); a lesion that is gone altogether is recorded as disappeared, not as a total
    diameter of 0 mm.
    """
    if kind is MeasurementKind.SHORT_AXIS and not lesion.is_node:
        return f"{lesion.label} is not a lymph node: only nodes are measured by short axis"
    if kind is not MeasurementKind.VIABLE and length_mm == 0:
        return (f"a {kind} diameter of 0 mm: record {lesion.label} as disappeared instead "
                "of drawing a point")
    return None


def viable_total_refusal(read: Read, lesion: Lesion, timepoint_id: int,
                         kind: MeasurementKind, length_mm: Decimal) -> str | None:
    """Why *length_mm* of *kind* contradicts the lesion's other diameter, or ``None``.

    The viable part lies within the lesion, so its longest diameter cannot exceed the
    lesion's total one (LL2010: viable tumour is part of the lesion).
    """
    viable: Decimal | None
    total: Decimal | None
    if kind is MeasurementKind.VIABLE:
        other = read.measurement(lesion.lesion_id, timepoint_id, MeasurementKind.TOTAL)
        viable, total = length_mm, (other.length_mm if other else None)
    elif kind is MeasurementKind.TOTAL:
        other = read.measurement(lesion.lesion_id, timepoint_id, MeasurementKind.VIABLE)
        viable, total = (other.length_mm if other else None), length_mm
    else:
        return None
    if viable is not None and total is not None and viable > total:
        return (f"{lesion.label}: the viable diameter {viable} mm exceeds the total "
                f"diameter {total} mm; the viable part lies within the lesion")
    return None


def read_caliper_problems(read: Read, through: int) -> tuple[str, ...]:
    """Contradictions between a read's calipers in its first *through* timepoints.

    Checked again when a timepoint is signed, so a read built before these rules existed
    (or by any other path) cannot be signed with a viable diameter above its total one.
    """
    problems = []
    for timepoint in read.timepoints[:through]:
        for lesion in read.lesions:
            viable = read.measurement(lesion.lesion_id, timepoint.timepoint_id,
                                      MeasurementKind.VIABLE)
            if viable is None:
                continue
            refusal = viable_total_refusal(read, lesion, timepoint.timepoint_id,
                                           MeasurementKind.VIABLE, viable.length_mm)
            if refusal:
                problems.append(f"{timepoint.label}: {refusal}")
    return tuple(problems)


def recorded_caliper_problems(read: Read, through: int,
                              images: Mapping[ImageKey, ImageRecord | None]) -> tuple[str, ...]:
    """Stored calipers of the first *through* timepoints that the image they name disowns.

    Checked again when a timepoint is signed: a caliper stored before the trial recorded
    image planes, or written into the file by any other path, is signed only if its image
    is one of its timepoint's, its ends lie inside it and its recorded length is what its
    ends measure there (docs/reading.md §1, §4). *images* maps each caliper's
    (timepoint, UID, frame) to the registered image, or ``None``.
    """
    problems = []
    labels = {lesion.lesion_id: lesion.label for lesion in read.lesions}
    for timepoint in read.timepoints[:through]:
        where = timepoint.label
        for m in read.measurements:
            if m.timepoint_id != timepoint.timepoint_id:
                continue
            c = m.caliper
            image = images.get((timepoint.timepoint_id, c.sop_instance_uid, c.frame))
            what = f"{labels.get(m.lesion_id, '?')} {m.kind}"
            refusal = image_refusal(image, c, where)
            if refusal is None and image is not None:
                measured = measure_caliper(plane_of_image(image), c.start_rc, c.end_rc,
                                           c.sop_instance_uid, c.frame)
                refusal = length_refusal(c.length_mm, measured.length_mm,
                                         CALIPER_PRECISION_MM)
            if refusal:
                problems.append(f"{where}: {what}: {refusal}")
    return tuple(problems)
