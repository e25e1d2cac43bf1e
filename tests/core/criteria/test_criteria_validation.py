"""Errors that stop evaluation and warnings that do not (docs/criteria.md §8; case format)."""

from __future__ import annotations

import pytest
from criteria_builders import (
    case,
    liver,
    lung,
    new_lesion,
    node,
    non_target,
    run,
    state,
    timepoint,
)

from core.criteria import CaseError, case_from_data, evaluate, validate_case
from core.errors import CoreError


def _problems(data: dict, criteria: str | None = None) -> list[str]:
    with pytest.raises(CaseError) as caught:
        run(data, criteria)
    return [str(problem) for problem in caught.value.problems]


LIVER_WITHOUT_VIABLE = {"id": "T1", "organ": "liver", "longest_mm": 30}


def _base(**extra) -> dict:
    return timepoint("Baseline", 0, target=[lung("T1", 40), lung("T2", 20)], **extra)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            case(_base(), timepoint("FU1", 42, target=[lung("T1", 30)])),
            "/timepoints/1/target: baseline target 'T2' is missing; every baseline target "
            "must be recorded at every assessed timepoint (state 'not_evaluable' if it could "
            "not be assessed)",
            id="case-format-baseline-target-missing-at-follow-up",
        ),
        pytest.param(
            case(_base(), timepoint("FU1", 0, target=[lung("T1", 30), lung("T2", 20)])),
            "/timepoints/1/date: 2022-01-03 is not after 2022-01-03 (/timepoints/0/date); "
            "timepoints must be in strictly increasing date order",
            id="criteria-8-dates-strictly-increasing",
        ),
        pytest.param(
            case(
                timepoint("Baseline", 0, target=[lung("T1", 40), lung("T1", 20)]),
            ),
            "/timepoints/0/target/1/id: duplicate id 'T1' (also /timepoints/0/target/0/id)",
            id="case-format-duplicate-ids",
        ),
        pytest.param(
            case(
                timepoint("Baseline", 0, target=[lung("T1", 40)], non_target=[non_target("T1")]),
            ),
            "/timepoints/0/non_target/0/id: duplicate id 'T1' (also /timepoints/0/target/0/id)",
            id="case-format-duplicate-ids-across-lists",
        ),
        pytest.param(
            case(timepoint("Baseline", 0)),
            "/timepoints/0: a subject needs at least one target or non-target lesion at baseline",
            id="criteria-8-at-least-one-lesion",
        ),
        pytest.param(
            case(
                _base(),
                timepoint("FU1", 42, target=[lung("T1", 30), lung("T2", 20), lung("T3", 9)]),
            ),
            "/timepoints/1/target/2/id: 'T3' is not a baseline target; targets are chosen at "
            "baseline and a lesion that appears later goes in 'new'",
            id="case-format-targets-chosen-at-baseline",
        ),
        pytest.param(
            case(
                _base(),
                timepoint(
                    "FU1", 42, target=[lung("T1", 30), lung("T2", 20)], new=[new_lesion("T2")]
                ),
            ),
            "/timepoints/1/new/0/id: duplicate id 'T2' (also /timepoints/1/target/1/id)",
            id="case-format-new-lesion-reuses-target-id",
        ),
        pytest.param(
            case(
                timepoint("Baseline", 0, target=[state("T1", "lung", "too_small")]),
            ),
            "/timepoints/0/target/0/state: a baseline target must be measured, not 'too_small'",
            id="criteria-8-baseline-target-measured",
        ),
        pytest.param(
            case(_base(), timepoint("Baseline", 42, target=[lung("T1", 30), lung("T2", 20)])),
            "/timepoints/1/label: duplicate label 'Baseline' (also /timepoints/0/label)",
            id="case-format-labels-unique",
        ),
        pytest.param(
            case(_base(new=[new_lesion()])),
            "/timepoints/0/new/0: new lesions cannot be recorded at baseline",
            id="case-format-no-new-lesions-at-baseline",
        ),
        pytest.param(
            case(
                timepoint("Baseline", 0, target=[lung("T1", 40)]),
                timepoint("FU1", 42, target=[{"id": "T1", "organ": "liver", "viable_mm": 3}]),
            ),
            "/timepoints/1/target/0/organ: 'liver' differs from 'lung' at baseline",
            id="case-format-same-id-same-lesion",
        ),
        pytest.param(
            case(timepoint("Baseline", 0, target=[LIVER_WITHOUT_VIABLE])),
            "/timepoints/0/target/0: missing 'viable_mm', which a measured liver target needs "
            "under mRECIST",
            id="LL2010-mRECIST-measures-viable-tumour",
        ),
        pytest.param(
            case(
                timepoint("Baseline", 0, target=[lung("T1", 40)]),
                timepoint("FU1", 42, target=[lung("T1", 40)], new=[new_lesion("N1", "liver")]),
            ),
            "/timepoints/1/new/0: missing 'longest_mm', which mRECIST needs to decide whether "
            "a new liver nodule is new HCC (10 mm rule)",
            id="LL2010-new-liver-nodule-needs-size",
        ),
        pytest.param(
            case(timepoint("Baseline", 0, target=[lung("T1", 0)])),
            "/timepoints/0/target: the baseline sum is 0 mm; at least one target must have a "
            "measurable size",
            id="criteria-3-baseline-sum-above-0",
        ),
        pytest.param(
            case(timepoint("Baseline", 0, non_target=[non_target(nt_state="absent")])),
            "/timepoints/0/non_target/0/state: a baseline non-target must be 'present', not "
            "'absent'",
            id="criteria-4-baseline-non-target-present",
        ),
    ],
)  # fmt: skip
def test_invalid_cases_name_the_pointer_and_the_problem(data, expected):
    assert expected in _problems(data)


