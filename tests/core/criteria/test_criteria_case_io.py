"""The case and result formats: parsing, schema messages, serialisation (docs/case-format.md)."""

from __future__ import annotations

import json
from decimal import Decimal

import jsonschema
import pytest
from criteria_builders import (
    case,
    liver,
    lung,
    missed,
    new_lesion,
    non_target,
    run,
    timepoint,
    to_json,
)

from core.criteria import (
    CaseError,
    case_from_data,
    case_to_data,
    evaluate,
    parse_case,
    parse_json,
    result_to_data,
)
from core.criteria.case_io import CASE_SCHEMA, RESULT_SCHEMA, load_schema
from core.criteria.formatting import format_mm, round_half_away


def _valid() -> dict:
    return case(
        timepoint("Baseline", 0, target=[liver("T1", 40, 50)], non_target=[non_target()]),
        timepoint("FU1", 42, target=[liver("T1", 20, 45)], non_target=[non_target()]),
    )


def _messages(text_or_data: str | dict) -> list[str]:
    text = text_or_data if isinstance(text_or_data, str) else json.dumps(text_or_data)
    with pytest.raises(CaseError) as caught:
        parse_case(text)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("name", [CASE_SCHEMA, RESULT_SCHEMA])
def test_shipped_schemas_are_valid_json_schemas(name):
    jsonschema.Draft202012Validator.check_schema(load_schema(name))


def _with(path: list, value, data: dict | None = None) -> dict:
    data = json.loads(to_json(data or _valid()))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            _with(["timepoints", 1, "target", 0, "viable_mm"], -3),
            "/timepoints/1/target/0/viable_mm: must be a number ≥ 0, not -3",
            id="case-format-negative-diameter",
        ),
        pytest.param(
            _with(["timepoints", 1, "target", 0, "viable_mm"], "12"),
            '/timepoints/1/target/0/viable_mm: must be a number ≥ 0, not the string "12"',
            id="case-format-wrong-type",
        ),
        pytest.param(
            _with(["timepoints", 1, "target", 0, "viable"], 12),
            "/timepoints/1/target/0/viable: unknown key (did you mean 'viable_mm'?)",
            id="case-format-unknown-key",
        ),
        pytest.param(
            _with(["colour"], "blue"),
            "/colour: unknown key",
            id="case-format-unknown-top-level-key",
        ),
        pytest.param(
            _with(["criteria"], "WHO"),
            '/criteria: must be one of "mRECIST", "RECIST1.1", not the string "WHO"',
            id="case-format-criteria-enum",
        ),
        pytest.param(
            _with(["format"], "mrecist-case/2"),
            '/format: must be "mrecist-case/1"',
            id="case-format-version",
        ),
        pytest.param(
            _with(["timepoints", 0, "date"], "10/03/2022"),
            "/timepoints/0/date: must be a date written YYYY-MM-DD",
            id="case-format-iso-date",
        ),
        pytest.param(
            _with(["timepoints", 0, "date"], "2022-02-30"),
            "/timepoints/0/date: '2022-02-30' is not a calendar date",
            id="case-format-calendar-date",
        ),
        pytest.param(
            _with(["timepoints", 1, "non_target", 0, "state"], "gone"),
            '/timepoints/1/non_target/0/state: must be one of "present", "absent", '
            '"progressed", "not_evaluable", not the string "gone"',
            id="case-format-non-target-state",
        ),
        pytest.param(
            _with(["options"], {"confirmation_days": 27.5}),
            "/options/confirmation_days: must be an integer ≥ 0, not 27.5",
            id="case-format-option-integer",
        ),
        pytest.param(
            _with(["timepoints"], []),
            "/timepoints: must have at least 1 item",
            id="case-format-baseline-required",
        ),
        pytest.param(
            _with(["timepoints", 1, "not_assessed"], True),
            "/timepoints/1/target: must be empty at a timepoint that was not assessed",
            id="case-format-not-assessed-has-no-lesions",
        ),
        pytest.param(
            _with(["timepoints", 0, "target", 0, "organ"], "Liver"),
            '/timepoints/0/target/0/organ: must be a lower-case organ name such as "liver", '
            '"lung" or "lymph_node"',
            id="case-format-organ-name",
        ),
    ],
)
def test_schema_problems_are_one_line_with_a_json_pointer(data, expected):
    messages = _messages(data)
    assert expected in messages
    assert all("\n" not in message for message in messages)


def test_missing_keys_are_named():
    data = json.loads(to_json(_valid()))
    del data["subject"]
    del data["timepoints"][0]["target"][0]["id"]
    assert _messages(data) == [
        "(document): missing required key 'subject'",
        "/timepoints/0/target/0: missing required key 'id'",
    ]


