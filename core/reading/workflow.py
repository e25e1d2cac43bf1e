"""Workflow rules of one read: date order, signed timepoints, frozen baseline selection.

Functions of plain values. Each ``*_refusal`` returns ``None`` when the action is allowed
and otherwise the sentence that says why not; the action layer raises it as a
``WorkflowError`` naming the subject and timepoint (docs/reading.md §1).
"""

from __future__ import annotations

from collections.abc import Sequence

from core.model.clinical import (
    LABEL_PREFIX,
    LesionCategory,
    LesionState,
    NonTargetState,
    TargetState,
)
from core.model.reading import Lesion, Read, ReadTimepoint, TimepointStatus


def signed_prefix(statuses: Sequence[TimepointStatus]) -> int:
    """How many timepoints, from the baseline on in date order, are signed."""
    count = 0
    for status in statuses:
        if status is not TimepointStatus.SIGNED:
            break
        count += 1
    return count


def valid_signed_prefix(timepoints: Sequence[ReadTimepoint]) -> int:
    """How many timepoints, from the baseline on, are signed and not waiting for a new
    signature: what a cycle compares and an export holds (docs/signatures.md §4)."""
    count = 0
    for timepoint in timepoints:
        if timepoint.status is not TimepointStatus.SIGNED or timepoint.needs_resignature:
            break
        count += 1
    return count


def edit_refusal(statuses: Sequence[TimepointStatus], index: int) -> str | None:
    """Why timepoint *index* (0 = baseline, date order) may not be edited now, or ``None``.

    A reader reads in date order (docs/reading.md §1): an open timepoint can be edited only
    when every earlier one is signed. A signed timepoint is immutable until an amendment
    re-opens it; an amending timepoint is editable whatever its neighbours.
    """
    status = statuses[index]
    if status is TimepointStatus.SIGNED:
        return "is signed; a correction needs an amendment with a reason"
    if status is TimepointStatus.OPEN and signed_prefix(statuses) < index:
        return "earlier timepoints must be signed first (timepoints are read in date order)"
    return None


def sign_refusal(timepoints: Sequence[ReadTimepoint], index: int) -> str | None:
    """Why timepoint *index* may not be signed now (before the engine checks it), or ``None``.

    Signed already (unless it waits for a new signature after an earlier timepoint was
    amended), or an earlier timepoint is not validly signed: a signature covers the
    timepoints before it, so an earlier one still open, being amended or waiting for its
    own new signature would change or leave unaffirmed what it signed (docs/reading.md
    §1, §4; docs/signatures.md §4). An amending timepoint is edited whatever its
    neighbours, but signed in date order like any other.
    """
    timepoint = timepoints[index]
    if timepoint.status is TimepointStatus.SIGNED and not timepoint.needs_resignature:
        return "is signed already"
    if signed_prefix([tp.status for tp in timepoints]) < index:
        return "earlier timepoints must be signed first (timepoints are read in date order)"
    stale = next((tp for tp in timepoints[:index] if tp.needs_resignature), None)
    if stale is not None:
        return (f"{stale.label} must be signed again first (timepoints are signed in date "
                "order)")
    return None


def resignature_needed(read: Read, index: int) -> tuple[ReadTimepoint, ...]:
    """The timepoints an amendment of timepoint *index* leaves with a stale signature.

    Every later signed timepoint: its signature covers the amended one (and the engine's
    result through it), so it no longer affirms what the read will say; it waits for a
    new signature (21 CFR 11.70; docs/signatures.md §4).
    """
    return tuple(tp for tp in read.timepoints[index + 1:]
                 if tp.status is TimepointStatus.SIGNED)


def amend_refusal(status: TimepointStatus) -> str | None:
    """Why a timepoint in *status* may not be amended, or ``None``: only signed ones are.

    An open timepoint is corrected directly; a signed one only through an amendment with a
    reason (21 CFR 11.10(e); docs/reading.md §4).
    """
    if status is not TimepointStatus.SIGNED:
        return "only a signed timepoint is amended; edit it directly"
    return None


def not_assessed_refusal(index: int) -> str | None:
    """Why timepoint *index* may not be recorded as not assessed, or ``None``.

    Every response is measured against the baseline, which must be assessed (RECIST 1.1
    §4.3.1; docs/reading.md §1).
    """
    return "the baseline must be assessed" if index == 0 else None


