"""The case-file and result formats: ``mrecist-case/1`` in, ``mrecist-result/1`` out.

Parsing takes text, not a path, so this module does no I/O of its own beyond reading the
JSON Schemas shipped in ``core/criteria/schemas``. Numbers are parsed straight into
``Decimal`` so that 25.2 is exactly 25.2 (``json.loads(..., parse_float=Decimal)``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from typing import Any

import jsonschema

from core.criteria.formatting import round_half_away
from core.criteria.types import (
    Assessment,
    Case,
    NewLesion,
    NonTargetLesion,
    Result,
    TargetLesion,
    Timepoint,
    TimepointResult,
)
from core.criteria.validation import CaseError, Problem, document_order
from core.errors import quoted, shortened
from core.model.clinical import MAX_NUMBER_DIGITS, CaseOptions, Criteria, number_refusal

_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

CASE_FORMAT = "mrecist-case/1"
RESULT_FORMAT = "mrecist-result/1"
CASE_SCHEMA = "mrecist-case-1.schema.json"
RESULT_SCHEMA = "mrecist-result-1.schema.json"


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """Return one of the JSON Schemas shipped with the package (do not modify it).

    Parameters
    ----------
    name
        ``CASE_SCHEMA`` or ``RESULT_SCHEMA``.
    """
    text = resources.files("core.criteria").joinpath("schemas", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


class _JsonObject(dict[str, Any]):
    """A parsed JSON object that remembers keys it saw more than once."""

    duplicate_keys: tuple[str, ...] = ()


class _NonFinite:
    """``NaN`` or ``Infinity`` in the text: not a JSON number, reported by the schema check."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class _Unreadable:
    """A number in the text that is not read: past the digits Python converts (4,300 for an
    int) or the exponents ``Decimal`` holds; ``_value_problems`` reports it by pointer."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _parse_int(text: str) -> int | _Unreadable:
    digits = len(text.lstrip("-"))
    if digits > MAX_NUMBER_DIGITS:
        return _Unreadable(f"an integer of {digits} digits: at most {MAX_NUMBER_DIGITS} "
                           "are read")
    return int(text)


def _parse_float(text: str) -> Decimal | _Unreadable:
    try:
        return Decimal(text)
    except ArithmeticError:  # an exponent past Decimal's 10^18
        return _Unreadable(f"a number of {len(text)} characters that cannot be read")


def _object_from_pairs(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject()
    duplicates = []
    for key, value in pairs:
        if key in obj:
            duplicates.append(key)
        obj[key] = value
    obj.duplicate_keys = tuple(duplicates)
    return obj


def parse_json(text: str) -> Any:
    """Parse JSON text with exact decimals; raise ``CaseError`` naming line and column.

    Objects remember keys given more than once (JSON would silently keep the last value,
    hiding a recording error); ``case_from_data`` reports them.

    Raises
    ------
    CaseError
        If *text* is not JSON.
    """
    try:
        data = json.loads(
            text,
            parse_float=_parse_float,
            parse_int=_parse_int,
            parse_constant=_NonFinite,
            object_pairs_hook=_object_from_pairs,
        )
    except json.JSONDecodeError as error:
        problem = Problem(None, f"not valid JSON: {error.msg}", error.lineno, error.colno)
        raise CaseError([problem]) from None
    except RecursionError:
        raise CaseError([Problem(None, "not valid JSON: nested too deeply")]) from None
    return data


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _nodes(data: Any) -> Iterator[tuple[Any, tuple[str | int, ...]]]:
    """Every value in *data* with its path of keys, depth first in document order."""
    # An explicit stack, not recursion: JSON nested a thousand deep must not crash us.
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        yield value, path
        if isinstance(value, dict):
            children = [(item, (*path, key)) for key, item in value.items()]
        elif isinstance(value, list):
            children = [(item, (*path, index)) for index, item in enumerate(value)]
        else:
            continue
        stack.extend(reversed(children))


def _duplicate_key_problems(data: Any) -> Iterator[Problem]:
    for value, path in _nodes(data):
        for key in getattr(value, "duplicate_keys", ()):
            yield Problem(_pointer((*path, key)), "key given more than once")


def _surrogate(text: str) -> str | None:
    """The first lone UTF-16 surrogate in *text*, written ``\\udXXX``, or ``None``.

    JSON's ``\\ud800`` escapes can make one; it is no character and could not be written
    out again as UTF-8.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"\\u{ord(text[error.start]):04x}"
    return None


