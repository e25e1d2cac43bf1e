"""Cohort summary for ``mrecist stats``: response counts, ORR, DCR and PFS.

ORR = CR + PR and DCR = CR + PR + SD + NON-CR/NON-PD over all subjects given, with exact
Clopper–Pearson intervals (docs/criteria.md §6, docs/criteria.md §9). Progression-free survival
is Kaplan–Meier as R computes it: an event at the progression date, otherwise censored at
the last assessed timepoint, in months from baseline (docs/criteria.md §9).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from core.criteria.formatting import round_half_away
from core.criteria.types import Result
from core.model.clinical import ResponseCategory
from core.stats.binomial import ProportionCI, clopper_pearson
from core.stats.survival import ConfType, KaplanMeier, kaplan_meier

R = ResponseCategory
# Months are days / 30.4375 (365.25 / 12), the usual convention in oncology SAPs
# (docs/criteria.md §9).
DAYS_PER_MONTH = Fraction(Decimal("30.4375"))
# Objective response: CR or PR; disease control adds SD and, for subjects without targets,
# NON-CR/NON-PD (docs/criteria.md §6).
ORR_CATEGORIES = frozenset({R.CR, R.PR})
DCR_CATEGORIES = frozenset({R.CR, R.PR, R.SD, R.NON_CR_NON_PD})
# Best overall response categories, in the order they are reported.
BOR_CATEGORIES: tuple[ResponseCategory, ...] = (
    R.CR,
    R.PR,
    R.SD,
    R.NON_CR_NON_PD,
    R.PD,
    R.NE,
)
# Medians and follow-up in months are reported to two decimals.
MONTH_DECIMALS = 2


@dataclass(frozen=True, slots=True)
class SubjectOutcome:
    """One subject's contribution to the cohort figures."""

    subject: str
    criteria: str
    best_overall_response: ResponseCategory
    pfs_days: int
    progressed: bool

    @property
    def pfs_months(self) -> float:
        """Time to progression or censoring in months (days / 30.4375)."""
        return float(Fraction(self.pfs_days) / DAYS_PER_MONTH)


@dataclass(frozen=True, slots=True)
class CohortSummary:
    """The figures ``mrecist stats`` reports for a set of subjects."""

    confirmed: bool
    outcomes: tuple[SubjectOutcome, ...]
    counts: tuple[tuple[ResponseCategory, int], ...]
    orr: ProportionCI
    dcr: ProportionCI
    pfs: KaplanMeier

    @property
    def subjects(self) -> int:
        """Number of subjects."""
        return len(self.outcomes)


def subject_outcome(result: Result, *, confirmed: bool = False) -> SubjectOutcome:
    """Return a subject's best overall response and progression-free time.

    PFS is the progression date (backdated where the engine backdated it) or, without
    progression, censored at the last timepoint that was assessed; missed assessments do not
    extend follow-up.
    """
    assessment = (
        result.confirmed_best_overall_response if confirmed else result.best_overall_response
    )
    if result.progression is not None:
        days = (result.progression.date - result.timepoints[0].date).days
    else:
        assessed = [row for row in result.timepoints if not row.not_assessed]
        days = assessed[-1].days_since_baseline
    return SubjectOutcome(
        subject=result.subject,
        criteria=result.criteria.value,
        best_overall_response=ResponseCategory(assessment.category),
        pfs_days=days,
        progressed=result.progression is not None,
    )


def summarize_cohort(
    results: Sequence[Result],
    *,
    confirmed: bool = False,
    conf_type: ConfType = "log",
    conf_level: float = 0.95,
) -> CohortSummary:
    """Summarise evaluated subjects: response counts, ORR, DCR and PFS.

    Parameters
    ----------
    results
        One evaluated result per subject; all of them are the denominator.
    confirmed
        Use the confirmed best overall response (single-arm trials, RECIST 1.1 §4.4.2).
    conf_type
        Pointwise interval type for the PFS median's CI (R's default ``"log"``).
    conf_level
        Confidence level of every interval.

    Raises
    ------
    ValueError
        If *results* is empty.
    """
    if not results:
        raise ValueError("a cohort needs at least one subject")
    outcomes = tuple(subject_outcome(result, confirmed=confirmed) for result in results)
    responses = [outcome.best_overall_response for outcome in outcomes]
    n = len(outcomes)
    return CohortSummary(
        confirmed=confirmed,
        outcomes=outcomes,
        counts=tuple((category, responses.count(category)) for category in BOR_CATEGORIES),
        orr=clopper_pearson(sum(r in ORR_CATEGORIES for r in responses), n, conf_level),
        dcr=clopper_pearson(sum(r in DCR_CATEGORIES for r in responses), n, conf_level),
        pfs=kaplan_meier(
            [outcome.pfs_months for outcome in outcomes],
            [outcome.progressed for outcome in outcomes],
            conf_type=conf_type,
            conf_level=conf_level,
        ),
    )


def _pct(value: Fraction) -> float:
    return float(round_half_away(value * 100))


def _rate_data(rate: ProportionCI) -> dict[str, Any]:
    return {
        "x": rate.x,
        "n": rate.n,
        "pct": _pct(Fraction(rate.x, rate.n)),
        "ci_low_pct": _pct(Fraction(rate.ci_low)),
        "ci_high_pct": _pct(Fraction(rate.ci_high)),
    }


def _months(value: float | None) -> float | None:
    return None if value is None else float(round_half_away(Fraction(value), MONTH_DECIMALS))


def cohort_summary_to_data(summary: CohortSummary) -> dict[str, Any]:
    """Return *summary* as the JSON ``mrecist stats`` prints.

    Percentages are rounded half away from zero to one decimal, months to two.
    """
    pfs = summary.pfs
    return {
        "format": "mrecist-stats/1",
        "subjects": summary.subjects,
        "criteria": sorted({outcome.criteria for outcome in summary.outcomes}),
        "best_overall_response": "confirmed" if summary.confirmed else "unconfirmed",
        "counts": {category.value: count for category, count in summary.counts},
        "orr": _rate_data(summary.orr),
        "dcr": _rate_data(summary.dcr),
        "pfs": {
            "time_unit": "months",
            "days_per_month": float(DAYS_PER_MONTH),
            "events": pfs.events,
            "censored": pfs.n - pfs.events,
            "conf_type": pfs.conf_type,
            "conf_level": pfs.conf_level,
            "median": _months(pfs.median),
            "median_ci_low": _months(pfs.median_ci_low),
            "median_ci_high": _months(pfs.median_ci_high),
        },
        "per_subject": [
            {
                "subject": outcome.subject,
                "criteria": outcome.criteria,
                "best_overall_response": outcome.best_overall_response.value,
                "progressed": outcome.progressed,
                "pfs_days": outcome.pfs_days,
                "pfs_months": float(
                    round_half_away(Fraction(outcome.pfs_days) / DAYS_PER_MONTH, MONTH_DECIMALS)
                ),
            }
            for outcome in summary.outcomes
        ],
    }
