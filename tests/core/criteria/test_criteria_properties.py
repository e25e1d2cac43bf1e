"""Properties that hold for every valid case (hypothesis)."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import tempfile
from pathlib import Path

import jsonschema
from criteria_builders import to_json
from criteria_strategies import cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.cli import main
from core.criteria import ResponseCategory, case_from_data, evaluate, parse_case, result_to_data
from core.criteria.case_io import RESULT_SCHEMA, load_schema

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _result_data(data: dict, criteria: str | None = None) -> dict:
    return result_to_data(evaluate(parse_case(to_json(data)), criteria))


@PROPERTY_SETTINGS
@given(cases())
def test_valid_random_cases_never_crash_and_match_the_result_schema(data):
    result = evaluate(case_from_data(data))
    result_data = result_to_data(result)
    jsonschema.validate(result_data, load_schema(RESULT_SCHEMA))
    rows = result.timepoints
    assert len(rows) == len(data["timepoints"])
    assert all(
        len(row.reasons) in (0, 1, 3 if not data["timepoints"][0]["target"] else 4) for row in rows
    )
    if result.progression is not None:
        progressed_at = result.progression.timepoint_index
        assert rows[progressed_at].overall is not None
        assert all(
            row.overall is None or row.overall.category is not ResponseCategory.PD
            for row in rows[:progressed_at]
        )
    else:
        assert all(row.overall is None or row.overall.category.value != "PD" for row in rows)


@PROPERTY_SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_lesion_order_never_matters(data, random):
    shuffled = copy.deepcopy(data)
    for timepoint in shuffled["timepoints"]:
        for key in ("target", "non_target", "new"):
            if key in timepoint:
                random.shuffle(timepoint[key])
    assert _result_data(shuffled) == _result_data(data)


@PROPERTY_SETTINGS
@given(cases(), st.data())
def test_an_unequivocal_new_lesion_always_gives_pd(data, draw):
    assessed = [
        index
        for index, timepoint in enumerate(data["timepoints"])
        if index > 0 and not timepoint.get("not_assessed")
    ]
    if not assessed:
        return
    index = draw.draw(st.sampled_from(assessed))
    lesion = draw.draw(
        st.sampled_from(
            [
                {"id": "N99", "organ": "bone"},
                {"id": "N99", "organ": "pleura", "kind": "effusion", "cytology_confirmed": True},
                {
                    "id": "N99",
                    "organ": "liver",
                    "longest_mm": 10,
                    "arterial_enhancement": True,
                    "washout": True,
                },
            ]
        )
    )
    data = copy.deepcopy(data)
    data["timepoints"][index]["new"] = [*data["timepoints"][index].get("new", []), lesion]
    result = evaluate(case_from_data(data))
    row = result.timepoints[index]
    assert row.new_lesions.category.value == "YES"
    assert row.overall.category is ResponseCategory.PD
    assert result.progression is not None
    assert result.progression.timepoint_index <= index


@settings(max_examples=60, deadline=None)
@given(cases(max_follow_ups=4), st.sampled_from([None, "mRECIST", "RECIST1.1"]))
def test_results_are_identical_through_the_cli_and_the_python_api(data, criteria):
    text = to_json(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.json"
        path.write_text(text, encoding="utf-8")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = main(["evaluate", str(path), *(["--criteria", criteria] if criteria else [])])
    assert status == 0
    assert json.loads(out.getvalue()) == result_to_data(evaluate(parse_case(text), criteria))


@PROPERTY_SETTINGS
@given(cases())
def test_without_liver_lesions_both_criteria_agree(data):
    uses_liver = any(
        lesion.get("organ") == "liver"
        for timepoint in data["timepoints"]
        for key in ("target", "new")
        for lesion in timepoint.get(key, [])
    )
    if uses_liver:
        return
    data = copy.deepcopy(data)
    data.setdefault("options", {})["pd_min_increase_mm"] = 5
    mrecist = evaluate(case_from_data(data), "mRECIST")
    recist = evaluate(case_from_data(data), "RECIST1.1")
    for a, b in zip(mrecist.timepoints, recist.timepoints, strict=True):
        assert a.sum_mm == b.sum_mm
        assert (a.overall and a.overall.category) == (b.overall and b.overall.category)
    assert mrecist.best_overall_response.category == recist.best_overall_response.category
    assert mrecist.progression == recist.progression


_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    paths = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            paths.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths.extend(_paths(item, (*prefix, index)))
    return paths


@settings(max_examples=150, deadline=None)
@given(cases(max_follow_ups=3), st.data())
def test_corrupted_cases_exit_0_or_2_and_never_raise(data, draw):
    corrupted = json.loads(to_json(data))
    for _ in range(draw.draw(st.integers(1, 3))):
        path = draw.draw(st.sampled_from(_paths(corrupted)[1:]))
        parent = corrupted
        for key in path[:-1]:
            parent = parent[key]
        if draw.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw.draw(_JUNK)
        if not _paths(corrupted)[1:]:
            break
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.json"
        path.write_text(json.dumps(corrupted), encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["evaluate", str(path)])
    assert status in (0, 2)
    if status == 2:
        lines = err.getvalue().splitlines()
        assert lines
        assert all(line.startswith(f"{path}: ") for line in lines)
