"""The dual-read cycle: discordance, adjudication and final results (response-criteria §8).

When both reads of a subject are signed up to the same timepoint (at least one follow-up),
the engine evaluates both and the trial's triggers decide: concordant subjects take
reader 1's read as final (agreement is recorded); discordant ones get an adjudication in
which the two reads are labelled A and B at random, so the adjudicator cannot tell which
reader is which. The adjudicator selects one with a rationale and signs; the selected
read's result becomes final. A new timepoint, signed by both, starts the next cycle; an
amendment supersedes the cycles that rested on the amended timepoint.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from core.criteria import Result, evaluate, result_to_data
from core.errors import PermissionDeniedError, WorkflowError
from core.model.reading import Read, Role
from core.model.trial import (
    AdjudicationTask,
    AdjudicationView,
    FinalResult,
    SeriesRecord,
    Session,
)
from core.reading import build_case, discordance, signed_prefix
from core.store import audit
from core.store.auth import reauthenticate, require
from core.store.db import Store, utc_now
from core.store.loading import load_read, truncate
from core.store.rows import series_from_row
from core.store.trial import case_options, trial_info

ADJUDICATION_MEANING = "Adjudicator: I selected this read as the subject's final read."


def _evaluate(store: Store, read: Read, through: int) -> Result:
    info = trial_info(store)
    return evaluate(build_case(read, info.criteria, case_options(info), through=through))


def _result_json(result: Result) -> str:
    return json.dumps(result_to_data(result), ensure_ascii=False)


def evaluate_cycle(store: Store, subject_id: int, actor: int) -> None:
    """Decide the subject's cycle if both reads are now signed to the same timepoint.

    Runs inside the transaction of the signature that may complete the cycle.
    """
    tasks = store.rows("SELECT id, slot FROM tasks WHERE subject_id = ? ORDER BY slot",
                       (subject_id,))
    if len(tasks) != 2:
        return
    reads = [load_read(store, task["id"]) for task in tasks]
    done = {signed_prefix([tp.status for tp in read.timepoints]) for read in reads}
    if len(done) != 1 or (through := done.pop()) < 2:
        return
    through_tp = reads[0].timepoints[through - 1].timepoint_id
    if store.row(
        "SELECT 1 FROM final_results WHERE subject_id = ? AND through_timepoint_id = ? "
        "AND is_superseded = 0 UNION ALL SELECT 1 FROM adjudications WHERE subject_id = ? "
        "AND through_timepoint_id = ? AND status != 'superseded'",
        (subject_id, through_tp, subject_id, through_tp),
    ):
        return
    results = [_evaluate(store, read, through) for read in reads]
    a, b = _labels(store, subject_id, [task["id"] for task in tasks])
    # Triggers are worded "A vs B", never in reader order, so they reveal no identity.
    fired = discordance(results[a], results[b], trial_info(store).triggers)
    if not fired:
        _insert_final(store, actor, subject_id, through_tp, tasks[0]["id"], "concordant",
                      None, results[0])
        return
    row = {"subject_id": subject_id, "through_timepoint_id": through_tp,
           "task_a_id": tasks[a]["id"], "task_b_id": tasks[b]["id"],
           "triggers_json": json.dumps(fired), "result_a_json": _result_json(results[a]),
           "result_b_json": _result_json(results[b]), "created_utc": utc_now()}
    adjudication_id = store.execute(
        "INSERT INTO adjudications (subject_id, through_timepoint_id, task_a_id, task_b_id, "
        "triggers_json, result_a_json, result_b_json, created_utc) VALUES (:subject_id, "
        ":through_timepoint_id, :task_a_id, :task_b_id, :triggers_json, :result_a_json, "
        ":result_b_json, :created_utc)", row)
    audit.record(store, actor, "create", "adjudication", adjudication_id, None,
                 {"subject_id": subject_id, "through_timepoint_id": through_tp,
                  "task_a_id": row["task_a_id"], "task_b_id": row["task_b_id"],
                  "triggers": list(fired)})


def _labels(store: Store, subject_id: int, task_ids: list[int]) -> tuple[int, int]:
    """Which of the two tasks is A and which B: drawn at random once per subject, then kept."""
    earlier = store.row("SELECT task_a_id FROM adjudications WHERE subject_id = ? "
                        "ORDER BY id LIMIT 1", (subject_id,))
    if earlier is None:
        first = secrets.randbelow(2)
        return first, 1 - first
    first = task_ids.index(earlier["task_a_id"])
    return first, 1 - first


def _insert_final(store: Store, actor: int, subject_id: int, through_tp: int, task_id: int,
                  source: str, adjudication_id: int | None, result: Result) -> None:
    final_id = store.execute(
        "INSERT INTO final_results (subject_id, through_timepoint_id, task_id, source, "
        "adjudication_id, result_json, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (subject_id, through_tp, task_id, source, adjudication_id, _result_json(result),
         utc_now()))
    audit.record(store, actor, "create", "final_result", final_id, None,
                 {"subject_id": subject_id, "through_timepoint_id": through_tp,
                  "task_id": task_id, "source": source, "adjudication_id": adjudication_id,
                  "best_overall_response": result.best_overall_response.category.value})


def supersede(store: Store, subject_id: int, index: int, actor: int) -> None:
    """Mark the cycles that rest on timepoint *index* (0 = baseline) or later as superseded."""
    timepoints = store.rows("SELECT id FROM timepoints WHERE subject_id = ? ORDER BY date",
                            (subject_id,))
    affected = [tp["id"] for tp in timepoints[index:]]
    marks = ",".join("?" * len(affected))
    for row in store.rows(f"SELECT id FROM final_results WHERE is_superseded = 0 AND "
                          f"through_timepoint_id IN ({marks})", tuple(affected)):
        store.execute("UPDATE final_results SET is_superseded = 1 WHERE id = ?", (row["id"],))
        audit.record(store, actor, "supersede", "final_result", row["id"],
                     {"is_superseded": False}, {"is_superseded": True})
    for row in store.rows(f"SELECT id, status FROM adjudications WHERE status != 'superseded' "
                          f"AND through_timepoint_id IN ({marks})", tuple(affected)):
        store.execute("UPDATE adjudications SET status = 'superseded' WHERE id = ?",
                      (row["id"],))
        audit.record(store, actor, "supersede", "adjudication", row["id"],
                     {"status": row["status"]}, {"status": "superseded"})


def open_adjudications(store: Store, session: Session) -> tuple[AdjudicationTask, ...]:
    """The adjudicator's worklist: open adjudications, oldest first."""
    require(store, session, Role.ADJUDICATOR)
    rows = store.rows(
        "SELECT a.id, s.code, t.label FROM adjudications a JOIN subjects s "
        "ON s.id = a.subject_id JOIN timepoints t ON t.id = a.through_timepoint_id "
        "WHERE a.status = 'open' ORDER BY a.id")
    return tuple(AdjudicationTask(row["id"], row["code"], row["label"]) for row in rows)


