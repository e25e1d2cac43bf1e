"""Percentages from their own numerator and denominator, and the one rounding rule
(docs/report.md §0): the seed's slips (54.5 % for 20/31, 67.4 % for 24/31, 19.3 % for
6/31) cannot be printed."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from core.report import Percentage, exact_rate, number_text, percent_text, rounded


@pytest.mark.parametrize(("x", "n", "text"), [
    pytest.param(20, 31, "20/31 (64.5 %)", id="seed-ORR-not-54.5"),
    pytest.param(24, 31, "24/31 (77.4 %)", id="seed-DCR-not-67.4"),
    pytest.param(6, 31, "6/31 (19.4 %)", id="seed-PVTT-absent-not-19.3"),
    pytest.param(0, 31, "0/31 (0.0 %)", id="none"),
    pytest.param(31, 31, "31/31 (100.0 %)", id="all"),
    pytest.param(1, 80, "1/80 (1.3 %)", id="exact-tie-1.25-half-away-from-zero"),
    pytest.param(0, 0, "0/0 (–)", id="empty-denominator"),
])
def test_a_percentage_is_written_from_its_own_counts(x, n, text):
    assert Percentage(x, n).text == text


def test_orr_and_dcr_of_the_seed_with_the_cis_of_r_binom_test():
    # R 4.2: binom.test(20, 31)$conf.int 0.4536956020 0.8077325656;
    #        binom.test(24, 31)$conf.int 0.5890361339 0.9040578317
    orr, dcr = exact_rate(20, 31), exact_rate(24, 31)
    assert (orr.ci_low, orr.ci_high) == (pytest.approx(0.4536956020, abs=1e-10),
                                         pytest.approx(0.8077325656, abs=1e-10))
    assert (dcr.ci_low, dcr.ci_high) == (pytest.approx(0.5890361339, abs=1e-10),
                                         pytest.approx(0.9040578317, abs=1e-10))
    assert orr.text == "20/31 (64.5 %; 95 % CI 45.4-80.8)"
    assert dcr.text == "24/31 (77.4 %; 95 % CI 58.9-90.4)"
    assert exact_rate(0, 0).text == "0/0 (–)"
    assert exact_rate(0, 0).ci_text == "–"


@pytest.mark.parametrize(("value", "decimals", "text"), [
    pytest.param(Fraction(1225, 100), 1, "12.3", id="tie-up"),
    pytest.param(Fraction(-1225, 100), 1, "-12.3", id="tie-away-from-zero-below-0"),
    pytest.param(Decimal("0.125"), 2, "0.13", id="python-round-would-give-0.12"),
    pytest.param(Fraction(-1, 30), 1, "0.0", id="no-negative-zero"),
    pytest.param(Fraction(1, 3), 1, "0.3", id="third"),
    pytest.param(7, 1, "7.0", id="integer"),
])
def test_numbers_round_half_away_from_zero_once(value, decimals, text):
    assert number_text(value, decimals) == text
    assert str(rounded(value, decimals)) == text


def test_a_float_is_rounded_at_its_exact_value():
    # 0.45369560 (a CI limit) is 45.369…%; a float's binary value is what is rounded.
    assert percent_text(0.4536956020) == "45.4"
    assert percent_text(Fraction(1, 8)) == "12.5"


@pytest.mark.parametrize(("x", "n"), [(5, 4), (-1, 3), (True, 2), (1.0, 2)])
def test_impossible_counts_are_refused(x, n):
    with pytest.raises(ValueError, match="numerator"):
        Percentage(x, n)
