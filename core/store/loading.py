"""Load a read from the store (internal: the callers decide who may see it)."""

from __future__ import annotations

import dataclasses

from core.errors import PermissionDeniedError
from core.model.reading import Read
from core.store.db import Store
from core.store.rows import (
    finding_from_row,
    lesion_from_row,
    measurement_from_row,
    read_timepoint_from_row,
)


def load_read(store: Store, task_id: int) -> Read:
    """The whole read of task *task_id* (internal: callers check who may see it)."""
    task = store.row("SELECT s.code FROM tasks t JOIN subjects s ON s.id = t.subject_id "
                     "WHERE t.id = ?", (task_id,))
    if task is None:
        raise PermissionDeniedError(f"task {task_id}", "not found or not yours")
    timepoints = store.rows(
        "SELECT t.id AS timepoint_id, t.label, t.date, t.nominal_week, rt.status, "
        "rt.not_assessed, g.signed_utc FROM read_timepoints rt "
        "JOIN timepoints t ON t.id = rt.timepoint_id "
        "LEFT JOIN signatures g ON g.id = rt.signature_id "
        "WHERE rt.task_id = ? ORDER BY t.date", (task_id,))
    lesions = store.rows("SELECT * FROM lesions WHERE task_id = ? ORDER BY id", (task_id,))
    measurements = store.rows(
        "SELECT m.* FROM measurements m JOIN lesions l ON l.id = m.lesion_id "
        "WHERE l.task_id = ? ORDER BY m.id", (task_id,))
    findings = store.rows(
        "SELECT f.* FROM findings f JOIN lesions l ON l.id = f.lesion_id "
        "WHERE l.task_id = ? ORDER BY f.id", (task_id,))
    return Read(
        task_id, task["code"],
        tuple(map(read_timepoint_from_row, timepoints)),
        tuple(map(lesion_from_row, lesions)),
        tuple(map(measurement_from_row, measurements)),
        tuple(map(finding_from_row, findings)),
    )


def truncate(read: Read, through: int, *, anonymous: bool = False) -> Read:
    """The read's first *through* timepoints only; *anonymous* also hides its task id."""
    timepoints = read.timepoints[:through]
    kept = {timepoint.timepoint_id for timepoint in timepoints}
    lesions = tuple(lesion for lesion in read.lesions if lesion.first_timepoint_id in kept)
    # Store keys grow in the order reads were written, so an adjudicator could tell the
    # earlier reader by them: anonymous reads number their lesions 1, 2, ... instead.
    key = {lesion.lesion_id: (number if anonymous else lesion.lesion_id)
           for number, lesion in enumerate(lesions, start=1)}
    return dataclasses.replace(
        read,
        task_id=0 if anonymous else read.task_id,
        timepoints=timepoints,
        lesions=tuple(dataclasses.replace(lesion, lesion_id=key[lesion.lesion_id])
                      for lesion in lesions),
        measurements=tuple(dataclasses.replace(m, lesion_id=key[m.lesion_id])
                           for m in read.measurements if m.timepoint_id in kept),
        findings=tuple(dataclasses.replace(f, lesion_id=key[f.lesion_id])
                       for f in read.findings if f.timepoint_id in kept),
    )