def test_text_that_is_not_json_names_line_and_column():
    assert _messages('{\n  "format": "mrecist-case/1",\n  "subject": }') == [
        "line 3, column 14: not valid JSON: Expecting value"
    ]


def test_empty_text_is_not_json():
    assert _messages("") == ["line 1, column 1: not valid JSON: Expecting value"]


def test_nan_is_not_a_json_number():
    text = to_json(_valid()).replace('"viable_mm": 20', '"viable_mm": NaN')
    assert "/timepoints/1/target/0/viable_mm: must be a number ≥ 0, not NaN" in _messages(text)


def test_a_key_given_twice_is_an_error():
    text = to_json(_valid()).replace('"viable_mm": 20', '"viable_mm": 20, "viable_mm": 25')
    assert _messages(text) == ["/timepoints/1/target/0/viable_mm: key given more than once"]


def test_parse_json_keeps_decimals_exact():
    assert parse_json('{"a": 25.2}')["a"] == Decimal("25.2")


def test_case_round_trips_through_case_to_data():
    data = case(
        timepoint(
            "Baseline", 0,
            target=[liver("T1", "40.25", 50, location="S7", previously_treated=True),
                    lung("T2", 12)],
            non_target=[non_target(kind="tumour_thrombus")],
        ),
        missed("FU1", 42),
        timepoint(
            "FU2", 84, target=[liver("T1", 20, 45), lung("T2", 10)],
            non_target=[non_target(kind="tumour_thrombus")],
            new=[new_lesion("N1", "liver", longest_mm=12, arterial_enhancement=True)],
        ),
        options={"confirmation_days": 30, "pd_min_increase_mm": Decimal("2.5")},
    )  # fmt: skip
    parsed = case_from_data(data)
    again = parse_case(json.dumps(case_to_data(parsed)))
    assert again == parsed


def test_result_matches_its_schema_and_is_plain_json():
    result_data = result_to_data(run(_valid()))
    jsonschema.validate(result_data, load_schema(RESULT_SCHEMA))
    assert json.loads(json.dumps(result_data)) == result_data


THROMBUS = {"id": "NT1", "organ": "portal_vein", "kind": "tumour_thrombus", "state": "present"}


def test_result_of_the_case_format_example():
    example = {
        "format": "mrecist-case/1",
        "subject": "HCC-007",
        "criteria": "mRECIST",
        "options": {"confirmation_days": 28, "sd_min_days": 35},
        "timepoints": [
            {
                "label": "Baseline",
                "date": "2022-03-10",
                "target": [
                    {"id": "T1", "organ": "liver", "longest_mm": 88.0, "viable_mm": 71.0},
                    {"id": "T2", "organ": "lymph_node", "node": True, "short_axis_mm": 22.0},
                ],
                "non_target": [THROMBUS],
                "new": [],
            },
            {
                "label": "Week 6",
                "date": "2022-04-21",
                "target": [
                    {"id": "T1", "organ": "liver", "longest_mm": 80.0, "viable_mm": 30.0},
                    {"id": "T2", "organ": "lymph_node", "node": True, "short_axis_mm": 18.0},
                ],
                "non_target": [THROMBUS],
                "new": [],
            },
        ],
    }  # fmt: skip
    data = result_to_data(evaluate(parse_case(json.dumps(example))))
    assert data["baseline_sum_mm"] == 93.0
    week6 = data["timepoints"][1]
    assert (week6["sum_mm"], week6["nadir_sum_mm"]) == (48.0, 93.0)
    assert (week6["change_from_baseline_pct"], week6["change_from_nadir_pct"]) == (-48.4, -48.4)
    assert [week6[k] for k in ("target_response", "non_target_response", "new_lesions")] == [
        "PR",
        "NON-CR/NON-PD",
        "NO",
    ]
    assert week6["reasons"][0] == (
        "target PR: sum 48.0 mm is 48.4 % below baseline 93.0 mm (needs at least 30 %)"
    )
    assert data["best_overall_response"] == "PR"
    assert data["confirmed_best_overall_response"] == "SD"
    assert data["progression"] is None
    assert data["best_change_from_baseline_pct"] == -48.4


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(Decimal("-48.45"), "-48.5", id="criteria-6-half-away-negative"),
        pytest.param(Decimal("48.45"), "48.5", id="criteria-6-half-away-positive"),
        pytest.param(Decimal("-0.04"), "0.0", id="criteria-6-small-negative"),
        pytest.param(Decimal("29.95"), "30.0", id="criteria-6-half-up"),
    ],
)
def test_percentages_round_half_away_from_zero(value, expected):
    assert round_half_away(value) == Decimal(expected)


def test_lengths_are_written_as_recorded():
    assert [format_mm(Decimal(v)) for v in ("93", "25.2", "25.25", "48.00")] == [
        "93.0",
        "25.2",
        "25.25",
        "48.0",
    ]
