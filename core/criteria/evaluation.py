"""``evaluate``: one subject's case in, every decision with its reason out."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from fractions import Fraction

from core.criteria.best_response import (
    best_change_from_baseline,
    best_overall_response,
    confirmed_best_overall_response,
    cr_followed_by_pr_warnings,
    find_progression,
    scored_timepoints,
)
from core.criteria.formatting import percent_change
from core.criteria.new_lesions import (
    Backdating,
    FirstSighting,
    NewLesionCall,
    assess_new_lesions,
)
from core.criteria.non_targets import assess_non_targets
from core.criteria.options import resolve_options
from core.criteria.overall import TABLE_1_REF, assess_overall
from core.criteria.targets import assess_targets, exact_sum, target_measurement_mm
from core.criteria.types import Assessment, Case, Options, Result, Timepoint, TimepointResult
from core.criteria.validation import CaseError, case_warnings, validate_case
from core.model.clinical import Criteria, ResponseCategory

_DIGITS = re.compile(r"(\d+)")


def _natural_key(lesion_id: str) -> tuple[tuple[int, int, str], ...]:
    """Order ids as people do: T2 before T10."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _DIGITS.split(lesion_id)
        if part
    )


def _in_id_order(timepoint: Timepoint) -> Timepoint:
    """Sort each lesion list by id, so the order a reader listed lesions never matters."""
    return dataclasses.replace(
        timepoint,
        target=tuple(sorted(timepoint.target, key=lambda lesion: _natural_key(lesion.id))),
        non_target=tuple(sorted(timepoint.non_target, key=lambda lesion: _natural_key(lesion.id))),
        new=tuple(sorted(timepoint.new, key=lambda lesion: _natural_key(lesion.id))),
    )


def _sum_mm(timepoint: Timepoint, criteria: Criteria) -> Decimal | None:
    values = [target_measurement_mm(lesion, criteria) for lesion in timepoint.target]
    if any(value is None for value in values):
        return None
    return exact_sum(value for value in values if value is not None)


class _Reading:
    """The state carried from one timepoint to the next while reading a case in date order."""

    def __init__(self, case: Case, criteria: Criteria, options: Options) -> None:
        self.case = case
        self.criteria = criteria
        self.options = options
        baseline = case.baseline
        self.has_targets = bool(baseline.target)
        self.has_non_targets = bool(baseline.non_target)
        self.baseline_sum_mm = _sum_mm(baseline, criteria) if self.has_targets else None
        # The nadir is the smallest evaluable sum so far, baseline included (RECIST 1.1 §4.3.1).
        self.nadir_sum_mm = self.baseline_sum_mm
        # Label of the timepoint where a target CR or PR began that no PD has ended yet: PR
        # persists until PD (EORTC-FAQ).
        self.responding_since: str | None = None
        self.first_sightings: dict[str, FirstSighting] = {}
        self.backdatings: list[Backdating] = []

    def baseline_row(self) -> TimepointResult:
        baseline = self.case.baseline
        return TimepointResult(
            label=baseline.label,
            date=baseline.date,
            days_since_baseline=0,
            sum_mm=self.baseline_sum_mm,
            nadir_sum_mm=None,
            change_from_baseline_pct=None,
            change_from_nadir_pct=None,
            target=None,
            non_target=None,
            new_lesions=None,
            overall=None,
        )

    def not_assessed_row(self, timepoint: Timepoint, days: int) -> TimepointResult:
        overall = Assessment(
            ResponseCategory.NE, "overall NE: the timepoint was not assessed", (TABLE_1_REF,)
        )
        return TimepointResult(
            label=timepoint.label,
            date=timepoint.date,
            days_since_baseline=days,
            sum_mm=None,
            nadir_sum_mm=self.nadir_sum_mm,
            change_from_baseline_pct=None,
            change_from_nadir_pct=None,
            target=None,
            non_target=None,
            new_lesions=None,
            overall=overall,
            not_assessed=True,
        )

    def follow_up_row(self, index: int, timepoint: Timepoint, days: int) -> TimepointResult:
        target: Assessment | None = None
        sum_mm: Decimal | None = None
        if self.has_targets:
            assert self.baseline_sum_mm is not None
            assert self.nadir_sum_mm is not None
            target, sum_mm = assess_targets(
                timepoint.target,
                criteria=self.criteria,
                baseline_sum_mm=self.baseline_sum_mm,
                nadir_sum_mm=self.nadir_sum_mm,
                pd_min_increase_mm=self.options.pd_min_increase_mm,
                responding_since=self.responding_since,
            )
        non_target = assess_non_targets(
            timepoint.non_target,
            criteria=self.criteria,
            has_baseline_non_targets=self.has_non_targets,
        )
        new, calls, backdatings = assess_new_lesions(
            timepoint.new,
            criteria=self.criteria,
            timepoint_index=index,
            first_sightings=self.first_sightings,
        )
        row = TimepointResult(
            label=timepoint.label,
            date=timepoint.date,
            days_since_baseline=days,
            sum_mm=sum_mm,
            nadir_sum_mm=self.nadir_sum_mm,
            change_from_baseline_pct=self._change(sum_mm, self.baseline_sum_mm),
            change_from_nadir_pct=self._change(sum_mm, self.nadir_sum_mm),
            target=target,
            non_target=non_target,
            new_lesions=new,
            overall=assess_overall(target, non_target, new),
        )
        self._remember(row, calls, backdatings, index)
        return row

    @staticmethod
    def _change(sum_mm: Decimal | None, reference: Decimal | None) -> Fraction | None:
        if sum_mm is None or reference is None:
            return None
        return percent_change(sum_mm, reference)

    def _remember(
        self,
        row: TimepointResult,
        calls: tuple[NewLesionCall, ...],
        backdatings: tuple[Backdating, ...],
        index: int,
    ) -> None:
        if row.sum_mm is not None and self.nadir_sum_mm is not None:
            self.nadir_sum_mm = min(self.nadir_sum_mm, row.sum_mm)
        if row.target is not None:
            if row.target.category in (ResponseCategory.CR, ResponseCategory.PR):
                self.responding_since = self.responding_since or row.label
            elif row.target.category is ResponseCategory.PD:
                self.responding_since = None
        for call in calls:
            self.first_sightings.setdefault(
                call.lesion.id,
                FirstSighting(index, row.label, call.lesion.longest_mm, not call.is_unequivocal),
            )
        self.backdatings.extend(backdatings)


