"""Persist the dual-read cycle: adjudications, their decisions, and final results.

Persistence only: when a cycle is decided, what fired and which read is A are decided
above the store (``core.actions.cycles`` with ``core.reading.adjudication``). Results are
kept as the engine's ``mrecist-result/1`` data, exactly as computed when decided.
"""

from __future__ import annotations

import json
from typing import Any

from core.model.trial import (
    Adjudication,
    AdjudicationTask,
    EarlierDecision,
    FinalResult,
    SeriesRecord,
    Signature,
)
from core.store import ledger
from core.store.db import Store, utc_now
from core.store.rows import series_from_row, signature_from_row


def earlier_task_a(store: Store, subject_id: int) -> int | None:
    """The task that was read A in the subject's first adjudication, or ``None``."""
    row = store._row("SELECT task_a_id FROM adjudications WHERE subject_id = ? "
                    "ORDER BY id LIMIT 1", (subject_id,))
    return int(row["task_a_id"]) if row else None


def is_cycle_decided(store: Store, subject_id: int, through_timepoint_id: int) -> bool:
    """True if the cycle up to this timepoint has a current final result or adjudication."""
    return store._row(
        "SELECT 1 FROM final_results WHERE subject_id = ? AND through_timepoint_id = ? "
        "AND is_superseded = 0 UNION ALL SELECT 1 FROM adjudications WHERE subject_id = ? "
        "AND through_timepoint_id = ? AND status != 'superseded'",
        (subject_id, through_timepoint_id, subject_id, through_timepoint_id),
    ) is not None


def insert_adjudication(store: Store, actor: int, subject_id: int, through_timepoint_id: int,
                        task_a_id: int, task_b_id: int, triggers: tuple[str, ...],
                        result_a: dict[str, Any], result_b: dict[str, Any]) -> int:
    """Open an adjudication of a discordant cycle; return its key."""
    return ledger.insert(store, actor, "adjudication", {
        "subject_id": subject_id, "through_timepoint_id": through_timepoint_id,
        "task_a_id": task_a_id, "task_b_id": task_b_id,
        "triggers_json": json.dumps(list(triggers)),
        "result_a_json": json.dumps(result_a, ensure_ascii=False),
        "result_b_json": json.dumps(result_b, ensure_ascii=False),
        "created_utc": utc_now()})


def insert_final(store: Store, actor: int, subject_id: int, through_timepoint_id: int,
                 task_id: int, source: str, adjudication_id: int | None,
                 result: dict[str, Any]) -> int:
    """Record the final result of a cycle (``concordant`` or ``adjudicated``)."""
    return ledger.insert(store, actor, "final_result", {
        "subject_id": subject_id, "through_timepoint_id": through_timepoint_id,
        "task_id": task_id, "source": source, "adjudication_id": adjudication_id,
        "result_json": json.dumps(result, ensure_ascii=False), "created_utc": utc_now()},
        note={"best_overall_response": result["best_overall_response"]})


def supersede_from(store: Store, actor: int, subject_id: int, index: int) -> None:
    """Supersede the subject's cycles that rest on timepoint *index* (0 = baseline) or later."""
    timepoints = store._rows("SELECT id FROM timepoints WHERE subject_id = ? ORDER BY date",
                            (subject_id,))
    affected = tuple(tp["id"] for tp in timepoints[index:])
    if not affected:
        return
    marks = ",".join("?" * len(affected))
    for row in store._rows(f"SELECT id FROM final_results WHERE is_superseded = 0 AND "
                          f"through_timepoint_id IN ({marks})", affected):
        ledger.update(store, actor, "final_result", row["id"], {"is_superseded": 1},
                      action="supersede")
    for row in store._rows(f"SELECT id, status FROM adjudications WHERE status != 'superseded' "
                          f"AND through_timepoint_id IN ({marks})", affected):
        ledger.update(store, actor, "adjudication", row["id"], {"status": "superseded"},
                      action="supersede")