def evaluation_through(statuses: Sequence[TimepointStatus], index: int) -> int:
    """How many timepoints the engine reads when timepoint *index* is edited or signed.

    Everything up to *index*, and any later timepoint already signed: amending an earlier
    timepoint changes what the later signed ones decided (the nadir, a confirmation;
    RECIST 1.1 §4.3.1, §4.4; docs/reading.md §4).
    """
    signed = [i for i, status in enumerate(statuses) if status is TimepointStatus.SIGNED]
    return max([*signed, index]) + 1


def lesion_selection_refusal(
    category: LesionCategory, index: int, baseline_status: TimepointStatus
) -> str | None:
    """Why a lesion of *category* may not be added or removed at timepoint *index*, or ``None``.

    Target and non-target lesions are chosen at baseline, and the choice is fixed once the
    baseline is signed, amendments included (RECIST 1.1 §4.2; docs/reading.md §1). New
    lesions appear only after baseline.
    """
    if category is LesionCategory.NEW:
        return "new lesions are recorded after baseline only" if index == 0 else None
    if index != 0:
        return f"{category} lesions are selected at baseline only"
    if baseline_status is not TimepointStatus.OPEN:
        return "the baseline selection is fixed once the baseline is signed"
    return None


def lesion_removal_refusal(read: Read, lesion: Lesion) -> str | None:
    """Why *lesion* may not be removed from *read*, or ``None``.

    A lesion recorded by mistake goes while every timepoint that records it is open or
    being amended (an amendment is a correction with a reason, and the audit trail keeps
    what was removed); a lesion recorded at a signed timepoint stays. Target and
    non-target lesions are the baseline selection, fixed once the baseline is signed
    (RECIST 1.1 §4.2; docs/reading.md §1).
    """
    if lesion.category is not LesionCategory.NEW and \
            read.timepoints[0].status is not TimepointStatus.OPEN:
        return ("is part of the baseline selection, fixed once the baseline is signed; it "
                "stays in the read")
    recorded_at = {lesion.first_timepoint_id}
    recorded_at.update(m.timepoint_id for m in read.measurements
                       if m.lesion_id == lesion.lesion_id)
    recorded_at.update(f.timepoint_id for f in read.findings if f.lesion_id == lesion.lesion_id)
    for timepoint in read.timepoints:
        if timepoint.timepoint_id in recorded_at and \
                timepoint.status is TimepointStatus.SIGNED:
            return (f"is recorded at {timepoint.label}, which is signed; it stays in the "
                    "read")
    return None


def first_seen_refusal(read: Read, lesion: Lesion, index: int) -> str | None:
    """Why *lesion* cannot be recorded at timepoint *index*: it was first seen later."""
    first = read.index_of(lesion.first_timepoint_id)
    if first is not None and first > index:
        return f"was first seen after {read.timepoints[index].label}"
    return None


_STATES: dict[LesionCategory, tuple[type[TargetState] | type[NonTargetState], ...]] = {
    LesionCategory.TARGET: (TargetState,),
    LesionCategory.NON_TARGET: (NonTargetState,),
    LesionCategory.NEW: (),
}


def finding_refusal(category: LesionCategory, state: str | None) -> str | None:
    """Why *state* cannot be recorded for a lesion of *category*, or ``None``.

    Targets take a target state (or none: measured), non-targets a non-target state
    (which they need at every timepoint); a new lesion has no state, only what was seen
    (docs/case-format.md).
    """
    if state is None and category is not LesionCategory.NON_TARGET:
        return None
    kinds = _STATES[category]
    if any(state in kind._value2member_map_ for kind in kinds):
        return None
    if category is LesionCategory.NEW:
        return f"a new lesion records what was seen, not a state ({state!r})"
    names = ", ".join(member.value for kind in kinds for member in kind)
    return f"a {category} lesion's state is one of {names}, not {state!r}"


def finding_state(category: LesionCategory, state: str | None) -> LesionState | None:
    """*state* as the enum of *category* (after :func:`finding_refusal` allowed it).

    "not_evaluable" is spelt alike by targets and non-targets, so only the category
    decides which enum a stored or typed string is (docs/case-format.md).

    Raises
    ------
    ValueError
        If *state* is not a state of *category*.
    """
    refusal = finding_refusal(category, state)
    if refusal is not None:
        raise ValueError(refusal)
    if state is None:
        return None
    kind = _STATES[category][0]
    return kind(state)


def next_label(read: Read, category: LesionCategory) -> str:
    """The label a new lesion of *category* gets: its prefix and the next number (T3).

    Numbers are never reused within a read while a lesion holds them, so a label names
    the same lesion at every timepoint (docs/case-format.md).
    """
    prefix = LABEL_PREFIX[category]
    numbers = [int(lesion.label[len(prefix):]) for lesion in read.lesions
               if lesion.category is category and lesion.label[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"
