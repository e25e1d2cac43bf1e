"""Descriptive statistics of a baseline table, exact: mean, SD, median, quartiles as R.

Values are exact numbers (``int``, ``Decimal``, ``Fraction``) and so are the results, except
the standard deviation, a square root, which is a ``Decimal`` to 40 significant digits; the
report rounds once, for printing (``core.report.rounding``).

Quantiles are R's default, ``quantile(x, type = 7)`` (Hyndman & Fan 1996, definition 7;
also numpy's default ``method="linear"``): with the *n* values sorted and h = (n − 1)·p,
Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]), counting from 0. So ``quantile(1:10)``
gives 3.25, 5.5 and 7.75 for the quartiles, as R prints.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

ExactNumber = int | Decimal | Fraction
# Significant digits of the standard deviation: far beyond any printed decimal.
SD_DIGITS = 40


def _exact(values: Sequence[ExactNumber], what: str) -> list[Fraction]:
    if not values:
        raise ValueError(f"{what} needs at least one value")
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | Decimal | Fraction):
            raise ValueError(f"{what} takes exact numbers (int, Decimal, Fraction), "
                             f"not {value!r}")
        if isinstance(value, Decimal) and not value.is_finite():
            raise ValueError(f"{what} takes finite numbers, not {value!r}")
        out.append(Fraction(value))
    return out


def mean(values: Sequence[ExactNumber]) -> Fraction:
    """The arithmetic mean, exactly.

    Raises
    ------
    ValueError
        If *values* is empty or holds something other than an exact finite number.
    """
    exact = _exact(values, "a mean")
    return sum(exact, Fraction(0)) / len(exact)


def sample_variance(values: Sequence[ExactNumber]) -> Fraction:
    """The sample variance with the n − 1 denominator (R's ``var``), exactly.

    Raises
    ------
    ValueError
        If there are fewer than two values (R gives NA).
    """
    exact = _exact(values, "a variance")
    if len(exact) < 2:
        raise ValueError("a variance needs at least two values")
    centre = sum(exact, Fraction(0)) / len(exact)
    return sum(((value - centre) ** 2 for value in exact), Fraction(0)) / (len(exact) - 1)


def sample_sd(values: Sequence[ExactNumber]) -> Decimal:
    """The sample standard deviation (R's ``sd``): √variance to ``SD_DIGITS`` digits.

    Raises
    ------
    ValueError
        If there are fewer than two values.
    """
    variance = sample_variance(values)
    with localcontext() as context:
        context.prec = SD_DIGITS
        return (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()


def quantile(values: Sequence[ExactNumber], p: Fraction | int | str) -> Fraction:
    """R's ``quantile(values, p)`` (type 7), exactly (module docstring).

    Parameters
    ----------
    values
        The sample, in any order.
    p
        The probability, 0 ≤ p ≤ 1, as an exact number (``Fraction(1, 4)``, ``"0.25"``).

    Raises
    ------
    ValueError
        If *values* is empty or *p* is outside [0, 1].
    """
    ordered = sorted(_exact(values, "a quantile"))
    probability = Fraction(p)
    if not 0 <= probability <= 1:
        raise ValueError(f"a quantile's probability must be in [0, 1], not {p}")
    h = (len(ordered) - 1) * probability
    low = math.floor(h)
    if low + 1 >= len(ordered):
        return ordered[-1]
    return ordered[low] + (h - low) * (ordered[low + 1] - ordered[low])


def median(values: Sequence[ExactNumber]) -> Fraction:
    """The median (``quantile(values, 0.5)``, the mean of the two middle values when even)."""
    return quantile(values, Fraction(1, 2))
