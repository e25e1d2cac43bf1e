"""One valid clinical entry of every kind, for tests in any folder (not a fixture)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.model.clinical_record import (
    AdverseEvent,
    AeAction,
    AeOutcome,
    Ascites,
    BaselineCharacteristics,
    ClinicalKind,
    ClinicalValue,
    CriterionStatus,
    DismissedLabEvent,
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

# Every entry below is dated before this day; tests pass it as the actions' "today".
TODAY = dt.date(2024, 6, 30)
ENROLLED = dt.date(2024, 1, 8)


# A platelet count after the first treatment, worse than at baseline (grade 2, against the
# LAB sample's grade 1): the treatment-emergent episode the dismissal sample dismisses,
# once the subject is enrolled.
EMERGENT_LAB = LabResult(dt.date(2024, 2, 5), "PLAT", Decimal("60"), "10^9/L", Decimal("125"),
                         Decimal("350"))


def sample(kind: ClinicalKind) -> ClinicalValue:
    """A valid entry of *kind*, as the trial's coordinator would enter it."""
    values: dict[ClinicalKind, ClinicalValue] = {
        ClinicalKind.ELIGIBILITY: Eligibility("IN02", CriterionStatus.MET, "Child-Pugh 6"),
        ClinicalKind.SCREENING: Screening(ScreeningOutcome.ENROLLED, ENROLLED),
        ClinicalKind.BASELINE: BaselineCharacteristics(
            58, Sex.MALE, Etiology.HBV, 1, Decimal("18.8"), Decimal("36"), Decimal("1.12"),
            Ascites.NONE, Encephalopathy.NONE, Decimal("1250.5"), Decimal("64.5"),
            Decimal("171"), 2, Decimal("84"), Decimal("121"), Pvtt.VP3, False, True),
        ClinicalKind.TREATMENT_SESSION: TreatmentSession(
            dt.date(2024, 1, 10), "pirarubicin", Decimal("40"), "mg", 300, 500, True),
        ClinicalKind.DOSE: DoseRecord(
            "anlotinib", dt.date(2024, 1, 12), Decimal("168"), Decimal("140"), "mg",
            Route.ORAL, dt.date(2024, 1, 25), DoseAdjustment.REDUCED, "hand-foot skin "
            "reaction grade 2"),
        ClinicalKind.LAB: LabResult(dt.date(2024, 1, 5), "PLAT", Decimal("92"), "10^9/L",
                                    Decimal("125"), Decimal("350"), True),
        ClinicalKind.ADVERSE_EVENT: AdverseEvent(
            "Hypertension", 2, dt.date(2024, 1, 20), False,
            (("anlotinib", Relatedness.PROBABLE), ("anti-PD-L1", Relatedness.UNLIKELY),
             ("DEB-TACE", Relatedness.NOT_RELATED)),
            AeAction.DOSE_REDUCED, AeOutcome.RECOVERED, dt.date(2024, 2, 2)),
        ClinicalKind.END_OF_TREATMENT: EndOfTreatment(
            dt.date(2024, 5, 2), EndOfTreatmentReason.CONFIRMED_PROGRESSION, "",
            "sorafenib", dt.date(2024, 5, 20)),
        ClinicalKind.FOLLOW_UP: FollowUp(last_known_alive=dt.date(2024, 6, 1)),
        # The episode of EMERGENT_LAB (recorded first: a dismissal names a proposed one).
        ClinicalKind.LAB_EVENT_DISMISSAL: DismissedLabEvent(
            "Platelet count decreased", EMERGENT_LAB.visit_date,
            "known hypersplenism, fluctuating since diagnosis: not an adverse event", 2),
    }
    return values[kind]

