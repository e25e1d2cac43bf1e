"""The coordinator's board: every subject's reads by timepoint, the open adjudications,
the final responses and the quality figures, in one consistent snapshot.

Blinding of unfinished reads (docs/reading.md §2): the board is made from each read's
status and whether anything is recorded (``core.store.status.read_progress``), never from
a read's lesions, calipers, findings or results, so no measurement and no per-read
response can reach it; responses appear only as the final result of a decided cycle.
"""

from __future__ import annotations

from core.actions._access import authorize
from core.actions.reports import final_checks
from core.model.board import Board, BoardSubject, BoardTimepoint
from core.model.reading import Role
from core.model.trial import FinalResult, Session, Subject
from core.model.worklist import TimepointState
from core.reading.board import adjudication_counts, progress_state, reader_agreement
from core.store import Store, adjudications, status
from core.store import trial as trial_store

BASELINE_RESPONSE = "baseline"


def coordinator_board(store: Store, session: Session) -> Board:
    """The board of the whole trial (coordinator only).

    The admin sees no read content, and final responses and agreement with the
    adjudicator are read content (docs/reading.md §2), so the board is the coordinator's
    alone; the admin keeps ``trial_status``'s counts.

    Raises
    ------
    PermissionDeniedError
        The session is not live, or its user is not a coordinator.
    """
    with store.snapshot():
        authorize(store, session, Role.COORDINATOR)
        info = trial_store.trial_info(store)
        progress = {(p.task_id, p.timepoint_id): progress_state(p)
                    for p in status.read_progress(store)}
        open_cycles = {(task.subject, task.through_label)
                       for task in adjudications.open_adjudication_tasks(store)}
        finals = {final.subject: final for final in adjudications.current_finals(store)}
        readers = status.reader_accounts(store)
        subjects = tuple(
            _subject(store, subject, progress, open_cycles, finals.get(subject.code))
            for subject in trial_store.all_subjects(store))
        adjudicated, decided = adjudication_counts(status.final_sources(store))
        agreement = reader_agreement([reader.login for reader in readers],
                                     status.adjudication_decisions(store))
    return Board(info.name, info.criteria.value, subjects, adjudicated, decided, agreement,
                 readers)


def _subject(store: Store, subject: Subject,
             progress: dict[tuple[int, int], TimepointState],
             open_cycles: set[tuple[str, str]], final: FinalResult | None) -> BoardSubject:
    tasks = {task.slot: task for task in trial_store.subject_tasks(store, subject)}
    problem = None
    if final is not None:
        bad = [str(check) for check in final_checks(store, subject) if not check.ok]
        problem = " | ".join(bad) or None
    responses = _final_responses(final) if final is not None and problem is None else {}

    def state(slot: int, timepoint_id: int) -> TimepointState | None:
        task = tasks.get(slot)
        return None if task is None else progress.get((task.task_id, timepoint_id))

    timepoints = tuple(
        BoardTimepoint(tp.timepoint_id, tp.label, tp.date, tp.nominal_week,
                       state(1, tp.timepoint_id), state(2, tp.timepoint_id),
                       (subject.code, tp.label) in open_cycles, responses.get(tp.label))
        for tp in trial_store.subject_timepoints(store, subject))
    shown = final is not None and problem is None
    return BoardSubject(
        subject.code,
        tasks[1].reader_login if 1 in tasks else None,
        tasks[2].reader_login if 2 in tasks else None,
        timepoints,
        final.through_label if final is not None else None,
        final.source if final is not None else None,
        str(final.result["best_overall_response"]) if shown and final is not None else None,
        problem)


def _final_responses(final: FinalResult) -> dict[str, str]:
    """The final overall response at each timepoint the final result covers, by label."""
    out: dict[str, str] = {}
    for index, row in enumerate(final.result.get("timepoints", ())):
        response = row.get("overall_response")
        out[str(row["label"])] = (BASELINE_RESPONSE if index == 0 and response is None
                                  else str(response))
    return out
