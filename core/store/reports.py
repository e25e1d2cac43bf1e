"""Progress for the coordinator and reads exported as case files (case-format.md)."""

from __future__ import annotations

import json
from typing import Any

from core.criteria import case_to_data
from core.errors import PermissionDeniedError
from core.model.reading import Role, TimepointStatus
from core.model.trial import ReaderProgress, Session, TrialStatus
from core.reading import build_case, signed_prefix
from core.store.auth import require
from core.store.db import Store
from core.store.loading import load_read
from core.store.trial import case_options, subject_id, trial_info


def trial_status(store: Store, session: Session) -> TrialStatus:
    """Progress per reader and the adjudication counts (coordinator or admin; no content)."""
    require(store, session, Role.COORDINATOR, Role.ADMIN)
    info = trial_info(store)
    readers = []
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
        "WHERE u.role = 'reader' GROUP BY u.id ORDER BY u.login"
    ):
        readers.append(ReaderProgress(row["login"], row["display_name"], row["subjects"],
                                      row["signed"], row["total"], row["adjudications"],
                                      row["chosen"]))
    counts = store.row(
        "SELECT (SELECT COUNT(*) FROM subjects) AS subjects, "
        "(SELECT COUNT(*) FROM adjudications WHERE status = 'open') AS open, "
        "(SELECT COUNT(*) FROM final_results WHERE is_superseded = 0 "
        " AND source = 'adjudicated') AS adjudicated, "
        "(SELECT COUNT(*) FROM final_results WHERE is_superseded = 0 "
        " AND source = 'concordant') AS concordant")
    assert counts is not None
    return TrialStatus(info.name, info.criteria, counts["subjects"], tuple(readers),
                       counts["open"], counts["adjudicated"], counts["concordant"])


def export_case(
    store: Store, session: Session, subject: str, read: str = "final"
) -> dict[str, Any]:
    """One read of a subject as ``mrecist-case/1`` data, signed timepoints only.

    Parameters
    ----------
    read
        ``"final"`` (the subject's current final read, up to its cycle's timepoint), or
        ``"1"``/``"2"`` for reader 1's or 2's signed read. A coordinator may export any of
        them; a reader only their own read.

    Raises
    ------
    PermissionDeniedError
        The role may not see this read, or there is nothing signed to export.
    """
    actor = require(store, session, Role.COORDINATOR, Role.READER)
    entity = f"subject {subject!r} read {read}"
    sid = subject_id(store, subject)
    if read == "final":
        if session.role is not Role.COORDINATOR:
            raise PermissionDeniedError(entity, "final reads are the coordinator's")
        final = store.row("SELECT f.task_id, t.date FROM final_results f JOIN timepoints t "
                          "ON t.id = f.through_timepoint_id WHERE f.subject_id = ? "
                          "AND f.is_superseded = 0 ORDER BY t.date DESC LIMIT 1", (sid,))
        if final is None:
            raise PermissionDeniedError(entity, "this subject has no final result yet")
        loaded = load_read(store, final["task_id"])
        through = [tp.date.isoformat() for tp in loaded.timepoints].index(final["date"]) + 1
    elif read in ("1", "2"):
        task = store.row("SELECT id, reader_id FROM tasks WHERE subject_id = ? AND slot = ?",
                         (sid, int(read)))
        if task is None or (session.role is Role.READER and task["reader_id"] != actor):
            raise PermissionDeniedError(entity, "not found or not yours")
        loaded = load_read(store, task["id"])
        through = signed_prefix([tp.status for tp in loaded.timepoints])
        if through == 0 or loaded.timepoints[0].status is not TimepointStatus.SIGNED:
            raise PermissionDeniedError(entity, "nothing signed yet")
    else:
        raise PermissionDeniedError(entity, "read is 'final', '1' or '2'")
    info = trial_info(store)
    return case_to_data(build_case(loaded, info.criteria, case_options(info), through=through))


def export_case_json(store: Store, session: Session, subject: str, read: str = "final") -> str:
    """``export_case`` as indented JSON text."""
    data = export_case(store, session, subject, read)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
