"""A subject's clinical record with everything derived from it, for the coordinator's forms.

Pure: the record (and the final read's result data) in, a ``ClinicalOverview`` out. Each
derived value comes from its own rule in this package, never stored (docs/clinical.md):

- every lab graded by CTCAE v4.03 (§2), all values converted to the grading unit first,
  a creatinine against the subject's baseline creatinine;
- the baseline scores: Child-Pugh and ALBI from the baseline form's components, and the
  Cockcroft-Gault creatinine clearance from the baseline creatinine (§3);
- the lab eligibility criteria from the baseline (screening) labs (§1);
- each dose's relative dose intensity and the 80-120 % rule (§4);
- the adverse events proposed from treatment-emergent lab abnormalities, less those
  recorded or dismissed (§5a);
- the timeline from day 0, the enrolment (§6).

A value a rule cannot use (a missing component, an unknown unit) is not an error here: the
overview says, in a sentence, why that value is not shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.clinical import scores
from core.clinical.ctcae import LabGrade, grade_lab, worst_grades
from core.clinical.dose import DoseIntensity, dose_intensity
from core.clinical.eligibility import Criterion, ScreeningLabs, lab_criteria
from core.clinical.proposals import GradedSample, KnownEvent, ProposedEvent, proposed_events
from core.clinical.timeline import subject_timeline
from core.clinical.units import GRADING_UNITS, TESTS, normalised_test, to_grading_unit
from core.clinical.values import ClinicalDataError
from core.model.clinical_record import (
    BaselineCharacteristics,
    ClinicalEntry,
    ClinicalRecord,
    DoseRecord,
    LabResult,
    ScreeningOutcome,
)
from core.model.timeline import Timeline


@dataclass(frozen=True, slots=True)
class GradedLab:
    """A lab entry with its CTCAE grade; ``grade`` is None for a test not graded here, or
    carries ``grade.grade=None`` and the reason when the sample cannot decide it."""

    entry: ClinicalEntry[LabResult]
    grade: LabGrade | None
    note: str = ""

    @property
    def text(self) -> str:
        """ "grade 2 (Platelet count decreased)", or why there is no grade."""
        if self.grade is None:
            return self.note
        if self.grade.grade is None:
            return f"not graded: {self.grade.reason}"
        return f"grade {self.grade.grade} ({self.grade.term})"


@dataclass(frozen=True, slots=True)
class BaselineScores:
    """The scores of the baseline, each None with a sentence in *notes* why not."""

    child_pugh: scores.ChildPugh | None = None
    albi: scores.Albi | None = None
    crcl_ml_min: Decimal | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DoseLine:
    """A dose entry with its relative dose intensity (None with *note* when it has none)."""

    entry: ClinicalEntry[DoseRecord]
    intensity: DoseIntensity | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class ClinicalOverview:
    """One subject's record and what is derived from it (docs/clinical.md)."""

    record: ClinicalRecord
    enrolment_date: dt.date | None
    labs: tuple[GradedLab, ...]
    worst_grades: tuple[tuple[str, int], ...]
    scores: BaselineScores
    lab_criteria: tuple[Criterion, ...]
    doses: tuple[DoseLine, ...]
    proposals: tuple[ProposedEvent, ...]
    timeline: Timeline | None
    causes: tuple[str, ...]

    @property
    def subject(self) -> str:
        """The subject's code."""
        return self.record.subject


# DEB-TACE is a cause an adverse event may be related to, besides each study drug.
TACE_CAUSE = "DEB-TACE"


