"""Counts for the coordinator's view of progress: no read content, only how far it is."""

from __future__ import annotations

from core.model.trial import ReaderProgress
from core.store.db import Store


def reader_progress(store: Store) -> tuple[ReaderProgress, ...]:
    """Per reader: subjects, timepoints signed of all, and agreement with the adjudicator.

    A signed timepoint waiting for re-signature is counted apart, not as signed
    (docs/signatures.md §4).
    """
    return tuple(ReaderProgress(row["login"], row["display_name"], row["subjects"],
                                row["signed"], row["total"], row["adjudications"],
                                row["chosen"], row["stale"])
                 for row in store._rows(
        "SELECT u.login, u.display_name, COUNT(DISTINCT t.id) AS subjects, "
        "COALESCE(SUM(rt.status = 'signed' AND rt.resign_reason IS NULL), 0) AS signed, "
        "COALESCE(SUM(rt.status = 'signed' AND rt.resign_reason IS NOT NULL), 0) AS stale, "
        "COUNT(rt.id) AS total, "
        "(SELECT COUNT(*) FROM adjudications a JOIN tasks k ON k.id IN (a.task_a_id, "
        " a.task_b_id) WHERE a.status = 'decided' AND k.reader_id = u.id) AS adjudications, "
        "(SELECT COUNT(*) FROM adjudications a JOIN tasks k ON k.id = CASE a.chosen "
        " WHEN 'A' THEN a.task_a_id ELSE a.task_b_id END WHERE a.status = 'decided' "
        " AND k.reader_id = u.id) AS chosen "
        "FROM users u LEFT JOIN tasks t ON t.reader_id = u.id "
        "LEFT JOIN read_timepoints rt ON rt.task_id = t.id "
        "WHERE u.role = 'reader' GROUP BY u.id ORDER BY u.login"))


def cycle_counts(store: Store) -> dict[str, int]:
    """Subjects, open adjudications, and current final results by source."""
    row = store._row(
        "SELECT (SELECT COUNT(*) FROM subjects) AS subjects, "
        "(SELECT COUNT(*) FROM adjudications WHERE status = 'open') AS open, "
        "(SELECT COUNT(*) FROM final_results WHERE is_superseded = 0 "
        " AND source = 'adjudicated') AS adjudicated, "
        "(SELECT COUNT(*) FROM final_results WHERE is_superseded = 0 "
        " AND source = 'concordant') AS concordant")
    return dict(row) if row else {}


def awaiting_resignature(store: Store) -> tuple[tuple[str, int, str, str], ...]:
    """(subject, reader slot, timepoint, reason) of every signed timepoint waiting for
    re-signature, in subject, slot and date order."""
    rows = store._rows(
        "SELECT s.code, t.slot, tp.label, rt.resign_reason "
        "FROM read_timepoints rt JOIN tasks t ON t.id = rt.task_id "
        "JOIN subjects s ON s.id = t.subject_id JOIN timepoints tp ON tp.id = rt.timepoint_id "
        "WHERE rt.status = 'signed' AND rt.resign_reason IS NOT NULL "
        "ORDER BY s.code, t.slot, tp.date")
    return tuple((row["code"], row["slot"], row["label"], row["resign_reason"])
                 for row in rows)