def open_adjudication_tasks(store: Store) -> tuple[AdjudicationTask, ...]:
    """Open adjudications, oldest first."""
    rows = store._rows(
        "SELECT a.id, s.code, t.label, a.triggers_json, a.created_utc FROM adjudications a "
        "JOIN subjects s ON s.id = a.subject_id "
        "JOIN timepoints t ON t.id = a.through_timepoint_id "
        "WHERE a.status = 'open' ORDER BY a.created_utc, a.id")
    return tuple(AdjudicationTask(row["id"], row["code"], row["label"],
                                  tuple(json.loads(row["triggers_json"])), row["created_utc"])
                 for row in rows)


def decided_before(store: Store, subject_id: int,
                   adjudication_id: int) -> tuple[EarlierDecision, ...]:
    """The subject's decided adjudications other than *adjudication_id*, oldest first."""
    rows = store._rows(
        "SELECT t.label, a.chosen, a.rationale, sg.signed_utc FROM adjudications a "
        "JOIN timepoints t ON t.id = a.through_timepoint_id "
        "LEFT JOIN signatures sg ON sg.id = a.signature_id "
        "WHERE a.subject_id = ? AND a.status = 'decided' AND a.id <> ? "
        "ORDER BY t.date, a.id", (subject_id, adjudication_id))
    return tuple(EarlierDecision(row["label"], row["chosen"] or "", row["rationale"] or "",
                                 row["signed_utc"] or "") for row in rows)


def find_adjudication(store: Store, adjudication_id: int) -> Adjudication | None:
    """Adjudication *adjudication_id* whatever its status, or ``None``."""
    row = store._row("SELECT a.*, s.code, t.label FROM adjudications a JOIN subjects s "
                    "ON s.id = a.subject_id JOIN timepoints t ON t.id = a.through_timepoint_id "
                    "WHERE a.id = ?", (adjudication_id,))
    if row is None:
        return None
    return Adjudication(row["id"], row["subject_id"], row["code"],
                        row["through_timepoint_id"], row["label"], row["task_a_id"],
                        row["task_b_id"], tuple(json.loads(row["triggers_json"])),
                        json.loads(row["result_a_json"]), json.loads(row["result_b_json"]),
                        row["status"], row["created_utc"], row["chosen"], row["rationale"])


def record_decision(store: Store, actor: int, signer_name: str, adjudication: Adjudication,
                    choice: str, rationale: str, meaning: str, digest: str,
                    content_json: str | None = None) -> Signature:
    """Record the adjudicator's signed choice of read A or B.

    *content_json* is the canonical text *digest* was computed from (docs/signatures.md).
    """
    signed_utc = utc_now()
    signature_id = ledger.insert(store, actor, "signature", {
        "user_id": actor, "signer_name": signer_name, "signed_utc": signed_utc,
        "meaning": meaning, "entity": "adjudication",
        "entity_id": adjudication.adjudication_id, "content_sha256": digest,
        "content_json": content_json})
    ledger.update(store, actor, "adjudication", adjudication.adjudication_id,
                  {"status": "decided", "adjudicator_id": actor, "chosen": choice,
                   "rationale": rationale, "signature_id": signature_id}, action="adjudicate")
    return Signature(signature_id, signer_name, signed_utc, meaning, "adjudication", digest,
                     adjudication.adjudication_id, actor, content_json)


def signed_adjudications(store: Store) -> tuple[tuple[Adjudication, Signature | None], ...]:
    """Every decided adjudication, and every other one that carries a signature, with it.

    A decided adjudication without a signature comes with ``None``.
    """
    rows = store._rows("SELECT id FROM adjudications WHERE status = 'decided' "
                      "OR signature_id IS NOT NULL ORDER BY id")
    out = []
    for row in rows:
        found = find_adjudication(store, row["id"])
        assert found is not None  # listed just now, inside the caller's snapshot
        out.append((found, decision_signature(store, row["id"])))
    return tuple(out)


