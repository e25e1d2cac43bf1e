"""Kaplan–Meier curve, bands and median as R's survfit computes them (docs/criteria.md §9).

The values written out here were printed by R 4.2.2 with survival 3.5-3; the comparison on
hundreds of random data sets against R itself is in test_stats_survival_vs_r.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.stats import kaplan_meier
from core.stats.survival import first_time_at_or_below_half


def test_reference_ten_events_median_5_5_ci_3_to_not_reached():
    km = kaplan_meier(range(1, 11), [1] * 10)
    assert (km.median, km.median_ci_low, km.median_ci_high) == (5.5, 3.0, None)
    assert km.n == km.events == 10


def test_curve_matches_r_with_ties_and_censoring():
    # R: survfit(Surv(c(1,2,2,3,4,4,5), c(1,0,1,1,0,1,1)) ~ 1)
    km = kaplan_meier([1, 2, 2, 3, 4, 4, 5], [1, 0, 1, 1, 0, 1, 1])
    assert km.time == (1, 2, 3, 4, 5)
    assert km.n_risk == (7, 6, 4, 3, 1)
    assert km.n_event == (1, 1, 1, 1, 1)
    assert km.n_censor == (0, 1, 0, 1, 0)
    assert km.survival == pytest.approx(
        [0.8571429, 0.7142857, 0.5357143, 0.3571429, 0.0], abs=1e-7
    )
    assert km.std_err[:4] == pytest.approx([0.1543033, 0.2390457, 0.3748015, 0.5542047], abs=1e-7)
    assert math.isinf(km.std_err[4])
    assert km.lower[:4] == pytest.approx([0.6334465, 0.4470909, 0.2569813, 0.1205319], abs=1e-7)
    assert km.upper[:4] == (1.0, 1.0, 1.0, 1.0)
    # R gives NA for both limits once S = 0.
    assert (km.lower[4], km.upper[4]) == (None, None)
    # R: summary(fit)$table gives median 4, 0.95LCL 2, 0.95UCL NA.
    assert (km.median, km.median_ci_low, km.median_ci_high) == (4.0, 2.0, None)


def test_censored_subjects_tied_with_an_event_stay_at_risk():
    km = kaplan_meier([2, 2, 2, 5], [1, 0, 0, 1])
    assert km.n_risk == (4, 1)
    assert km.survival[0] == 0.75


def test_median_not_reached_when_the_curve_stays_above_half():
    km = kaplan_meier([1, 2, 3, 4, 5, 6], [1, 0, 0, 0, 0, 0])
    assert (km.median, km.median_ci_low, km.median_ci_high) == (None, None, None)


def test_all_censored():
    km = kaplan_meier([3.0, 4.5], [False, False])
    assert km.survival == (1.0, 1.0)
    assert km.lower == (1.0, 1.0)
    assert km.events == 0
    assert km.median is None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param([0.9, 0.5, 0.5, 0.2], 3.0, id="R-minmin-flat-at-0.5-gives-midpoint-2-and-4"),
        pytest.param([0.9, 0.5], 2.0, id="R-minmin-0.5-never-left-gives-that-time"),
        pytest.param([0.9, 0.4], 2.0, id="R-minmin-first-below-0.5"),
        pytest.param([0.9, 0.5 + 1e-9, 0.3], 2.5, id="R-minmin-within-sqrt-eps-counts-as-0.5"),
        pytest.param([0.9, 0.5 + 1e-7, 0.3], 3.0, id="R-minmin-beyond-sqrt-eps-is-above"),
        pytest.param([float("nan"), 0.45], 2.0, id="R-minmin-NA-skipped"),
        pytest.param([0.9, 0.8], None, id="R-minmin-never-reached-is-NA"),
    ],
)
def test_first_time_at_or_below_half_is_rs_minmin(values, expected):
    times = np.arange(1.0, len(values) + 1.0)
    assert first_time_at_or_below_half(np.array(values), times) == expected


@pytest.mark.parametrize(
    ("conf_type", "lower", "upper"),
    [
        # R: survfit(Surv(c(1,2,2,3,4,4,5), c(1,0,1,1,0,1,1)) ~ 1, conf.type=...)$lower[2]
        pytest.param("log", 0.4470909479, 1.0, id="R-conf.type-log"),
        pytest.param("log-log", 0.2581536655, 0.9197974560, id="R-conf.type-log-log"),
        pytest.param("plain", 0.3796278532, 1.0, id="R-conf.type-plain"),
    ],
)
def test_conf_types_match_r(conf_type, lower, upper):
    km = kaplan_meier([1, 2, 2, 3, 4, 4, 5], [1, 0, 1, 1, 0, 1, 1], conf_type=conf_type)
    assert km.lower[1] == pytest.approx(lower, abs=1e-10)
    assert km.upper[1] == pytest.approx(upper, abs=1e-10)


def test_log_log_has_no_band_where_survival_is_1():
    km = kaplan_meier([1, 2, 3], [0, 1, 1], conf_type="log-log")
    assert (km.lower[0], km.upper[0]) == (None, None)
    assert km.lower[1] == pytest.approx(0.005983088, abs=1e-9)
    assert (km.lower[2], km.upper[2]) == (None, None)


@pytest.mark.parametrize(
    ("times", "events", "conf_type", "message"),
    [
        pytest.param([], [], "log", "non-empty", id="empty"),
        pytest.param([1, 2], [1], "log", "same length", id="lengths-differ"),
        pytest.param([1, float("nan")], [1, 1], "log", "finite", id="nan-time"),
        pytest.param([1, 2], [1, 2], "log", "0/1", id="event-not-0-or-1"),
        pytest.param([1, 2], [1, 1], "logit", "conf_type", id="unknown-conf-type"),
    ],
)
def test_invalid_input_raises_value_error(times, events, conf_type, message):
    with pytest.raises(ValueError, match=message):
        kaplan_meier(times, events, conf_type=conf_type)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.booleans()),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(["log", "log-log", "plain"]),
)
def test_curve_properties(data, conf_type):
    times, events = zip(*data, strict=True)
    km = kaplan_meier(times, events, conf_type=conf_type)
    surv = np.array(km.survival)
    assert np.all(np.diff(surv) <= 0)
    assert sum(km.n_event) == km.events == sum(events)
    assert sum(km.n_event) + sum(km.n_censor) == km.n == len(times)
    for s, low, high in zip(km.survival, km.lower, km.upper, strict=True):
        if low is not None and high is not None:
            assert low <= s + 1e-12
            assert s <= high + 1e-12
    if km.median is not None and km.median_ci_low is not None:
        assert km.median_ci_low <= km.median
    if km.median is not None and km.median_ci_high is not None:
        assert km.median <= km.median_ci_high
