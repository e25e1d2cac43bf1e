"""Counts for the coordinator's view of progress: no read content, only how far it is."""

from __future__ import annotations

from core.model.board import ReaderAccount, ReadProgress
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


def read_progress(store: Store) -> tuple[ReadProgress, ...]:
    """Every read's state at every timepoint, and whether anything is recorded there.

    Whether, never what: no lesion, caliper or finding leaves this query, only that one
    exists (the coordinator's board, docs/reading.md §2).
    """
    rows = store._rows(
        "SELECT rt.task_id, rt.timepoint_id, rt.status, rt.not_assessed, "
        "rt.resign_reason IS NOT NULL AS stale, "
        "(EXISTS (SELECT 1 FROM lesions l WHERE l.task_id = rt.task_id "
        "         AND l.first_timepoint_id = rt.timepoint_id) "
        " OR EXISTS (SELECT 1 FROM measurements m JOIN lesions l ON l.id = m.lesion_id "
        "            WHERE l.task_id = rt.task_id AND m.timepoint_id = rt.timepoint_id) "
        " OR EXISTS (SELECT 1 FROM findings f JOIN lesions l ON l.id = f.lesion_id "
        "            WHERE l.task_id = rt.task_id AND f.timepoint_id = rt.timepoint_id)) "
        "AS has_entries FROM read_timepoints rt ORDER BY rt.task_id, rt.timepoint_id")
    return tuple(ReadProgress(row["task_id"], row["timepoint_id"], row["status"],
                              bool(row["not_assessed"]), bool(row["stale"]),
                              bool(row["has_entries"])) for row in rows)


def adjudication_decisions(store: Store) -> tuple[tuple[str, str], ...]:
    """(chosen reader's login, the other reader's login) of every decided adjudication."""
    rows = store._rows(
        "SELECT uc.login AS chosen, uo.login AS other FROM adjudications a "
        "JOIN tasks kc ON kc.id = CASE a.chosen WHEN 'A' THEN a.task_a_id ELSE a.task_b_id END "
        "JOIN tasks ko ON ko.id = CASE a.chosen WHEN 'A' THEN a.task_b_id ELSE a.task_a_id END "
        "JOIN users uc ON uc.id = kc.reader_id JOIN users uo ON uo.id = ko.reader_id "
        "WHERE a.status = 'decided' ORDER BY a.id")
    return tuple((row["chosen"], row["other"]) for row in rows)


def final_sources(store: Store) -> tuple[tuple[str, str], ...]:
    """(subject, source) of every current final result ("concordant" or "adjudicated")."""
    rows = store._rows(
        "SELECT s.code, f.source FROM final_results f JOIN subjects s ON s.id = f.subject_id "
        "WHERE f.is_superseded = 0 ORDER BY s.code, f.id")
    return tuple((row["code"], row["source"]) for row in rows)


def reader_accounts(store: Store) -> tuple[ReaderAccount, ...]:
    """The active reader accounts, by login (who may be assigned)."""
    rows = store._rows("SELECT login, display_name FROM users WHERE role = 'reader' "
                       "AND is_active = 1 ORDER BY login")
    return tuple(ReaderAccount(row["login"], row["display_name"]) for row in rows)
