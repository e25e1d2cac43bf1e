"""A caliper or measurement with an invalid value is a named error naming field and value.

``Caliper(length_mm="abc")`` raised a bare ``decimal.InvalidOperation``, NaN end points
were accepted, and ``1E+999999999`` passed for a length (turning it into an exact fraction
needs a billion-digit integer). Each is now ``InvalidValueError``: a ``CoreError`` that the
CLI and the desktop's error boundary show as one line, and a ``ValueError``.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from core.errors import CoreError, InvalidValueError
from core.model.clinical import CaseOptions, to_decimal
from core.model.reading import Caliper, Measurement

NAN, INF = math.nan, math.inf
POINTS = {"start_rc": (1.0, 2.0), "end_rc": (3.0, 4.0), "start_xyz": (0.0, 0.0, 0.0),
          "end_xyz": (1.0, 1.0, 1.0)}


def _caliper(**changes):
    fields = {**POINTS, "length_mm": Decimal("1.73"), "sop_instance_uid": "1.2.3", **changes}
    return Caliper(**fields)


@pytest.mark.parametrize(("length", "reason"), [
    ("abc", "must be a number"),
    ("", "must be a number"),
    (None, "must be a number"),
    (True, "must be a number"),
    ("NaN", "must be a finite number"),
    ("sNaN", "must be a finite number"),
    (NAN, "must be a finite number"),
    ("Infinity", "must be a finite number"),
    (-INF, "must be a finite number"),
    ("-1", "must be a number ≥ 0"),
    (Decimal("-0.01"), "must be a number ≥ 0"),
    ("1E+999999999", "must be below 1E+40"),
    ("1E-999999999", "must have at most 40 decimal places"),
    ("0E-999999999", "must have at most 40 decimal places"),
    ("1" * 41, "must have at most 40 significant digits"),
    pytest.param(10 ** 5000, "must be a number", id="int-past-str-limit"),
])
def test_an_invalid_length_is_a_named_error_naming_field_and_value(length, reason):
    with pytest.raises(InvalidValueError) as caught:
        _caliper(length_mm=length)
    error = caught.value
    assert isinstance(error, CoreError)
    assert isinstance(error, ValueError)
    assert str(error).startswith(f"length_mm: {reason}, not ")
    assert error.field == "length_mm"
    assert len(str(error)) < 200  # the value is quoted short, even 5,000 digits of it


@pytest.mark.parametrize("name", ["start_rc", "end_rc", "start_xyz", "end_xyz"])
@pytest.mark.parametrize("bad", [NAN, INF, -INF])
def test_a_non_finite_caliper_end_is_refused_naming_it(name, bad):
    point = (bad, *POINTS[name][1:])
    with pytest.raises(InvalidValueError, match=rf"^{name}: needs \d finite coordinates, not "):
        _caliper(**{name: point})


@pytest.mark.parametrize(("changes", "named"), [
    ({"start_rc": (1.0,)}, "start_rc"),
    ({"end_xyz": None}, "end_xyz"),
    ({"start_rc": (10 ** 400, 0)}, "start_rc"),  # an int past a float's range
    ({"sop_instance_uid": ""}, "sop_instance_uid"),
    ({"frame": -1}, "frame"),
    ({"frame": True}, "frame"),
])
def test_other_invalid_caliper_fields_are_named(changes, named):
    with pytest.raises(InvalidValueError, match=rf"^{named}: "):
        _caliper(**changes)


def test_an_invalid_measurement_kind_or_caliper_is_named():
    with pytest.raises(InvalidValueError, match=r"^kind: must be one of viable, total, "):
        Measurement(1, 1, "diameter", _caliper())
    with pytest.raises(InvalidValueError, match=r"^caliper: must be a Caliper, not "):
        Measurement(1, 1, "viable", "12.5")


def test_valid_values_are_kept_exact():
    assert _caliper(length_mm=25.2).length_mm == Decimal("25.2")
    assert _caliper(length_mm="1E+39").length_mm == Decimal("1E+39")
    assert to_decimal("0.0000001", "x") == Decimal("1E-7")
    assert to_decimal(10 ** 39, "x") == Decimal(10 ** 39)


@pytest.mark.parametrize(("options", "named"), [
    ({"confirmation_days": 10 ** 20}, "confirmation_days"),  # past SQLite's integers
    ({"sd_min_days": -1}, "sd_min_days"),
    ({"max_targets": 0}, "max_targets"),
    pytest.param({"max_targets_per_organ": 10 ** 5000}, "max_targets_per_organ",
                 id="int-past-str-limit"),
    ({"pd_min_increase_mm": "NaN"}, "pd_min_increase_mm"),
])
def test_invalid_engine_options_are_named(options, named):
    with pytest.raises(InvalidValueError, match=rf"^{named}: ") as caught:
        CaseOptions(**options)
    assert len(str(caught.value)) < 200
