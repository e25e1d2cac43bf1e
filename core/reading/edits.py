"""Pure edits of a read: ``(Read, change) -> Read``.

The actions apply each change to the read they loaded once, after the store has written
it, so a screen gets the updated read without asking the store again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar

from core.model.reading import Finding, Lesion, Measurement, Read, ReadTimepoint

T = TypeVar("T")


def with_lesion(read: Read, lesion: Lesion) -> Read:
    """*read* with *lesion* added."""
    return dataclasses.replace(read, lesions=(*read.lesions, lesion))


def without_lesion(read: Read, lesion_id: int) -> Read:
    """*read* without the lesion and its calipers and findings."""
    return dataclasses.replace(
        read,
        lesions=tuple(lesion for lesion in read.lesions if lesion.lesion_id != lesion_id),
        measurements=tuple(m for m in read.measurements if m.lesion_id != lesion_id),
        findings=tuple(f for f in read.findings if f.lesion_id != lesion_id),
    )


def _replaced(items: tuple[T, ...], item: T, key: Callable[[T], object]) -> tuple[T, ...]:
    """*items* with *item* in the place of the one with its key, else added at the end.

    The store updates a row in place (it keeps its key and so its order), so the read an
    action returns lists things in the order the store will load them.
    """
    found = False
    out = []
    for existing in items:
        if key(existing) == key(item):
            out.append(item)
            found = True
        else:
            out.append(existing)
    return tuple(out) if found else (*items, item)


def with_measurement(read: Read, measurement: Measurement) -> Read:
    """*read* with *measurement*, replacing the caliper of the same lesion, timepoint, kind."""
    return dataclasses.replace(read, measurements=_replaced(
        read.measurements, measurement, lambda m: m.key))


def without_measurement(read: Read, key: tuple[int, int, str]) -> Read:
    """*read* without the caliper with *key* (lesion, timepoint, kind)."""
    return dataclasses.replace(
        read, measurements=tuple(m for m in read.measurements if m.key != key))


def with_finding(read: Read, finding: Finding) -> Read:
    """*read* with *finding*, replacing what was recorded of that lesion at that timepoint."""
    return dataclasses.replace(read, findings=_replaced(read.findings, finding,
                                                        lambda f: f.key))


def without_finding(read: Read, key: tuple[int, int]) -> Read:
    """*read* without what was recorded of lesion and timepoint *key*."""
    return dataclasses.replace(read, findings=tuple(f for f in read.findings if f.key != key))


def with_timepoint(read: Read, timepoint: ReadTimepoint) -> Read:
    """*read* with *timepoint* replacing the timepoint of the same id."""
    return dataclasses.replace(read, timepoints=tuple(
        timepoint if tp.timepoint_id == timepoint.timepoint_id else tp
        for tp in read.timepoints))


def truncated(read: Read, through: int) -> Read:
    """The read's first *through* timepoints only, with what was recorded at them."""
    timepoints = read.timepoints[:through]
    kept = {timepoint.timepoint_id for timepoint in timepoints}
    return dataclasses.replace(
        read,
        timepoints=timepoints,
        lesions=tuple(lesion for lesion in read.lesions if lesion.first_timepoint_id in kept),
        measurements=tuple(m for m in read.measurements if m.timepoint_id in kept),
        findings=tuple(f for f in read.findings if f.timepoint_id in kept),
    )


def _date_only(utc: str | None) -> str | None:
    return None if utc is None else utc[:10]


def anonymised(read: Read) -> Read:
    """*read* without anything that tells whose it is: for the adjudicator's A/B view.

    Store keys could tell the reads apart: the task id becomes 0 and lesions are numbered
    1, 2, ... The exact time of a signature identifies its reader (who signs when), so
    ``signed_utc`` keeps the date only, "2026-03-02" (docs/reading.md §2-3).
    """
    key = {lesion.lesion_id: number for number, lesion in enumerate(read.lesions, start=1)}
    return dataclasses.replace(
        read,
        task_id=0,
        timepoints=tuple(dataclasses.replace(tp, signed_utc=_date_only(tp.signed_utc))
                         for tp in read.timepoints),
        lesions=tuple(dataclasses.replace(lesion, lesion_id=key[lesion.lesion_id])
                      for lesion in read.lesions),
        measurements=tuple(dataclasses.replace(m, lesion_id=key[m.lesion_id])
                           for m in read.measurements),
        findings=tuple(dataclasses.replace(f, lesion_id=key[f.lesion_id])
                       for f in read.findings),
    )
