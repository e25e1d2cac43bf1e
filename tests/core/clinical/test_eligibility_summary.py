"""The overall eligibility line (docs/clinical.md §4a): not met before incomplete before
eligible, at the boundaries of the computed criteria (exactly 75 platelets met, 74.9 not)."""

from __future__ import annotations

import pytest

from core.clinical import (
    ScreeningLabs,
    Status,
    Verdict,
    eligibility_summary,
    lab_criteria,
    platelets_criterion,
)
from core.clinical.eligibility_summary import NOTHING_CHECKED
from core.model.clinical_record import CriterionStatus, Eligibility

MET, NOT_MET, NA = CriterionStatus.MET, CriterionStatus.NOT_MET, CriterionStatus.NOT_APPLICABLE
CHECKED = (Eligibility("IN01", MET, "first diagnosis"), Eligibility("EX07", MET))
# Every computed criterion evaluable and met, each at its bound.
AT_BOUNDS = ScreeningLabs(anc="1.5", platelets="75", bilirubin="30", bilirubin_uln="20",
                          alt="100", alt_uln="40", ast="100", ast_uln="40",
                          crcl_ml_min="60", inr="1.5", inr_uln="1.0", child_pugh_score=7,
                          age_years=75)


def _labs(**changed: object) -> ScreeningLabs:
    values = {name: getattr(AT_BOUNDS, name) for name in AT_BOUNDS.__slots__}
    values.update(changed)
    return ScreeningLabs(**values)  # type: ignore[arg-type]


def test_every_criterion_met_at_its_bound_is_eligible():
    computed = lab_criteria(AT_BOUNDS)
    assert {c.status for c in computed} == {Status.MET}
    summary = eligibility_summary(CHECKED, computed)
    assert summary.verdict is Verdict.ELIGIBLE
    assert summary.text == "eligible: all criteria met"
    assert (summary.not_met, summary.missing) == ((), ())


def test_a_checked_criterion_not_applicable_is_no_obstacle():
    checked = (*CHECKED, Eligibility("EX11", NA, "no portal vein occlusion to judge"))
    assert eligibility_summary(checked, lab_criteria(AT_BOUNDS)).verdict is Verdict.ELIGIBLE


@pytest.mark.parametrize(("labs", "name"), [
    pytest.param(_labs(platelets="74.9"), "platelets ≥ 75 × 10^9/L", id="platelets-74.9"),
    pytest.param(_labs(child_pugh_score=8), "Child-Pugh score ≤ 7", id="child-pugh-8"),
    pytest.param(_labs(age_years=76), "age 18-75", id="age-76"),
    pytest.param(_labs(crcl_ml_min="59.99"), "creatinine clearance ≥ 60 mL/min",
                 id="crcl-59.99"),
])
def test_one_computed_criterion_not_met_is_not_eligible(labs, name):
    summary = eligibility_summary(CHECKED, lab_criteria(labs))
    assert summary.verdict is Verdict.NOT_ELIGIBLE
    assert summary.text == f"not eligible: {name}"


def test_every_criterion_not_met_is_named_checked_first():
    checked = (*CHECKED, Eligibility("IN02", NOT_MET, "Child-Pugh B"))
    computed = (platelets_criterion("60"), *lab_criteria(_labs(platelets=None))[4:])
    summary = eligibility_summary(checked, computed)
    assert summary.text == "not eligible: IN02, platelets ≥ 75 × 10^9/L"


def test_not_met_wins_over_incomplete_and_keeps_what_is_missing():
    checked = (Eligibility("IN02", NOT_MET),)
    summary = eligibility_summary(checked, lab_criteria(_labs(anc=None)))
    assert summary.verdict is Verdict.NOT_ELIGIBLE
    assert summary.not_met == ("IN02",)
    assert summary.missing == ("no ANC given",)


def test_a_computed_criterion_not_evaluable_is_incomplete_with_its_reason():
    summary = eligibility_summary(CHECKED, lab_criteria(_labs(anc=None, inr_uln=None)))
    assert summary.verdict is Verdict.INCOMPLETE
    assert summary.text == "incomplete: no ANC given; no ULN of the INR given"


def test_nothing_checked_is_incomplete_even_with_every_lab_met():
    summary = eligibility_summary((), lab_criteria(AT_BOUNDS))
    assert summary.verdict is Verdict.INCOMPLETE
    assert summary.text == f"incomplete: {NOTHING_CHECKED}"


def test_nothing_at_all_is_incomplete_naming_everything_missing():
    summary = eligibility_summary((), lab_criteria(ScreeningLabs()))
    assert summary.verdict is Verdict.INCOMPLETE
    assert summary.missing[0] == NOTHING_CHECKED
    assert len(summary.missing) == 1 + 9
