"""Clopper–Pearson intervals against published values and scipy (docs/criteria.md §9)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special
from scipy import stats as scipy_stats

from core.stats import beta_quantile, clopper_pearson, regularized_incomplete_beta

# The quantile must agree with an independent implementation to this absolute tolerance.
TOLERANCE = 1e-10


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        pytest.param(7, 30, 0.099338, 0.422837, id="R-binom.test-7-of-30"),
        pytest.param(9, 30, 0.147345, 0.493959, id="R-binom.test-9-of-30"),
        pytest.param(18, 30, 0.406035, 0.773442, id="R-binom.test-18-of-30"),
        pytest.param(12, 40, 0.165627, 0.465316, id="R-binom.test-12-of-40"),
        pytest.param(0, 30, 0.0, 0.115703, id="R-binom.test-0-of-30-lower-is-0"),
        pytest.param(30, 30, 0.884297, 1.0, id="R-binom.test-30-of-30-upper-is-1"),
    ],
)
def test_published_reference_values(x, n, low, high):
    interval = clopper_pearson(x, n)
    assert (round(interval.ci_low, 6), round(interval.ci_high, 6)) == (low, high)
    assert interval.estimate == x / n


def _scipy_interval(x: int, n: int, level: float) -> tuple[float, float]:
    result = scipy_stats.binomtest(x, n).proportion_ci(confidence_level=level, method="exact")
    return result.low, result.high


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 1500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_matches_scipy_exact_interval(counts, level):
    x, n = counts
    interval = clopper_pearson(x, n, level)
    low, high = _scipy_interval(x, n, level)
    assert interval.ci_low == pytest.approx(low, abs=TOLERANCE)
    assert interval.ci_high == pytest.approx(high, abs=TOLERANCE)
    assert 0.0 <= interval.ci_low <= x / n <= interval.ci_high <= 1.0


@settings(max_examples=300, deadline=None)
@given(
    st.floats(0.0, 1.0),
    st.floats(0.05, 800.0),
    st.floats(0.05, 800.0),
)
def test_incomplete_beta_matches_scipy(x, a, b):
    # log-gamma of large shapes carries ~1e-13 absolute error; 1e-10 is the precision promised.
    assert regularized_incomplete_beta(x, a, b) == pytest.approx(
        special.betainc(a, b, x), abs=TOLERANCE
    )


@settings(max_examples=200, deadline=None)
@given(st.floats(1e-6, 1 - 1e-6), st.floats(0.5, 500.0), st.floats(0.5, 500.0))
def test_beta_quantile_is_within_1e_10_of_the_root(p, a, b):
    # scipy's own beta.ppf can be off by 1e-8 (ppf(0.5; 1.1875, 1.1875) is not 0.5 there),
    # so the check is a Newton step with scipy's betainc: the distance to the true root.
    x = beta_quantile(p, a, b)
    residual = special.betainc(a, b, x) - p
    density = scipy_stats.beta.pdf(x, a, b)
    assert abs(residual) <= TOLERANCE * max(density, 1.0)


def test_symmetric_median_is_exactly_one_half():
    assert beta_quantile(0.5, 1.1875, 1.1875) == 0.5


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 1000), st.integers(1, 1000), st.sampled_from([0.005, 0.025, 0.975]))
def test_beta_quantile_matches_scipy_for_integer_shapes(a, b, p):
    # Clopper-Pearson only ever asks for integer shapes.
    assert beta_quantile(p, a, b) == pytest.approx(scipy_stats.beta.ppf(p, a, b), abs=TOLERANCE)


@pytest.mark.parametrize(
    ("x", "n", "level"),
    [
        pytest.param(-1, 10, 0.95, id="negative-x"),
        pytest.param(11, 10, 0.95, id="x-above-n"),
        pytest.param(0, 0, 0.95, id="no-trials"),
        pytest.param(True, 10, 0.95, id="bool-is-not-a-count"),
        pytest.param(3, 10, 1.0, id="level-1"),
        pytest.param(3, 10, 0.0, id="level-0"),
    ],
)
def test_invalid_arguments_raise_value_error(x, n, level):
    with pytest.raises(ValueError, match=r"must|need"):
        clopper_pearson(x, n, level)


def test_incomplete_beta_rejects_bad_parameters():
    with pytest.raises(ValueError, match="a and b must be > 0"):
        regularized_incomplete_beta(0.5, 0, 1)
    with pytest.raises(ValueError, match=r"x must be in \[0, 1\]"):
        regularized_incomplete_beta(1.5, 1, 1)
