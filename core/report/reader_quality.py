"""Reader quality: the adjudication rate, each reader's agreement with the adjudicator,
and the agreement between the two readers on best overall response (docs/report.md §5).

- Adjudication rate: subjects with an adjudicated cycle among the subjects with a final
  result (Ford R et al. *AJR* 2009;193:1167, over subjects; docs/reading.md §3).
- Agreement with the adjudicator: of the decided adjudications a reader's read was part
  of, how often the adjudicator chose it (``core.reading.board.reader_agreement``).
- Between readers: Cohen's kappa of the two reads' best overall responses, each read
  evaluated through the timepoint of the subject's current cycle, with the
  Fleiss-Cohen-Everitt standard error and a Wald 95 % CI (``core.stats.cohen_kappa``),
  for the unconfirmed and the confirmed best response; categories in the engine's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.criteria.best_response import BOR_RANK
from core.model.board import ReaderAgreement
from core.model.clinical import ResponseCategory
from core.report.percentage import Percentage
from core.report.rounding import KAPPA_DECIMALS, number_text
from core.stats import Kappa, cohen_kappa


@dataclass(frozen=True, slots=True)
class ReaderPair:
    """The two reads' best overall responses of one subject (reader 1, reader 2)."""

    subject: str
    best_1: ResponseCategory
    best_2: ResponseCategory
    confirmed_1: ResponseCategory
    confirmed_2: ResponseCategory


@dataclass(frozen=True, slots=True)
class ReaderScore:
    """One reader's agreement with the adjudicator."""

    login: str
    display_name: str
    agreement: Percentage


@dataclass(frozen=True, slots=True)
class KappaSummary:
    """Cohen's kappa of one best response, and its sentence."""

    is_confirmed: bool
    kappa: Kappa

    @property
    def text(self) -> str:
        """``"0.56 (95 % CI 0.23 to 0.90; 24 subjects)"``, or why it is undefined."""
        k = self.kappa
        if k.kappa is None or k.ci_low is None or k.ci_high is None:
            return f"not defined ({k.note}; {k.n} subjects)"
        return (f"{number_text(k.kappa, KAPPA_DECIMALS)} (95 % CI "
                f"{number_text(k.ci_low, KAPPA_DECIMALS)} to "
                f"{number_text(k.ci_high, KAPPA_DECIMALS)}; {k.n} subjects)")


@dataclass(frozen=True, slots=True)
class ReaderQuality:
    """The quality figures of the dual read."""

    adjudication_rate: Percentage
    readers: tuple[ReaderScore, ...]
    kappa_best: KappaSummary
    kappa_confirmed: KappaSummary


def _kappa(pairs: Sequence[tuple[ResponseCategory, ResponseCategory]],
           is_confirmed: bool) -> KappaSummary:
    seen = {category for pair in pairs for category in pair}
    order = [category.value for category in BOR_RANK if category in seen]
    found = cohen_kappa([(a.value, b.value) for a, b in pairs], categories=order)
    return KappaSummary(is_confirmed, found)


def reader_quality(adjudicated: int, decided: int, agreement: Sequence[ReaderAgreement],
                   names: dict[str, str], pairs: Sequence[ReaderPair]) -> ReaderQuality:
    """The figures from the counts of subjects, each reader's agreement and the pairs.

    *names* gives each reader login's printed name (the login when missing).
    """
    return ReaderQuality(
        Percentage(adjudicated, decided),
        tuple(ReaderScore(row.login, names.get(row.login, row.login),
                          Percentage(row.agreed, row.adjudications)) for row in agreement),
        _kappa([(p.best_1, p.best_2) for p in pairs], False),
        _kappa([(p.confirmed_1, p.confirmed_2) for p in pairs], True))