def evaluate(case: Case, criteria: Criteria | str | None = None) -> Result:
    """Evaluate one subject's case under mRECIST or RECIST 1.1.

    Parameters
    ----------
    case
        The subject's timepoints; the first is the baseline.
    criteria
        ``"mRECIST"`` or ``"RECIST1.1"``; overrides the case's own criteria, so the same
        case can be read both ways.

    Returns
    -------
    Result
        Per timepoint the sums, changes and four assessments with their reasons; per
        subject the best overall response (unconfirmed and confirmed), progression and
        best % change, and warnings.

    Raises
    ------
    CaseError
        If the case cannot be evaluated; ``problems`` lists every reason with its JSON
        pointer.
    """
    effective = Criteria(criteria) if criteria is not None else case.criteria
    problems = validate_case(case, effective)
    if problems:
        raise CaseError(problems)
    options = resolve_options(effective, case.options)
    case = dataclasses.replace(
        case, criteria=effective, timepoints=tuple(map(_in_id_order, case.timepoints))
    )
    reading = _Reading(case, effective, options)
    rows = [reading.baseline_row()]
    for index, timepoint in enumerate(case.timepoints[1:], start=1):
        days = (timepoint.date - case.baseline.date).days
        if timepoint.not_assessed:
            rows.append(reading.not_assessed_row(timepoint, days))
        else:
            rows.append(reading.follow_up_row(index, timepoint, days))
    progression = find_progression(rows, reading.backdatings)
    scored = scored_timepoints(rows, progression)
    return Result(
        subject=case.subject,
        criteria=effective,
        options=options,
        baseline_sum_mm=reading.baseline_sum_mm,
        timepoints=tuple(rows),
        best_overall_response=best_overall_response(scored, sd_min_days=options.sd_min_days),
        confirmed_best_overall_response=confirmed_best_overall_response(
            scored,
            sd_min_days=options.sd_min_days,
            confirmation_days=options.confirmation_days,
        ),
        progression=progression,
        best_change_from_baseline_pct=best_change_from_baseline(rows, progression),
        warnings=case_warnings(case, effective, options) + cr_followed_by_pr_warnings(scored),
    )
