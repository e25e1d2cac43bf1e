"""Exact (Clopper–Pearson) confidence intervals for a proportion, without scipy.

The interval inverts the binomial test through the beta distribution:
lower = Beta⁻¹(α/2; x, n−x+1), upper = Beta⁻¹(1−α/2; x+1, n−x), as R's ``binom.test`` and
scipy's ``binomtest(...).proportion_ci(method="exact")`` compute it (docs/criteria.md §9).
The regularized incomplete beta function is evaluated by its continued fraction and
inverted by bisection, which is slow only by computer standards and exact to ~1e-15.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Continued-fraction convergence: relative change below this ends the expansion.
_CF_EPSILON = 1e-16
_CF_TINY = 1e-300
# Bisection halves [0, 1] until adjacent floats; 1100 steps cover every double in (0, 1).
_BISECTION_STEPS = 1100


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Evaluate the continued fraction of I_x(a, b) by the modified Lentz method."""
    max_terms = 1000 + int(20 * math.sqrt(max(a, b)))
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _CF_TINY else _CF_TINY)
    h = d
    for m in range(1, max_terms + 1):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _CF_TINY else _CF_TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _CF_TINY else _CF_TINY
            delta = d * c
            h *= delta
        if abs(delta - 1.0) < _CF_EPSILON:
            return h
    raise ArithmeticError(f"incomplete beta: no convergence for a={a}, b={b}, x={x}")


def regularized_incomplete_beta(x: float, a: float, b: float) -> float:
    """Return I_x(a, b), the beta distribution's CDF at *x*.

    Parameters
    ----------
    x
        The point, in [0, 1].
    a, b
        Shape parameters, both > 0.

    Raises
    ------
    ValueError
        If a parameter is out of range.
    """
    if not (a > 0 and b > 0):
        raise ValueError(f"a and b must be > 0, not a={a}, b={b}")
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"x must be in [0, 1], not {x}")
    if x == 0.0 or x == 1.0:
        return x
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    # The continued fraction converges fast only left of the mode; use the symmetry
    # I_x(a, b) = 1 − I_{1−x}(b, a) on the right.
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def beta_quantile(p: float, a: float, b: float) -> float:
    """Return x with I_x(a, b) = p: the inverse of ``regularized_incomplete_beta``.

    Bisection on a monotone function, carried to adjacent floating-point numbers.

    Raises
    ------
    ValueError
        If *p* is not in [0, 1] or a shape parameter is not > 0.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], not {p}")
    if p in (0.0, 1.0):
        return p
    low, high = 0.0, 1.0
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2.0
        if middle in (low, high):
            break
        if regularized_incomplete_beta(middle, a, b) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


@dataclass(frozen=True, slots=True)
class ProportionCI:
    """A proportion x/n with its exact confidence interval (fractions, not %)."""

    x: int
    n: int
    estimate: float
    ci_low: float
    ci_high: float
    conf_level: float


def clopper_pearson(x: int, n: int, conf_level: float = 0.95) -> ProportionCI:
    """Return the exact Clopper–Pearson interval for *x* successes out of *n*.

    Parameters
    ----------
    x
        Successes, 0 ≤ x ≤ n.
    n
        Trials, ≥ 1.
    conf_level
        Confidence level, e.g. 0.95.

    Returns
    -------
    ProportionCI
        ``clopper_pearson(7, 30)`` gives 0.099338 to 0.422837, as R's ``binom.test``.

    Raises
    ------
    ValueError
        If the counts or the level are out of range.
    """
    if isinstance(x, bool) or isinstance(n, bool) or not (0 <= x <= n and n >= 1):
        raise ValueError(f"need integers 0 ≤ x ≤ n and n ≥ 1, not x={x}, n={n}")
    if not 0.0 < conf_level < 1.0:
        raise ValueError(f"conf_level must be in (0, 1), not {conf_level}")
    alpha = 1.0 - conf_level
    low = 0.0 if x == 0 else beta_quantile(alpha / 2.0, x, n - x + 1)
    high = 1.0 if x == n else beta_quantile(1.0 - alpha / 2.0, x + 1, n - x)
    return ProportionCI(x, n, x / n, low, high, conf_level)
