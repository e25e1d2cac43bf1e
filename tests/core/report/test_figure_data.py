"""The figures' data (docs/report.md §4): the waterfall's bars, the swimmer's lanes and the
Kaplan-Meier curves, numbers at risk and landmark rates against R's ``survival``
(``survfit`` and ``summary(fit, times = c(0, 3, 6, 9, 12))``, survival 3.4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.model.clinical import ResponseCategory as R
from core.report import SubjectChange, SubjectTime, SwimmerSubject, survival_figure, swimmer
from core.report import waterfall as make_waterfall

D = Decimal


def test_waterfall_bars_run_from_the_largest_increase_to_the_largest_decrease():
    drawn = make_waterfall([
        SubjectChange("S1", D("-45.2"), R.PR, R.PR), SubjectChange("S2", D("12.0"), R.SD, R.SD),
        SubjectChange("S3", None, R.NE, R.NE), SubjectChange("S4", D("-100.0"), R.CR, R.CR),
        SubjectChange("S5", D("12.0"), R.PD, R.PD), SubjectChange("S6", D("0.0"), R.SD, R.SD)])
    assert [bar.subject for bar in drawn.bars] == ["S2", "S5", "S6", "S1", "S4"]
    assert [bar.change_text for bar in drawn.bars] == [
        "+12.0 %", "+12.0 %", "0.0 %", "-45.2 %", "-100.0 %"]
    assert drawn.not_shown == (("S3", "no evaluable post-baseline target sum"),)
    assert (drawn.pr_line_pct, drawn.pd_line_pct) == (-30, 20)
    assert make_waterfall([]).bars == ()


ENROLLED = dt.date(2026, 1, 1)
CUT_OFF = dt.date(2026, 12, 31)


def _swimmer_subject(code, end=None, death=None, alive=None, progression=None):
    return SwimmerSubject(code, ENROLLED, end, death, alive,
                          ((dt.date(2026, 2, 12), R.PR), (dt.date(2027, 1, 5), R.PD)),
                          progression, R.PR)


def test_swimmer_lanes_in_days_with_nothing_after_the_cut_off():
    lanes = swimmer([
        _swimmer_subject("S1", end=dt.date(2026, 3, 2), death=dt.date(2026, 6, 30),
                         progression=dt.date(2026, 2, 28)),
        _swimmer_subject("S2", alive=dt.date(2026, 11, 1)),  # still on treatment
        _swimmer_subject("S3", end=dt.date(2026, 4, 1), death=dt.date(2027, 2, 1)),
    ], CUT_OFF)
    assert [lane.subject for lane in lanes.lanes] == ["S2", "S3", "S1"]
    ongoing, later_death, died = lanes.lanes
    assert (ongoing.treatment_end_day, ongoing.follow_up_end_day, ongoing.is_ongoing) == (
        364, 364, True)
    assert ongoing.last_known_alive_day == 304
    # The week-57 PD of 2027 is after the cut-off: only the PR at day 42 is shown.
    assert ongoing.responses == ((42, R.PR),)
    assert (died.treatment_end_day, died.follow_up_end_day, died.death_day,
            died.progression_day, died.is_ongoing) == (60, 180, 180, 58, False)
    # A death after the cut-off is not shown: follow-up runs to the cut-off.
    assert (later_death.follow_up_end_day, later_death.death_day) == (364, None)


# Twelve subjects' months and events, fitted in R as survfit(Surv(t, e) ~ 1).
TIMES = ["2.1", "3.0", "3.4", "4.6", "5.2", "5.9", "6.5", "7.0", "8.8", "10.1", "12.4", "14.0"]
EVENTS = [1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0]
SUBJECTS = [SubjectTime(f"S{i:02}", D(t), bool(e))
            for i, (t, e) in enumerate(zip(TIMES, EVENTS, strict=True), 1)]


def test_kaplan_meier_figure_equals_r_survival():
    figure = survival_figure("PFS", SUBJECTS)
    # R: n 12, events 7, median 8.8, 0.95LCL 5.9, 0.95UCL NA
    assert (figure.n, figure.events) == (12, 7)
    assert (figure.median, figure.median_ci_low, figure.median_ci_high) == (8.8, 5.9, None)
    assert figure.median_text == "8.8 (95 % CI 5.9-not reached) months"
    # R: summary(fit, times = c(0, 3, 6, 9, 12))$n.risk 12 11 6 3 2
    assert figure.at_risk == ((0, 12), (3, 11), (6, 6), (9, 3), (12, 2))
    assert figure.curve[0] == (0.0, 1.0)
    assert len(figure.curve) == 13
    assert [time for time, _, _ in figure.censor_ticks] == [3.0, 5.2, 7.0, 12.4, 14.0]
    # R: surv / lower / upper at 3: 0.9166666667 0.7729009737 1; at 6: 0.6285714286
    # 0.3946679404 1; at 12: 0.2619047619 0.0835636295 0.8208607583
    three, six, twelve = figure.landmarks
    assert (three.estimate, three.ci_low, three.ci_high) == (
        pytest.approx(0.9166666667), pytest.approx(0.7729009737), 1.0)
    assert (six.estimate, six.ci_low) == (pytest.approx(0.6285714286),
                                          pytest.approx(0.3946679404))
    assert (twelve.estimate, twelve.ci_low, twelve.ci_high) == (
        pytest.approx(0.2619047619), pytest.approx(0.0835636295),
        pytest.approx(0.8208607583))
    assert twelve.estimate_text == "26.2 % (95 % CI 8.4-82.1)"
    # Crude: known event-free beyond t, of all 12 (the seed's "24/31 at 6 months" kind).
    assert [landmark.crude.text for landmark in figure.landmarks] == [
        "11/12 (91.7 %)", "6/12 (50.0 %)", "2/12 (16.7 %)"]


def test_a_landmark_past_the_last_time_is_not_estimable():
    figure = survival_figure("OS", SUBJECTS[:3])  # last time 3.4 months
    assert [landmark.estimate for landmark in figure.landmarks][1:] == [None, None]
    assert figure.landmarks[1].estimate_text == "not estimable"
    assert figure.at_risk == ((0, 3), (3, 2))


def test_an_empty_endpoint_draws_nothing_and_one_subject_draws_one_step():
    empty = survival_figure("OS", [])
    assert (empty.n, empty.fit, empty.median_text, empty.curve) == (0, None, "–", ((0.0, 1.0),))
    single = survival_figure("OS", [SubjectTime("S1", D("4.2"), True)])
    assert single.curve == ((0.0, 1.0), (4.2, 0.0))
    assert single.median == 4.2
