"""Discordance between two reads of a subject (response-criteria §8).

When both readers have signed the same timepoints, the subject is discordant if their
engine results differ in (a) best overall response, (b) date of progression (PD vs no PD
included), (c) the timepoint of first response; all three are on by default, and a trial
may add (d) any timepoint's overall response.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from core.criteria import ResponseCategory, Result


class Trigger(StrEnum):
    """One reason a dual read goes to adjudication (response-criteria §8)."""

    BEST_OVERALL_RESPONSE = "best_overall_response"
    PROGRESSION_DATE = "progression_date"
    FIRST_RESPONSE = "first_response"
    ANY_TIMEPOINT_RESPONSE = "any_timepoint_response"


DEFAULT_TRIGGERS: tuple[Trigger, ...] = (
    Trigger.BEST_OVERALL_RESPONSE,
    Trigger.PROGRESSION_DATE,
    Trigger.FIRST_RESPONSE,
)

_RESPONSES = (ResponseCategory.CR, ResponseCategory.PR)


def first_response(result: Result) -> dt.date | None:
    """Date of the first timepoint whose overall response is CR or PR, or ``None``."""
    for row in result.timepoints:
        if row.overall is not None and row.overall.category in _RESPONSES:
            return row.date
    return None


def _iso(date: dt.date | None) -> str:
    return date.isoformat() if date else "none"


def discordance(
    result_1: Result, result_2: Result, triggers: Iterable[Trigger | str] = DEFAULT_TRIGGERS
) -> tuple[str, ...]:
    """The triggers that fire between two results, each as ``"trigger: 1 vs 2"``.

    An empty tuple means the reads are concordant.
    """
    fired = []
    enabled = {Trigger(trigger) for trigger in triggers}
    if Trigger.BEST_OVERALL_RESPONSE in enabled:
        bor_1 = result_1.best_overall_response.category
        bor_2 = result_2.best_overall_response.category
        if bor_1 != bor_2:
            fired.append(f"{Trigger.BEST_OVERALL_RESPONSE}: {bor_1} vs {bor_2}")
    if Trigger.PROGRESSION_DATE in enabled:
        pd_1 = result_1.progression.date if result_1.progression else None
        pd_2 = result_2.progression.date if result_2.progression else None
        if pd_1 != pd_2:
            fired.append(f"{Trigger.PROGRESSION_DATE}: {_iso(pd_1)} vs {_iso(pd_2)}")
    if Trigger.FIRST_RESPONSE in enabled:
        fr_1, fr_2 = first_response(result_1), first_response(result_2)
        if fr_1 != fr_2:
            fired.append(f"{Trigger.FIRST_RESPONSE}: {_iso(fr_1)} vs {_iso(fr_2)}")
    if Trigger.ANY_TIMEPOINT_RESPONSE in enabled:
        for row_1, row_2 in zip(result_1.timepoints, result_2.timepoints, strict=False):
            category_1 = row_1.overall.category if row_1.overall else None
            category_2 = row_2.overall.category if row_2.overall else None
            if category_1 != category_2:
                fired.append(f"{Trigger.ANY_TIMEPOINT_RESPONSE}: {row_1.label} "
                             f"{category_1} vs {category_2}")
                break
    return tuple(fired)
