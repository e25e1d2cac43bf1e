"""The analysis set of the trial report, and the clinical record as of the data cut-off.

The set (docs/report.md §0): every subject screened as **enrolled** who has a **final
read** (a decided dual read, concordant or adjudicated, whose signatures still match), less
those the protocol removes after enrolment for their exposure: a study drug's relative dose
intensity over the whole treatment, the dose taken over the dose prescribed summed over all
its dose records, below 80 % or above 120 % (``core.clinical.dose.dose_intensity``, exact
bounds kept; docs/clinical.md §5). Total exposure is what the removal rule speaks of
("exposure < 80 % or > 120 % of the prescribed dose"), so one reduced period alone does not
remove a subject. The protocol's other removals (off-protocol therapy, erroneous
enrolment, no study drug) are not recorded as such and so are not applied here. A drug
whose doses were recorded in more than one unit cannot be summed: the subject stays in the
set and the report says so.

The cut-off: entries dated after it are left out of the record (``record_at_cut_off``); a
follow-up contact keeps only its dates on or before it; an end of treatment after it is
left out, and so is a subsequent therapy started after it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from core.clinical.dose import DoseIntensity, dose_intensity
from core.clinical.values import ClinicalDataError
from core.model.clinical_record import (
    ClinicalEntry,
    ClinicalRecord,
    DoseRecord,
    EndOfTreatment,
    FollowUp,
)

ANALYSIS_SET_RULE = (
    "enrolled subjects with a final (concordant or adjudicated) read whose signatures "
    "match, less those whose total exposure to a study drug was below 80 % or above "
    "120 % of the prescribed dose")


@dataclass(frozen=True, slots=True)
class DrugExposure:
    """A drug's doses summed over the record: taken, prescribed, their unit, and the
    relative dose intensity (``None`` with *note* when it cannot be computed)."""

    drug: str
    taken: Decimal | None
    prescribed: Decimal | None
    unit: str
    intensity: DoseIntensity | None
    note: str = ""


def drug_exposures(doses: Sequence[DoseRecord]) -> tuple[DrugExposure, ...]:
    """Each drug's total exposure, by drug name.

    Names and units are compared without case or surrounding spaces: "Anlotinib" and
    "anlotinib " are one drug, "mg" and "MG" one unit. Split, a drug's reduced period alone
    could remove a subject the whole exposure keeps (or the reverse). The name shown is the
    first spelling recorded.
    """
    by_drug: dict[str, list[DoseRecord]] = {}
    names: dict[str, str] = {}
    for dose in doses:
        key = dose.drug.strip().casefold()
        names.setdefault(key, dose.drug.strip())
        by_drug.setdefault(key, []).append(dose)
    out = []
    for key, records in sorted(by_drug.items()):
        drug = names[key]
        units = sorted({record.dose_unit.strip().casefold() for record in records})
        if len(units) > 1:
            out.append(DrugExposure(drug, None, None, "/".join(units), None,
                                    f"{drug}: doses recorded in {', '.join(units)} cannot be "
                                    "summed; dose intensity not computed"))
            continue
        taken = sum((record.taken_dose for record in records), Decimal(0))
        prescribed = sum((record.prescribed_dose for record in records), Decimal(0))
        unit = records[0].dose_unit.strip()  # as first recorded
        try:
            out.append(DrugExposure(drug, taken, prescribed, unit,
                                    dose_intensity(taken, prescribed)))
        except ClinicalDataError as error:
            out.append(DrugExposure(drug, taken, prescribed, unit, None,
                                    f"{drug}: dose intensity not computed: {error}"))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Candidate:
    """What decides one subject's place in the analysis set.

    *final_missing* says why the subject has no usable final read (``None``: it has one).
    """

    subject: str
    is_enrolled: bool
    final_missing: str | None
    exposures: tuple[DrugExposure, ...] = ()


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A subject left out of the analysis set, and why."""

    subject: str
    reason: str


@dataclass(frozen=True, slots=True)
class AnalysisSet:
    """The subjects of the analysis set, in subject order, and those left out."""

    subjects: tuple[str, ...]
    excluded: tuple[Exclusion, ...]
    cut_off: dt.date | None
    rule: str = ANALYSIS_SET_RULE
    notes: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        """The size of the set: every denominator of the report's tables."""
        return len(self.subjects)


def analysis_set(candidates: Sequence[Candidate], cut_off: dt.date | None) -> AnalysisSet:
    """The analysis set of *candidates* (module docstring)."""
    included: list[str] = []
    excluded: list[Exclusion] = []
    notes: list[str] = []
    for candidate in sorted(candidates, key=lambda c: c.subject):
        notes.extend(f"{candidate.subject}: {e.note}" for e in candidate.exposures if e.note)
        if not candidate.is_enrolled:
            excluded.append(Exclusion(candidate.subject, "not recorded as enrolled"))
            continue
        if candidate.final_missing is not None:
            excluded.append(Exclusion(candidate.subject, candidate.final_missing))
            continue
        removed = [e for e in candidate.exposures
                   if e.intensity is not None and not e.intensity.in_analysis_set]
        if removed:
            excluded.append(Exclusion(candidate.subject, "; ".join(
                f"{e.drug} {e.intensity.reason}" for e in removed if e.intensity)))
            continue
        included.append(candidate.subject)
    return AnalysisSet(tuple(included), tuple(excluded), cut_off, notes=tuple(notes))


E = TypeVar("E", bound=ClinicalEntry[Any])


def _is_before(day: dt.date | None, cut_off: dt.date) -> bool:
    return day is None or day <= cut_off


def _on_or_before(day: dt.date | None, cut_off: dt.date) -> dt.date | None:
    return day if day is not None and day <= cut_off else None


def _follow_up(contact: FollowUp, cut_off: dt.date) -> FollowUp | None:
    death = _on_or_before(contact.death_date, cut_off)
    alive = _on_or_before(contact.last_known_alive, cut_off)
    stopped = _on_or_before(contact.discontinuation_date, cut_off)
    if death is None and alive is None and stopped is None:
        return None
    return FollowUp(alive, death, contact.death_cause if death else None, stopped,
                    contact.discontinuation_reason if stopped else None)


def _end(end: EndOfTreatment, cut_off: dt.date) -> EndOfTreatment | None:
    if end.end_date > cut_off:
        return None
    if end.subsequent_therapy_start is not None and end.subsequent_therapy_start > cut_off:
        return dataclasses.replace(end, subsequent_therapy=None, subsequent_therapy_start=None)
    return end


def record_at_cut_off(record: ClinicalRecord, cut_off: dt.date | None) -> ClinicalRecord:
    """*record* as it stood at *cut_off* (module docstring); unchanged without one."""
    if cut_off is None:
        return record
    limit = cut_off

    def dated(entries: tuple[E, ...]) -> tuple[E, ...]:
        return tuple(e for e in entries if _is_before(e.value.reference_date(), limit))

    contacts = []
    for entry in record.follow_up:
        kept = _follow_up(entry.value, limit)
        if kept is not None:
            contacts.append(dataclasses.replace(entry, value=kept))
    end = record.end_of_treatment
    if end is not None:
        kept_end = _end(end.value, limit)
        end = None if kept_end is None else dataclasses.replace(end, value=kept_end)
    return dataclasses.replace(
        record, treatment_sessions=dated(record.treatment_sessions), doses=dated(record.doses),
        labs=dated(record.labs), adverse_events=dated(record.adverse_events),
        end_of_treatment=end, follow_up=tuple(contacts), dismissals=dated(record.dismissals))
