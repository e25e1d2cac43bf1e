"""Cohen's kappa and its Fleiss-Cohen-Everitt (1969) standard error against R's
``vcd::Kappa`` (vcd 1.4-11: ``Kappa(x)`` and ``confint(Kappa(x))``), and by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from core.stats import cohen_kappa


def _pairs(table: list[list[int]], names: str) -> list[tuple[str, str]]:
    return [(names[i], names[j]) for i, row in enumerate(table) for j, count in enumerate(row)
            for _ in range(count)]


@pytest.mark.parametrize(("table", "kappa", "ase", "low", "high"), [
    # Fleiss, Levin & Paik (2003) §18.1: two psychiatrists, 100 patients, 3 diagnoses.
    pytest.param([[75, 1, 4], [5, 4, 1], [0, 0, 10]], 0.67647058824, 0.08770295348,
                 0.5045759581, 0.8483652184, id="vcd-Kappa-Fleiss-3x3"),
    # The textbook 2 × 2 of 50 subjects (20 yes/yes, 5, 10, 15 no/no): kappa 0.4.
    pytest.param([[20, 5], [10, 15]], 0.4, 0.1269960629, 0.1510922905, 0.6489077095,
                 id="vcd-Kappa-2x2"),
    pytest.param([[2, 1, 0], [1, 14, 2], [0, 1, 3]], 0.5636363636, 0.1723239548,
                 0.2258876186, 0.9013851087, id="vcd-Kappa-CR-PR-SD"),
])
def test_kappa_and_its_interval_equal_vcd(table, kappa, ase, low, high):
    found = cohen_kappa(_pairs(table, "abc"))
    assert found.kappa == pytest.approx(kappa, abs=1e-10)
    assert found.std_err == pytest.approx(ase, abs=1e-10)
    assert (found.ci_low, found.ci_high) == (pytest.approx(low, abs=1e-9),
                                             pytest.approx(high, abs=1e-9))
    assert found.table == tuple(tuple(row) for row in table)


def test_the_2x2_by_hand():
    # p_o = 35/50, p_e = 0.5·0.6 + 0.5·0.4 = 1/2: kappa = (0.7 − 0.5) / 0.5 = 0.4.
    found = cohen_kappa(_pairs([[20, 5], [10, 15]], "yn"))
    assert (found.observed_agreement, found.expected_agreement) == (Fraction(7, 10),
                                                                    Fraction(1, 2))
    # Var = (0.04624 + 0.06348 + 0.36·(0.1·1.21 + 0.2·0.81) − 0.1²) / (50 · 0.25)
    assert found.std_err ** 2 == pytest.approx(0.2016 / 12.5, abs=1e-15)


def test_perfect_agreement_has_kappa_1_and_no_spread():
    found = cohen_kappa([("CR", "CR"), ("PR", "PR"), ("SD", "SD")])
    assert (found.kappa, found.std_err) == (1.0, 0.0)


def test_undefined_kappa_says_why():
    same = cohen_kappa([("PR", "PR"), ("PR", "PR")])
    assert same.kappa is None
    assert "same category" in same.note
    empty = cohen_kappa([])
    assert (empty.n, empty.kappa, empty.note) == (0, None, "no paired ratings")


def test_categories_fix_the_table_order_and_refuse_strangers():
    found = cohen_kappa([("PR", "SD")], categories=["CR", "PR", "SD"])
    assert found.categories == ("CR", "PR", "SD")
    assert found.table == ((0, 0, 0), (0, 0, 1), (0, 0, 0))
    with pytest.raises(ValueError, match="'PD' is not one of the categories"):
        cohen_kappa([("PD", "SD")], categories=["PR", "SD"])
