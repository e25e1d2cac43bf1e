"""A subject's record with everything derived from it (core.clinical.overview, #13 item 4):
each value against a worked example, so that the forms show what the rules say."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.clinical.eligibility import Status
from core.clinical.overview import TACE_CAUSE, clinical_overview
from core.model.clinical_record import (
    AdverseEvent,
    AeAction,
    AeOutcome,
    Ascites,
    BaselineCharacteristics,
    ClinicalEntry,
    ClinicalRecord,
    DismissedLabEvent,
    DoseAdjustment,
    DoseRecord,
    Encephalopathy,
    Etiology,
    LabResult,
    Pvtt,
    Relatedness,
    Route,
    Screening,
    ScreeningOutcome,
    Sex,
    TreatmentSession,
)

SUBJECT = "HCC-010"
ENROLLED = dt.date(2026, 1, 12)
SCREEN = dt.date(2026, 1, 6)
BASELINE = BaselineCharacteristics(
    58, Sex.MALE, Etiology.HBV, 1, Decimal("18.8"), Decimal("36"), Decimal("1.12"),
    Ascites.NONE, Encephalopathy.NONE, Decimal("1250.5"), Decimal("64.5"), Decimal("171"),
    2, Decimal("84"), Decimal("121"), Pvtt.VP3, False, True)


def _entries(*values: object) -> tuple[ClinicalEntry, ...]:
    return tuple(ClinicalEntry(number, SUBJECT, value) for number, value in
                 enumerate(values, 1))


def _lab(day: dt.date, test: str, value: str, unit: str, lln: str | None, uln: str | None,
         *, baseline: bool = False) -> LabResult:
    return LabResult(day, test, Decimal(value), unit, None if lln is None else Decimal(lln),
                     None if uln is None else Decimal(uln), baseline)


SCREENING_LABS = (
    _lab(SCREEN, "PLAT", "75", "10^9/L", "125", "350", baseline=True),
    _lab(SCREEN, "NEUT", "1.49", "10^9/L", "2.0", "7.5", baseline=True),
    _lab(SCREEN, "BILI", "1.1", "mg/dL", "0.2", "1.2", baseline=True),
    _lab(SCREEN, "AST", "100", "U/L", "0", "40", baseline=True),
    _lab(SCREEN, "ALT", "101", "U/L", "0", "40", baseline=True),
    _lab(SCREEN, "INR", "1.12", "ratio", "0.8", "1.2", baseline=True),
    _lab(SCREEN, "CREAT", "0.6", "mg/dL", "0.6", "1.3", baseline=True),
    _lab(SCREEN, "AFP", "1250.5", "ng/mL", None, "7", baseline=True),
)


def _record(**parts: object) -> ClinicalRecord:
    return ClinicalRecord(
        SUBJECT, screening=ClinicalEntry(1, SUBJECT,
                                         Screening(ScreeningOutcome.ENROLLED, ENROLLED)),
        baseline=ClinicalEntry(1, SUBJECT, BASELINE), **parts)  # type: ignore[arg-type]


def test_the_baseline_scores_are_the_worked_examples():
    found = clinical_overview(_record(labs=_entries(*SCREENING_LABS))).scores
    # Bilirubin 18.8 umol/L < 34, albumin 36 g/L > 35, INR 1.12 < 1.7, none, none: 5 = A.
    assert found.child_pugh is not None
    assert (found.child_pugh.score, found.child_pugh.child_pugh_class) == (5, "A")
    # ALBI = 0.66 × log10(18.8) − 0.085 × 36 = −2.219: grade 2 (> −2.60, ≤ −1.39).
    assert found.albi is not None
    assert round(found.albi.score, 3) == Decimal("-2.219")
    assert found.albi.grade == 2
    # Cockcroft-Gault: (140 − 58) × 64.5 / (72 × 0.6 mg/dL) = 122.43 mL/min.
    assert found.crcl_ml_min is not None
    assert round(found.crcl_ml_min, 2) == Decimal("122.43")
    assert found.notes == ()


def test_a_score_that_cannot_be_computed_says_why():
    found = clinical_overview(_record()).scores
    assert found.crcl_ml_min is None
    assert found.notes == ("CrCl not computed: no baseline creatinine (CREAT) recorded",)
    assert clinical_overview(ClinicalRecord(SUBJECT)).scores.notes == (
        "no baseline characteristics recorded",)


def test_the_lab_criteria_are_computed_from_the_baseline_labs_at_their_boundaries():
    criteria = {c.name: c for c in
                clinical_overview(_record(labs=_entries(*SCREENING_LABS))).lab_criteria}
    assert criteria["platelets ≥ 75 × 10^9/L"].status is Status.MET  # exactly 75
    assert criteria["ANC ≥ 1.5 × 10^9/L"].status is Status.NOT_MET  # 1.49
    assert criteria["AST ≤ 2.5 × ULN"].status is Status.MET  # exactly 2.5 × 40
    assert criteria["ALT ≤ 2.5 × ULN"].status is Status.NOT_MET  # 101 > 100
    assert criteria["Child-Pugh score ≤ 7"].status is Status.MET
    # CrCl 122 mL/min from the baseline creatinine, bilirubin 1.1 mg/dL vs 1.5 × 1.2.
    assert criteria["creatinine clearance ≥ 60 mL/min"].status is Status.MET
    assert criteria["total bilirubin ≤ 1.5 × ULN"].status is Status.MET


def test_every_lab_is_graded_and_an_ungraded_test_says_so():
    later = dt.date(2026, 2, 2)
    labs = (*SCREENING_LABS,
            _lab(later, "PLAT", "74.9", "10^9/L", "125", "350"),
            _lab(later, "AST", "120", "U/L", "0", "40"),
            _lab(later, "HGB", "95", "g/L", None, "175"))
    graded = {(lab.entry.value.visit_date, lab.entry.value.test_code): lab
              for lab in clinical_overview(_record(labs=_entries(*labs))).labs}
    assert graded[(SCREEN, "PLAT")].text == "grade 1 (Platelet count decreased)"
    assert graded[(later, "PLAT")].text == "grade 2 (Platelet count decreased)"
    assert graded[(later, "AST")].text == "grade 1 (Aspartate aminotransferase increased)"
    assert graded[(SCREEN, "AFP")].grade is None
    assert graded[(SCREEN, "AFP")].text == "AFP is not graded by CTCAE v4.03 here"
    # 95 g/L is below 100 (grade 2) whatever the LLN: decided without it.
    assert graded[(later, "HGB")].text == "grade 2 (Anemia)"
    no_lln = _lab(later, "HGB", "120", "g/L", None, "175")
    (lab,) = clinical_overview(_record(labs=_entries(no_lln))).labs
    assert lab.text.startswith("not graded: no LLN given")


def test_a_creatinine_is_graded_against_the_baseline_in_another_unit():
    # Baseline 0.6 mg/dL = 53.04 umol/L; 100 umol/L is below the ULN but 1.885 × baseline:
    # grade 2 (> 1.5-3.0 × baseline, CTCAE v4.03 "Creatinine increased").
    later = _lab(dt.date(2026, 3, 2), "CREAT", "100", "umol/L", "53", "106")
    with_baseline = clinical_overview(_record(labs=_entries(*SCREENING_LABS, later))).labs
    assert with_baseline[-1].text == "grade 2 (Creatinine increased)"
    alone = clinical_overview(_record(labs=_entries(later))).labs
    assert alone[-1].text == "grade 0 (Creatinine increased)"


FIRST_DOSE = dt.date(2026, 1, 13)
TACE = _entries(TreatmentSession(FIRST_DOSE, "pirarubicin", Decimal(40), "mg", 300, 500,
                                 True))


def test_worst_grades_and_proposals_leave_out_recorded_and_dismissed_episodes():
    day = dt.date(2026, 2, 2)
    labs = (*SCREENING_LABS, _lab(day, "AST", "220", "U/L", "0", "40"),
            _lab(day, "PLAT", "60", "10^9/L", "125", "350"),
            _lab(day, "HGB", "95", "g/L", "130", "175"))
    hepatitis = AdverseEvent("Aspartate aminotransferase increased", 3, day, False,
                             (("anlotinib", Relatedness.POSSIBLE),), AeAction.DOSE_REDUCED,
                             AeOutcome.RECOVERING)
    bare = clinical_overview(_record(labs=_entries(*labs), treatment_sessions=TACE))
    assert dict(bare.worst_grades)["Aspartate aminotransferase increased"] == 3
    # Screening's AST 2.5 × ULN (grade 1), platelets 75 (1) and ANC 1.49 (2) are history;
    # after the first treatment AST (3) and platelets (2) worsened, and anemia is new.
    assert {(p.term, p.grade, p.onset) for p in bare.proposals} == {
        ("Aspartate aminotransferase increased", 3, day),
        ("Platelet count decreased", 2, day), ("Anemia", 2, day)}
    known = clinical_overview(_record(
        labs=_entries(*labs), treatment_sessions=TACE, adverse_events=_entries(hepatitis),
        dismissals=_entries(DismissedLabEvent("Platelet count decreased", day,
                                              "hypersplenism, stable", 2))))
    assert [(p.term, p.onset) for p in known.proposals] == [("Anemia", day)]


def test_an_abnormality_no_worse_than_at_baseline_is_not_proposed():
    day = dt.date(2026, 2, 2)
    same = _lab(day, "NEUT", "1.2", "10^9/L", "2.0", "7.5")  # grade 2, as at screening
    before = _lab(dt.date(2026, 1, 10), "ALB", "29", "g/L", "35", "50")  # before treatment
    found = clinical_overview(_record(labs=_entries(*SCREENING_LABS, same, before),
                                      treatment_sessions=TACE))
    assert found.proposals == ()
    worse = _lab(day, "NEUT", "0.9", "10^9/L", "2.0", "7.5")  # grade 3 > 2
    found = clinical_overview(_record(labs=_entries(*SCREENING_LABS, worse),
                                      treatment_sessions=TACE))
    assert [(p.term, p.grade) for p in found.proposals] == [("Neutrophil count decreased", 3)]
    assert clinical_overview(ClinicalRecord(SUBJECT, labs=_entries(worse))).proposals == ()


def test_doses_carry_their_intensity_and_the_causes_are_the_drugs_and_tace():
    doses = _entries(
        DoseRecord("anlotinib", dt.date(2026, 1, 15), Decimal(168), Decimal("134.3"), "mg",
                   Route.ORAL, dt.date(2026, 1, 28), DoseAdjustment.REDUCED, "HFSR"),
        DoseRecord("atezolizumab", dt.date(2026, 1, 13), Decimal(1200), Decimal(1200), "mg",
                   Route.INTRA_ARTERIAL))
    sessions = _entries(TreatmentSession(dt.date(2026, 1, 13), "pirarubicin", Decimal(40),
                                         "mg", 300, 500, True))
    found = clinical_overview(_record(doses=doses, treatment_sessions=sessions))
    assert [(d.intensity.rdi_pct.quantize(Decimal("0.1")), d.intensity.in_analysis_set)
            for d in found.doses if d.intensity] == [(Decimal("79.9"), False),
                                                     (Decimal("100.0"), True)]
    assert found.causes == ("anlotinib", "atezolizumab", "pirarubicin", TACE_CAUSE)
    assert found.timeline is not None
    assert found.timeline.day_zero == ENROLLED


@pytest.mark.parametrize("screening", [
    None, Screening(ScreeningOutcome.SCREEN_FAILURE, failed_criterion="IN08")])
def test_without_an_enrolment_there_is_no_day_zero_and_no_timeline(screening):
    record = ClinicalRecord(SUBJECT, screening=None if screening is None
                            else ClinicalEntry(1, SUBJECT, screening))
    found = clinical_overview(record)
    assert (found.enrolment_date, found.timeline) == (None, None)
