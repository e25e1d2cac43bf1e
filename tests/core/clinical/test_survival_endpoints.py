"""OS and PFS (docs/clinical.md §6): one test per row of the FDA (2018) PFS censoring table,
on a 6-week schedule with a 7-day visit window."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.clinical import (
    ClinicalDataError,
    TumourAssessment,
    missed_assessments,
    overall_survival,
    progression_free_survival,
)

ENROLMENT = date(2024, 1, 8)
BASELINE = date(2024, 1, 2)
WINDOW = 7


def week(n: int) -> date:
    return ENROLMENT + timedelta(weeks=n)


def visit(n: int, response: str, progression: bool = False,
          new_lesion: date | None = None) -> TumourAssessment:
    return TumourAssessment(week(n), response, progression, new_lesion)


def pfs(assessments, baseline=BASELINE, **kwargs):
    return progression_free_survival(ENROLMENT, baseline, assessments, window_days=WINDOW,
                                     **kwargs)


def test_fda_row_no_baseline_assessment_censored_at_enrolment():
    result = pfs([visit(6, "SD")], baseline=None, death=week(10))
    assert (result.date, result.days, result.event) == (ENROLMENT, 0, False)
    assert result.rule.startswith("no baseline tumour assessment")


def test_fda_row_progression_documented_event_at_the_assessment():
    result = pfs([visit(6, "SD"), visit(12, "PD", True), visit(18, "PD", True)])
    assert (result.date, result.days, result.event) == (week(12), 84, True)
    assert result.rule.startswith("progression documented")


def test_fda_row_progression_by_new_lesion_dated_at_the_new_lesion():
    # First seen equivocal at week 12, confirmed at week 18: PD dated week 12.
    result = pfs([visit(6, "SD"), visit(12, "SD"), visit(18, "PD", True, week(12))])
    assert (result.date, result.event) == (week(12), True)
    assert "new lesion's date" in result.rule


def test_fda_row_no_progression_censored_at_the_last_adequate_assessment():
    result = pfs([visit(6, "PR"), visit(12, "PR"), visit(18, "NE")])
    assert (result.date, result.event) == (week(12), False)
    assert result.rule.startswith("no progression")


def test_fda_row_treatment_stopped_without_progression_censored_at_last_adequate():
    result = pfs([visit(6, "SD"), visit(12, "SD")], treatment_stop=week(14))
    assert (result.date, result.event) == (week(12), False)
    assert result.rule.startswith(f"treatment stopped on {week(14)} without documented")


def test_fda_row_new_therapy_before_progression_censored_before_it():
    result = pfs([visit(6, "SD"), visit(12, "SD"), visit(18, "PD", True)],
                 new_therapy_start=week(15))
    assert (result.date, result.event) == (week(12), False)
    assert result.rule.startswith(f"new anticancer therapy on {week(15)} before progression")


def test_new_therapy_after_progression_leaves_the_event():
    result = pfs([visit(6, "SD"), visit(12, "PD", True)], new_therapy_start=week(13))
    assert (result.date, result.event) == (week(12), True)


def test_fda_row_death_before_the_first_assessment_is_an_event():
    result = pfs([], death=week(4))
    assert (result.date, result.days, result.event) == (week(4), 28, True)
    assert result.rule.startswith("death before the first assessment")


def test_fda_row_death_between_adequate_assessments_is_an_event():
    result = pfs([visit(6, "SD"), visit(12, "SD")], death=week(15))
    assert (result.date, result.event) == (week(15), True)
    assert result.rule.startswith("death between adequate assessments")


def test_fda_row_death_after_two_missed_assessments_censored_before_the_gap():
    # Last adequate at week 6; weeks 12 and 18 missed (NE at 12 is not adequate): death at
    # week 20 is 98 days on, past 2 × 42 + 7.
    result = pfs([visit(6, "SD"), visit(12, "NE")], death=week(20))
    assert (result.date, result.event) == (week(6), False)
    assert result.rule.startswith(f"death on {week(20)} after 2 missed assessments")


def test_fda_row_progression_after_two_missed_assessments_censored_before_the_gap():
    result = pfs([visit(6, "SD"), visit(20, "PD", True)])
    assert (result.date, result.event) == (week(6), False)
    assert "after 2 missed assessments" in result.rule


def test_one_missed_assessment_keeps_the_event():
    # Week 12 missed, PD at week 18: 84 days after week 6, only one missed.
    result = pfs([visit(6, "SD"), visit(18, "PD", True)])
    assert (result.date, result.event) == (week(18), True)


@pytest.mark.parametrize(("gap_days", "missed"), [
    pytest.param(49, 0, id="first-window-not-yet-passed"),
    pytest.param(50, 1, id="one-window-passed"),
    pytest.param(91, 1, id="exactly-2x42+7-one-missed"),
    pytest.param(92, 2, id="past-2x42+7-two-missed"),
])
def test_missed_assessments_follow_the_schedule_and_window(gap_days, missed):
    last = date(2024, 1, 1)
    assert missed_assessments(last, last + timedelta(days=gap_days), 42, WINDOW) == missed


def test_months_are_days_over_30_4375():
    result = pfs([visit(6, "SD"), visit(12, "PD", True)])
    assert result.months == Decimal(84) / Decimal("30.4375")


def test_an_assessment_after_death_is_refused():
    with pytest.raises(ClinicalDataError, match="is after the death"):
        pfs([visit(12, "SD")], death=week(6))


def test_os_death_is_an_event_alive_is_censored_at_last_known_alive():
    died = overall_survival(ENROLMENT, week(30), week(29))
    alive = overall_survival(ENROLMENT, None, week(40))
    assert (died.days, died.event) == (210, True)
    assert (alive.days, alive.event, alive.date) == (280, False, week(40))
    assert alive.rule.startswith("alive: censored at the last date known alive")


def test_os_without_any_date_is_refused():
    with pytest.raises(ClinicalDataError, match="last known alive date"):
        overall_survival(ENROLMENT, None, None)
