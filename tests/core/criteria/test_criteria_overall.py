"""Overall response: every row of RECIST 1.1 Tables 1 and 2 (docs/criteria.md §6)."""

from __future__ import annotations

import pytest
from criteria_builders import case, lung, missed, new_lesion, non_target, responses, run, timepoint

from core.criteria import NewLesionStatus, ResponseCategory
from core.criteria.overall import overall_with_targets, overall_without_targets

R = ResponseCategory
N = NewLesionStatus
NON_CR = R.NON_CR_NON_PD

# (target, non-target, new lesions, overall): RECIST 1.1 Table 1, used by mRECIST too (LL2010).
TABLE_1 = [
    pytest.param(R.CR, R.CR, N.NO, R.CR, id="RECIST11-T1-row1-CR-CR-no-is-CR"),
    pytest.param(R.CR, R.ND, N.NO, R.CR, id="RECIST11-T1-row1-CR-ND-no-is-CR"),
    pytest.param(R.CR, NON_CR, N.NO, R.PR, id="RECIST11-T1-row2-CR-nonCR-no-is-PR"),
    pytest.param(R.CR, R.NE, N.NO, R.PR, id="RECIST11-T1-row3-CR-NE-no-is-PR"),
    pytest.param(R.PR, NON_CR, N.NO, R.PR, id="RECIST11-T1-row4-PR-nonCR-no-is-PR"),
    pytest.param(R.PR, R.NE, N.NO, R.PR, id="RECIST11-T1-row4-PR-NE-no-is-PR"),
    pytest.param(R.PR, R.ND, N.NO, R.PR, id="RECIST11-T1-row4-PR-ND-no-is-PR"),
    pytest.param(R.PR, R.CR, N.NO, R.PR, id="RECIST11-T1-row4-PR-CR-no-is-PR"),
    pytest.param(R.SD, NON_CR, N.NO, R.SD, id="RECIST11-T1-row5-SD-nonCR-no-is-SD"),
    pytest.param(R.SD, R.NE, N.NO, R.SD, id="RECIST11-T1-row5-SD-NE-no-is-SD"),
    pytest.param(R.SD, R.ND, N.NO, R.SD, id="RECIST11-T1-row5-SD-ND-no-is-SD"),
    pytest.param(R.SD, R.CR, N.NO, R.SD, id="RECIST11-T1-row5-SD-CR-no-is-SD"),
    pytest.param(R.NE, NON_CR, N.NO, R.NE, id="RECIST11-T1-row6-NE-nonCR-no-is-NE"),
    pytest.param(R.NE, R.CR, N.NO, R.NE, id="RECIST11-T1-row6-NE-CR-no-is-NE"),
    pytest.param(R.NE, R.NE, N.NO, R.NE, id="RECIST11-T1-row6-NE-NE-no-is-NE"),
    pytest.param(R.PD, R.CR, N.NO, R.PD, id="RECIST11-T1-row7-PD-any-any-is-PD"),
    pytest.param(R.PD, R.NE, N.YES, R.PD, id="RECIST11-T1-row7-PD-NE-yes-is-PD"),
    pytest.param(R.CR, R.PD, N.NO, R.PD, id="RECIST11-T1-row8-any-PD-any-is-PD"),
    pytest.param(R.NE, R.PD, N.NO, R.PD, id="RECIST11-T1-row8-NE-PD-is-PD"),
    pytest.param(R.CR, R.CR, N.YES, R.PD, id="RECIST11-T1-row9-any-any-yes-is-PD"),
    pytest.param(R.NE, R.NE, N.YES, R.PD, id="RECIST11-T1-row9-NE-NE-yes-is-PD"),
    pytest.param(R.CR, R.CR, N.EQUIVOCAL, R.CR, id="RECIST11-4.3.2-equivocal-new-is-not-PD"),
    pytest.param(R.SD, NON_CR, N.EQUIVOCAL, R.SD, id="RECIST11-4.3.2-equivocal-keeps-SD"),
]

# (non-target, new lesions, overall) without target lesions: RECIST 1.1 Table 2.
TABLE_2 = [
    pytest.param(R.CR, N.NO, R.CR, id="RECIST11-T2-row1-CR-no-is-CR"),
    pytest.param(NON_CR, N.NO, NON_CR, id="RECIST11-T2-row2-nonCR-no-is-nonCR"),
    pytest.param(R.NE, N.NO, R.NE, id="RECIST11-T2-row3-NE-no-is-NE"),
    pytest.param(R.PD, N.NO, R.PD, id="RECIST11-T2-row4-PD-any-is-PD"),
    pytest.param(R.CR, N.YES, R.PD, id="RECIST11-T2-row5-any-yes-is-PD"),
    pytest.param(NON_CR, N.EQUIVOCAL, NON_CR, id="RECIST11-T2-equivocal-new-is-not-PD"),
]