def _value_problems(data: Any) -> tuple[list[Problem], list[tuple[str | int, ...]]]:
    """Numbers past docs/input-limits.md and text that is not Unicode, by pointer; and the
    paths of the numbers, which the schema check must not see (it quotes them with repr,
    which stops at 4,300 digits)."""
    problems, refused = [], []
    for value, path in _nodes(data):
        pointer = _pointer(path)
        if isinstance(value, _Unreadable):
            problems.append(Problem(pointer, value.reason))
            refused.append(path)
        elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            # An int exactly (its repr stops at 4,300 digits), a float by its shortest repr.
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            # NaN and Infinity are the schema's to report ("must be a number").
            refusal = number_refusal(number) if number.is_finite() else None
            if refusal is not None:
                problems.append(Problem(pointer, f"{refusal}, not {_describe_value(value)}"))
                refused.append(path)
        elif isinstance(value, str) and (surrogate := _surrogate(value)):
            problems.append(Problem(pointer, f"not Unicode text: a lone surrogate {surrogate}"))
        if isinstance(value, dict):
            for key in value:
                if surrogate := _surrogate(key):
                    problems.append(Problem(pointer, "a key is not Unicode text: a lone "
                                            f"surrogate {surrogate}"))
    return problems, refused


def _without(data: Any, paths: list[tuple[str | int, ...]]) -> Any:
    """*data* with the values at *paths* replaced by a placeholder, copying only the
    containers on the way to them (the caller's data stays as it was)."""
    if not paths:
        return data
    if () in paths:
        return _Unreadable("")
    copies: dict[int, Any] = {}

    def copied(container: Any) -> Any:
        if id(container) not in copies:
            copies[id(container)] = dict(container) if isinstance(container, dict) \
                else list(container)
        return copies[id(container)]

    root = copied(data)
    for path in paths:
        original, parent = data, root
        for key in path[:-1]:
            original = original[key]
            parent[key] = parent = copied(original)
        parent[path[-1]] = _Unreadable("")
    return root


