"""The response panel shows the engine's figures and sentences, only formatted."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from core.criteria import evaluate, parse_case
from widgets.response_panel import ResponsePanel, format_pct


def _case(week6_viable: float) -> str:
    return json.dumps({
        "format": "mrecist-case/1", "subject": "S-1", "criteria": "mRECIST",
        "timepoints": [
            {"label": "Baseline", "date": "2022-03-10",
             "target": [{"id": "T1", "organ": "liver", "longest_mm": 60.0, "viable_mm": 50.0}],
             "non_target": [], "new": []},
            {"label": "Week 6", "date": "2022-04-21",
             "target": [{"id": "T1", "organ": "liver", "longest_mm": 60.0,
                         "viable_mm": week6_viable}],
             "non_target": [], "new": []}]})


@pytest.mark.parametrize(("value", "shown"), [
    (Fraction(-30), "−30.0 %"), (Fraction(-2995, 100), "−29.9 %"), (Fraction(20), "+20.0 %"),
    (Fraction(1999, 100), "+19.9 %"), (Fraction(0), "±0.0 %"), (None, "—")])
def test_a_change_never_appears_to_reach_a_threshold_it_does_not(value, shown):
    assert format_pct(value) == shown


def test_exactly_minus_thirty_percent_is_shown_as_the_engines_pr(qtbot):
    panel = ResponsePanel()
    qtbot.addWidget(panel)
    result = evaluate(parse_case(_case(35.0)))  # 50 → 35 mm: exactly −30 %
    panel.show_result(result, (), "Week 6")
    lines = panel.lines()
    assert "Sum of diameters: 35.0 mm" in lines
    assert "Baseline sum: 50.0 mm" in lines
    assert "Change from baseline: −30.0 %" in lines
    target = next(line for line in lines if line.startswith("Target: "))
    assert target.startswith("Target: PR — ")
    assert target.removeprefix("Target: PR — ") == result.timepoints[1].target.reason


def test_just_short_of_thirty_percent_is_stable_disease_and_says_so(qtbot):
    panel = ResponsePanel()
    qtbot.addWidget(panel)
    panel.show_result(evaluate(parse_case(_case(35.1))), (), "Week 6")  # −29.8 %
    assert "Change from baseline: −29.8 %" in panel.lines()
    assert any(line.startswith("Target: SD — ") for line in panel.lines())


def test_without_a_result_the_problems_are_listed(qtbot):
    panel = ResponsePanel()
    qtbot.addWidget(panel)
    panel.show_result(None, ("Baseline: T1: no viable diameter",), "Baseline")
    assert panel.lines() == ["Not evaluable yet", "Baseline: T1: no viable diameter"]
