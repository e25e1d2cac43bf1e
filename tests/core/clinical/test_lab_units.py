"""Units converted to the grading units of CTCAE v4.03 (docs/clinical.md §2), exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.clinical import ClinicalDataError, to_grading_unit
from core.errors import CoreError


@pytest.mark.parametrize(("test", "value", "unit", "expected"), [
    pytest.param("PLAT", "75", "10^9/L", "75", id="counts-10^9/L"),
    pytest.param("PLAT", "75", "10^3/uL", "75", id="counts-10^3/uL-equal"),
    pytest.param("NEUT", "1.5", "10^3/µL", "1.5", id="counts-micro-sign"),
    pytest.param("WBC", "3.0", "1000/mm3", "3.0", id="counts-1000/mm3-equal"),
    pytest.param("LYM", "0.8", "x10^9/L", "0.8", id="counts-x10^9/L-spelling"),
    pytest.param("HGB", "10", "g/dL", "100", id="HGB-g/dL-x10"),
    pytest.param("ALB", "3.5", "g/dL", "35.0", id="ALB-g/dL-x10"),
    pytest.param("BILI", "1", "mg/dL", "17.1", id="BILI-mg/dL-x17.1"),
    pytest.param("CREAT", "1", "mg/dL", "88.4", id="CREAT-mg/dL-x88.4"),
    pytest.param("GLUC", "160.3424", "mg/dL", "8.9", id="GLUC-mg/dL-div-18.016"),
    pytest.param("SODIUM", "130", "mEq/L", "130", id="SODIUM-mEq-equals-mmol"),
    pytest.param("K", "5.5", "mmol/L", "5.5", id="K-mmol/L"),
    pytest.param("INR", "1.2", "", "1.2", id="INR-no-unit"),
    pytest.param("AST", "40", "IU/L", "40", id="AST-IU/L"),
    pytest.param("bili", "1", " MG/DL ", "17.1", id="case-and-spaces-ignored"),
])
def test_converted_to_the_grading_unit(test, value, unit, expected):
    assert to_grading_unit(test, Decimal(value), unit) == Decimal(expected)


def test_glucose_in_mg_dl_is_exact_at_the_grade_2_threshold():
    # 8.9 mmol/L × 18.016 = 160.3424 mg/dL: back to exactly 8.9, not 8.8999…
    assert str(to_grading_unit("GLUC", Decimal("160.3424"), "mg/dL")) == "8.9"


@pytest.mark.parametrize(("test", "unit", "words"), [
    pytest.param("PLAT", "g/L", ["PLAT unit", "'g/L'", "10^9/L"], id="count-in-g/L"),
    pytest.param("HGB", "mmol/L", ["HGB unit", "'mmol/L'", "g/L"], id="HGB-mmol/L-not-known"),
    pytest.param("BILI", "mg/L", ["BILI unit", "umol/L"], id="BILI-mg/L"),
])
def test_an_unknown_unit_is_refused_naming_test_and_unit(test, unit, words):
    with pytest.raises(ClinicalDataError) as raised:
        to_grading_unit(test, Decimal(1), unit)
    assert isinstance(raised.value, CoreError)
    assert all(word in str(raised.value) for word in words), str(raised.value)


def test_an_unknown_test_is_refused_with_the_tests_known():
    with pytest.raises(ClinicalDataError, match=r"test: not a test graded here .*PLAT.*'XYZ'"):
        to_grading_unit("XYZ", Decimal(1), "U/L")