def _open_adjudication(store: Store, adjudication_id: int) -> dict[str, Any]:
    row = store.row("SELECT a.*, s.code, t.label FROM adjudications a JOIN subjects s "
                    "ON s.id = a.subject_id JOIN timepoints t ON t.id = a.through_timepoint_id "
                    "WHERE a.id = ?", (adjudication_id,))
    if row is None or row["status"] != "open":
        raise PermissionDeniedError(f"adjudication {adjudication_id}", "not found or not open")
    return row


def _through(read: Read, through_tp: int) -> int:
    ids = [tp.timepoint_id for tp in read.timepoints]
    return ids.index(through_tp) + 1


def get_adjudication(store: Store, session: Session, adjudication_id: int) -> AdjudicationView:
    """The two signed reads of a discordant subject as A and B, without reader identity."""
    require(store, session, Role.ADJUDICATOR)
    row = _open_adjudication(store, adjudication_id)
    reads = []
    for task_id in (row["task_a_id"], row["task_b_id"]):
        read = load_read(store, task_id)
        reads.append(truncate(read, _through(read, row["through_timepoint_id"]),
                              anonymous=True))
    return AdjudicationView(adjudication_id, row["code"], row["label"],
                            tuple(json.loads(row["triggers_json"])), reads[0], reads[1],
                            json.loads(row["result_a_json"]), json.loads(row["result_b_json"]))


