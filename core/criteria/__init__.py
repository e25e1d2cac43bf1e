"""The response engine: mRECIST and RECIST 1.1, every decision explained.

Pure functions on frozen dataclasses, no I/O and no Qt. ``evaluate(case)`` is the entry
point the application, the CLI (``mrecist evaluate``) and scripts share::

    from core.criteria import evaluate, parse_case, result_to_data

    result = evaluate(parse_case(text), criteria="RECIST1.1")
    result.best_overall_response.category  # ResponseCategory.PR

The rules and their sources are in ``docs/criteria.md``.
"""

from core.criteria.case_io import (
    CASE_FORMAT,
    RESULT_FORMAT,
    case_from_data,
    case_to_data,
    parse_case,
    parse_json,
    result_to_data,
)
from core.criteria.evaluation import evaluate
from core.criteria.options import resolve_options
from core.criteria.types import (
    Assessment,
    Case,
    NewLesion,
    NonTargetLesion,
    Options,
    Progression,
    Result,
    TargetLesion,
    Timepoint,
    TimepointResult,
)
from core.criteria.validation import CaseError, Problem, validate_case
from core.model.clinical import (
    CaseOptions,
    Criteria,
    NewLesionStatus,
    NonTargetState,
    ResponseCategory,
    TargetState,
)

__all__ = [
    "CASE_FORMAT",
    "RESULT_FORMAT",
    "Assessment",
    "Case",
    "CaseError",
    "CaseOptions",
    "Criteria",
    "NewLesion",
    "NewLesionStatus",
    "NonTargetLesion",
    "NonTargetState",
    "Options",
    "Problem",
    "Progression",
    "ResponseCategory",
    "Result",
    "TargetLesion",
    "TargetState",
    "Timepoint",
    "TimepointResult",
    "case_from_data",
    "case_to_data",
    "evaluate",
    "parse_case",
    "parse_json",
    "resolve_options",
    "result_to_data",
    "validate_case",
]