def test_every_problem_is_reported_in_document_order():
    data = case(
        _base(),
        timepoint("FU1", 42, target=[lung("T1", 30)]),
        timepoint("FU2", 10, target=[lung("T1", 30), lung("T2", 20), lung("T2", 20)]),
    )
    problems = _problems(data)
    assert [problem.split(":")[0] for problem in problems] == [
        "/timepoints/1/target",
        "/timepoints/2/date",
        "/timepoints/2/target/2/id",
    ]


def test_measurement_requirements_depend_on_the_criteria():
    data = case(timepoint("Baseline", 0, target=[LIVER_WITHOUT_VIABLE]))
    assert run(data, "RECIST1.1").baseline_sum_mm == 30
    parsed = case_from_data(data)
    assert validate_case(parsed, "RECIST1.1") == ()
    assert len(validate_case(parsed)) == 1


def test_case_error_is_a_core_error_and_a_value_error():
    with pytest.raises(CaseError) as caught:
        run(case(timepoint("Baseline", 0)))
    assert isinstance(caught.value, CoreError)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith("/timepoints/0: a subject needs")


def _warnings(*targets: dict, criteria: str = "mRECIST", options: dict | None = None) -> tuple:
    data = case(timepoint("Baseline", 0, target=list(targets)), criteria=criteria, options=options)
    return run(data).warnings


