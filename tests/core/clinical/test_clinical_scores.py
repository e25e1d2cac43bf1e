"""Cockcroft-Gault, Child-Pugh and ALBI (docs/clinical.md §3): worked examples by hand and
the boundaries of each band."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.clinical import (
    ClinicalDataError,
    albi,
    albi_grade,
    child_pugh,
    child_pugh_class,
    cockcroft_gault,
)
from core.clinical.eligibility import Status, crcl_criterion
from core.clinical.scores import albumin_points, bilirubin_points, inr_points


def test_cockcroft_gault_man_worked_example():
    # (140 − 50) × 80 / (72 × 1.0) = 7200 / 72 = 100 mL/min exactly (Cockcroft & Gault 1976).
    assert cockcroft_gault(50, 80, "M", "1.0", "mg/dL") == 100


def test_cockcroft_gault_woman_worked_example():
    # (140 − 65) × 60 / (72 × 1.2) × 0.85 = 4500 / 86.4 × 0.85 = 52.083… × 0.85 = 44.270833…
    crcl = cockcroft_gault(65, 60, "F", "1.2", "mg/dL")
    assert crcl.quantize(Decimal("0.000001")) == Decimal("44.270833")


def test_cockcroft_gault_with_creatinine_in_umol_l():
    # 88.4 umol/L = 1.0 mg/dL: the same 100 mL/min as the man above.
    assert cockcroft_gault(50, 80, "M", "88.4", "umol/L") == 100


@pytest.mark.parametrize(("args", "words"), [
    pytest.param((50, 80, "U", "1", "mg/dL"), "sex", id="sex-unknown"),
    pytest.param((50, 80, "M", "0", "mg/dL"), "creatinine: must be above 0", id="creat-0"),
    pytest.param((50, 80, "M", "1", "mmol/L"), "creatinine unit", id="creat-unit"),
    pytest.param((150, 80, "M", "1", "mg/dL"), "age", id="age-past-140"),
])
def test_cockcroft_gault_refuses_what_it_cannot_compute(args, words):
    with pytest.raises(ClinicalDataError, match=words):
        cockcroft_gault(*args)


@pytest.mark.parametrize(("value", "unit", "points"), [
    pytest.param("1.99", "mg/dL", 1, id="bili-below-2-mg/dL-1pt"),
    pytest.param("2", "mg/dL", 2, id="bili-exactly-2-mg/dL-2pt"),
    pytest.param("3", "mg/dL", 2, id="bili-exactly-3-mg/dL-2pt"),
    pytest.param("3.01", "mg/dL", 3, id="bili-above-3-mg/dL-3pt"),
    pytest.param("33.9", "umol/L", 1, id="bili-below-34-umol-1pt"),
    pytest.param("34", "umol/L", 2, id="bili-exactly-34-umol-2pt"),
    pytest.param("50", "umol/L", 2, id="bili-exactly-50-umol-2pt"),
    pytest.param("51", "umol/L", 3, id="bili-above-50-umol-3pt"),
])
def test_child_pugh_bilirubin_bands(value, unit, points):
    assert bilirubin_points(value, unit) == points


@pytest.mark.parametrize(("value", "unit", "points"), [
    pytest.param("3.6", "g/dL", 1, id="alb-above-3.5-1pt"),
    pytest.param("3.5", "g/dL", 2, id="alb-exactly-3.5-2pt"),
    pytest.param("2.8", "g/dL", 2, id="alb-exactly-2.8-2pt"),
    pytest.param("2.7", "g/dL", 3, id="alb-below-2.8-3pt"),
    pytest.param("35", "g/L", 2, id="alb-exactly-35-g/L-2pt"),
    pytest.param("36", "g/L", 1, id="alb-above-35-g/L-1pt"),
    pytest.param("27", "g/L", 3, id="alb-below-28-g/L-3pt"),
])
def test_child_pugh_albumin_bands(value, unit, points):
    assert albumin_points(value, unit) == points


@pytest.mark.parametrize(("value", "points"), [
    pytest.param("1.69", 1, id="inr-below-1.7-1pt"), pytest.param("1.7", 2, id="inr-1.7-2pt"),
    pytest.param("2.3", 2, id="inr-2.3-2pt"), pytest.param("2.31", 3, id="inr-above-2.3-3pt"),
])
def test_child_pugh_inr_bands(value, points):
    assert inr_points(value) == points


def test_child_pugh_worked_example_class_b():
    # Bilirubin 2.5 mg/dL (2), albumin 3.0 g/dL (2), INR 1.5 (1), mild ascites (2), no
    # encephalopathy (1): 8 points, class B (Pugh 1973).
    score = child_pugh("2.5", "mg/dL", "3.0", "g/dL", "1.5", "mild", "none")
    assert (score.bilirubin_points, score.albumin_points, score.inr_points,
            score.ascites_points, score.encephalopathy_points) == (2, 2, 1, 2, 1)
    assert (score.score, score.child_pugh_class) == (8, "B")


def test_child_pugh_all_worst_is_15_class_c_and_all_best_5_class_a():
    worst = child_pugh("60", "umol/L", "25", "g/L", "2.5", "moderate-severe", "3-4")
    best = child_pugh("10", "umol/L", "40", "g/L", "1.0", "none", "none")
    assert (worst.score, worst.child_pugh_class) == (15, "C")
    assert (best.score, best.child_pugh_class) == (5, "A")


@pytest.mark.parametrize(("score", "cls"), [
    (5, "A"), (6, "A"), (7, "B"), (9, "B"), (10, "C"), (15, "C"),
])
def test_child_pugh_class_boundaries(score, cls):
    assert child_pugh_class(score) == cls


def test_child_pugh_refuses_an_unknown_ascites_grade():
    with pytest.raises(ClinicalDataError, match="ascites: must be none / mild / moderate-severe"):
        child_pugh("10", "umol/L", "40", "g/L", "1.0", "some", "none")


def test_albi_worked_example_by_hand():
    # 0.66 × log10(17) − 0.085 × 40 = 0.66 × 1.23044892… − 3.4 = 0.81209629… − 3.4
    # = −2.58790371…: above −2.60, so grade 2 (Johnson et al. 2015).
    result = albi("17", "40")
    assert result.score.quantize(Decimal("0.00000001")) == Decimal("-2.58790371")
    assert result.grade == 2


@pytest.mark.parametrize(("score", "grade"), [
    pytest.param("-2.60", 1, id="albi-exactly-minus-2.60-grade-1"),
    pytest.param("-2.5999999", 2, id="albi-just-above-minus-2.60-grade-2"),
    pytest.param("-1.39", 2, id="albi-exactly-minus-1.39-grade-2"),
    pytest.param("-1.3899999", 3, id="albi-just-above-minus-1.39-grade-3"),
])
def test_albi_grade_boundaries(score, grade):
    # No rational bilirubin and albumin reach −2.60 exactly (log10), so the cut-points are
    # checked on the score itself (Johnson et al. 2015).
    assert albi_grade(Decimal(score)) == grade


def test_albi_grade_1_and_3_examples():
    # 0.66 × log10(10) − 0.085 × 45 = 0.66 − 3.825 = −3.165: grade 1.
    assert albi("10", "45").score == Decimal("-3.165")
    assert albi("10", "45").grade == 1
    # 0.66 × log10(100) − 0.085 × 25 = 1.32 − 2.125 = −0.805: grade 3.
    assert albi("100", "25").score == Decimal("-0.805")
    assert albi("100", "25").grade == 3


def test_albi_refuses_a_bilirubin_of_zero():
    with pytest.raises(ClinicalDataError, match="must be above 0"):
        albi("0", "40")


def test_a_computed_clearance_is_itself_a_value_the_criterion_takes():
    # 82 × 64.5 / 43.2 = 122.430555…: a repeating decimal, kept to 28 digits.
    crcl = cockcroft_gault(58, "64.5", "M", "0.6", "mg/dL")
    assert crcl.quantize(Decimal("0.000001")) == Decimal("122.430556")
    assert crcl_criterion(crcl).status is Status.MET
