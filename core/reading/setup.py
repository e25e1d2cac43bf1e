"""Rules of a trial's set-up: timepoints in date order, two independent readers a subject.

Each returns ``None`` when allowed, else the sentence that says why not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from core.model.reading import Role
from core.model.trial import Task, TimepointInfo, User

READER_SLOTS = (1, 2)


def timepoint_refusal(existing: Sequence[TimepointInfo], label: str,
                      date: dt.date) -> str | None:
    """Why a timepoint *label* on *date* may not be added after *existing*, or ``None``.

    Timepoints arrive in date order: a new one must be later than every earlier one, so a
    signed read is never invalidated by a timepoint inserted before it (docs/reading.md §1).
    """
    if not label.strip():
        return "the timepoint label must not be empty"
    if existing and date <= existing[-1].date:
        last = existing[-1]
        return (f"date {date} is not after the last timepoint "
                f"({last.label}, {last.date.isoformat()})")
    if any(timepoint.label == label for timepoint in existing):
        return "already exists"
    return None


def assignment_refusal(tasks: Sequence[Task], reader: User | None, reader_login: str,
                       slot: int) -> str | None:
    """Why *reader* may not become reader *slot* of a subject with *tasks*, or ``None``.

    Two reads per subject, by two different readers, each blind to the other
    (docs/reading.md §2): the same person never holds both slots.
    """
    if slot not in READER_SLOTS:
        return "the reader slot is 1 or 2"
    if reader is None or reader.role is not Role.READER:
        return f"{reader_login!r} is not a reader"
    if any(task.slot == slot for task in tasks):
        return "this slot is already assigned"
    if any(task.reader_id == reader.user_id for task in tasks):
        return (f"{reader_login!r} already reads this subject; the two reads must be "
                "independent")
    return None
