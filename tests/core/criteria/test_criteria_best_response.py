"""Best overall response, confirmation, progression and best % change (docs/criteria.md §6)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from criteria_builders import case, lung, missed, non_target, run, state, timepoint

from core.criteria import ResponseCategory
from core.criteria.best_response import (
    ScoredTimepoint,
    best_overall_response,
    confirmed_best_overall_response,
)

R = ResponseCategory


def _scored(*entries: tuple[str, int]) -> list[ScoredTimepoint]:
    """Timepoints from (overall, days since baseline) pairs."""
    return [
        ScoredTimepoint(i, f"FU{i}", days, R(overall))
        for i, (overall, days) in enumerate(entries, start=1)
    ]


def _confirmed(*entries: tuple[str, int], sd_min_days: int = 0, days: int = 28) -> str:
    assessment = confirmed_best_overall_response(
        _scored(*entries), sd_min_days=sd_min_days, confirmation_days=days
    )
    return assessment.category.value


def _unconfirmed(*entries: tuple[str, int], sd_min_days: int = 0) -> str:
    return best_overall_response(_scored(*entries), sd_min_days=sd_min_days).category.value


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        pytest.param((("PR", 42), ("PR", 69)), "SD", id="RECIST11-4.4.2-PR-confirmed-at-27d-no"),
        pytest.param((("PR", 42), ("PR", 70)), "PR", id="RECIST11-4.4.2-PR-confirmed-at-28d"),
        pytest.param((("CR", 42), ("CR", 69)), "SD", id="RECIST11-4.4.2-CR-confirmed-at-27d-no"),
        pytest.param((("CR", 42), ("CR", 70)), "CR", id="RECIST11-4.4.2-CR-confirmed-at-28d"),
        pytest.param((("PR", 42), ("CR", 70)), "PR", id="RECIST11-T3-PR-then-CR-is-PR"),
        pytest.param(
            (("CR", 42), ("PR", 70)), "SD", id="RECIST11-T3-CR-then-PR-leaves-CR-unconfirmed"
        ),
        pytest.param(
            (("PR", 42), ("CR", 56), ("PR", 84)), "PR", id="RECIST11-T3-PR-confirmed-across-CR"
        ),
        pytest.param(
            (("PR", 42), ("PR", 50), ("PR", 70)), "PR", id="RECIST11-4.4.2-early-PR-between"
        ),
        pytest.param(
            (("PR", 42), ("NE", 56), ("PR", 84)), "PR", id="RECIST11-4.4.2-one-NE-between-ok"
        ),
        pytest.param(
            (("PR", 42), ("NE", 56), ("NE", 70), ("PR", 84)),
            "SD",
            id="RECIST11-4.4.2-two-NE-between-breaks",
        ),
        pytest.param(
            (("PR", 42), ("SD", 56), ("PR", 84)), "SD", id="RECIST11-4.4.2-SD-between-breaks"
        ),
        pytest.param((("PR", 42), ("PD", 84)), "SD", id="RECIST11-T3-PR-then-PD-is-SD"),
        pytest.param((("CR", 42), ("CR", 84), ("PD", 126)), "CR", id="RECIST11-T3-CR-CR-PD"),
        pytest.param((("NE", 42), ("PD", 84)), "PD", id="RECIST11-T3-NE-then-PD-is-PD"),
        pytest.param((), "NE", id="RECIST11-no-follow-up-is-NE"),
    ],
)
def test_confirmed_best_overall_response(entries, expected):
    assert _confirmed(*entries) == expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param(27, "PR", id="option-confirmation_days-27-confirms-at-27d"),
        pytest.param(28, "SD", id="option-confirmation_days-28-needs-28d"),
    ],
)
def test_confirmation_window_is_an_option(days, expected):
    assert _confirmed(("PR", 42), ("PR", 69), days=days) == expected


@pytest.mark.parametrize(
    ("entries", "sd_min_days", "expected"),
    [
        pytest.param((("SD", 41),), 42, "NE", id="RECIST11-4.4.1-SD-before-sd_min_days-is-NE"),
        pytest.param((("SD", 42),), 42, "SD", id="RECIST11-4.4.1-SD-at-sd_min_days-counts"),
        pytest.param(
            (("SD", 41), ("PD", 84)), 42, "PD", id="RECIST11-4.4.1-early-SD-then-PD-is-PD"
        ),
        pytest.param((("NON-CR/NON-PD", 41),), 42, "NE", id="RECIST11-T2-early-non-CR-is-NE"),
        pytest.param(
            (("NON-CR/NON-PD", 42),), 42, "NON-CR/NON-PD", id="RECIST11-T2-non-CR-counts"
        ),
        pytest.param((("PR", 20),), 42, "PR", id="RECIST11-4.4.1-PR-counts-whenever-it-occurs"),
        pytest.param((("SD", 1),), 0, "SD", id="default-sd_min_days-0-any-SD-counts"),
    ],
)
def test_sd_counts_only_from_sd_min_days(entries, sd_min_days, expected):
    assert _unconfirmed(*entries, sd_min_days=sd_min_days) == expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param(41, "NE", id="RECIST11-T3-unconfirmed-PR-before-sd_min_days-is-NE"),
        pytest.param(42, "SD", id="RECIST11-T3-unconfirmed-PR-at-sd_min_days-is-SD"),
    ],
)
def test_unconfirmed_response_counts_as_sd_only_from_sd_min_days(days, expected):
    assert _confirmed(("PR", days), sd_min_days=42) == expected


def test_bor_ranks_cr_over_pr_over_sd_over_non_cr_over_pd_over_ne():
    assert _unconfirmed(("SD", 42), ("PR", 84), ("CR", 126)) == "CR"
    assert _unconfirmed(("NE", 42), ("PD", 84)) == "PD"
    assert _unconfirmed(("NE", 42)) == "NE"


def test_only_timepoints_up_to_progression_count():
    data = case(
        timepoint("Baseline", 0, target=[lung("T1", 40)]),
        timepoint("FU1", 42, target=[lung("T1", 50)]),
        timepoint("FU2", 84, target=[lung("T1", 10)]),
    )
    result = run(data)
    assert [row.overall.category for row in result.timepoints[1:]] == [R.PD, R.PR]
    assert result.best_overall_response.category is R.PD
    assert result.progression.label == "FU1"
    assert result.best_change_from_baseline_pct == Fraction(25)


def test_best_change_is_the_most_negative_evaluable_change_up_to_progression():
    data = case(
        timepoint("Baseline", 0, target=[lung("T1", 40), lung("T2", 40)]),
        timepoint("FU1", 42, target=[lung("T1", 30), lung("T2", 30)]),
        timepoint("FU2", 84, target=[lung("T1", 10), state("T2", "lung", "not_evaluable")]),
        timepoint("FU3", 126, target=[lung("T1", 25), lung("T2", 25)]),
        timepoint("FU4", 168, target=[lung("T1", 40), lung("T2", 40)]),
        timepoint("FU5", 210, target=[lung("T1", 5), lung("T2", 5)]),
    )
    result = run(data)
    assert result.progression.label == "FU4"
    # FU2 has no sum; FU5 is after progression.
    assert result.best_change_from_baseline_pct == Fraction(-75, 2)


def test_best_change_when_every_change_is_an_increase_is_the_smallest_increase():
    data = case(
        timepoint("Baseline", 0, target=[lung("T1", 40)]),
        timepoint("FU1", 42, target=[lung("T1", 44)]),
        timepoint("FU2", 84, target=[lung("T1", 42)]),
    )
    assert run(data).best_change_from_baseline_pct == Fraction(5)


def test_no_targets_means_no_best_change():
    data = case(
        timepoint("Baseline", 0, non_target=[non_target()]),
        timepoint("FU1", 42, non_target=[non_target()]),
    )
    assert run(data).best_change_from_baseline_pct is None


def test_cr_followed_by_pr_raises_a_data_quality_warning():
    data = case(
        timepoint("Baseline", 0, target=[lung("T1", 20)]),
        timepoint("FU1", 42, target=[state("T1", "lung", "disappeared")]),
        timepoint("FU2", 84, target=[lung("T1", 4)]),
        criteria="RECIST1.1",
    )
    result = run(data)
    assert [row.overall.category for row in result.timepoints[1:]] == [R.CR, R.PR]
    assert result.confirmed_best_overall_response.category is R.SD
    assert any("FU2 is PR after CR at FU1" in warning for warning in result.warnings)


def test_case_format_example_subject_level_results():
    data = case(
        timepoint("Baseline", 0, target=[lung("T1", 40)]),
        timepoint("FU1", 42, target=[lung("T1", 20)]),
        missed("FU2", 70),
        timepoint("FU3", 98, target=[lung("T1", 20)]),
        options={"confirmation_days": 28, "sd_min_days": 35},
    )
    result = run(data)
    assert result.best_overall_response.category is R.PR
    assert result.confirmed_best_overall_response.category is R.PR
    assert result.confirmed_best_overall_response.reason == (
        "confirmed best overall response PR: PR at FU1 is confirmed by PR at FU3 56 days "
        "later (needs at least 28)"
    )
    assert result.progression is None