def clinical_overview(record: ClinicalRecord,
                      final_result: dict[str, Any] | None = None) -> ClinicalOverview:
    """*record* with its derived values (module docstring), and *final_result* (the final
    read's result data, when there is one) on its timeline."""
    screening = record.screening.value if record.screening else None
    enrolment = (screening.enrolment_date if screening is not None
                 and screening.outcome is ScreeningOutcome.ENROLLED else None)
    start = _treatment_start(record, enrolment)
    baseline_labs = _baseline_samples(record.labs, start)
    labs = tuple(_graded(entry, baseline_labs) for entry in record.labs)
    graded = [lab.grade for lab in labs if lab.grade is not None]
    baseline = record.baseline.value if record.baseline else None
    found = _scores(baseline, baseline_labs.get("CREAT"))
    known = [KnownEvent(record.subject, e.value.term, e.value.onset_date, e.value.grade)
             for e in record.adverse_events]
    known += [KnownEvent(record.subject, d.value.term, d.value.onset_date, d.value.grade)
              for d in record.dismissals]
    samples = _emergent_samples(record, labs, start)
    drugs = sorted({dose.value.drug for dose in record.doses}
                   | {session.value.drug for session in record.treatment_sessions})
    return ClinicalOverview(
        record=record, enrolment_date=enrolment, labs=labs,
        worst_grades=tuple(sorted(worst_grades(graded).items())),
        scores=found,
        lab_criteria=lab_criteria(_screening_labs(baseline, baseline_labs, found)),
        doses=tuple(_dose_line(entry) for entry in record.doses),
        proposals=proposed_events(samples, known),
        timeline=(subject_timeline(record, enrolment, final_result)
                  if enrolment is not None else None),
        causes=(*drugs, TACE_CAUSE))


def _treatment_start(record: ClinicalRecord, enrolment: dt.date | None) -> dt.date | None:
    """The first treatment: the first DEB-TACE session or dose, else the enrolment."""
    starts = [entry.value.session_date for entry in record.treatment_sessions]
    starts += [entry.value.start_date for entry in record.doses]
    return min(starts, default=enrolment)


def _is_baseline(lab: LabResult, start: dt.date | None) -> bool:
    """A sample of the subject's baseline: taken before the first treatment, or flagged
    baseline on the first treatment's day at the latest (CDISC: the last value before the
    first dose). A flag on a later sample is a slip, and the sample counts as on
    treatment, so that it can never hide what treatment did."""
    if start is None:
        return lab.is_baseline
    return lab.visit_date < start or (lab.is_baseline and lab.visit_date <= start)


def _emergent_samples(record: ClinicalRecord, labs: tuple[GradedLab, ...],
                      start: dt.date | None) -> list[GradedSample]:
    """The graded samples an adverse event can be proposed from: treatment-emergent ones.

    An abnormality present before treatment is the subject's medical history, not an
    adverse event: a sample counts from the first treatment on (the first DEB-TACE session
    or dose; the enrolment when none is recorded), and only at a grade worse than the
    term's baseline grade (ICH E9 glossary, "treatment emergent"; docs/clinical.md §5a).
    A sample not past its baseline grade counts as grade 0: it ends an episode.
    """
    if start is None:
        return []
    baseline_grade: dict[str, int] = {}
    for lab in labs:
        if lab.grade is not None and lab.grade.grade is not None and _is_baseline(
                lab.entry.value, start):
            term = lab.grade.term
            baseline_grade[term] = max(baseline_grade.get(term, 0), lab.grade.grade)
    samples = []
    for lab in labs:
        value = lab.entry.value
        if lab.grade is None or _is_baseline(value, start):
            continue
        grade = lab.grade.grade
        if grade is not None and grade <= baseline_grade.get(lab.grade.term, 0):
            grade = 0
        samples.append(GradedSample(record.subject, value.visit_date, lab.grade.term, grade))
    return samples


def _baseline_samples(labs: tuple[ClinicalEntry[LabResult], ...],
                      start: dt.date | None) -> dict[str, LabResult]:
    """The baseline sample of each test: the latest flagged as baseline, on or before the
    first treatment (a flag after it is not the baseline: ``_is_baseline``)."""
    out: dict[str, LabResult] = {}
    for entry in sorted(labs, key=lambda e: e.value.visit_date):
        lab = entry.value
        if lab.is_baseline and lab.test_code in TESTS and (start is None
                                                           or lab.visit_date <= start):
            out[lab.test_code] = lab
    return out


