"""The lab inclusion criteria (docs/clinical.md §4): inclusive thresholds, met / not met /
not evaluable with a sentence."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.clinical import (
    ScreeningLabs,
    Status,
    age_criterion,
    alt_criterion,
    anc_criterion,
    ast_criterion,
    bilirubin_criterion,
    child_pugh_criterion,
    cockcroft_gault,
    crcl_criterion,
    inr_criterion,
    lab_criteria,
    platelets_criterion,
)

MET, NOT_MET, NE = Status.MET, Status.NOT_MET, Status.NOT_EVALUABLE


@pytest.mark.parametrize(("criterion", "status"), [
    pytest.param(anc_criterion("1.5"), MET, id="ANC-exactly-1.5-met"),
    pytest.param(anc_criterion("1.49"), NOT_MET, id="ANC-below-1.5-not-met"),
    pytest.param(anc_criterion("1.5", "10^3/uL"), MET, id="ANC-10^3/uL"),
    pytest.param(anc_criterion(None), NE, id="ANC-not-given"),
    pytest.param(platelets_criterion("75"), MET, id="platelets-exactly-75-met"),
    pytest.param(platelets_criterion("74.9"), NOT_MET, id="platelets-below-75-not-met"),
    pytest.param(bilirubin_criterion("30", "20"), MET, id="bili-exactly-1.5xULN-met"),
    pytest.param(bilirubin_criterion("30.1", "20"), NOT_MET, id="bili-above-1.5xULN-not-met"),
    pytest.param(bilirubin_criterion("30", None), NE, id="bili-no-ULN"),
    pytest.param(alt_criterion("100", "40"), MET, id="ALT-exactly-2.5xULN-met"),
    pytest.param(alt_criterion("101", "40"), NOT_MET, id="ALT-above-2.5xULN-not-met"),
    pytest.param(ast_criterion("100", "40"), MET, id="AST-exactly-2.5xULN-met"),
    pytest.param(ast_criterion("100.01", "40"), NOT_MET, id="AST-above-2.5xULN-not-met"),
    pytest.param(crcl_criterion("60"), MET, id="CrCl-exactly-60-met"),
    pytest.param(crcl_criterion("59.99"), NOT_MET, id="CrCl-below-60-not-met"),
    pytest.param(inr_criterion("1.5", "1.0"), MET, id="INR-exactly-1.5xULN-met"),
    pytest.param(inr_criterion("1.51", "1.0"), NOT_MET, id="INR-above-1.5xULN-not-met"),
    pytest.param(child_pugh_criterion(7), MET, id="Child-Pugh-7-met"),
    pytest.param(child_pugh_criterion(8), NOT_MET, id="Child-Pugh-8-not-met"),
    pytest.param(age_criterion(18), MET, id="age-18-met"),
    pytest.param(age_criterion(75), MET, id="age-75-met"),
    pytest.param(age_criterion(17), NOT_MET, id="age-17-not-met"),
    pytest.param(age_criterion(76), NOT_MET, id="age-76-not-met"),
    pytest.param(age_criterion(None), NE, id="age-not-given"),
])
def test_lab_inclusion_criterion(criterion, status):
    assert criterion.status is status
    assert criterion.reason  # a sentence, always


def test_reasons_say_the_values_and_the_threshold():
    assert platelets_criterion("74").reason == "platelet count 74 × 10^9/L < 75 × 10^9/L"
    assert bilirubin_criterion("31", "20").reason == (
        "total bilirubin 31 > 1.5 × ULN 20 = 30.0")
    assert inr_criterion("1.2", None).reason == "no ULN of the INR given"


def test_all_lab_criteria_in_the_protocols_order():
    labs = ScreeningLabs(anc="2.0", platelets="120", bilirubin="15", bilirubin_uln="20",
                         alt="45", alt_uln="40", ast="50", ast_uln="40", crcl_ml_min="85",
                         inr="1.1", inr_uln="1.1", child_pugh_score=6, age_years=58)
    results = lab_criteria(labs)
    assert [r.status for r in results] == [MET] * 9
    assert [r.name for r in results][:2] == ["Child-Pugh score ≤ 7", "age 18-75"]
    assert all(r.status is NE for r in lab_criteria(ScreeningLabs()))


def test_a_computed_clearance_reads_in_plain_digits_never_rounded_up_to_the_minimum():
    crcl = cockcroft_gault(61, "72", "M", "1.1", "mg/dL")  # 71.818… mL/min
    assert crcl_criterion(crcl).reason == ("creatinine clearance 71.81 mL/min ≥ 60 mL/min")
    assert crcl_criterion(Decimal("59.996")).reason == (
        "creatinine clearance 59.99 mL/min < 60 mL/min")
    assert crcl_criterion(Decimal("100")).reason == (
        "creatinine clearance 100 mL/min ≥ 60 mL/min")
