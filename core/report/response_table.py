"""Table 2: best overall response of the analysis set, unconfirmed and confirmed.

Each category is n (%) of the analysis set; ORR = CR + PR and DCR = CR + PR + SD +
NON-CR/NON-PD (the engine's definitions, ``core.stats.cohort``; docs/criteria.md §6), each
with its exact Clopper-Pearson 95 % CI (R's ``binom.test``). The unconfirmed column takes
the best response as recorded, the confirmed one requires CR and PR confirmed at least
``confirmation_days`` later (RECIST 1.1 §4.4.2, Table 3), as the engine decides it
(docs/report.md §2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.model.clinical import ResponseCategory
from core.report.percentage import Percentage, Rate, exact_rate
from core.stats.cohort import BOR_CATEGORIES, DCR_CATEGORIES, ORR_CATEGORIES

R = ResponseCategory
# NON-CR/NON-PD is possible only for subjects without target lesions; its row is shown
# only when a subject has it, so a table of measurable disease reads as the seed's.
OPTIONAL_CATEGORIES = frozenset({R.NON_CR_NON_PD})


@dataclass(frozen=True, slots=True)
class SubjectResponse:
    """One subject's best overall response, unconfirmed and confirmed (the final read's)."""

    subject: str
    best: ResponseCategory
    confirmed: ResponseCategory


@dataclass(frozen=True, slots=True)
class ResponseColumn:
    """One column of Table 2: each category's count, ORR and DCR."""

    is_confirmed: bool
    counts: tuple[tuple[ResponseCategory, Percentage], ...]
    orr: Rate
    dcr: Rate

    def count(self, category: ResponseCategory) -> Percentage:
        """The count of *category* (0 of n when its row is not shown)."""
        for shown, share in self.counts:
            if shown is category:
                return share
        return Percentage(0, self.orr.share.denominator)


@dataclass(frozen=True, slots=True)
class ResponseTable:
    """Table 2 of an analysis set of *n* subjects."""

    n: int
    categories: tuple[ResponseCategory, ...]
    unconfirmed: ResponseColumn
    confirmed: ResponseColumn


def _column(responses: Sequence[ResponseCategory], categories: Sequence[ResponseCategory],
            is_confirmed: bool, conf_level: float) -> ResponseColumn:
    n = len(responses)
    return ResponseColumn(
        is_confirmed,
        tuple((category, Percentage(responses.count(category), n)) for category in categories),
        exact_rate(sum(r in ORR_CATEGORIES for r in responses), n, conf_level),
        exact_rate(sum(r in DCR_CATEGORIES for r in responses), n, conf_level))


def response_table(subjects: Sequence[SubjectResponse],
                   conf_level: float = 0.95) -> ResponseTable:
    """Table 2 of *subjects*, every one of them the denominator (module docstring)."""
    best = [subject.best for subject in subjects]
    confirmed = [subject.confirmed for subject in subjects]
    categories = tuple(category for category in BOR_CATEGORIES
                       if category not in OPTIONAL_CATEGORIES
                       or category in best or category in confirmed)
    return ResponseTable(len(subjects), categories,
                         _column(best, categories, False, conf_level),
                         _column(confirmed, categories, True, conf_level))
