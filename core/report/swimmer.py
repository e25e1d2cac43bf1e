"""The swimmer figure's data: each subject's time on treatment and in follow-up, in days.

Per the shared clinical-data doc §6: day 0 is the enrolment; the on-treatment bar runs to
the end of treatment, or to the data cut-off while treatment goes on (``is_ongoing``); the
follow-up bar from the end of treatment to death or the data cut-off. The marks are the
final read's post-baseline assessments with their overall response, its progression date,
the death and the last date known alive. Nothing after the cut-off is shown. Lanes are
ordered by their total length, longest first, ties by subject code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.model.clinical import ResponseCategory


@dataclass(frozen=True, slots=True)
class SwimmerSubject:
    """What one subject's lane is made of (dates; the assessments of the final read)."""

    subject: str
    enrolment: dt.date
    end_of_treatment: dt.date | None
    death: dt.date | None
    last_known_alive: dt.date | None
    assessments: tuple[tuple[dt.date, ResponseCategory], ...]
    progression: dt.date | None
    best: ResponseCategory


@dataclass(frozen=True, slots=True)
class SwimmerLane:
    """One subject's lane in days from enrolment (day 0)."""

    subject: str
    treatment_end_day: int
    follow_up_end_day: int
    is_ongoing: bool
    responses: tuple[tuple[int, ResponseCategory], ...]
    progression_day: int | None
    death_day: int | None
    last_known_alive_day: int | None
    best: ResponseCategory


@dataclass(frozen=True, slots=True)
class Swimmer:
    """The lanes in drawing order, counted up to *as_of* (the cut-off or the report's day)."""

    lanes: tuple[SwimmerLane, ...]
    as_of: dt.date


def _day(start: dt.date, when: dt.date | None, as_of: dt.date) -> int | None:
    return None if when is None or when > as_of else (when - start).days


def swimmer_lane(subject: SwimmerSubject, as_of: dt.date) -> SwimmerLane:
    """One lane, with everything after *as_of* left out."""
    start = subject.enrolment
    last = max((as_of - start).days, 0)
    death = _day(start, subject.death, as_of)
    ended = _day(start, subject.end_of_treatment, as_of)
    stop = death if death is not None else last
    treatment_end = min(ended if ended is not None else stop, stop)
    return SwimmerLane(
        subject.subject, treatment_end, stop, ended is None and death is None,
        tuple(((day, response) for day, response in
               ((_day(start, when, as_of), response) for when, response in subject.assessments)
               if day is not None)),
        _day(start, subject.progression, as_of), death,
        _day(start, subject.last_known_alive, as_of), subject.best)


def swimmer(subjects: Sequence[SwimmerSubject], as_of: dt.date) -> Swimmer:
    """The swimmer plot of *subjects* as of *as_of* (module docstring)."""
    lanes = [swimmer_lane(subject, as_of) for subject in subjects]
    lanes.sort(key=lambda lane: (-lane.follow_up_end_day, lane.subject))
    return Swimmer(tuple(lanes), as_of)
