"""Mean, SD and R's type-7 quantiles, exact, against values R printed (R 4.2, ``mean``,
``sd``, ``quantile``) and numpy's default (linear) percentiles."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from core.stats import mean, median, quantile, sample_sd, sample_variance

AGES = [61, 55, 68, 47, 72, 58, 64, 51]
SIZES = [Decimal("48"), Decimal("36"), Decimal("32"), Decimal("120.5"), Decimal("75.2"),
         Decimal("18")]
QUARTERS = (Fraction(0), Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1))


@pytest.mark.parametrize(("values", "expected"), [
    pytest.param(list(range(1, 11)), ["1", "3.25", "5.5", "7.75", "10"], id="R-quantile-1:10"),
    pytest.param([1, 2, 3, 4], ["1", "1.75", "2.5", "3.25", "4"], id="R-quantile-1:4"),
    pytest.param(AGES, ["47", "54", "59.5", "65", "72"], id="R-quantile-ages"),
    pytest.param(SIZES, ["18", "33", "42", "68.4", "120.5"], id="R-quantile-sizes"),
    pytest.param([1, 2, 2, 3, 1, 4, 2], ["1", "1.5", "2", "2.5", "4"], id="R-quantile-tace"),
    pytest.param([7], ["7", "7", "7", "7", "7"], id="R-quantile-one-value"),
])
def test_quartiles_are_rs_type_7(values, expected):
    assert [quantile(values, p) for p in QUARTERS] == [Fraction(e) for e in expected]
    as_float = np.percentile([float(v) for v in values], [0, 25, 50, 75, 100])
    assert [float(quantile(values, p)) for p in QUARTERS] == pytest.approx(list(as_float))


def test_mean_and_sd_as_r_prints_them():
    # R: mean(ages) 59.5, sd(ages) 8.46842876302; mean(sizes) 54.95, sd 37.4333407539
    assert mean(AGES) == Fraction(119, 2)
    assert float(sample_sd(AGES)) == pytest.approx(8.46842876302, abs=1e-11)
    assert mean(SIZES) == Fraction("54.95")
    assert float(sample_sd(SIZES)) == pytest.approx(37.4333407539, abs=1e-10)
    assert sample_variance([2, 4, 4, 4, 5, 5, 7, 9]) == Fraction(32, 7)
    assert sample_sd([3, 3, 3]) == 0


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert median([4, 1, 3, 2]) == Fraction(5, 2)


@pytest.mark.parametrize(("call", "message"), [
    pytest.param(lambda: mean([]), "at least one", id="empty-mean"),
    pytest.param(lambda: sample_sd([5]), "at least two", id="sd-of-one-is-NA-in-R"),
    pytest.param(lambda: quantile([1, 2], Fraction(3, 2)), r"in \[0, 1\]", id="p-above-1"),
    pytest.param(lambda: mean([1.5]), "exact numbers", id="float-refused"),
    pytest.param(lambda: mean([Decimal("NaN")]), "finite", id="nan-refused"),
])
def test_bad_input_is_refused_with_a_reason(call, message):
    with pytest.raises(ValueError, match=message):
        call()