def decision_signature(store: Store, adjudication_id: int) -> Signature | None:
    """The signature adjudication *adjudication_id* points at, or ``None``."""
    row = store._row("SELECT g.* FROM adjudications a JOIN signatures g "
                    "ON g.id = a.signature_id WHERE a.id = ?", (adjudication_id,))
    return None if row is None else signature_from_row(row)


def withdrawn_resignatures(store: Store) -> tuple[tuple[str, str, str, str], ...]:
    """(subject, read letter, timepoint, reason) of the signed timepoints waiting for a new
    signature in the cycle of each subject whose latest adjudication was superseded.

    Only timepoints up to that cycle's own: the adjudicator sees nothing of a read beyond
    the cycle they adjudicate. In subject, letter and date order.
    """
    rows = store._rows(
        "SELECT s.code, CASE rt.task_id WHEN a.task_a_id THEN 'A' ELSE 'B' END AS letter, "
        "tp.label, rt.resign_reason FROM adjudications a "
        "JOIN subjects s ON s.id = a.subject_id "
        "JOIN timepoints through ON through.id = a.through_timepoint_id "
        "JOIN read_timepoints rt ON rt.task_id IN (a.task_a_id, a.task_b_id) "
        "JOIN timepoints tp ON tp.id = rt.timepoint_id "
        "WHERE a.status = 'superseded' "
        "AND a.id = (SELECT MAX(b.id) FROM adjudications b WHERE b.subject_id = a.subject_id) "
        "AND rt.status = 'signed' AND rt.resign_reason IS NOT NULL "
        "AND tp.date <= through.date ORDER BY s.code, letter, tp.date")
    return tuple((row["code"], row["letter"], row["label"], row["resign_reason"])
                 for row in rows)


def current_finals(store: Store) -> tuple[FinalResult, ...]:
    """Each subject's current final result (its latest cycle), in subject order."""
    rows = store._rows(
        "SELECT f.*, s.code, t.label, t.date, k.slot, a.rationale FROM final_results f "
        "JOIN subjects s ON s.id = f.subject_id "
        "JOIN timepoints t ON t.id = f.through_timepoint_id "
        "JOIN tasks k ON k.id = f.task_id "
        "LEFT JOIN adjudications a ON a.id = f.adjudication_id "
        "WHERE f.is_superseded = 0 ORDER BY s.code, t.date")
    latest: dict[str, dict[str, Any]] = {row["code"]: row for row in rows}
    return tuple(
        FinalResult(row["code"], row["label"], row["source"], row["slot"],
                    json.loads(row["result_json"]), row["adjudication_id"], row["rationale"])
        for row in latest.values()
    )


def latest_final_task(store: Store, subject_id: int) -> tuple[int, int, int | None] | None:
    """(task, through timepoint, adjudication or ``None``) of the subject's current final
    result, or ``None``."""
    row = store._row("SELECT f.task_id, f.through_timepoint_id, f.adjudication_id "
                    "FROM final_results f JOIN timepoints t ON t.id = f.through_timepoint_id "
                    "WHERE f.subject_id = ? AND f.is_superseded = 0 "
                    "ORDER BY t.date DESC LIMIT 1", (subject_id,))
    if row is None:
        return None
    return int(row["task_id"]), int(row["through_timepoint_id"]), row["adjudication_id"]


def series_through(store: Store, subject_id: int,
                   through_timepoint_id: int) -> tuple[SeriesRecord, ...]:
    """The subject's series up to and including one timepoint, by date then phase."""
    rows = store._rows(
        "SELECT s.* FROM series s JOIN timepoints t ON t.id = s.timepoint_id "
        "WHERE t.subject_id = ? AND t.date <= (SELECT date FROM timepoints WHERE id = ?) "
        "ORDER BY t.date, s.phase, s.id", (subject_id, through_timepoint_id))
    return tuple(map(series_from_row, rows))


