"""A reader's worklist: their assigned subjects and where their own read of each stands.

Plain values for the worklist screen (``widgets.worklist``); made by
``core.actions.worklist`` from the reader's own read only, so nothing in them says anything
about another reader's work, not even whether it exists (docs/reading.md §2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class TimepointState(StrEnum):
    """Where one timepoint of the reader's own read stands, as the worklist shows it."""

    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"  # something recorded, or an amendment open
    SIGNED = "signed"
    RESIGNATURE_NEEDED = "re-signature needed"  # signed, then an earlier one was amended


@dataclass(frozen=True, slots=True)
class WorklistTimepoint:
    """One timepoint of an assigned subject, in the reader's own read."""

    timepoint_id: int
    label: str
    date: dt.date
    state: TimepointState


@dataclass(frozen=True, slots=True)
class WorklistEntry:
    """One assigned subject: its timepoints in date order and the next one to read."""

    task_id: int
    subject: str
    timepoints: tuple[WorklistTimepoint, ...]
    next_timepoint_id: int | None  # None when every timepoint is signed

    @property
    def next_timepoint(self) -> WorklistTimepoint | None:
        """The timepoint to read next (date order), or ``None`` when all are signed."""
        return next((tp for tp in self.timepoints
                     if tp.timepoint_id == self.next_timepoint_id), None)

    @property
    def is_done(self) -> bool:
        """True when every timepoint is signed and none waits for a new signature."""
        return self.next_timepoint_id is None
