"""Numbers as people read them: rounding for output and wording in reason sentences.

Rounding happens here and only here, after every decision has been taken on exact values.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

# Percentages are rounded half away from zero to one decimal, for output only
# (docs/criteria.md §6).
OUTPUT_PCT_DECIMALS = 1
# More digits are shown in a sentence only when one decimal would print the threshold itself
# for a value that did not meet it (29.96 % would read "30.0 %" next to "needs 30 %").
_MAX_SENTENCE_DECIMALS = 6


def round_half_away(
    value: Fraction | Decimal | int, decimals: int = OUTPUT_PCT_DECIMALS
) -> Decimal:
    """Round *value* exactly, half away from zero, to *decimals* places.

    Parameters
    ----------
    value
        An exact number.
    decimals
        Decimal places to keep.

    Returns
    -------
    Decimal
        For example ``round_half_away(Fraction(-969, 20))`` (−48.45) is ``Decimal("-48.5")``.
    """
    exact = Fraction(value)
    scaled = abs(exact) * 10**decimals
    magnitude = math.floor(scaled + Fraction(1, 2))
    rounded = Decimal(magnitude).scaleb(-decimals)
    return -rounded if exact < 0 else rounded


def format_mm(value: Decimal) -> str:
    """Write a length as recorded, with at least one decimal: ``93`` → ``"93.0"``."""
    normalized = value.normalize()
    if normalized.as_tuple().exponent >= -1:  # type: ignore[operator]
        return f"{value:.1f}"
    return f"{normalized:f}"


def format_pct(value: Fraction, threshold: Fraction | None = None) -> str:
    """Write the magnitude of a percentage with one decimal, or more if one would mislead.

    Parameters
    ----------
    value
        The exact percentage; its sign is left to the sentence ("below", "above").
    threshold
        The rule's threshold magnitude; when *value* differs from it but one decimal would
        print the threshold, more decimals are shown.
    """
    magnitude = abs(value)
    decimals = OUTPUT_PCT_DECIMALS
    while (
        threshold is not None
        and magnitude != threshold
        and round_half_away(magnitude, decimals) == threshold
        and decimals < _MAX_SENTENCE_DECIMALS
    ):
        decimals += 1
    return f"{round_half_away(magnitude, decimals):f}"


def percent_change(value: Decimal, reference: Decimal) -> Fraction | None:
    """Return the exact change of *value* from *reference* in %, or None if reference is 0."""
    if reference == 0:
        return None
    return (Fraction(value) - Fraction(reference)) * 100 / Fraction(reference)
