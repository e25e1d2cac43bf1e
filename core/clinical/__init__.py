"""Clinical rules, pure: lab units and CTCAE v4.03 grades, scores, eligibility, dose
intensity, OS and PFS, the physical limits a form checks (docs/clinical.md).

Functions of plain values (``Decimal``, ``int``, ``str``, ``date``): no store, no file, no
Qt, so that the clinical store's actions, ``mrecist labs`` and a screen apply the same
rules. A value a rule cannot use is a ``ClinicalDataError``.
"""

from core.clinical.ctcae import LabGrade, grade_lab, term_of, worst_grades
from core.clinical.dose import DoseIntensity, dose_intensity, relative_dose_intensity_pct
from core.clinical.eligibility import (
    Criterion,
    ScreeningLabs,
    Status,
    age_criterion,
    alt_criterion,
    anc_criterion,
    ast_criterion,
    bilirubin_criterion,
    child_pugh_criterion,
    crcl_criterion,
    inr_criterion,
    lab_criteria,
    platelets_criterion,
)
from core.clinical.eligibility_summary import EligibilitySummary, Verdict, eligibility_summary
from core.clinical.endpoints import (
    Endpoint,
    TumourAssessment,
    missed_assessments,
    overall_survival,
    progression_free_survival,
)
from core.clinical.limits import (
    LAB_LIMITS,
    MEASURE_LIMITS,
    Limit,
    known_units,
    limit_refusal,
    measure_refusal,
)
from core.clinical.proposals import GradedSample, KnownEvent, ProposedEvent, proposed_events
from core.clinical.scores import (
    Albi,
    Ascites,
    ChildPugh,
    Encephalopathy,
    albi,
    albi_grade,
    child_pugh,
    child_pugh_class,
    cockcroft_gault,
)
from core.clinical.units import GRADING_UNITS, TESTS, to_grading_unit
from core.clinical.values import ClinicalDataError

__all__ = [
    "GRADING_UNITS",
    "LAB_LIMITS",
    "MEASURE_LIMITS",
    "TESTS",
    "Albi",
    "Ascites",
    "ChildPugh",
    "ClinicalDataError",
    "Criterion",
    "DoseIntensity",
    "EligibilitySummary",
    "Encephalopathy",
    "Endpoint",
    "GradedSample",
    "KnownEvent",
    "LabGrade",
    "Limit",
    "ProposedEvent",
    "ScreeningLabs",
    "Status",
    "TumourAssessment",
    "Verdict",
    "age_criterion",
    "albi",
    "albi_grade",
    "alt_criterion",
    "anc_criterion",
    "ast_criterion",
    "bilirubin_criterion",
    "child_pugh",
    "child_pugh_class",
    "child_pugh_criterion",
    "cockcroft_gault",
    "crcl_criterion",
    "dose_intensity",
    "eligibility_summary",
    "grade_lab",
    "inr_criterion",
    "known_units",
    "lab_criteria",
    "limit_refusal",
    "measure_refusal",
    "missed_assessments",
    "overall_survival",
    "platelets_criterion",
    "progression_free_survival",
    "proposed_events",
    "relative_dose_intensity_pct",
    "term_of",
    "to_grading_unit",
    "worst_grades",
]
