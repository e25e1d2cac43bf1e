"""Where the adjudication view shows each fired trigger (docs/reading.md §3)."""

from __future__ import annotations

from core.reading import trigger_timepoints


def _result(*rows: tuple[str, str, str]) -> dict:
    return {"timepoints": [{"label": label, "date": date, "overall_response": overall}
                           for label, date, overall in rows]}


A = _result(("Baseline", "2026-01-05", None), ("Week 6", "2026-02-16", "PR"),
            ("Week 12", "2026-03-30", "PD"))
B = _result(("Baseline", "2026-01-05", None), ("Week 6", "2026-02-16", "SD"),
            ("Week 12", "2026-03-30", "SD"))


def test_each_trigger_shows_where_it_fired():
    placed = trigger_timepoints((
        "best_overall_response: PR vs SD",
        "progression_date: 2026-03-30 vs none",
        "first_response: 2026-02-16 vs none",
        "any_timepoint_response: Week 6 PR vs SD",
    ), A, B)
    assert placed == {
        "Week 12": ("best_overall_response: PR vs SD", "progression_date: 2026-03-30 vs none"),
        "Week 6": ("first_response: 2026-02-16 vs none",
                   "any_timepoint_response: Week 6 PR vs SD"),
    }


def test_progression_on_different_dates_shows_at_both_timepoints():
    placed = trigger_timepoints(("progression_date: 2026-02-16 vs 2026-03-30",), A, B)
    assert placed == {"Week 6": ("progression_date: 2026-02-16 vs 2026-03-30",),
                      "Week 12": ("progression_date: 2026-02-16 vs 2026-03-30",)}


def test_a_trigger_naming_no_timepoint_shows_at_the_last_compared():
    assert trigger_timepoints(("best_overall_response: CR vs PR",), A, B) == {
        "Week 12": ("best_overall_response: CR vs PR",)}
    assert trigger_timepoints((), A, B) == {}
