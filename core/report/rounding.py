"""The one place a report's numbers become text: rounding and the way each is written.

Every figure of the report is computed exactly (``Fraction``, ``Decimal``) and rounded
only here, once, when it is written. The rule is **half away from zero** to the stated
decimals (12.25 → 12.3, −12.25 → −12.3), the rule of the project's response criteria
(docs/criteria.md §6, the shared rulebook's §7) and of SAS's ``ROUND`` function, which
trial statisticians' tables commonly follow. It is decided on the exact value, so a tie is
a true tie: R's ``round`` and ``sprintf`` and Python's ``round`` round a binary double
(half to even where it is exactly representable, 1/80 = 1.25 % → "1.2"), and we do not.

Percentages have one decimal. 6/31 is 19.354…%, which is 19.4 % under any rule of rounding:
the seed trial printed 19.3 %, a truncation; ``Percentage`` (``core.report.percentage``)
always writes the figure from its own numerator and denominator through this module.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from core.criteria.formatting import round_half_away

# Percentages, means, SDs, medians and quartiles are printed with one decimal.
PCT_DECIMALS = 1
STAT_DECIMALS = 1
# Kaplan-Meier times in months and kappa are printed with more.
MONTH_DECIMALS = 1
KAPPA_DECIMALS = 2

ExactNumber = int | Decimal | Fraction


def rounded(value: ExactNumber | float, decimals: int) -> Decimal:
    """*value* rounded half away from zero to *decimals* places (0.0, never −0.0).

    A float (a confidence limit, a survival estimate) is taken at its exact binary value.
    """
    result = round_half_away(Fraction(value), decimals)
    return abs(result) if result == 0 else result


def number_text(value: ExactNumber | float, decimals: int = STAT_DECIMALS) -> str:
    """*value* written with exactly *decimals* decimals: ``number_text(Fraction(1, 3))`` is
    ``"0.3"``."""
    return f"{rounded(value, decimals):f}"


def percent_text(fraction: ExactNumber | float, decimals: int = PCT_DECIMALS) -> str:
    """A proportion (0.645…) written as a percentage without the sign: ``"64.5"``."""
    return number_text(Fraction(fraction) * 100, decimals)
