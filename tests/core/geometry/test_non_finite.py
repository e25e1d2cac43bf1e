"""Non-finite coordinates are refused by name wherever geometry takes or makes them.

A NaN that got into a plane or a caliper end would measure as NaN, be stored, signed and
shown; an end so far off that the arithmetic overflows would measure as infinity. Both are
``InvalidValueError`` (a ``CoreError`` and a ``ValueError``) naming the field and value.
"""

from __future__ import annotations

import math

import pytest

from core.errors import CoreError, InvalidValueError
from core.geometry import PlaneGeometry, measure_caliper, measure_line, recorded_length_mm

AXIAL = PlaneGeometry((0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.5, 0.8))
NAN, INF = math.nan, math.inf


@pytest.mark.parametrize(("fields", "named"), [
    (((NAN, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.5, 0.8)), "origin_xyz"),
    (((0.0, 0.0, 0.0), (NAN, 0.0, 0.0), (0.0, 1.0, 0.0), (0.5, 0.8)), "row_direction"),
    (((0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, INF, 0.0), (0.5, 0.8)), "column_direction"),
    (((0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (NAN, 0.8)), "pixel_spacing_mm"),
    (((0.0, 0.0, -INF), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.5, 0.8)), "origin_xyz"),
])
def test_a_plane_with_a_non_finite_field_is_refused_naming_it(fields, named):
    # NaN compared false everywhere, so the unit-vector and spacing checks let it through.
    with pytest.raises(InvalidValueError, match=rf"^{named}: needs \d finite coordinates"):
        PlaneGeometry(*fields)


@pytest.mark.parametrize("end_rc", [(NAN, 1.0), (1.0, INF), (-INF, 0.0), ("x", 1.0)])
def test_a_caliper_end_that_is_not_finite_is_refused(end_rc):
    with pytest.raises(InvalidValueError, match=r"^point_rc: needs 2 (finite )?coordinates"):
        measure_caliper(AXIAL, (0.0, 0.0), end_rc, "1.2.3")


def test_an_end_so_far_off_that_the_length_overflows_is_refused():
    with pytest.raises(InvalidValueError, match=r"^length_mm: must be a finite length"):
        measure_line(AXIAL, (-1e308, -1e308), (1e308, 1e308))
    with pytest.raises(InvalidValueError, match=r"^point_rc: lies too far away"):
        PlaneGeometry((1e308, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0),
                      (1.0, 1.0)).to_patient_xyz((0.0, 1e308))


def test_every_plane_method_refuses_non_finite_points():
    for call, named in [
        (lambda: AXIAL.to_patient_xyz((NAN, 0.0)), "point_rc"),
        (lambda: AXIAL.to_pixel_rc((0.0, INF, 0.0)), "point_xyz"),
        (lambda: AXIAL.to_plane_mm((0.0, NAN)), "point_rc"),
        (lambda: AXIAL.from_plane_mm(NAN, 0.0), "plane_mm"),
        (lambda: AXIAL.distance_from_plane_mm((NAN, 0.0, 0.0)), "point_xyz"),
    ]:
        with pytest.raises(InvalidValueError, match=rf"^{named}: "):
            call()


@pytest.mark.parametrize("length", [NAN, INF, -INF, -0.5, 1e30])
def test_a_length_that_cannot_be_recorded_is_a_named_error_not_invalid_operation(length):
    # Decimal's quantize raised a bare decimal.InvalidOperation for all of these.
    with pytest.raises(InvalidValueError, match=r"^length_mm: must be a finite length") as caught:
        recorded_length_mm(length)
    assert isinstance(caught.value, CoreError)
    assert isinstance(caught.value, ValueError)


def test_finite_points_still_measure():
    caliper = measure_caliper(AXIAL, (0.0, 0.0), (30.0, 40.0), "1.2.3")
    assert str(caliper.length_mm) == "35.34"  # hypot(30 × 0.5, 40 × 0.8)
    assert AXIAL.to_pixel_rc(caliper.end_xyz) == pytest.approx((30.0, 40.0))
