"""The coordinator's board: where every read of every subject stands, and what is final.

Plain values for the board screen (``widgets.coordinator_board``), made by
``core.actions.board``. Nothing here carries a lesion, a caliper, a length or the response
of one reader's read: only each read's status, the open adjudications, the final responses
once a cycle is decided, and the quality figures (docs/reading.md §2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.model.worklist import TimepointState


@dataclass(frozen=True, slots=True)
class ReadProgress:
    """How far one read is at one timepoint, as the store records it (no content).

    ``has_entries``: a lesion, caliper or finding of this read is recorded at the
    timepoint (whatever it is).
    """

    task_id: int
    timepoint_id: int
    status: str  # core.model.reading.TimepointStatus value
    is_not_assessed: bool
    needs_resignature: bool
    has_entries: bool


@dataclass(frozen=True, slots=True)
class BoardTimepoint:
    """One timepoint of a subject on the board.

    ``read_1`` / ``read_2`` are ``None`` while that reader slot is not assigned.
    ``final_response`` is the final overall response at this timepoint once the cycle
    covering it is decided ("baseline" for the baseline), else ``None``.
    """

    timepoint_id: int
    label: str
    date: dt.date
    nominal_week: int | None
    read_1: TimepointState | None
    read_2: TimepointState | None
    open_adjudication: bool = False
    final_response: str | None = None


@dataclass(frozen=True, slots=True)
class BoardSubject:
    """One subject: its readers, its timepoints in date order and its final result.

    ``final_through`` names the timepoint the current final result reaches, ``final_source``
    is "concordant" or "adjudicated", ``best_response`` the final best overall response;
    all ``None`` before the first cycle is decided. ``final_problem`` says when a
    signature behind the final result no longer matches what it signed (the result is then
    not shown as final: docs/signatures.md §5).
    """

    code: str
    reader_1: str | None
    reader_2: str | None
    timepoints: tuple[BoardTimepoint, ...]
    final_through: str | None = None
    final_source: str | None = None
    best_response: str | None = None
    final_problem: str | None = None


@dataclass(frozen=True, slots=True)
class ReaderAgreement:
    """How often the adjudicator chose this reader's read, of the adjudications of their
    subjects (docs/reading.md §3; Ford 2009)."""

    login: str
    agreed: int
    adjudications: int

    @property
    def rate(self) -> float | None:
        """``agreed / adjudications``, or ``None`` before the first decided adjudication."""
        return self.agreed / self.adjudications if self.adjudications else None


@dataclass(frozen=True, slots=True)
class ReaderAccount:
    """A reader the coordinator may assign: login and printed name."""

    login: str
    display_name: str


@dataclass(frozen=True, slots=True)
class Board:
    """The whole board, as one consistent snapshot of the store.

    ``adjudicated`` of ``decided`` subjects: subjects with a current final result
    (``decided``) and, of them, those with at least one adjudicated cycle.
    """

    trial: str
    criteria: str
    subjects: tuple[BoardSubject, ...]
    adjudicated: int
    decided: int
    agreement: tuple[ReaderAgreement, ...]
    readers: tuple[ReaderAccount, ...]

    @property
    def adjudication_rate(self) -> float | None:
        """``adjudicated / decided``, or ``None`` while no subject has a final result."""
        return self.adjudicated / self.decided if self.decided else None

    @property
    def open_adjudications(self) -> int:
        """How many cycles wait for the adjudicator."""
        return sum(tp.open_adjudication for subject in self.subjects
                   for tp in subject.timepoints)

    def subject(self, code: str) -> BoardSubject | None:
        """The subject with trial code *code*, or ``None``."""
        return next((s for s in self.subjects if s.code == code), None)
