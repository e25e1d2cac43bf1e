"""Workflow rules of one read: date order, signed timepoints, frozen baseline selection.

Each ``*_refusal`` function returns ``None`` when the action is allowed and otherwise the
sentence that says why not; the store raises it as a ``WorkflowError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from core.criteria import (
    Case,
    CaseOptions,
    Criteria,
    NewLesion,
    NonTargetLesion,
    NonTargetState,
    TargetLesion,
    TargetState,
    Timepoint,
)
from core.model.reading import (
    Finding,
    LesionCategory,
    MeasurementKind,
    Read,
    TimepointStatus,
)


def signed_prefix(statuses: Sequence[TimepointStatus]) -> int:
    """How many timepoints, from the baseline on in date order, are signed."""
    count = 0
    for status in statuses:
        if status is not TimepointStatus.SIGNED:
            break
        count += 1
    return count


def edit_refusal(statuses: Sequence[TimepointStatus], index: int) -> str | None:
    """Why timepoint *index* (0 = baseline, date order) may not be edited now, or ``None``.

    A reader reads in date order (response-criteria §8): an open timepoint can be edited
    only when every earlier one is signed. A signed timepoint is immutable until an
    amendment re-opens it; an amending timepoint is editable whatever its neighbours.
    """
    status = statuses[index]
    if status is TimepointStatus.SIGNED:
        return "is signed; a correction needs an amendment with a reason"
    if status is TimepointStatus.OPEN and signed_prefix(statuses) < index:
        return "earlier timepoints must be signed first (timepoints are read in date order)"
    return None


def lesion_selection_refusal(
    category: LesionCategory, index: int, baseline_status: TimepointStatus
) -> str | None:
    """Why a lesion of *category* may not be added or removed at timepoint *index*, or ``None``.

    Target and non-target lesions are chosen at baseline, and the choice is fixed once the
    baseline is signed, amendments included (response-criteria §8). New lesions appear only
    after baseline.
    """
    if category is LesionCategory.NEW:
        return "new lesions are recorded after baseline only" if index == 0 else None
    if index != 0:
        return f"{category} lesions are selected at baseline only"
    if baseline_status is not TimepointStatus.OPEN:
        return "the baseline selection is fixed once the baseline is signed"
    return None


_STATES = {
    LesionCategory.TARGET: tuple(state.value for state in TargetState),
    LesionCategory.NON_TARGET: tuple(state.value for state in NonTargetState),
    LesionCategory.NEW: (None,),
}


def finding_refusal(category: LesionCategory, state: str | None) -> str | None:
    """Why *state* cannot be recorded for a lesion of *category*, or ``None``.

    Targets take a target state (case-format.md), non-targets a non-target state (which
    they need at every timepoint); a new lesion has no state, only what was seen.
    """
    allowed = _STATES[category]
    if category is LesionCategory.TARGET and state is None:
        return None
    if state in allowed:
        return None
    if category is LesionCategory.NEW:
        return f"a new lesion records what was seen, not a state ({state!r})"
    names = ", ".join(str(value) for value in allowed)
    return f"a {category} lesion's state is one of {names}, not {state!r}"


def _length(
    read: Read, lesion_id: int, timepoint_id: int, kind: MeasurementKind
) -> Decimal | None:
    for measurement in read.measurements:
        if (measurement.lesion_id, measurement.timepoint_id, measurement.kind) == (
            lesion_id, timepoint_id, kind
        ):
            return measurement.length_mm
    return None


def _finding(read: Read, lesion_id: int, timepoint_id: int) -> Finding | None:
    for finding in read.findings:
        if (finding.lesion_id, finding.timepoint_id) == (lesion_id, timepoint_id):
            return finding
    return None


def build_case(
    read: Read,
    criteria: Criteria | str,
    options: CaseOptions | None = None,
    through: int | None = None,
) -> Case:
    """The engine's ``Case`` of *read*, its first *through* timepoints (all by default).

    Calipers become the case file's lengths: viable → ``viable_mm``, total →
    ``longest_mm``, short axis → ``short_axis_mm``; a new lesion's ``longest_mm`` is its
    total caliper, or its viable one when only that was drawn.
    """
    timepoints = []
    first_index = {tp.timepoint_id: i for i, tp in enumerate(read.timepoints)}
    for index, timepoint in enumerate(read.timepoints[:through]):
        if timepoint.is_not_assessed:
            timepoints.append(Timepoint(timepoint.label, timepoint.date, not_assessed=True))
            continue
        target, non_target, new = [], [], []
        tid = timepoint.timepoint_id
        for lesion in read.lesions:
            if first_index.get(lesion.first_timepoint_id, 0) > index:
                continue
            finding = _finding(read, lesion.lesion_id, tid)
            if lesion.category is LesionCategory.TARGET:
                target.append(TargetLesion(
                    id=lesion.label, organ=lesion.organ,
                    state=TargetState(finding.state if finding and finding.state else "measured"),
                    longest_mm=_length(read, lesion.lesion_id, tid, MeasurementKind.TOTAL),
                    viable_mm=_length(read, lesion.lesion_id, tid, MeasurementKind.VIABLE),
                    short_axis_mm=_length(read, lesion.lesion_id, tid,
                                          MeasurementKind.SHORT_AXIS),
                    node=lesion.is_node or None, porta_hepatis=lesion.is_porta_hepatis,
                    previously_treated=lesion.is_previously_treated, location=lesion.location,
                ))
            elif lesion.category is LesionCategory.NON_TARGET:
                if finding is not None and finding.state:
                    non_target.append(NonTargetLesion(
                        id=lesion.label, organ=lesion.organ, state=NonTargetState(finding.state),
                        kind=lesion.kind, cytology_confirmed=finding.is_cytology_confirmed,
                    ))
            else:
                total = _length(read, lesion.lesion_id, tid, MeasurementKind.TOTAL)
                viable = _length(read, lesion.lesion_id, tid, MeasurementKind.VIABLE)
                if finding is None and total is None and viable is None:
                    continue
                new.append(NewLesion(
                    id=lesion.label, organ=lesion.organ,
                    longest_mm=total if total is not None else viable,
                    arterial_enhancement=bool(finding and finding.arterial_enhancement),
                    washout=bool(finding and finding.washout), kind=lesion.kind,
                    cytology_confirmed=bool(finding and finding.is_cytology_confirmed),
                    equivocal=bool(finding and finding.is_equivocal),
                ))
        timepoints.append(Timepoint(timepoint.label, timepoint.date, tuple(target),
                                    tuple(non_target), tuple(new)))
    return Case(read.subject, Criteria(criteria), tuple(timepoints), options or CaseOptions())
