"""The pure workflow rules: date order, frozen baseline, findings, discordance triggers."""

from __future__ import annotations

import pytest

from core.criteria import case_from_data, evaluate
from core.model.clinical import LesionCategory, Trigger
from core.model.reading import TimepointStatus
from core.reading import (
    discordance,
    edit_refusal,
    finding_refusal,
    lesion_selection_refusal,
    signed_prefix,
)

OPEN, SIGNED, AMENDING = TimepointStatus.OPEN, TimepointStatus.SIGNED, TimepointStatus.AMENDING


@pytest.mark.parametrize(("statuses", "expected"), [
    ((), 0), ((OPEN, OPEN), 0), ((SIGNED, OPEN), 1), ((SIGNED, AMENDING, SIGNED), 1),
    ((SIGNED, SIGNED, SIGNED), 3),
])
def test_signed_prefix_counts_from_baseline(statuses, expected):
    assert signed_prefix(statuses) == expected


@pytest.mark.parametrize(("statuses", "index", "allowed"), [
    ((OPEN, OPEN), 0, True),
    ((OPEN, OPEN), 1, False),          # date order (docs/reading.md §3)
    ((SIGNED, OPEN), 1, True),
    ((SIGNED, OPEN), 0, False),        # signed is immutable
    ((SIGNED, SIGNED), 0, False),
    ((AMENDING, SIGNED), 0, True),     # an amendment re-opens it
    ((AMENDING, OPEN), 1, False),      # ... but the next one waits for the re-signature
])
def test_edit_refusal(statuses, index, allowed):
    assert (edit_refusal(statuses, index) is None) is allowed


@pytest.mark.parametrize(("category", "index", "baseline", "allowed"), [
    (LesionCategory.TARGET, 0, OPEN, True),
    (LesionCategory.TARGET, 0, SIGNED, False),
    (LesionCategory.TARGET, 0, AMENDING, False),
    (LesionCategory.NON_TARGET, 1, SIGNED, False),
    (LesionCategory.NEW, 0, OPEN, False),
    (LesionCategory.NEW, 2, SIGNED, True),
])
def test_lesion_selection_refusal(category, index, baseline, allowed):
    assert (lesion_selection_refusal(category, index, baseline) is None) is allowed


@pytest.mark.parametrize(("category", "state", "allowed"), [
    (LesionCategory.TARGET, None, True), (LesionCategory.TARGET, "too_small", True),
    (LesionCategory.TARGET, "present", False), (LesionCategory.NON_TARGET, "absent", True),
    (LesionCategory.NON_TARGET, "measured", False), (LesionCategory.NEW, None, True),
    (LesionCategory.NEW, "present", False),
])
def test_finding_refusal(category, state, allowed):
    assert (finding_refusal(category, state) is None) is allowed


def _result(*viable_sums, dates=("2026-01-05", "2026-02-16", "2026-03-30", "2026-05-11")):
    def target(mm):
        if mm is None:
            return {"id": "T1", "organ": "liver", "state": "not_evaluable"}
        return {"id": "T1", "organ": "liver", "longest_mm": 90.0, "viable_mm": mm}

    timepoints = [
        {"label": f"TP{i}", "date": date, "target": [target(mm)], "non_target": [], "new": []}
        for i, (date, mm) in enumerate(zip(dates, viable_sums, strict=False))
    ]
    case = {"format": "mrecist-case/1", "subject": "S", "criteria": "mRECIST",
            "timepoints": timepoints}
    return evaluate(case_from_data(case))


def test_concordant_reads_fire_nothing():
    assert discordance(_result(50, 30, 30), _result(50, 31, 29)) == ()


def test_best_overall_response_and_first_response():
    # PR (−40 %) vs SD (−20 %) at TP1: both the best response and first response differ.
    fired = discordance(_result(50, 30), _result(50, 40))
    assert fired == ("best_overall_response: PR vs SD",
                     "first_response: 2026-02-16 vs none")


def test_first_response_alone():
    # Both reach PR, one at TP1, the other at TP2.
    assert discordance(_result(50, 30, 30), _result(50, 40, 30)) == (
        "first_response: 2026-02-16 vs 2026-03-30",)


def test_progression_date_alone():
    # SD, then PD at TP2 vs TP3; best response SD for both.
    fired = discordance(_result(50, 45, 60, 60), _result(50, 45, 50, 60))
    assert fired == ("progression_date: 2026-03-30 vs 2026-05-11",)


def test_any_timepoint_response_is_an_option():
    # PR at TP1 for both, then NE (target not evaluable) vs PR at TP2: same best response,
    # same first response, no progression, so no default trigger fires.
    one, two = _result(50, 35, None), _result(50, 32, 32)
    assert discordance(one, two) == ()
    assert discordance(one, two, tuple(Trigger)) == ("any_timepoint_response: TP2 NE vs PR",)
