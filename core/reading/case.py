"""A read as the response engine sees it: the ``Case`` of its first timepoints.

The read is stored as lesions, calipers and findings; the engine reads timepoints of lesion
records (docs/case-format.md). Both speak ``core.model.clinical``, so this is a change of
shape only: calipers become lengths, findings become states.
"""

from __future__ import annotations

from decimal import Decimal

from core.criteria import Case, NewLesion, NonTargetLesion, TargetLesion, Timepoint
from core.model.clinical import (
    CaseOptions,
    Criteria,
    LesionCategory,
    NonTargetState,
    TargetState,
)
from core.model.reading import Finding, Lesion, MeasurementKind, Read, ReadTimepoint


def _length(read: Read, lesion: Lesion, timepoint_id: int,
            kind: MeasurementKind) -> Decimal | None:
    measurement = read.measurement(lesion.lesion_id, timepoint_id, kind)
    return None if measurement is None else measurement.length_mm


def _target(read: Read, lesion: Lesion, timepoint_id: int,
            finding: Finding | None) -> TargetLesion:
    state = TargetState(finding.state) if finding and finding.state else TargetState.MEASURED
    return TargetLesion(
        id=lesion.label, organ=lesion.organ, state=state,
        longest_mm=_length(read, lesion, timepoint_id, MeasurementKind.TOTAL),
        viable_mm=_length(read, lesion, timepoint_id, MeasurementKind.VIABLE),
        short_axis_mm=_length(read, lesion, timepoint_id, MeasurementKind.SHORT_AXIS),
        node=lesion.is_node or None, porta_hepatis=lesion.is_porta_hepatis,
        previously_treated=lesion.is_previously_treated, location=lesion.location,
    )


def _non_target(lesion: Lesion, finding: Finding | None) -> NonTargetLesion | None:
    # A non-target needs a state at every timepoint; without one the engine reports it
    # missing, which is what stops such a read from being signed.
    if finding is None or not finding.state:
        return None
    return NonTargetLesion(id=lesion.label, organ=lesion.organ,
                           state=NonTargetState(finding.state), kind=lesion.kind,
                           cytology_confirmed=finding.is_cytology_confirmed)


def _new(read: Read, lesion: Lesion, timepoint_id: int,
         finding: Finding | None) -> NewLesion | None:
    total = _length(read, lesion, timepoint_id, MeasurementKind.TOTAL)
    viable = _length(read, lesion, timepoint_id, MeasurementKind.VIABLE)
    if finding is None and total is None and viable is None:
        return None  # not recorded at this timepoint
    return NewLesion(
        id=lesion.label, organ=lesion.organ,
        longest_mm=total if total is not None else viable,
        arterial_enhancement=bool(finding and finding.arterial_enhancement),
        washout=bool(finding and finding.washout), kind=lesion.kind,
        cytology_confirmed=bool(finding and finding.is_cytology_confirmed),
        equivocal=bool(finding and finding.is_equivocal),
    )


def _timepoint(read: Read, timepoint: ReadTimepoint, lesions: list[Lesion]) -> Timepoint:
    if timepoint.is_not_assessed:
        return Timepoint(timepoint.label, timepoint.date, not_assessed=True)
    target, non_target, new = [], [], []
    tid = timepoint.timepoint_id
    for lesion in lesions:
        finding = read.finding(lesion.lesion_id, tid)
        if lesion.category is LesionCategory.TARGET:
            target.append(_target(read, lesion, tid, finding))
        elif lesion.category is LesionCategory.NON_TARGET:
            if (recorded := _non_target(lesion, finding)) is not None:
                non_target.append(recorded)
        elif (seen := _new(read, lesion, tid, finding)) is not None:
            new.append(seen)
    return Timepoint(timepoint.label, timepoint.date, tuple(target), tuple(non_target),
                     tuple(new))


def build_case(read: Read, criteria: Criteria | str, options: CaseOptions | None = None,
               through: int | None = None) -> Case:
    """The engine's ``Case`` of *read*, its first *through* timepoints (all by default).

    Calipers become the case file's lengths: viable → ``viable_mm``, total →
    ``longest_mm``, short axis → ``short_axis_mm``; a new lesion's ``longest_mm`` is its
    total caliper, or its viable one when only that was drawn. A lesion appears from the
    timepoint it was first recorded at.
    """
    first_index = {tp.timepoint_id: i for i, tp in enumerate(read.timepoints)}
    timepoints = []
    for index, timepoint in enumerate(read.timepoints[:through]):
        present = [lesion for lesion in read.lesions
                   if first_index.get(lesion.first_timepoint_id, 0) <= index]
        timepoints.append(_timepoint(read, timepoint, present))
    return Case(read.subject, Criteria(criteria), tuple(timepoints), options or CaseOptions())
