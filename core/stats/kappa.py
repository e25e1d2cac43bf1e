"""Cohen's kappa between two raters, with its large-sample standard error and CI.

κ = (p_o − p_e) / (1 − p_e), where p_o is the proportion of subjects on which the raters
agree and p_e = Σ p_i. p_.i the agreement expected by chance from their marginal
proportions (Cohen J. A coefficient of agreement for nominal scales. *Educ Psychol Meas*
1960;20:37-46).

The standard error is the non-null asymptotic one of Fleiss, Cohen & Everitt (Large
sample standard errors of kappa and weighted kappa. *Psychol Bull* 1969;72:323-327;
Fleiss, Levin & Paik, *Statistical Methods for Rates and Proportions*, 3rd ed. 2003,
§18.1)::

    Var(κ) = ( Σ_i p_ii [1 − (p_i. + p_.i)(1 − κ)]²
             + (1 − κ)² Σ_{i≠j} p_ij (p_.i + p_j.)²
             − [κ − p_e (1 − κ)]² ) / ( n (1 − p_e)² )

and the interval is κ ± z·SE (Wald), as R's ``vcd::Kappa`` and its ``confint`` compute
them: the 2 × 2 table (20, 5 / 10, 15) gives κ = 0.4, SE 0.126996, 95 % CI 0.151092 to
0.648908.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from statistics import NormalDist


@dataclass(frozen=True, slots=True)
class Kappa:
    """Cohen's kappa of *n* paired ratings.

    ``kappa``, ``std_err`` and the limits are ``None`` when kappa is undefined: no pair, or
    chance agreement of 1 (both raters put every subject in one and the same category);
    ``note`` then says why. ``table`` is the agreement table, rows rater 1, columns rater 2,
    in the order of ``categories``.
    """

    n: int
    categories: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    observed_agreement: Fraction | None
    expected_agreement: Fraction | None
    kappa: float | None
    std_err: float | None
    ci_low: float | None
    ci_high: float | None
    conf_level: float
    note: str = ""


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]], *,
                categories: Sequence[Hashable] | None = None,
                conf_level: float = 0.95) -> Kappa:
    """Cohen's kappa of paired ratings, with the Fleiss-Cohen-Everitt SE and a Wald CI.

    Parameters
    ----------
    pairs
        One (rater 1, rater 2) rating per subject.
    categories
        The categories, in table order; by default those met, in order of first sight.
        Every rating must be one of them.
    conf_level
        Confidence level of the interval.

    Raises
    ------
    ValueError
        If a rating is not among *categories* or the level is outside (0, 1).
    """
    if not 0.0 < conf_level < 1.0:
        raise ValueError(f"conf_level must be in (0, 1), not {conf_level}")
    order = list(dict.fromkeys(categories if categories is not None
                               else [rating for pair in pairs for rating in pair]))
    index = {category: position for position, category in enumerate(order)}
    k = len(order)
    counts = [[0] * k for _ in range(k)]
    for first, second in pairs:
        for rating in (first, second):
            if rating not in index:
                raise ValueError(f"rating {rating!r} is not one of the categories "
                                 f"{', '.join(map(str, order))}")
        counts[index[first]][index[second]] += 1
    n = len(pairs)
    table = tuple(tuple(row) for row in counts)
    names = tuple(str(category) for category in order)
    if n == 0:
        return Kappa(0, names, table, None, None, None, None, None, None, conf_level,
                     "no paired ratings")
    p = [[Fraction(count, n) for count in row] for row in counts]
    rows = [sum(row, Fraction(0)) for row in p]
    cols = [sum((p[i][j] for i in range(k)), Fraction(0)) for j in range(k)]
    observed = sum((p[i][i] for i in range(k)), Fraction(0))
    expected = sum((rows[i] * cols[i] for i in range(k)), Fraction(0))
    if expected == 1:
        return Kappa(n, names, table, observed, expected, None, None, None, None, conf_level,
                     "kappa is undefined: both raters gave every subject the same category")
    kappa = (observed - expected) / (1 - expected)
    spread = 1 - kappa
    variance = (
        sum((p[i][i] * (1 - (rows[i] + cols[i]) * spread) ** 2 for i in range(k)), Fraction(0))
        + spread ** 2 * sum((p[i][j] * (cols[i] + rows[j]) ** 2
                             for i in range(k) for j in range(k) if i != j), Fraction(0))
        - (kappa - expected * spread) ** 2
    ) / (n * (1 - expected) ** 2)
    std_err = math.sqrt(max(float(variance), 0.0))
    z = NormalDist().inv_cdf(1.0 - (1.0 - conf_level) / 2.0)
    value = float(kappa)
    return Kappa(n, names, table, observed, expected, value, std_err, value - z * std_err,
                 value + z * std_err, conf_level)
