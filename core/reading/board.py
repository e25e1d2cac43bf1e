"""Rules of the coordinator's board, pure: a read's state, the quality figures.

The board shows where each read stands and what is final, never what a read found
(docs/reading.md §2); these functions see only statuses, sources and who was chosen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core.model.board import ReaderAgreement, ReadProgress
from core.model.worklist import TimepointState

# Decided adjudications as (login of the reader whose read was chosen, the other's login).
Decision = tuple[str, str]


def progress_state(progress: ReadProgress) -> TimepointState:
    """The board's word for one timepoint of one read (the worklist's words).

    Signed (or re-signature needed after an earlier amendment), in progress once anything
    is recorded, an amendment is open or the timepoint is marked not assessed, else not
    started.
    """
    if progress.status == "signed":
        return (TimepointState.RESIGNATURE_NEEDED if progress.needs_resignature
                else TimepointState.SIGNED)
    if progress.status == "amending" or progress.is_not_assessed or progress.has_entries:
        return TimepointState.IN_PROGRESS
    return TimepointState.NOT_STARTED


def reader_agreement(readers: Sequence[str],
                     decisions: Iterable[Decision]) -> tuple[ReaderAgreement, ...]:
    """Each reader's agreement with the adjudicator: of the decided adjudications their
    read was part of, how many chose it (docs/reading.md §3).

    Every login of *readers* is listed, in that order, with 0 of 0 when none of their
    subjects was adjudicated; a reader met only in *decisions* follows, in login order.
    """
    agreed: dict[str, int] = dict.fromkeys(readers, 0)
    part_of: dict[str, int] = dict.fromkeys(readers, 0)
    for chosen, other in decisions:
        for login in (chosen, other):
            part_of[login] = part_of.get(login, 0) + 1
            agreed.setdefault(login, 0)
        agreed[chosen] += 1
    extra = sorted(set(part_of) - set(readers))
    return tuple(ReaderAgreement(login, agreed[login], part_of[login])
                 for login in (*readers, *extra))


def adjudication_counts(finals: Iterable[tuple[str, str]]) -> tuple[int, int]:
    """(adjudicated, decided) subjects from the current final results as (subject, source).

    A subject is decided once it has a current final result, and counts as adjudicated
    when any of its current cycles was adjudicated: the rate is over subjects, as Ford
    2009 counts cases, not over cycles.
    """
    sources: dict[str, set[str]] = {}
    for subject, source in finals:
        sources.setdefault(subject, set()).add(source)
    return sum("adjudicated" in found for found in sources.values()), len(sources)
