"""Numbers and text a case file may hold (docs/input-limits.md), each refused by pointer.

The attacks: a 5,000-digit integer (Python's int-from-text limit raised a bare
ValueError), an exponent past what ``Decimal`` holds (a bare InvalidOperation), exponents
whose exact fraction would need a billion-digit integer, a lone UTF-16 surrogate that
could not be written out again. Each is one problem naming where it is.
"""

from __future__ import annotations

import json

import pytest
from criteria_builders import case, liver, non_target, timepoint, to_json

from core.criteria import CaseError, case_from_data, evaluate, parse_case

VIABLE = "/timepoints/1/target/0/viable_mm"


def _text() -> str:
    return to_json(case(
        timepoint("Baseline", 0, target=[liver("T1", 40, 50)], non_target=[non_target()]),
        timepoint("FU1", 42, target=[liver("T1", 20, 45)], non_target=[non_target()]),
    ))


def _problems(text: str) -> list[str]:
    with pytest.raises(CaseError) as caught:
        parse_case(text)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(("literal", "message"), [
    ("1" * 5000, "an integer of 5000 digits: at most 40 are read"),
    ("1" * 41, "an integer of 41 digits: at most 40 are read"),
    ("1e99999999999999999999", "a number of 22 characters that cannot be read"),
    ("1E+999999999", "must be below 1E+40, not 1E+999999999"),
    ("1e-999999999", "must have at most 40 decimal places, not 1E-999999999"),
    ("0e-50", "must have at most 40 decimal places, not 0E-50"),
    ("20." + "0" * 5000 + "1", "must have at most 40 significant digits, not 20.0000"),
])
def test_a_number_past_the_limits_is_one_problem_at_its_pointer(literal, message):
    text = _text().replace('"viable_mm": 20', f'"viable_mm": {literal}')
    problems = _problems(text)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{VIABLE}: {message}")
    assert len(problems[0]) < 250  # a 5,000-digit value is quoted short


@pytest.mark.parametrize(("path", "value", "problem"), [
    (["subject"], "HCC\udc80", "/subject: not Unicode text: a lone surrogate \\udc80"),
    (["timepoints", 1, "label"], "FU\ud800",
     "/timepoints/1/label: not Unicode text: a lone surrogate \\ud800"),
])
def test_a_lone_surrogate_is_not_text(path, value, problem):
    # The result is written as UTF-8, which has no lone surrogates: it would have failed
    # there, after the evaluation, with a UnicodeEncodeError.
    data = json.loads(_text())
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    assert _problems(json.dumps(data)) == [problem]


def test_option_integers_are_bounded():
    text = _text().replace('"criteria": "mRECIST",',
                           '"criteria": "mRECIST", "options": {"confirmation_days": '
                           '99999999999999999999, "max_targets": 1001},')
    assert _problems(text) == [
        "/options/confirmation_days: must be at most 36525, not 99999999999999999999",
        "/options/max_targets: must be at most 1000, not 1001",
    ]


def test_data_built_in_python_is_checked_the_same():
    data = json.loads(_text())
    data["timepoints"][1]["target"][0]["viable_mm"] = 1e-300
    with pytest.raises(CaseError, match=rf"{VIABLE}: must have at most 40 decimal places"):
        case_from_data(data)
    data["timepoints"][1]["target"][0]["viable_mm"] = 10 ** 5000
    with pytest.raises(CaseError, match=rf"{VIABLE}: must have at most 40 significant"):
        case_from_data(data)


def test_numbers_within_the_limits_still_evaluate():
    text = _text().replace('"viable_mm": 20', '"viable_mm": 20.000000000000000000000000000001')
    result = evaluate(parse_case(text))
    assert result.timepoints[1].sum_mm == parse_case(text).timepoints[1].target[0].viable_mm
