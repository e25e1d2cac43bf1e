"""Adverse events proposed from graded lab values, for the coordinator to confirm or dismiss.

A lab abnormality of CTCAE grade 1 or more (``core.clinical.ctcae``) is an adverse event
only once the coordinator confirms it, with its relatedness, or dismisses it with a reason
(docs/clinical.md §5, after CTCAE v4.03's lab terms). One proposal per subject, term and
episode: consecutive abnormal samples of one term are one episode, proposed at its worst
grade from its first date; a sample back at grade 0 ends the episode. An episode already
recorded (an event of that term whose onset is within it) or dismissed is not proposed
again, unless it has since reached a grade worse than the event's or the dismissal's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GradedSample:
    """One graded lab value of a subject: its date, CTCAE term and grade (None: ungraded)."""

    subject: str
    date: dt.date
    term: str
    grade: int | None


@dataclass(frozen=True, slots=True)
class KnownEvent:
    """An event the coordinator has already recorded or dismissed: subject, term, onset,
    and the grade it was recorded or dismissed at (``None``: whatever grade)."""

    subject: str
    term: str
    onset: dt.date
    grade: int | None = None


@dataclass(frozen=True, slots=True)
class ProposedEvent:
    """An episode of one lab term at its worst grade, waiting for the coordinator."""

    subject: str
    term: str
    grade: int
    onset: dt.date
    last_abnormal: dt.date
    samples: int

    @property
    def text(self) -> str:
        """ "HCC-001: Aspartate aminotransferase increased grade 3 from 2026-02-02 (2
        samples)" """
        plural = "s" if self.samples != 1 else ""
        return (f"{self.subject}: {self.term} grade {self.grade} from "
                f"{self.onset.isoformat()} ({self.samples} sample{plural})")


def proposed_events(samples: Iterable[GradedSample],
                    known: Sequence[KnownEvent] = ()) -> tuple[ProposedEvent, ...]:
    """The episodes of abnormal lab grades not yet recorded or dismissed, by subject, term
    and onset (docs/clinical.md §5).

    An ungraded sample (no LLN, say) neither starts nor ends an episode: it says nothing.
    """
    by_series: dict[tuple[str, str], list[GradedSample]] = {}
    for sample in samples:
        if sample.grade is not None:
            by_series.setdefault((sample.subject, sample.term), []).append(sample)
    proposals: list[ProposedEvent] = []
    for (subject, term), series in by_series.items():
        episode: list[GradedSample] = []
        for sample in sorted(series, key=lambda s: s.date):
            if sample.grade:  # abnormal: the episode goes on
                episode.append(sample)
            elif episode:  # back at grade 0: it ends
                proposals.append(_episode(subject, term, episode))
                episode = []
        if episode:
            proposals.append(_episode(subject, term, episode))
    return tuple(sorted((p for p in proposals if not _known(p, known)),
                        key=lambda p: (p.subject, p.onset, p.term)))


def _episode(subject: str, term: str, samples: list[GradedSample]) -> ProposedEvent:
    return ProposedEvent(subject, term, max(s.grade or 0 for s in samples), samples[0].date,
                         samples[-1].date, len(samples))


def _known(proposal: ProposedEvent, known: Sequence[KnownEvent]) -> bool:
    # Handled only up to the grade it was handled at: a grade-1 event (or dismissal) does
    # not answer the grade 4 the same episode reaches later.
    return any(event.subject == proposal.subject and event.term == proposal.term
               and proposal.onset <= event.onset <= proposal.last_abnormal
               and (event.grade is None or event.grade >= proposal.grade)
               for event in known)
