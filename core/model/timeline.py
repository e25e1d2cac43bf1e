"""A subject's course on one time axis: what the coordinator's timeline draws (issue #13).

Plain values, built from the clinical record and the final reads by ``core`` and drawn by
``widgets.subject_timeline``: spans (a drug's exposure, on treatment, follow-up) and marks
(a DEB-TACE session, an imaging timepoint with its response, an adverse event, progression,
death, the last date known alive). Days count from the subject's day 0 (enrolment, or the
first treatment as the trial's settings say, docs/clinical.md), so every subject's
timeline reads the same way and the swimmer plot of the trial report can stack them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from core.errors import InvalidValueError


class Lane(StrEnum):
    """The rows of a timeline, top to bottom."""

    TREATMENT = "treatment"  # on treatment, DEB-TACE sessions
    DRUGS = "drugs"  # each drug's exposure
    IMAGING = "imaging"  # tumour assessments and their responses
    EVENTS = "events"  # adverse events, progression, death, last known alive


class MarkKind(StrEnum):
    """What a mark stands for (it decides its symbol and colour)."""

    TACE = "tace"
    ASSESSMENT = "assessment"
    ADVERSE_EVENT = "adverse_event"
    PROGRESSION = "progression"
    DEATH = "death"
    LAST_KNOWN_ALIVE = "last_known_alive"


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of time in a lane: ``label`` from ``start`` to ``end`` (inclusive dates)."""

    lane: Lane
    label: str
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValueError("span", f"{self.label} {self.start}–{self.end}",
                                    "ends before it starts")


@dataclass(frozen=True, slots=True)
class Mark:
    """One dated event in a lane, with the text shown beside it ("PR", "G3 AST increased")."""

    lane: Lane
    kind: MarkKind
    date: dt.date
    label: str = ""


@dataclass(frozen=True, slots=True)
class Timeline:
    """One subject's spans and marks, counted in days from *day_zero*."""

    subject: str
    day_zero: dt.date
    spans: tuple[Span, ...] = ()
    marks: tuple[Mark, ...] = ()

    def day(self, date: dt.date) -> int:
        """Days from day 0 (day 0 itself is 0; a date before it is negative)."""
        return (date - self.day_zero).days

    @property
    def last_day(self) -> int:
        """The latest day anything on the timeline reaches (0 when it is empty)."""
        days = [self.day(span.end) for span in self.spans] + \
            [self.day(mark.date) for mark in self.marks]
        return max(days, default=0)
