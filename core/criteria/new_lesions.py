"""New lesions: unequivocal or equivocal, and progression backdated on confirmation.

Whether a new lesion is progression is the engine's decision, from what the reader saw
(docs/case-format.md, "New lesion"); the reader's ``equivocal`` flag can only hold a lesion back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.criteria.formatting import format_mm
from core.criteria.non_targets import FLUID_RULE_REFS, is_fluid
from core.criteria.targets import exact_sum
from core.criteria.types import LIVER_ORGAN, Assessment, NewLesion
from core.model.clinical import Criteria, NewLesionStatus

# A new intrahepatic nodule is new HCC when it is at least 10 mm and shows arterial
# hyperenhancement with washout (LL2010, after the AASLD diagnostic pattern).
NEW_HCC_MIN_MM = Decimal(10)
# A nodule without that pattern becomes new HCC once it has grown by at least 10 mm since it
# was first seen (LL2010).
NEW_HCC_GROWTH_MM = Decimal(10)
# Progression is dated to the assessment where an equivocal new lesion was first seen, once
# a later assessment confirms it (RECIST 1.1 §4.3.2).
BACKDATING_REF = "RECIST 1.1 §4.3.2"


@dataclass(frozen=True, slots=True)
class FirstSighting:
    """Where a new lesion was first recorded, for growth and backdating."""

    timepoint_index: int
    label: str
    longest_mm: Decimal | None
    was_equivocal: bool


@dataclass(frozen=True, slots=True)
class NewLesionCall:
    """The engine's call on one new lesion at one timepoint, with its explaining clause."""

    lesion: NewLesion
    is_unequivocal: bool
    clause: str
    rule_refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Backdating:
    """An equivocal new lesion confirmed later: progression dates back to its first sighting."""

    lesion_id: str
    first_seen: FirstSighting
    confirmed_at_index: int


def _name(lesion: NewLesion) -> str:
    size = f", {format_mm(lesion.longest_mm)} mm" if lesion.longest_mm is not None else ""
    return f"{lesion.id} ({lesion.kind or lesion.organ}{size})"


def _classify_liver_nodule(lesion: NewLesion, first: FirstSighting | None) -> NewLesionCall:
    """mRECIST's rule for a new intrahepatic nodule (LL2010)."""
    refs = ("LL2010",)
    size = lesion.longest_mm
    if size is None:
        raise ValueError(f"new lesion {lesion.id}: a new liver nodule needs longest_mm")
    if size >= NEW_HCC_MIN_MM and lesion.arterial_enhancement and lesion.washout:
        clause = (
            f"{_name(lesion)} shows arterial hyperenhancement with washout and is at least "
            f"{format_mm(NEW_HCC_MIN_MM)} mm: new HCC"
        )
        return NewLesionCall(lesion, True, clause, refs)
    if first is not None and first.longest_mm is not None:
        growth = exact_sum((size, -first.longest_mm))
        if growth >= NEW_HCC_GROWTH_MM:
            clause = (
                f"{_name(lesion)} has grown {format_mm(growth)} mm since {first.label} "
                f"(at least {format_mm(NEW_HCC_GROWTH_MM)} mm of growth confirms new HCC)"
            )
            return NewLesionCall(lesion, True, clause, refs)
    if size < NEW_HCC_MIN_MM:
        clause = f"{_name(lesion)} is below {format_mm(NEW_HCC_MIN_MM)} mm and is followed"
    else:
        clause = (
            f"{_name(lesion)} lacks arterial hyperenhancement with washout and is followed "
            f"until it grows {format_mm(NEW_HCC_GROWTH_MM)} mm"
        )
    return NewLesionCall(lesion, False, clause, refs)


def classify_new_lesion(
    lesion: NewLesion, criteria: Criteria, first: FirstSighting | None
) -> NewLesionCall:
    """Decide whether one new lesion is unequivocal at this timepoint.

    Parameters
    ----------
    lesion
        The new lesion as recorded now.
    criteria
        mRECIST applies the liver-nodule rule (LL2010); RECIST 1.1 takes every new lesion
        as unequivocal unless the reader marks it equivocal (RECIST 1.1 §4.3.2).
    first
        Where the same ``id`` was first recorded, or ``None`` if this is the first time.
    """
    if lesion.equivocal:
        clause = f"{_name(lesion)} is marked equivocal by the reader"
        return NewLesionCall(lesion, False, clause, (BACKDATING_REF,))
    if is_fluid(lesion.kind):
        if lesion.cytology_confirmed:
            clause = f"{_name(lesion)} has cytology confirming malignancy"
            return NewLesionCall(lesion, True, clause, FLUID_RULE_REFS)
        clause = f"{_name(lesion)} is not progression without cytology confirming malignancy"
        return NewLesionCall(lesion, False, clause, FLUID_RULE_REFS)
    if criteria is Criteria.MRECIST and lesion.organ == LIVER_ORGAN:
        return _classify_liver_nodule(lesion, first)
    clause = f"{_name(lesion)} is an unequivocal new lesion"
    return NewLesionCall(lesion, True, clause, (BACKDATING_REF,))


def _join(clauses: Sequence[str]) -> str:
    return "; ".join(clauses)


def _refs(calls: Sequence[NewLesionCall], extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    ordered = [ref for call in calls for ref in call.rule_refs] + list(extra)
    return tuple(dict.fromkeys(ordered))


def assess_new_lesions(
    lesions: Sequence[NewLesion],
    *,
    criteria: Criteria,
    timepoint_index: int,
    first_sightings: Mapping[str, FirstSighting],
) -> tuple[Assessment, tuple[NewLesionCall, ...], tuple[Backdating, ...]]:
    """Decide the new-lesion status at one follow-up timepoint.

    ``YES`` if any new lesion is unequivocal, else ``EQUIVOCAL`` if any is recorded, else
    ``NO``. An unequivocal lesion first seen earlier as equivocal is a confirmation, which
    dates progression back to that first sighting (RECIST 1.1 §4.3.2).

    Parameters
    ----------
    lesions
        The new lesions recorded at this timepoint.
    criteria
        mRECIST or RECIST 1.1.
    timepoint_index
        Index of this timepoint in the case.
    first_sightings
        Where each new lesion ``id`` seen before this timepoint was first recorded.

    Returns
    -------
    tuple
        The assessment, the call on each lesion, and the backdatings this timepoint
        confirms.
    """
    calls = tuple(
        classify_new_lesion(lesion, criteria, first_sightings.get(lesion.id)) for lesion in lesions
    )
    if not calls:
        return Assessment(NewLesionStatus.NO, "new lesions NO: none recorded"), calls, ()
    unequivocal = [call for call in calls if call.is_unequivocal]
    if not unequivocal:
        reason = f"new lesions EQUIVOCAL: {_join([call.clause for call in calls])}"
        return Assessment(NewLesionStatus.EQUIVOCAL, reason, _refs(calls)), calls, ()
    backdatings = []
    clauses = []
    for call in unequivocal:
        first = first_sightings.get(call.lesion.id)
        if first is not None and first.was_equivocal and first.timepoint_index < timepoint_index:
            backdatings.append(Backdating(call.lesion.id, first, timepoint_index))
            clauses.append(
                f"{call.clause}, confirming the lesion first seen at {first.label}, so "
                f"progression dates back to {first.label}"
            )
        else:
            clauses.append(call.clause)
    extra = (BACKDATING_REF,) if backdatings else ()
    reason = f"new lesions YES: {_join(clauses)}"
    return (
        Assessment(NewLesionStatus.YES, reason, _refs(unequivocal, extra)),
        calls,
        tuple(backdatings),
    )