_TYPE_WORDS = {
    "number": "a number",
    "integer": "an integer",
    "string": "a string",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _describe_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {shortened(json.dumps(value, ensure_ascii=False))}"
    if isinstance(value, _Unreadable):
        return "an unreadable number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int):
        return quoted(value)  # str() of an int stops at 4,300 digits; quoted() says so
    return shortened(str(value))


def _pointer(path: Any) -> str:
    return "".join(f"/{_escape(str(part))}" for part in path)


def _explain(error: jsonschema.ValidationError) -> Iterator[Problem]:
    """Turn one schema violation into one-line problems named by JSON pointer."""
    pointer = _pointer(error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties":
        known = list(schema.get("properties", {}))
        for key in value:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                yield Problem(f"{pointer}/{_escape(key)}", f"unknown key{hint}")
        return
    if kind == "required":
        for key in expected:
            if key not in value:
                yield Problem(pointer, f"missing required key '{key}'")
        return
    if "x-message" in schema:
        yield Problem(pointer, str(schema["x-message"]))
        return
    got = _describe_value(value)
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        words = " or ".join(_TYPE_WORDS.get(name, name) for name in names)
        if "minimum" in schema:
            words += f" ≥ {schema['minimum']}"
        message = f"must be {words}, not {got}"
    elif kind == "minimum":
        message = f"must be a number ≥ {expected}, not {got}"
    elif kind == "maximum":
        message = f"must be at most {expected}, not {got}"
    elif kind == "minLength":
        message = "must not be empty"
    elif kind == "maxLength":
        message = f"must be at most {expected} characters long"
    elif kind == "minItems":
        message = f"must have at least {expected} item{'s' if expected != 1 else ''}"
    elif kind == "enum":
        choices = ", ".join(json.dumps(choice) for choice in expected)
        message = f"must be one of {choices}, not {got}"
    elif kind == "const":
        message = f"must be {json.dumps(expected)}, not {got}"
    else:
        message = error.message
    yield Problem(pointer, message)


def schema_problems(data: Any, schema_name: str = CASE_SCHEMA) -> tuple[Problem, ...]:
    """Return every violation of a shipped JSON Schema, one problem per line, in order."""
    validator = jsonschema.Draft202012Validator(load_schema(schema_name))
    problems = [problem for error in validator.iter_errors(data) for problem in _explain(error)]
    unique = list(dict.fromkeys(problems))
    return tuple(sorted(unique, key=lambda problem: document_order(problem.pointer)))


def _calendar_date_problems(data: Any) -> Iterator[Problem]:
    """Dates shaped YYYY-MM-DD that do not exist (2022-02-30), found even in a broken file."""
    timepoints = data.get("timepoints") if isinstance(data, dict) else None
    if not isinstance(timepoints, list):
        return
    for index, item in enumerate(timepoints):
        text = item.get("date") if isinstance(item, dict) else None
        if isinstance(text, str) and _DATE_SHAPE.fullmatch(text):
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                yield Problem(f"/timepoints/{index}/date", f"'{text}' is not a calendar date")


def _target(data: Mapping[str, Any]) -> TargetLesion:
    return TargetLesion(
        id=data["id"],
        organ=data["organ"],
        state=data.get("state", "measured"),
        longest_mm=data.get("longest_mm"),
        viable_mm=data.get("viable_mm"),
        short_axis_mm=data.get("short_axis_mm"),
        node=data.get("node"),
        porta_hepatis=data.get("porta_hepatis", False),
        previously_treated=data.get("previously_treated", False),
        location=data.get("location"),
    )


def _non_target(data: Mapping[str, Any]) -> NonTargetLesion:
    return NonTargetLesion(
        id=data["id"],
        organ=data["organ"],
        state=data["state"],
        kind=data.get("kind"),
        cytology_confirmed=data.get("cytology_confirmed", False),
    )


def _new(data: Mapping[str, Any]) -> NewLesion:
    return NewLesion(
        id=data["id"],
        organ=data["organ"],
        longest_mm=data.get("longest_mm"),
        arterial_enhancement=data.get("arterial_enhancement", False),
        washout=data.get("washout", False),
        kind=data.get("kind"),
        cytology_confirmed=data.get("cytology_confirmed", False),
        equivocal=data.get("equivocal", False),
    )


def case_from_data(data: Any) -> Case:
    """Build a ``Case`` from parsed ``mrecist-case/1`` data after checking the schema.

    Rules between timepoints are checked by ``evaluate`` (``core.criteria.validation``),
    because some depend on the criteria the case is evaluated under.

    Raises
    ------
    CaseError
        With one problem per schema violation or repeated key.
    """
    value_problems, refused = _value_problems(data)
    # A number refused for its size is reported once, not again as "must be a number".
    refused_at = {_pointer(path) for path in refused}
    problems = [
        *_duplicate_key_problems(data),
        *value_problems,
        *(problem for problem in schema_problems(_without(data, refused), CASE_SCHEMA)
          if problem.pointer not in refused_at),
        *_calendar_date_problems(data),
    ]
    if problems:
        raise CaseError(sorted(problems, key=lambda problem: document_order(problem.pointer)))
    timepoints = []
    for item in data["timepoints"]:
        timepoints.append(
            Timepoint(
                label=item["label"],
                date=dt.date.fromisoformat(item["date"]),
                target=tuple(map(_target, item.get("target", ()))),
                non_target=tuple(map(_non_target, item.get("non_target", ()))),
                new=tuple(map(_new, item.get("new", ()))),
                not_assessed=item.get("not_assessed", False),
            )
        )
    return Case(
        subject=data["subject"],
        criteria=Criteria(data["criteria"]),
        timepoints=tuple(timepoints),
        options=CaseOptions(**data.get("options", {})),
    )


def parse_case(text: str) -> Case:
    """Parse the text of an ``mrecist-case/1`` file.

    Raises
    ------
    CaseError
        If the text is not JSON or breaks the schema; each problem names its location.
    """
    return case_from_data(parse_json(text))


def _number(value: Decimal) -> float:
    return float(value)


def _drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}


def _target_data(lesion: TargetLesion) -> dict[str, Any]:
    return _drop_none(
        {
            "id": lesion.id,
            "organ": lesion.organ,
            "node": lesion.node,
            "porta_hepatis": lesion.porta_hepatis or None,
            "previously_treated": lesion.previously_treated or None,
            "location": lesion.location,
            "longest_mm": None if lesion.longest_mm is None else _number(lesion.longest_mm),
            "viable_mm": None if lesion.viable_mm is None else _number(lesion.viable_mm),
            "short_axis_mm": (
                None if lesion.short_axis_mm is None else _number(lesion.short_axis_mm)
            ),
            "state": lesion.state.value,
        }
    )


def _non_target_data(lesion: NonTargetLesion) -> dict[str, Any]:
    return _drop_none(
        {
            "id": lesion.id,
            "organ": lesion.organ,
            "kind": lesion.kind,
            "cytology_confirmed": lesion.cytology_confirmed or None,
            "state": lesion.state.value,
        }
    )


def _new_data(lesion: NewLesion) -> dict[str, Any]:
    return _drop_none(
        {
            "id": lesion.id,
            "organ": lesion.organ,
            "longest_mm": None if lesion.longest_mm is None else _number(lesion.longest_mm),
            "arterial_enhancement": lesion.arterial_enhancement or None,
            "washout": lesion.washout or None,
            "kind": lesion.kind,
            "cytology_confirmed": lesion.cytology_confirmed or None,
            "equivocal": lesion.equivocal or None,
        }
    )


def _timepoint_data(timepoint: Timepoint) -> dict[str, Any]:
    data: dict[str, Any] = {"label": timepoint.label, "date": timepoint.date.isoformat()}
    if timepoint.not_assessed:
        data["not_assessed"] = True
        return data
    data["target"] = [_target_data(lesion) for lesion in timepoint.target]
    data["non_target"] = [_non_target_data(lesion) for lesion in timepoint.non_target]
    data["new"] = [_new_data(lesion) for lesion in timepoint.new]
    return data


def case_to_data(case: Case) -> dict[str, Any]:
    """Return *case* as ``mrecist-case/1`` data, ready for ``json.dumps``.

    Lengths become JSON numbers through their shortest float repr, which keeps every
    length with up to 15 significant digits exact.
    """
    options = {
        key: (_number(value) if isinstance(value, Decimal) else value)
        for key in CaseOptions.__slots__
        if (value := getattr(case.options, key)) is not None
    }
    data: dict[str, Any] = {
        "format": CASE_FORMAT,
        "subject": case.subject,
        "criteria": case.criteria.value,
    }
    if options:
        data["options"] = options
    data["timepoints"] = [_timepoint_data(timepoint) for timepoint in case.timepoints]
    return data


def _mm(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _pct(value: Fraction | None) -> float | None:
    return None if value is None else float(round_half_away(value))


def _category(assessment: Assessment | None) -> str | None:
    return None if assessment is None else assessment.category.value


def _row_data(row: TimepointResult) -> dict[str, Any]:
    return {
        "label": row.label,
        "date": row.date.isoformat(),
        "days_since_baseline": row.days_since_baseline,
        "sum_mm": _mm(row.sum_mm),
        "nadir_sum_mm": _mm(row.nadir_sum_mm),
        "change_from_baseline_pct": _pct(row.change_from_baseline_pct),
        "change_from_nadir_pct": _pct(row.change_from_nadir_pct),
        "target_response": _category(row.target),
        "non_target_response": _category(row.non_target),
        "new_lesions": _category(row.new_lesions),
        "overall_response": _category(row.overall),
        "reasons": list(row.reasons),
    }


def result_to_data(result: Result) -> dict[str, Any]:
    """Return *result* as ``mrecist-result/1`` data, ready for ``json.dumps``.

    Percentages are rounded half away from zero to one decimal here, after every decision
    was taken on exact values (docs/criteria.md §6).
    """
    options = result.options
    progression = result.progression
    subject_reasons = [
        result.best_overall_response.reason,
        result.confirmed_best_overall_response.reason,
        progression.reason if progression else "progression: none",
    ]
    return {
        "format": RESULT_FORMAT,
        "subject": result.subject,
        "criteria": result.criteria.value,
        "options": {
            "confirmation_days": options.confirmation_days,
            "sd_min_days": options.sd_min_days,
            "pd_min_increase_mm": float(options.pd_min_increase_mm),
            "max_targets": options.max_targets,
            "max_targets_per_organ": options.max_targets_per_organ,
        },
        "baseline_sum_mm": _mm(result.baseline_sum_mm),
        "timepoints": [_row_data(row) for row in result.timepoints],
        "best_overall_response": result.best_overall_response.category.value,
        "confirmed_best_overall_response": result.confirmed_best_overall_response.category.value,
        "progression": None
        if progression is None
        else {
            "label": progression.label,
            "date": progression.date.isoformat(),
            "backdated": progression.is_backdated,
        },
        "best_change_from_baseline_pct": _pct(result.best_change_from_baseline_pct),
        "reasons": subject_reasons,
        "warnings": list(result.warnings),
    }
