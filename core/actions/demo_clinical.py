"""Plausible clinical data for the demo trial's three subjects (issue #13 item 5).

So that every clinical form and derived value has something to show: each subject's
eligibility, screening and enrolment, baseline characteristics (Table 1's items), DEB-TACE
sessions and drug doses, labs at every imaging visit (some abnormal, so CTCAE grades and
proposed adverse events appear), adverse events, end of treatment and follow-up. The values
follow each subject's imaging scenario: HCC-001 responds (mRECIST PR then CR), HCC-002 is
stable with portal vein tumour thrombus, HCC-003 progresses with a new lesion at week 12
and dies later. Invented for the demo; no patient's data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.actions import clinical, setup
from core.model.clinical_record import (
    AdverseEvent,
    AeAction,
    AeOutcome,
    Ascites,
    BaselineCharacteristics,
    CriterionStatus,
    DoseAdjustment,
    DoseRecord,
    Eligibility,
    Encephalopathy,
    EndOfTreatment,
    EndOfTreatmentReason,
    Etiology,
    FollowUp,
    LabResult,
    Pvtt,
    Relatedness,
    Route,
    Screening,
    ScreeningOutcome,
    Sex,
    TreatmentSession,
)
from core.model.trial import Session
from core.store import Store

D = Decimal
# (age, sex, etiology, ECOG, bilirubin umol/L, albumin g/L, INR, AFP, weight, height,
#  tumour number, max size mm, total size mm, PVTT, IVC thrombus, extrahepatic)
_BASELINES = {
    "HCC-001": (61, Sex.MALE, Etiology.HBV, 0, D("14.2"), D("41"), D("1.05"), D("820.0"),
                D("72.0"), D("170"), 2, D("48"), D("78"), Pvtt.ABSENT, False, False),
    "HCC-002": (55, Sex.FEMALE, Etiology.HCV, 1, D("19.6"), D("36"), D("1.18"),
                D("2150.0"), D("58.5"), D("162"), 2, D("36"), D("58"), Pvtt.VP3, False,
                False),
    "HCC-003": (68, Sex.MALE, Etiology.OTHER, 1, D("22.8"), D("34"), D("1.22"), D("95.0"),
                D("80.0"), D("176"), 1, D("32"), D("32"), Pvtt.ABSENT, False, True),
}
# Per imaging visit (baseline, week 6, week 12): AST U/L (ULN 40), PLAT 10^9/L (LLN 125).
# Proposed as adverse events (treatment-emergent, worse than baseline): HCC-002's platelets
# from week 6 (grade 1, normal at baseline) and AST at week 12 (3.25 × ULN, grade 2, against
# grade 1 at baseline); HCC-003's AST at week 12 (2.4 × ULN, grade 1). HCC-001's week-6 AST
# (3.3 × ULN, grade 2) is recorded as an adverse event.
_LABS = {
    "HCC-001": ((D("38"), D("168")), (D("132"), D("141")), (D("44"), D("152"))),
    "HCC-002": ((D("46"), D("131")), (D("58"), D("118")), (D("130"), D("109"))),
    "HCC-003": ((D("35"), D("190")), (D("41"), D("176")), (D("96"), D("142"))),
}
# The rest of each subject's screening labs (flagged baseline), so that every computed
# inclusion criterion and the creatinine clearance have their values: ANC, ALT, INR and
# creatinine, with the bilirubin of the baseline characteristics.
_SCREENING = {
    "HCC-001": (D("3.4"), D("36"), D("1.05"), D("82")),
    "HCC-002": (D("2.1"), D("52"), D("1.18"), D("71")),
    "HCC-003": (D("4.0"), D("29"), D("1.22"), D("96")),
}
_CRITERIA = (("IN01", "first diagnosis of HCC, clinical"), ("IN02", "Child-Pugh A"),
             ("IN04", "BCLC stage C"), ("EX07", "HBV DNA below 500 IU/mL"))


def record_demo_clinical(store: Store, coordinator: Session, today: dt.date) -> int:
    """Record the demo's clinical data as the coordinator; how many entries were made."""
    made = 0
    for subject in setup.list_subjects(store, coordinator):
        timepoints = sorted(setup.list_timepoints(store, coordinator, subject.code),
                            key=lambda tp: tp.date)
        if len(timepoints) < 3 or subject.code not in _BASELINES:
            continue
        made += _record_subject(store, coordinator, subject.code,
                                [tp.date for tp in timepoints], today)
    return made


