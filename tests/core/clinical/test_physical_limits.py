"""Physical limits of entered values (docs/clinical.md §9): each range at both ends, in the
grading unit and through a conversion, and the baseline measurements."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.clinical import (
    LAB_LIMITS,
    MEASURE_LIMITS,
    TESTS,
    ClinicalDataError,
    known_units,
    limit_refusal,
    measure_refusal,
)
from core.clinical.units import GRADING_UNITS


def test_every_graded_test_has_a_limit_in_its_grading_unit():
    assert set(LAB_LIMITS) == set(TESTS)
    for test, limit in LAB_LIMITS.items():
        assert limit.unit == GRADING_UNITS[test], test
        assert limit.low < limit.high
        assert limit.why


@pytest.mark.parametrize("test", TESTS)
def test_both_ends_are_inside_and_just_past_them_is_refused(test):
    limit = LAB_LIMITS[test]
    unit = limit.unit
    assert limit_refusal(test, limit.low, unit) is None
    assert limit_refusal(test, limit.high, unit) is None
    assert limit_refusal(test, limit.high + Decimal("0.01"), unit) is not None
    if limit.low > 0:
        assert limit_refusal(test, limit.low - Decimal("0.01"), unit) is not None


@pytest.mark.parametrize(("test", "value", "unit", "refused"), [
    ("PLAT", "5000", "10^9/L", False),
    ("PLAT", "5000.1", "10^9/L", True),
    ("PLAT", "150000", "10^3/uL", True),  # a count per µL in 10^3/µL
    ("HGB", "1.0", "g/dL", False),  # exactly 10 g/L
    ("HGB", "0.99", "g/dL", True),
    ("HGB", "8.5", "g/L", True),  # mmol/L typed in g/L
    ("ALB", "3.5", "g/L", True),  # g/dL typed in g/L
    ("ALB", "3.5", "g/dL", False),
    ("CREAT", "0.9", "umol/L", True),  # mg/dL typed in µmol/L
    ("CREAT", "0.9", "mg/dL", False),
    ("GLUC", "2702.4", "mg/dL", False),  # exactly 150 mmol/L (÷ 18.016)
    ("GLUC", "2702.5", "mg/dL", True),
    ("SODIUM", "90", "mEq/L", False),
    ("SODIUM", "14", "mmol/L", True),
    ("SODIUM", "1400", "mmol/L", True),
    ("K", "45", "mmol/L", True),
    ("INR", "0.11", "INR", True),
    ("INR", "1.1", "ratio", False),
], ids=lambda v: str(v))
def test_values_in_the_wrong_unit_or_with_a_slipped_digit(test, value, unit, refused):
    assert (limit_refusal(test, Decimal(value), unit) is not None) is refused


def test_the_reason_names_the_value_the_range_and_the_converted_value():
    assert limit_refusal("PLAT", "150000", "10^9/L") == (
        "150000 10^9/L is outside the physical range 0-5000 10^9/L: another unit, or a "
        "slipped digit?")
    assert limit_refusal("BILI", "300", "mg/dL") == (
        "300 mg/dL (5130 umol/L) is outside the physical range 0-1500 umol/L: another unit, "
        "or a slipped digit?")


def test_an_unknown_test_or_unit_is_not_a_question_of_limits():
    with pytest.raises(ClinicalDataError, match="not a test graded here"):
        limit_refusal("TSH", "2", "mU/L")
    with pytest.raises(ClinicalDataError, match="not a unit of HGB"):
        limit_refusal("HGB", "8", "mmol/L")


@pytest.mark.parametrize(("name", "inside", "outside"), [
    ("age_years", (18, 120), (17, 121)),
    ("weight_kg", (Decimal(20), Decimal(350)), (Decimal("19.9"), Decimal("350.1"))),
    ("height_cm", (Decimal(100), Decimal(250)), (Decimal("99.9"), Decimal("250.1"))),
    ("max_tumour_size_mm", (Decimal(0), Decimal(300)), (Decimal("300.1"),)),
])
def test_baseline_measurements_at_their_ends(name, inside, outside):
    for value in inside:
        assert measure_refusal(name, value) is None
    for value in outside:
        assert "outside the physical range" in measure_refusal(name, value)
    assert MEASURE_LIMITS[name].why


def test_a_measurement_without_a_limit_is_refused():
    with pytest.raises(ClinicalDataError, match="has no physical limit"):
        measure_refusal("afp_ng_ml", 5)


def test_known_units_put_the_grading_unit_first_and_never_offer_an_empty_unit():
    assert known_units("plat") == ("10^9/L", "10^3/uL", "1000/mm3", "10^3/mm3")
    assert known_units("INR") == ("ratio", "INR")
    assert known_units("GLUC") == ("mmol/L", "mg/dL")
    for test in TESTS:
        assert known_units(test)[0] == GRADING_UNITS[test]
