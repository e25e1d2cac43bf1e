"""Non-target response (docs/criteria.md §4)."""

from __future__ import annotations

import pytest
from criteria_builders import case, lung, non_target, responses, run, timepoint

from core.criteria import Criteria, NonTargetLesion, ResponseCategory
from core.criteria.non_targets import assess_non_targets

R = ResponseCategory


def _nt(lesion_id: str, nt_state: str, kind: str | None = None, **extra) -> NonTargetLesion:
    return NonTargetLesion(lesion_id, "peritoneum", nt_state, kind=kind, **extra)


@pytest.mark.parametrize(
    ("lesions", "expected"),
    [
        pytest.param([_nt("NT1", "present")], R.NON_CR_NON_PD, id="RECIST11-4.3.3-persists"),
        pytest.param([_nt("NT1", "absent")], R.CR, id="RECIST11-4.3.3-all-absent-is-CR"),
        pytest.param(
            [_nt("NT1", "absent"), _nt("NT2", "present")],
            R.NON_CR_NON_PD,
            id="RECIST11-4.3.3-one-persists-is-non-CR",
        ),
        pytest.param([_nt("NT1", "progressed")], R.PD, id="RECIST11-4.3.3-progression-is-PD"),
        pytest.param(
            [_nt("NT1", "progressed"), _nt("NT2", "not_evaluable")],
            R.PD,
            id="RECIST11-4.3.3-PD-before-NE",
        ),
        pytest.param(
            [_nt("NT1", "absent"), _nt("NT2", "not_evaluable")],
            R.NE,
            id="RECIST11-4.3.3-NE-before-CR",
        ),
        pytest.param(
            [_nt("NT1", "present"), _nt("NT2", "not_evaluable")],
            R.NE,
            id="RECIST11-4.3.3-NE-before-non-CR",
        ),
    ],
)
@pytest.mark.parametrize("criteria", list(Criteria))
def test_non_target_response_in_its_order(lesions, expected, criteria):
    assessment = assess_non_targets(lesions, criteria=criteria, has_baseline_non_targets=True)
    assert assessment.category is expected


def test_no_baseline_non_targets_is_nd():
    assessment = assess_non_targets([], criteria=Criteria.MRECIST, has_baseline_non_targets=False)
    assert assessment.category is R.ND
    assert assessment.reason == "non-target ND: no non-target lesions at baseline"


@pytest.mark.parametrize(
    ("kind", "cytology", "expected"),
    [
        pytest.param("ascites", False, R.NON_CR_NON_PD, id="LL2010-ascites-without-cytology"),
        pytest.param("ascites", True, R.PD, id="LL2010-ascites-with-cytology-is-PD"),
        pytest.param("effusion", False, R.NON_CR_NON_PD, id="JNCI2008-effusion-without-cytology"),
        pytest.param("effusion", True, R.PD, id="JNCI2008-effusion-with-cytology-is-PD"),
        pytest.param("tumour_thrombus", False, R.PD, id="LL2010-thrombus-needs-no-cytology"),
    ],
)
@pytest.mark.parametrize("criteria", list(Criteria))
def test_effusion_progresses_only_with_cytology(kind, cytology, expected, criteria):
    lesion = _nt("NT1", "progressed", kind=kind, cytology_confirmed=cytology)
    assessment = assess_non_targets([lesion], criteria=criteria, has_baseline_non_targets=True)
    assert assessment.category is expected


def test_uncounted_effusion_is_explained_and_cited():
    lesion = _nt("NT2", "progressed", kind="effusion")
    assessment = assess_non_targets(
        [_nt("NT1", "present"), lesion], criteria=Criteria.MRECIST, has_baseline_non_targets=True
    )
    assert "NT2 (effusion) is not progression without cytology" in assessment.reason
    assert {"LL2010", "JNCI2008"} <= set(assessment.rule_refs)


def test_non_target_pd_makes_the_overall_response_pd_end_to_end():
    data = case(
        timepoint("Baseline", 0, target=[lung("T1", 40)], non_target=[non_target()]),
        timepoint(
            "FU1", 42, target=[lung("T1", 20)], non_target=[non_target(nt_state="progressed")]
        ),
    )
    result = run(data)
    assert result.timepoints[1].target.category is R.PR
    assert responses(result) == ["PD"]
    assert result.progression is not None
    assert result.progression.label == "FU1"