def _record_subject(store: Store, who: Session, code: str, visits: list[dt.date],
                    today: dt.date) -> int:
    baseline = visits[0]
    enrolled = baseline + dt.timedelta(days=3)
    first_tace = enrolled + dt.timedelta(days=1)
    entries = 0

    def put(action: object, value: object) -> None:
        nonlocal entries
        action(store, who, code, value, today=today)  # type: ignore[operator]
        entries += 1

    for criterion, note in _CRITERIA:
        put(clinical.record_eligibility, Eligibility(criterion, CriterionStatus.MET, note))
    put(clinical.record_screening, Screening(ScreeningOutcome.ENROLLED, enrolled))
    (age, sex, etiology, ecog, bili, alb, inr, afp, weight, height, number, largest,
     total, pvtt, ivc, extra) = _BASELINES[code]
    put(clinical.record_baseline, BaselineCharacteristics(
        age, sex, etiology, ecog, bili, alb, inr, Ascites.NONE, Encephalopathy.NONE, afp,
        weight, height, number, largest, total, pvtt, ivc, extra))
    sessions = [first_tace, visits[1] + dt.timedelta(days=7)]
    for day in sessions:
        put(clinical.record_treatment_session,
            TreatmentSession(day, "pirarubicin", D("40"), "mg", 300, 500, True))
    last_dose = (visits[2] - dt.timedelta(days=2)) if code != "HCC-003" else visits[2]
    put(clinical.record_dose, DoseRecord(
        "anti-PD-L1", first_tace, D("1200"), D("1200"), "mg", Route.INTRA_ARTERIAL,
        first_tace, DoseAdjustment.NONE, ""))
    anlotinib_taken = D("1176") if code != "HCC-002" else D("1008")  # 14 d/21 at 12 mg
    put(clinical.record_dose, DoseRecord(
        "anlotinib", first_tace + dt.timedelta(days=2), D("1176"), anlotinib_taken, "mg",
        Route.ORAL, last_dose,
        DoseAdjustment.NONE if code != "HCC-002" else DoseAdjustment.REDUCED,
        "" if code != "HCC-002" else "reduced to 10 mg for hand-foot skin reaction"))
    for visit, (ast, platelets) in zip(visits, _LABS[code], strict=True):
        put(clinical.record_lab, LabResult(visit - dt.timedelta(days=1), "AST", ast, "U/L",
                                           D("5"), D("40"), visit == baseline))
        put(clinical.record_lab, LabResult(visit - dt.timedelta(days=1), "PLAT", platelets,
                                           "10^9/L", D("125"), D("350"), visit == baseline))
    anc, alt, inr_lab, creatinine = _SCREENING[code]
    screening_day = baseline - dt.timedelta(days=1)
    for test, value, unit, lln, uln in (
            ("NEUT", anc, "10^9/L", D("1.8"), D("7.5")), ("ALT", alt, "U/L", D("7"), D("40")),
            ("INR", inr_lab, "ratio", D("0.8"), D("1.2")),
            ("BILI", bili, "umol/L", D("3.4"), D("20.5")),
            ("CREAT", creatinine, "umol/L", D("59"), D("104"))):
        put(clinical.record_lab, LabResult(screening_day, test, value, unit, lln, uln, True))
    related = (("anlotinib", Relatedness.PROBABLE), ("anti-PD-L1", Relatedness.POSSIBLE),
               ("DEB-TACE", Relatedness.NOT_RELATED))
    put(clinical.record_adverse_event, AdverseEvent(
        "Hypertension", 2, first_tace + dt.timedelta(days=12), False, related,
        AeAction.DOSE_NOT_CHANGED if code != "HCC-002" else AeAction.DOSE_REDUCED,
        AeOutcome.RECOVERED, first_tace + dt.timedelta(days=40)))
    if code == "HCC-001":  # the week-6 AST rise (3.3 × ULN, grade 2), after TACE
        put(clinical.record_adverse_event, AdverseEvent(
            "Aspartate aminotransferase increased", 2, visits[1] - dt.timedelta(days=1),
            False, (("DEB-TACE", Relatedness.PROBABLE), ("anlotinib", Relatedness.UNLIKELY),
                    ("anti-PD-L1", Relatedness.UNLIKELY)),
            AeAction.NOT_APPLICABLE, AeOutcome.RECOVERED, visits[2] - dt.timedelta(days=1)))
    if code == "HCC-003":  # progression at week 12, then second line, then death
        put(clinical.record_end_of_treatment, EndOfTreatment(
            visits[2] + dt.timedelta(days=5), EndOfTreatmentReason.CONFIRMED_PROGRESSION, "",
            "regorafenib", visits[2] + dt.timedelta(days=19)))
        put(clinical.record_follow_up, FollowUp(
            death_date=visits[2] + dt.timedelta(days=120), death_cause="tumour progression"))
    else:
        put(clinical.record_follow_up,
            FollowUp(last_known_alive=visits[2] + dt.timedelta(days=60)))
    return entries