@pytest.mark.parametrize(
    ("targets", "criteria", "fragment"),
    [
        pytest.param(
            [liver("T1", 30), liver("T2", 30), liver("T3", 30)], "mRECIST",
            "baseline has 3 targets in liver (T1, T2, T3); at most 2 per organ",
            id="RECIST11-4.2-two-per-organ",
        ),
        pytest.param(
            [node("T1", 20), node("T2", 20, location="hilar"), node("T3", 20)],
            "RECIST1.1", "baseline has 3 targets in lymph_node",
            id="RECIST11-4.2-all-nodes-one-organ",
        ),
        pytest.param(
            [{"id": "T1", "organ": "left_lung", "longest_mm": 20},
             {"id": "T2", "organ": "right_lung", "longest_mm": 20},
             {"id": "T3", "organ": "lung_left", "longest_mm": 20}],
            "RECIST1.1", "baseline has 3 targets in lung",
            id="EORTC-FAQ-paired-organs-are-one-organ",
        ),
        pytest.param(
            [lung(f"T{i}", 20, organ=organ) for i, organ in
             enumerate(["lung", "bone", "adrenal", "peritoneum", "spleen", "kidney"], start=1)],
            "RECIST1.1", "baseline has 6 targets; at most 5 are allowed",
            id="RECIST11-4.2-five-in-total",
        ),
        pytest.param(
            [liver("T1", "9.9", 30)], "mRECIST",
            "baseline target T1 has viable diameter 9.9 mm, too small for a target",
            id="LL2010-viable-below-10mm-too-small",
        ),
        pytest.param(
            [lung("T1", "9.9")], "RECIST1.1",
            "baseline target T1 has longest diameter 9.9 mm, too small for a target",
            id="RECIST11-3.1.1-below-10mm-too-small",
        ),
        pytest.param(
            [node("T1", "14.9")], "RECIST1.1",
            "baseline target node T1 has short axis 14.9 mm, below the 15.0 mm a target node",
            id="RECIST11-3.1.1-node-below-15mm",
        ),
        pytest.param(
            [node("T1", "19.9", porta_hepatis=True)], "mRECIST",
            "porta hepatis nodes count as malignant only from 20.0 mm (LL2010, JNCI2008)",
            id="LL2010-porta-hepatis-node-below-20mm",
        ),
        pytest.param(
            [liver("T1", 30, previously_treated=True)], "mRECIST",
            "baseline target T1 was treated locoregionally before baseline",
            id="LL2010-previously-treated-target",
        ),
    ],
)  # fmt: skip
def test_baseline_warnings(targets, criteria, fragment):
    warnings = _warnings(*targets, criteria=criteria)
    assert any(fragment in warning for warning in warnings), warnings


@pytest.mark.parametrize(
    ("targets", "criteria"),
    [
        pytest.param([liver("T1", 10, 30), liver("T2", 30)], "mRECIST", id="LL2010-10mm-ok"),
        pytest.param([node("T1", 15)], "RECIST1.1", id="RECIST11-3.1.1-node-15mm-ok"),
        pytest.param([node("T1", 20, porta_hepatis=True)], "mRECIST", id="LL2010-porta-20mm-ok"),
        pytest.param(
            [node("T1", 17, porta_hepatis=True)], "RECIST1.1", id="porta-rule-is-mRECIST"
        ),
    ],
)
def test_no_warning_at_the_thresholds(targets, criteria):
    assert _warnings(*targets, criteria=criteria) == ()


def test_target_limits_are_options():
    targets = [liver("T1", 30), liver("T2", 30), liver("T3", 30)]
    assert _warnings(*targets, options={"max_targets_per_organ": 3}) == ()
    assert any(
        "at most 2 are allowed" in w for w in _warnings(*targets, options={"max_targets": 2})
    )


def test_contradictory_recordings_warn_but_do_not_stop():
    data = case(
        timepoint("Baseline", 0, target=[liver("T1", 50, 40)]),
        timepoint("FU1", 42, target=[state("T1", "liver", "disappeared", longest_mm=12)]),
    )
    warnings = run(data).warnings
    assert "T1 at Baseline: viable_mm 50.0 exceeds longest_mm 40.0" in warnings[0]
    assert warnings[1].startswith("T1 at FU1 is recorded 'disappeared' with longest_mm 12.0")


def test_evaluate_accepts_a_case_built_in_python():
    parsed = case_from_data(
        case(_base(), timepoint("FU1", 42, target=[lung("T1", 20), lung("T2", 10)]))
    )
    assert evaluate(parsed).timepoints[1].overall.category.value == "PR"