@pytest.mark.parametrize(("target", "non_target_response", "new", "overall"), TABLE_1)
def test_table_1(target, non_target_response, new, overall):
    assert overall_with_targets(target, non_target_response, new) is overall


@pytest.mark.parametrize(("non_target_response", "new", "overall"), TABLE_2)
def test_table_2(non_target_response, new, overall):
    assert overall_without_targets(non_target_response, new) is overall


def _target_case(fu_target: dict, fu_non_target: str | None, new: list | None = None) -> dict:
    nts = [non_target()] if fu_non_target else []
    fu_nts = [non_target(nt_state=fu_non_target)] if fu_non_target else []
    return case(
        timepoint("Baseline", 0, target=[lung("T1", 40)], non_target=nts),
        timepoint("FU1", 42, target=[fu_target], non_target=fu_nts, new=new or []),
    )


GONE = {"id": "T1", "organ": "lung", "state": "disappeared"}
NE = {"id": "T1", "organ": "lung", "state": "not_evaluable"}


@pytest.mark.parametrize(
    ("data", "overall"),
    [
        pytest.param(_target_case(GONE, "absent"), "CR", id="RECIST11-T1-row1-end-to-end"),
        pytest.param(_target_case(GONE, None), "CR", id="RECIST11-T1-row1-ND-end-to-end"),
        pytest.param(_target_case(GONE, "present"), "PR", id="RECIST11-T1-row2-end-to-end"),
        pytest.param(_target_case(GONE, "not_evaluable"), "PR", id="RECIST11-T1-row3-end-to-end"),
        pytest.param(_target_case(lung("T1", 20), "present"), "PR", id="RECIST11-T1-row4-e2e"),
        pytest.param(_target_case(lung("T1", 35), "not_evaluable"), "SD", id="RECIST11-T1-row5"),
        pytest.param(_target_case(NE, "present"), "NE", id="RECIST11-T1-row6-end-to-end"),
        pytest.param(_target_case(lung("T1", 50), "absent"), "PD", id="RECIST11-T1-row7-e2e"),
        pytest.param(_target_case(GONE, "progressed"), "PD", id="RECIST11-T1-row8-end-to-end"),
        pytest.param(
            _target_case(GONE, "absent", [new_lesion()]), "PD", id="RECIST11-T1-row9-end-to-end"
        ),
    ],
)
@pytest.mark.parametrize("criteria", ["mRECIST", "RECIST1.1"])
def test_table_1_end_to_end(data, overall, criteria):
    assert responses(run(data, criteria)) == [overall]


@pytest.mark.parametrize(
    ("fu_state", "new", "overall"),
    [
        pytest.param("absent", [], "CR", id="RECIST11-T2-CR-end-to-end"),
        pytest.param("present", [], "NON-CR/NON-PD", id="RECIST11-T2-nonCR-end-to-end"),
        pytest.param("not_evaluable", [], "NE", id="RECIST11-T2-NE-end-to-end"),
        pytest.param("progressed", [], "PD", id="RECIST11-T2-PD-end-to-end"),
        pytest.param("present", [new_lesion()], "PD", id="RECIST11-T2-new-end-to-end"),
    ],
)
def test_table_2_end_to_end(fu_state, new, overall):
    data = case(
        timepoint("Baseline", 0, non_target=[non_target()]),
        timepoint("FU1", 42, non_target=[non_target(nt_state=fu_state)], new=new),
    )
    result = run(data)
    assert responses(result) == [overall]
    assert result.timepoints[1].target is None
    assert result.baseline_sum_mm is None
    assert "RECIST 1.1 Table 2" in result.timepoints[1].overall.reason


def test_a_missed_assessment_is_ne():
    data = case(
        timepoint("Baseline", 0, target=[lung("T1", 40)]),
        missed("FU1", 42),
        timepoint("FU2", 84, target=[lung("T1", 20)]),
    )
    result = run(data)
    assert responses(result) == ["NE", "PR"]
    row = result.timepoints[1]
    assert row.not_assessed
    assert (row.sum_mm, row.target, row.non_target, row.new_lesions) == (None, None, None, None)
    assert row.reasons == ("overall NE: the timepoint was not assessed",)


def test_overall_reason_names_the_components_and_table():
    result = run(_target_case(GONE, "present"))
    assert result.timepoints[1].overall.reason == (
        "overall PR: target CR, non-target NON-CR/NON-PD and no new lesion (RECIST 1.1 Table 1)"
    )
