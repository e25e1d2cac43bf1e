"""Target response at every boundary (docs/criteria.md §2 and §3)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from criteria_builders import (
    case,
    liver,
    lung,
    node,
    run,
    run_text,
    state,
    sums_case,
    target_responses,
    timepoint,
)

from core.criteria import Criteria, TargetLesion, TargetState
from core.criteria.targets import meets_pd, meets_pr, target_measurement_mm


@pytest.mark.parametrize(
    ("baseline", "follow_up", "expected"),
    [
        pytest.param(100, 70, "PR", id="RECIST11-4.3.1-exactly-30pct-below-is-PR"),
        pytest.param(100, "70.1", "SD", id="RECIST11-4.3.1-29.9pct-below-is-SD"),
        pytest.param(14, "9.8", "PR", id="exact-decimal-14-to-9.8-is-30pct-PR"),
        pytest.param(1000, "700.4", "SD", id="RECIST11-4.3.1-29.96pct-is-SD"),
        pytest.param(100, 69, "PR", id="RECIST11-4.3.1-31pct-below-is-PR"),
    ],
)
@pytest.mark.parametrize("criteria", ["mRECIST", "RECIST1.1"])
def test_pr_needs_at_least_30pct_below_baseline(baseline, follow_up, expected, criteria):
    result = run_text(sums_case(baseline, follow_up, criteria=criteria))
    assert target_responses(result) == [expected]


def test_floating_point_would_get_both_boundaries_wrong():
    # The reason the engine uses exact decimals: in binary floats both thresholds miss.
    assert (25.2 - 21) / 21 * 100 < 20
    assert (9.8 - 14) / 14 * 100 > -30
    assert meets_pd(Decimal("25.2"), Decimal(21), Decimal(0))
    assert meets_pr(Decimal("9.8"), Decimal(14))


@pytest.mark.parametrize(
    ("sums", "expected"),
    [
        pytest.param((21, "25.2"), ["PD"], id="LL2010-exactly-20pct-no-mm-rule-is-PD"),
        pytest.param(("24.5", "29.4"), ["PD"], id="LL2010-exactly-20pct-and-4.9mm-is-PD"),
        pytest.param((100, "119.9"), ["SD"], id="LL2010-19.9pct-is-SD"),
        pytest.param((10, 12), ["PD"], id="LL2010-20pct-of-2mm-is-PD-without-mm-rule"),
        pytest.param((100, 120), ["PD"], id="LL2010-exactly-20pct-is-PD"),
    ],
)
def test_mrecist_pd_is_20pct_over_nadir_without_absolute_rule(sums, expected):
    assert target_responses(run_text(sums_case(*sums, criteria="mRECIST"))) == expected


@pytest.mark.parametrize(
    ("sums", "expected"),
    [
        pytest.param((21, "25.2"), ["SD"], id="RECIST11-4.3.1-20pct-but-4.2mm-is-SD"),
        pytest.param(("24.5", "29.4"), ["SD"], id="RECIST11-4.3.1-exactly-20pct-and-4.9mm-is-SD"),
        pytest.param((24, "28.9"), ["SD"], id="RECIST11-4.3.1-20.4pct-and-4.9mm-is-SD"),
        pytest.param((25, 30), ["PD"], id="RECIST11-4.3.1-exactly-20pct-and-5.0mm-is-PD"),
        pytest.param((24, "29.0"), ["PD"], id="RECIST11-4.3.1-20.8pct-and-5.0mm-is-PD"),
        pytest.param((100, "119.9"), ["SD"], id="RECIST11-4.3.1-19.9pct-and-19.9mm-is-SD"),
    ],
)
def test_recist_pd_needs_20pct_and_5mm_over_nadir(sums, expected):
    assert target_responses(run_text(sums_case(*sums, criteria="RECIST1.1"))) == expected


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        pytest.param("mRECIST", ["SD"], id="LL2010-option-pd_min_increase_mm-5"),
        pytest.param("RECIST1.1", ["PD"], id="RECIST11-option-pd_min_increase_mm-0"),
    ],
)
def test_the_absolute_rule_is_an_option(criteria, expected):
    minimum = 5 if criteria == "mRECIST" else 0
    data = sums_case(21, "25.2", criteria=criteria, options={"pd_min_increase_mm": minimum})
    assert target_responses(run_text(data)) == expected


@pytest.mark.parametrize(
    ("sums", "expected"),
    [
        pytest.param((100, 50, 60), ["PR", "PD"], id="RECIST11-4.3.1-PD-against-nadir-50"),
        pytest.param((100, 50, "59.9"), ["PR", "PR"], id="RECIST11-4.3.1-19.8pct-over-nadir"),
        pytest.param((100, 80, 96), ["SD", "PD"], id="RECIST11-4.3.1-nadir-80-not-baseline"),
        pytest.param((100, 80, "95.9"), ["SD", "SD"], id="RECIST11-4.3.1-below-nadir-plus-20"),
    ],
)
@pytest.mark.parametrize("criteria", ["mRECIST", "RECIST1.1"])
def test_pd_is_measured_against_the_nadir_not_the_baseline(sums, expected, criteria):
    result = run_text(sums_case(*sums, criteria=criteria))
    assert target_responses(result) == expected
    assert result.timepoints[-1].nadir_sum_mm == Decimal(str(sums[1]))


def test_nadir_includes_baseline_and_skips_not_evaluable_sums():
    data = case(
        timepoint("Baseline", 0, target=[lung("T1", 40), lung("T2", 40)]),
        timepoint("FU1", 42, target=[lung("T1", 45), lung("T2", 45)]),
        timepoint("FU2", 84, target=[lung("T1", 10), state("T2", "lung", "not_evaluable")]),
        timepoint("FU3", 126, target=[lung("T1", 48), lung("T2", 49)]),
    )
    result = run(data)
    assert [row.nadir_sum_mm for row in result.timepoints] == [None, 80, 80, 80]
    assert result.timepoints[2].sum_mm is None
    assert target_responses(result) == ["SD", "NE", "PD"]


@pytest.mark.parametrize(
    ("sums", "expected"),
    [
        pytest.param((100, 70, 70, 80), ["PR", "PR", "PR"], id="EORTC-FAQ-100-70-70-80-stays-PR"),
        pytest.param((100, 70, 84), ["PR", "PD"], id="EORTC-FAQ-PR-ends-with-PD-at-20pct"),
        pytest.param(
            (100, 70, 84, 80), ["PR", "PD", "SD"], id="EORTC-FAQ-no-persistence-after-PD"
        ),
        pytest.param((100, 90, 80), ["SD", "SD"], id="EORTC-FAQ-SD-never-persists-as-PR"),
    ],
)
def test_pr_persists_until_pd(sums, expected):
    result = run_text(sums_case(*sums, criteria="RECIST1.1"))
    assert target_responses(result) == expected


def test_persisting_pr_names_where_the_response_began():
    result = run_text(sums_case(100, 70, 70, 80, criteria="RECIST1.1"))
    reason = result.timepoints[3].target.reason
    assert reason.startswith("target PR: sum 80.0 mm is 20.0 % below baseline 100.0 mm")
    assert "since FU1" in reason
    assert "EORTC-FAQ" in result.timepoints[3].target.rule_refs


def _viable_zero_case() -> dict:
    """Two liver targets that stop enhancing while their scar is still visible."""
    return case(
        timepoint("Baseline", 0, target=[liver("T1", 40, 50), liver("T2", 30, 35)]),
        timepoint("Week 8", 56, target=[liver("T1", 0, 40), liver("T2", 0, 30)]),
        timepoint("Week 16", 112, target=[liver("T1", 0, 30), liver("T2", 0, 25)]),
    )


def test_viable_zero_is_cr_under_mrecist_but_not_recist():
    mrecist = run_text(_viable_zero_case(), "mRECIST")
    recist = run_text(_viable_zero_case(), "RECIST1.1")
    assert target_responses(mrecist) == ["CR", "CR"]
    assert [row.sum_mm for row in mrecist.timepoints] == [70, 0, 0]
    # RECIST 1.1 measures the whole lesion: 85 → 70 (−17.6 %) is SD, 85 → 55 is PR.
    assert target_responses(recist) == ["SD", "PR"]
    assert [row.sum_mm for row in recist.timepoints] == [85, 70, 55]
    assert "no liver target shows intratumoral arterial enhancement" in (
        mrecist.timepoints[1].target.reason
    )


@pytest.mark.parametrize(
    ("short_axis", "expected"),
    [
        pytest.param("9.9", "CR", id="RECIST11-4.3.1-node-9.9mm-is-normal-CR"),
        pytest.param(10, "PR", id="RECIST11-4.3.1-node-10mm-is-not-CR"),
    ],
)
@pytest.mark.parametrize("criteria", ["mRECIST", "RECIST1.1"])
def test_node_cr_needs_short_axis_below_10mm(short_axis, expected, criteria):
    data = case(
        timepoint("Baseline", 0, target=[node("T1", 20), lung("T2", 15)]),
        timepoint("FU1", 42, target=[node("T1", short_axis), state("T2", "lung", "disappeared")]),
    )
    result = run_text(data, criteria)
    assert target_responses(result) == [expected]
    # The sum keeps the node's short axis even at CR (RECIST 1.1 §4.3.1).
    assert result.timepoints[1].sum_mm == Decimal(str(short_axis))


def test_organ_lymph_node_is_a_node_whatever_node_says():
    lesion = TargetLesion("T1", "lymph_node", node=False, short_axis_mm=12, longest_mm=30)
    assert lesion.is_node
    assert target_measurement_mm(lesion, Criteria.RECIST11) == 12


@pytest.mark.parametrize(
    ("target_state", "counts"),
    [
        pytest.param("too_small", 5, id="EORTC-FAQ-too-small-counts-5mm"),
        pytest.param("disappeared", 0, id="RECIST11-disappeared-counts-0"),
        pytest.param("merged", 0, id="RECIST11-merged-counts-0"),
        pytest.param("not_evaluable", None, id="RECIST11-not-evaluable-has-no-value"),
    ],
)
def test_states_count_as_defined(target_state, counts):
    lesion = TargetLesion("T1", "lung", state=TargetState(target_state))
    assert target_measurement_mm(lesion, Criteria.RECIST11) == counts


def test_a_measured_3mm_counts_3mm_not_5():
    # "If it is measurable, record the measurement" (EORTC-FAQ "Lesions less than 5 mm").
    lesion = TargetLesion("T1", "lung", longest_mm="3")
    assert target_measurement_mm(lesion, Criteria.RECIST11) == 3


def test_too_small_after_disappearance_is_pd_under_mrecist_not_recist():
    data = case(
        timepoint("Baseline", 0, target=[lung("T1", 20)]),
        timepoint("FU1", 42, target=[state("T1", "lung", "disappeared")]),
        timepoint("FU2", 84, target=[state("T1", "lung", "too_small")]),
    )
    # From a 0 mm nadir any increase is PD under mRECIST's 0 mm rule; RECIST 1.1 needs 5 mm,
    # which 0 → 5 mm meets exactly.
    assert target_responses(run(data, "mRECIST")) == ["CR", "PD"]
    assert target_responses(run(data, "RECIST1.1")) == ["CR", "PD"]
    with_4mm = case(*data["timepoints"][:2], timepoint("FU2", 84, target=[lung("T1", 4)]))
    assert target_responses(run(with_4mm, "mRECIST")) == ["CR", "PD"]
    assert target_responses(run(with_4mm, "RECIST1.1")) == ["CR", "PR"]


def test_merged_targets_count_once():
    data = case(
        timepoint("Baseline", 0, target=[lung("T1", 20), lung("T2", 20)]),
        timepoint("FU1", 42, target=[lung("T1", 48), state("T2", "lung", "merged")]),
    )
    result = run(data, "RECIST1.1")
    assert result.timepoints[1].sum_mm == 48
    assert target_responses(result) == ["PD"]


@pytest.mark.parametrize(
    ("evaluable", "expected"),
    [
        pytest.param(36, "PD", id="RECIST11-NE-target-but-evaluable-ones-already-PD"),
        pytest.param("35.9", "NE", id="RECIST11-NE-target-evaluable-ones-not-PD"),
        pytest.param(10, "NE", id="RECIST11-NE-target-even-if-evaluable-shrink"),
    ],
)
def test_not_evaluable_target_makes_ne_unless_evaluable_ones_show_pd(evaluable, expected):
    data = case(
        timepoint("Baseline", 0, target=[lung("T1", 30), lung("T2", 30)]),
        timepoint("FU1", 42, target=[lung("T1", 10), lung("T2", 20)]),
        timepoint("FU2", 84, target=[lung("T1", evaluable), state("T2", "lung", "not_evaluable")]),
    )
    result = run(data, "RECIST1.1")
    assert target_responses(result)[-1] == expected
    assert result.timepoints[-1].sum_mm is None
    assert "T2 is not evaluable" in result.timepoints[-1].target.reason


def test_no_target_evaluable_is_ne():
    data = case(
        timepoint("Baseline", 0, target=[lung("T1", 30)]),
        timepoint("FU1", 42, target=[state("T1", "lung", "not_evaluable")]),
    )
    result = run(data)
    assert target_responses(result) == ["NE"]
    assert result.timepoints[1].target.reason == "target NE: no target is evaluable (T1)"


def test_reason_sentences_name_rule_and_numbers():
    result = run_text(sums_case(93, 48))
    assert result.timepoints[1].target.reason == (
        "target PR: sum 48.0 mm is 48.4 % below baseline 93.0 mm (needs at least 30 %)"
    )
    pd = run_text(sums_case(21, "25.2", criteria="mRECIST")).timepoints[1].target.reason
    assert pd == (
        "target PD: sum 25.2 mm is 20.0 % (4.2 mm) above nadir 21.0 mm (needs at least 20 %)"
    )
    sd = run_text(sums_case(21, "25.2", criteria="RECIST1.1")).timepoints[1].target.reason
    assert sd.endswith("20.0 % (4.2 mm) above nadir 21.0 mm (PD needs at least 20 % and 5.0 mm)")


def test_a_near_miss_is_never_printed_as_the_threshold():
    reason = run_text(sums_case(1000, "700.4")).timepoints[1].target.reason
    assert "29.96 % below baseline" in reason


def test_changes_are_exact_fractions_and_rounded_only_for_output():
    result = run_text(sums_case(93, 48))
    assert result.timepoints[1].change_from_baseline_pct == Fraction(-4500, 93)
    assert result.timepoints[1].change_from_nadir_pct == Fraction(-4500, 93)


def test_mrecist_uses_viable_for_liver_and_recist_measurement_elsewhere():
    data = case(
        timepoint(
            "Baseline",
            0,
            target=[liver("T1", 60, 80), lung("T2", 20), node("T3", 18, longest_mm=30)],
        ),
        timepoint(
            "FU1", 42, target=[liver("T1", 30, 78), lung("T2", 20), node("T3", 18, longest_mm=30)]
        ),
    )
    assert run(data, "mRECIST").timepoints[0].sum_mm == 98
    assert run(data, "RECIST1.1").timepoints[0].sum_mm == 118
