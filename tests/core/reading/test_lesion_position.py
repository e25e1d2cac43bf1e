"""Where "go to lesion" goes: the reader's own caliper midpoints, and where it was last."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.model.clinical import LesionCategory
from core.model.reading import (
    Caliper,
    Lesion,
    Measurement,
    MeasurementKind,
    Read,
    ReadTimepoint,
    TimepointStatus,
)
from core.reading import KnownPosition, last_known_position, lesion_position

VIABLE, TOTAL, SHORT = MeasurementKind.VIABLE, MeasurementKind.TOTAL, MeasurementKind.SHORT_AXIS
BASELINE, WEEK6, WEEK12 = 101, 102, 103
T1, N1 = 7, 8


def _caliper(start: tuple[float, float, float], end: tuple[float, float, float]) -> Caliper:
    length = sum((a - b) ** 2 for a, b in zip(start, end, strict=True)) ** 0.5
    return Caliper((10.0, 10.0), (20.0, 20.0), start, end, Decimal(f"{length:.1f}"),
                   "1.2.3.4", 0)


def _read(*measurements: Measurement) -> Read:
    timepoints = tuple(
        ReadTimepoint(tid, label, dt.date(2026, 1, 5) + dt.timedelta(weeks=week), week,
                      TimepointStatus.SIGNED if tid != WEEK12 else TimepointStatus.OPEN)
        for tid, label, week in ((BASELINE, "Baseline", 0), (WEEK6, "Week 6", 6),
                                 (WEEK12, "Week 12", 12)))
    lesions = (Lesion(T1, "T1", LesionCategory.TARGET, "liver", BASELINE),
               Lesion(N1, "T2", LesionCategory.TARGET, "lymph node", BASELINE, is_node=True))
    return Read(1, "HCC-001", timepoints, lesions, measurements)


def _m(lesion: int, timepoint: int, kind: MeasurementKind,
       start: tuple[float, float, float], end: tuple[float, float, float]) -> Measurement:
    return Measurement(lesion, timepoint, kind, _caliper(start, end))


def test_the_viable_caliper_wins_over_the_total():
    read = _read(_m(T1, WEEK6, TOTAL, (0, 0, -100), (40, 0, -100)),
                 _m(T1, WEEK6, VIABLE, (10, 10, -102.5), (20, 30, -102.5)))
    assert lesion_position(read, T1, WEEK6) == pytest.approx((15.0, 20.0, -102.5))


def test_only_a_total_caliper_gives_its_midpoint():
    read = _read(_m(T1, WEEK6, TOTAL, (-90, -15, -165), (-60, -5, -165)))
    assert lesion_position(read, T1, WEEK6) == pytest.approx((-75.0, -10.0, -165.0))


def test_a_node_is_found_by_its_short_axis():
    read = _read(_m(N1, WEEK6, SHORT, (30, 40, -50), (30, 52, -50)))
    assert lesion_position(read, N1, WEEK6) == pytest.approx((30.0, 46.0, -50.0))


@pytest.mark.parametrize(("lesion", "timepoint"), [
    (T1, WEEK12),      # not measured at that timepoint
    (N1, WEEK6),       # in the read, never measured
    (999, WEEK6),      # not in the read
    (T1, 999),         # no such timepoint
])
def test_no_caliper_there_is_no_position(lesion, timepoint):
    read = _read(_m(T1, WEEK6, VIABLE, (0, 0, 0), (10, 0, 0)))
    assert lesion_position(read, lesion, timepoint) is None


def test_an_unmeasured_lesion_is_where_it_was_last_measured():
    read = _read(_m(T1, BASELINE, VIABLE, (0, 0, -90), (30, 0, -90)),
                 _m(T1, WEEK6, TOTAL, (0, 0, -95), (20, 0, -95)))
    assert last_known_position(read, T1, WEEK12) == KnownPosition(WEEK6, (10.0, 0.0, -95.0),
                                                                  TOTAL)


def test_a_measured_lesion_is_where_it_is_now():
    read = _read(_m(T1, WEEK6, VIABLE, (0, 0, -95), (20, 0, -95)),
                 _m(T1, WEEK12, VIABLE, (4, 4, -97.5), (8, 4, -97.5)))
    assert last_known_position(read, T1, WEEK12) == KnownPosition(WEEK12, (6.0, 4.0, -97.5),
                                                                  VIABLE)


def test_a_later_timepoint_is_never_looked_at():
    read = _read(_m(T1, WEEK12, VIABLE, (0, 0, -95), (20, 0, -95)))
    assert last_known_position(read, T1, WEEK6) is None
    assert last_known_position(read, T1, BASELINE) is None


def test_nothing_known_without_calipers_or_timepoint():
    read = _read()
    assert last_known_position(read, T1, WEEK12) is None
    assert last_known_position(_read(_m(T1, BASELINE, VIABLE, (0, 0, 0), (2, 0, 0))),
                               T1, 999) is None
    assert last_known_position(read, 999, WEEK12) is None
