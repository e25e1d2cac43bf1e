"""A count of a denominator: the only way a report writes a percentage.

``Percentage(20, 31).text`` is ``"20/31 (64.5 %)"``: the text is computed from the two
integers every time it is asked for, so a figure that does not follow from its own
numerator and denominator (the seed trial's "54.5 %" for 20 of 31) cannot be printed.
``Rate`` adds the exact (Clopper-Pearson) confidence interval of ``core.stats``, equal to
R's ``binom.test`` (docs/report.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from core.report.rounding import PCT_DECIMALS, percent_text
from core.stats import clopper_pearson

# What a percentage of nothing shows (an empty analysis set).
NO_DENOMINATOR = "–"


@dataclass(frozen=True, slots=True)
class Percentage:
    """*numerator* of *denominator* (0 ≤ numerator ≤ denominator).

    Raises
    ------
    ValueError
        If the counts are not such integers.
    """

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        for name in ("numerator", "denominator"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an integer, not {value!r}")
        if not 0 <= self.numerator <= self.denominator:
            raise ValueError(f"a percentage needs 0 ≤ numerator ≤ denominator, not "
                             f"{self.numerator}/{self.denominator}")

    @property
    def fraction(self) -> Fraction | None:
        """The exact proportion, ``None`` of a denominator of 0."""
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def pct_text(self) -> str:
        """The percentage alone, one decimal: ``"64.5 %"`` (``"–"`` of nothing)."""
        share = self.fraction
        return NO_DENOMINATOR if share is None else f"{percent_text(share, PCT_DECIMALS)} %"

    @property
    def text(self) -> str:
        """Numerator, denominator and percentage: ``"20/31 (64.5 %)"``."""
        return f"{self.numerator}/{self.denominator} ({self.pct_text})"


@dataclass(frozen=True, slots=True)
class Rate:
    """A proportion with its exact confidence interval (fractions of 1; ``None`` of an
    empty denominator)."""

    share: Percentage
    ci_low: float | None
    ci_high: float | None
    conf_level: float = 0.95

    @property
    def ci_text(self) -> str:
        """The interval in %: ``"45.4-80.8"`` (``"–"`` without one)."""
        if self.ci_low is None or self.ci_high is None:
            return NO_DENOMINATOR
        return f"{percent_text(self.ci_low)}-{percent_text(self.ci_high)}"

    @property
    def level_text(self) -> str:
        """The level: ``"95 %"``."""
        return f"{percent_text(self.conf_level, 0)} %"

    @property
    def text(self) -> str:
        """``"20/31 (64.5 %; 95 % CI 45.4-80.8)"``."""
        if self.ci_low is None:
            return self.share.text
        return (f"{self.share.numerator}/{self.share.denominator} ({self.share.pct_text}; "
                f"{self.level_text} CI {self.ci_text})")


def exact_rate(numerator: int, denominator: int, conf_level: float = 0.95) -> Rate:
    """*numerator* of *denominator* with its Clopper-Pearson interval (``clopper_pearson``).

    An empty denominator gives a rate without an interval.
    """
    share = Percentage(numerator, denominator)
    if denominator == 0:
        return Rate(share, None, None, conf_level)
    interval = clopper_pearson(numerator, denominator, conf_level)
    return Rate(share, interval.ci_low, interval.ci_high, conf_level)
