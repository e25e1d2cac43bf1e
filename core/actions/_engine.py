"""The one place the actions run the response engine on a read."""

from __future__ import annotations

import core.criteria as criteria
from core.criteria import CaseError, Problem, Result
from core.model.reading import Read
from core.model.trial import TrialInfo
from core.reading import build_case


def evaluate_read(read: Read, trial: TrialInfo,
                  through: int) -> tuple[Result | None, tuple[Problem, ...]]:
    """The engine's result of the read's first *through* timepoints, or why it has none."""
    case = build_case(read, trial.criteria, trial.options, through)
    try:
        return criteria.evaluate(case), ()
    except CaseError as error:
        return None, tuple(error.problems)
