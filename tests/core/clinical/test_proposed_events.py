"""Lab abnormalities proposed as adverse events, one per episode (docs/clinical.md §5)."""

from __future__ import annotations

import datetime as dt

from core.clinical.proposals import GradedSample, KnownEvent, proposed_events

AST = "Aspartate aminotransferase increased"
PLAT = "Platelet count decreased"


def _d(day: int) -> dt.date:
    return dt.date(2026, 1, 1) + dt.timedelta(days=day)


def test_consecutive_abnormal_samples_are_one_episode_at_its_worst_grade():
    samples = [GradedSample("S1", _d(0), AST, 0), GradedSample("S1", _d(21), AST, 1),
               GradedSample("S1", _d(42), AST, 3), GradedSample("S1", _d(63), AST, 2),
               GradedSample("S1", _d(84), AST, 0), GradedSample("S1", _d(105), AST, 1)]
    first, second = proposed_events(samples)
    assert (first.grade, first.onset, first.last_abnormal, first.samples) == (
        3, _d(21), _d(63), 3)
    assert (second.grade, second.onset, second.samples) == (1, _d(105), 1)
    assert first.text == f"S1: {AST} grade 3 from 2026-01-22 (3 samples)"


def test_grade_0_and_ungraded_samples_propose_nothing_and_end_nothing():
    samples = [GradedSample("S1", _d(0), PLAT, 0), GradedSample("S1", _d(10), PLAT, None),
               GradedSample("S2", _d(0), PLAT, 2), GradedSample("S2", _d(5), PLAT, None),
               GradedSample("S2", _d(9), PLAT, 1)]
    (only,) = proposed_events(samples)
    assert (only.subject, only.grade, only.samples) == ("S2", 2, 2)  # None said nothing


def test_an_episode_already_recorded_or_dismissed_is_not_proposed_again():
    samples = [GradedSample("S1", _d(21), AST, 2), GradedSample("S1", _d(42), AST, 2),
               GradedSample("S1", _d(84), PLAT, 1)]
    known = [KnownEvent("S1", AST, _d(42))]  # onset within the episode
    (left,) = proposed_events(samples, known)
    assert left.term == PLAT
    elsewhere = [KnownEvent("S1", AST, _d(100)), KnownEvent("S2", PLAT, _d(84))]
    assert len(proposed_events(samples, elsewhere)) == 2