def _in_grading_unit(lab: LabResult, number: Decimal | None) -> Decimal | None:
    return None if number is None else to_grading_unit(lab.test_code, number, lab.unit)


def _graded(entry: ClinicalEntry[LabResult], baselines: dict[str, LabResult]) -> GradedLab:
    lab = entry.value
    try:
        code = normalised_test(lab.test_code)
    except ClinicalDataError:
        return GradedLab(entry, None, f"{lab.test_code} is not graded by CTCAE v4.03 here")
    try:
        base = baselines.get(code)
        # Everything in the grading unit, so that a baseline in another unit compares.
        baseline = (_in_grading_unit(base, base.value)
                    if base is not None and base is not lab else None)
        return GradedLab(entry, grade_lab(
            code, to_grading_unit(code, lab.value, lab.unit), GRADING_UNITS[code],
            _in_grading_unit(lab, lab.lln), _in_grading_unit(lab, lab.uln), baseline))
    except ClinicalDataError as exc:
        return GradedLab(entry, None, f"not graded: {exc}")


def _scores(baseline: BaselineCharacteristics | None,
            creatinine: LabResult | None) -> BaselineScores:
    if baseline is None:
        return BaselineScores(notes=("no baseline characteristics recorded",))
    notes = []
    child_pugh = albi = crcl = None
    try:
        child_pugh = scores.child_pugh(
            baseline.bilirubin_umol_l, "umol/L", baseline.albumin_g_l, "g/L", baseline.inr,
            scores.Ascites[baseline.ascites.name],
            scores.Encephalopathy[baseline.encephalopathy.name])
    except ClinicalDataError as exc:
        notes.append(f"Child-Pugh not computed: {exc}")
    try:
        albi = scores.albi(baseline.bilirubin_umol_l, baseline.albumin_g_l)
    except ClinicalDataError as exc:
        notes.append(f"ALBI not computed: {exc}")
    if creatinine is None:
        notes.append("CrCl not computed: no baseline creatinine (CREAT) recorded")
    else:
        try:
            crcl = scores.cockcroft_gault(baseline.age_years, baseline.weight_kg,
                                          baseline.sex.value, creatinine.value,
                                          creatinine.unit)
        except ClinicalDataError as exc:
            notes.append(f"CrCl not computed: {exc}")
    return BaselineScores(child_pugh, albi, crcl, tuple(notes))


def _screening_labs(baseline: BaselineCharacteristics | None, labs: dict[str, LabResult],
                    found: BaselineScores) -> ScreeningLabs:
    def converted(code: str, field: str) -> Decimal | None:
        lab = labs.get(code)
        try:  # a unit no rule knows leaves the criterion not evaluable, said there
            return None if lab is None else _in_grading_unit(lab, getattr(lab, field))
        except ClinicalDataError:
            return None

    def value(code: str) -> Decimal | None:
        return converted(code, "value")

    def uln(code: str) -> Decimal | None:
        return converted(code, "uln")

    return ScreeningLabs(
        anc=value("NEUT"), platelets=value("PLAT"),
        bilirubin=value("BILI"), bilirubin_uln=uln("BILI"),
        alt=value("ALT"), alt_uln=uln("ALT"), ast=value("AST"), ast_uln=uln("AST"),
        crcl_ml_min=found.crcl_ml_min, inr=value("INR"), inr_uln=uln("INR"),
        child_pugh_score=found.child_pugh.score if found.child_pugh else None,
        age_years=baseline.age_years if baseline is not None else None)


def _dose_line(entry: ClinicalEntry[DoseRecord]) -> DoseLine:
    dose = entry.value
    try:
        return DoseLine(entry, dose_intensity(dose.taken_dose, dose.prescribed_dose))
    except ClinicalDataError as exc:
        return DoseLine(entry, None, f"no dose intensity: {exc}")