def adjudicate(store: Store, session: Session, adjudication_id: int, choice: str,
               rationale: str, password: str) -> FinalResult:
    """Select read ``"A"`` or ``"B"`` with a rationale and sign; it becomes the final read.

    Raises
    ------
    WorkflowError
        No rationale, or a choice other than A or B.
    SignatureError
        Wrong password.
    """
    actor = require(store, session, Role.ADJUDICATOR)
    row = _open_adjudication(store, adjudication_id)
    entity = f"adjudication {adjudication_id} ({row['code']})"
    if choice not in ("A", "B"):
        raise WorkflowError(entity, f"choose read A or B, not {choice!r}")
    if not rationale.strip():
        raise WorkflowError(entity, "the adjudicator's rationale is required")
    reauthenticate(store, session, password, entity)
    with store.transaction():
        row = _open_adjudication(store, adjudication_id)
        task_id = row["task_a_id"] if choice == "A" else row["task_b_id"]
        read = load_read(store, task_id)
        result = _evaluate(store, read, _through(read, row["through_timepoint_id"]))
        digest = row[f"result_{choice.lower()}_json"]
        signature_id = store.execute(
            "INSERT INTO signatures (user_id, signer_name, signed_utc, meaning, entity, "
            "entity_id, content_sha256) VALUES (?, ?, ?, ?, 'adjudication', ?, ?)",
            (actor, session.display_name, utc_now(), ADJUDICATION_MEANING, adjudication_id,
             hashlib.sha256(digest.encode("utf-8")).hexdigest()))
        store.execute("UPDATE adjudications SET status = 'decided', adjudicator_id = ?, "
                      "chosen = ?, rationale = ?, signature_id = ? WHERE id = ?",
                      (actor, choice, rationale, signature_id, adjudication_id))
        audit.record(store, actor, "adjudicate", "adjudication", adjudication_id,
                     {"status": "open"},
                     {"status": "decided", "chosen": choice, "rationale": rationale,
                      "signature_id": signature_id})
        _insert_final(store, actor, row["subject_id"], row["through_timepoint_id"], task_id,
                      "adjudicated", adjudication_id, result)
    # Reader slot 0: the adjudicator stays blind to which reader wrote the chosen read.
    return FinalResult(row["code"], row["label"], "adjudicated", 0, result_to_data(result),
                       adjudication_id, rationale)


def final_results(store: Store, session: Session) -> tuple[FinalResult, ...]:
    """Each subject's current final result (its latest cycle), for the coordinator."""
    require(store, session, Role.COORDINATOR)
    rows = store.rows(
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


def adjudication_series(store: Store, session: Session,
                        adjudication_id: int) -> tuple[SeriesRecord, ...]:
    """The imaging series of an open adjudication's subject, up to its cycle's timepoint."""
    require(store, session, Role.ADJUDICATOR)
    row = _open_adjudication(store, adjudication_id)
    rows = store.rows(
        "SELECT s.* FROM series s JOIN timepoints t ON t.id = s.timepoint_id "
        "WHERE t.subject_id = ? AND t.date <= (SELECT date FROM timepoints WHERE id = ?) "
        "ORDER BY t.date, s.phase, s.id", (row["subject_id"], row["through_timepoint_id"]))
    return tuple(map(series_from_row, rows))
