"""Report data, pure: the trial report's tables and figures and a subject's case summary.

Plain frozen values built from plain inputs (the clinical record, the final reads' results,
the reads, the signatures), tested without rendering; the actions gather the inputs
(``core.actions.report_data``) and a renderer prints them (docs/report.md). Every
percentage is a ``Percentage`` of its own denominator and every number is rounded once,
in ``core.report.rounding``.

- ``analysis_set``: who is analysed, and the record as of the data cut-off;
- ``baseline_table`` (Table 1), ``response_table`` (Table 2), ``safety_table`` (Table 3);
- ``waterfall``, ``swimmer``, ``survival_figure`` (Kaplan-Meier of PFS and OS);
- ``reader_quality``: adjudication rate, agreement with the adjudicator, Cohen's kappa;
- ``trial_report``: all of them over one analysis set;
- ``case_summary``: one subject's reads, final read, adjudications, signatures and
  clinical summary.
"""

from core.report.analysis_set import (
    ANALYSIS_SET_RULE,
    AnalysisSet,
    Candidate,
    DrugExposure,
    Exclusion,
    analysis_set,
    drug_exposures,
    record_at_cut_off,
)
from core.report.baseline_table import (
    BaselineSubject,
    BaselineTable,
    BaselineVariable,
    CategoryRow,
    Statistic,
    Summary,
    baseline_table,
    summarise,
)
from core.report.case_summary import (
    AdjudicationLine,
    CaseSummary,
    CaseTimepoint,
    ClinicalSummary,
    Decision,
    FinalInput,
    LesionLine,
    ReadAtTimepoint,
    ReadInput,
    SignatureLine,
    WorstEvent,
    adjudication_line,
    case_summary,
    case_timepoints,
    signature_line,
    worst_events,
)
from core.report.percentage import Percentage, Rate, exact_rate
from core.report.reader_quality import (
    KappaSummary,
    ReaderPair,
    ReaderQuality,
    ReaderScore,
    reader_quality,
)
from core.report.response_table import (
    ResponseColumn,
    ResponseTable,
    SubjectResponse,
    response_table,
)
from core.report.rounding import number_text, percent_text, rounded
from core.report.safety_table import (
    SafetyRow,
    SafetyTable,
    SubjectEvents,
    is_treatment_related,
    safety_table,
)
from core.report.survival_figure import Landmark, SubjectTime, SurvivalFigure, survival_figure
from core.report.swimmer import Swimmer, SwimmerLane, SwimmerSubject, swimmer
from core.report.trial_report import ReportSubject, TrialReport, trial_report
from core.report.waterfall import SubjectChange, Waterfall, WaterfallBar, waterfall

__all__ = [
    "ANALYSIS_SET_RULE",
    "AdjudicationLine",
    "AnalysisSet",
    "BaselineSubject",
    "BaselineTable",
    "BaselineVariable",
    "Candidate",
    "CaseSummary",
    "CaseTimepoint",
    "CategoryRow",
    "ClinicalSummary",
    "Decision",
    "DrugExposure",
    "Exclusion",
    "FinalInput",
    "KappaSummary",
    "Landmark",
    "LesionLine",
    "Percentage",
    "Rate",
    "ReadAtTimepoint",
    "ReadInput",
    "ReaderPair",
    "ReaderQuality",
    "ReaderScore",
    "ReportSubject",
    "ResponseColumn",
    "ResponseTable",
    "SafetyRow",
    "SafetyTable",
    "SignatureLine",
    "Statistic",
    "SubjectChange",
    "SubjectEvents",
    "SubjectResponse",
    "SubjectTime",
    "Summary",
    "SurvivalFigure",
    "Swimmer",
    "SwimmerLane",
    "SwimmerSubject",
    "TrialReport",
    "Waterfall",
    "WaterfallBar",
    "WorstEvent",
    "adjudication_line",
    "analysis_set",
    "baseline_table",
    "case_summary",
    "case_timepoints",
    "drug_exposures",
    "exact_rate",
    "is_treatment_related",
    "number_text",
    "percent_text",
    "reader_quality",
    "record_at_cut_off",
    "response_table",
    "rounded",
    "safety_table",
    "signature_line",
    "summarise",
    "survival_figure",
    "swimmer",
    "trial_report",
    "waterfall",
    "worst_events",
]
