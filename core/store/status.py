"""Counts for the coordinator's view of progress: no read content, only how far it is."""

from __future__ import annotations

from core.model.trial import ReaderProgress
from core.store.db import Store


def reader_progress(store: Store) -> tuple[ReaderProgress, ...]:
    """Per reader: subjects, timepoints signed of all, and agreement with the adjudicator."""
    return tuple(ReaderProgress(row["login"], row["display_name"], row["subjects"],
                                row["signed"], row["total"], row["adjudications"],
                                row["chosen"])
                 for row in store.rows(
        "SELECT u.login, u.display_name, COUNT(DISTINCT t.id) AS subjects, "
        "COALESCE(SUM(rt.status = 'signed'), 0) AS signed, COUNT(rt.id) AS total, "
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
    row = store.row(
        "SELECT (SELECT COUNT(*) FROM subjects) AS subjects, "
        "(SELECT COUNT(*) FROM adjudications WHERE status = 'open') AS open, "
        "(SELECT COUNT(*) FROM final_results WHERE is_superseded = 0 "
        " AND source = 'adjudicated') AS adjudicated, "
        "(SELECT COUNT(*) FROM final_results WHERE is_superseded = 0 "
        " AND source = 'concordant') AS concordant")
    return dict(row) if row else {}
