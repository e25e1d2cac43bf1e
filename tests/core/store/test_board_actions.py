"""The coordinator's board (issue #12 item 3): statuses, open adjudications, finals, the
quality figures, and nothing of an unsigned read."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from store_demo_reading import PASSWORD, read_subject

from core.actions import (
    add_subject,
    add_timepoint,
    adjudicate,
    get_adjudication,
    get_read,
    my_tasks,
    open_adjudications,
)
from core.actions.board import coordinator_board
from core.errors import PermissionDeniedError
from core.model.board import ReaderAgreement, ReadProgress
from core.model.worklist import TimepointState
from core.reading.board import adjudication_counts, progress_state, reader_agreement

# Reader 2 on HCC-001 keeps T1's viable part at 40 mm at week 6: SD instead of PR.
MISSED_RESPONSE = {("Week 6", "T1", "viable"): 40.0}


def _strings(value: object) -> list[str]:
    """Every text and number the board holds, recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for field in dataclasses.fields(value)
                for s in _strings(getattr(value, field.name))]
    if isinstance(value, (tuple, list)):
        return [s for item in value for s in _strings(item)]
    return [str(value)]


# -- the pure rules -----------------------------------------------------------------------

def _progress(status: str = "open", *, not_assessed: bool = False, stale: bool = False,
              entries: bool = False) -> ReadProgress:
    return ReadProgress(1, 2, status, not_assessed, stale, entries)


def test_progress_state_words():
    assert progress_state(_progress()) is TimepointState.NOT_STARTED
    assert progress_state(_progress(entries=True)) is TimepointState.IN_PROGRESS
    assert progress_state(_progress(not_assessed=True)) is TimepointState.IN_PROGRESS
    assert progress_state(_progress("amending", entries=True)) is TimepointState.IN_PROGRESS
    assert progress_state(_progress("signed", entries=True)) is TimepointState.SIGNED
    assert progress_state(_progress("signed", stale=True)) is \
        TimepointState.RESIGNATURE_NEEDED


def test_reader_agreement_counts_the_adjudications_each_reader_was_part_of():
    decisions = [("reader1", "reader2"), ("reader1", "reader3"), ("reader2", "reader1")]
    found = reader_agreement(["reader1", "reader2", "reader4"], decisions)
    assert found == (ReaderAgreement("reader1", 2, 3), ReaderAgreement("reader2", 1, 2),
                     ReaderAgreement("reader4", 0, 0), ReaderAgreement("reader3", 0, 1))
    assert found[0].rate == pytest.approx(2 / 3)
    assert found[2].rate is None
    assert reader_agreement([], []) == ()


def test_adjudication_counts_are_over_subjects():
    finals = [("HCC-001", "adjudicated"), ("HCC-001", "concordant"),
              ("HCC-002", "concordant"), ("HCC-003", "concordant"),
              ("HCC-003", "concordant")]
    assert adjudication_counts(finals) == (1, 3)
    assert adjudication_counts([]) == (0, 0)


# -- the action -----------------------------------------------------------------------------

def test_the_board_is_the_coordinator_s(demo):
    for session in (demo.admin, demo.reader1, demo.adjudicator):
        with pytest.raises(PermissionDeniedError, match="needs coordinator"):
            coordinator_board(demo.store, session)


def test_the_board_shows_statuses_and_nothing_of_an_unsigned_read(demo):
    store = demo.store
    read_subject(store, demo.reader1, "HCC-001", upto=1)  # baseline signed
    read_subject(store, demo.reader2, "HCC-001", upto=1, sign_last=False)  # in progress
    board = coordinator_board(store, demo.coordinator)
    assert [s.code for s in board.subjects] == ["HCC-001", "HCC-002", "HCC-003"]
    first = board.subject("HCC-001")
    assert (first.reader_1, first.reader_2) == ("reader1", "reader2")
    states = [(tp.label, tp.read_1, tp.read_2) for tp in first.timepoints]
    assert states == [("Baseline", "signed", "in progress"),
                      ("Week 6", "not started", "not started"),
                      ("Week 12", "not started", "not started")]
    assert first.best_response is None
    assert first.final_through is None
    assert board.open_adjudications == 0
    assert (board.adjudicated, board.decided, board.adjudication_rate) == (0, 0, None)
    assert [a.login for a in board.agreement] == ["reader1", "reader2"]
    # No length of either read, no lesion label, no id of a lesion or caliper anywhere.
    texts = _strings(board)
    lengths = set()
    for session in (demo.reader1, demo.reader2):
        task_id = next(t.task_id for t in my_tasks(store, session) if t.subject == "HCC-001")
        read = get_read(store, session, task_id)
        assert read.measurements
        lengths |= {f"{m.length_mm:.2f}" for m in read.measurements}
        lengths |= {f"{m.length_mm:g}" for m in read.measurements}
        lengths |= {str(lesion.lesion_id) for lesion in read.lesions}
        lengths |= {lesion.label for lesion in read.lesions}
    assert not [t for t in texts if t in lengths or "mm" in t]


def test_an_unassigned_slot_and_a_new_subject_show_as_such(demo):
    add_subject(demo.store, demo.coordinator, "HCC-004")
    add_timepoint(demo.store, demo.coordinator, "HCC-004", "Baseline", dt.date(2026, 5, 4), 0)
    new = coordinator_board(demo.store, demo.coordinator).subject("HCC-004")
    assert (new.reader_1, new.reader_2) == (None, None)
    assert [(tp.label, tp.read_1, tp.read_2) for tp in new.timepoints] == [
        ("Baseline", None, None)]


def test_finals_adjudications_rate_and_agreement(demo):
    store = demo.store
    for subject in ("HCC-001", "HCC-002"):
        read_subject(store, demo.reader1, subject, upto=2)
    read_subject(store, demo.reader2, "HCC-001", MISSED_RESPONSE, upto=2)
    read_subject(store, demo.reader2, "HCC-002", upto=2)
    board = coordinator_board(store, demo.coordinator)
    first, second = board.subject("HCC-001"), board.subject("HCC-002")
    # HCC-002 concordant through week 6: final responses there, none for week 12.
    assert second.final_source == "concordant"
    assert second.final_through == "Week 6"
    assert next(tp.final_response for tp in second.timepoints) == "baseline"
    assert second.timepoints[1].final_response is not None
    assert second.timepoints[2].final_response is None
    assert second.best_response == second.timepoints[1].final_response
    # HCC-001 discordant: an open adjudication at week 6, nothing final yet.
    assert [tp.open_adjudication for tp in first.timepoints] == [False, True, False]
    assert first.best_response is None
    assert all(tp.final_response is None
                                               for tp in first.timepoints)
    assert (board.adjudicated, board.decided) == (0, 1)

    (task,) = open_adjudications(store, demo.adjudicator)
    view = get_adjudication(store, demo.adjudicator, task.adjudication_id)
    choice = "A" if view.result_a["timepoints"][1]["overall_response"] == "PR" else "B"
    adjudicate(store, demo.adjudicator, task.adjudication_id, choice,
               "Week 6: the viable part of T1 measures 22 mm.", PASSWORD)
    board = coordinator_board(store, demo.coordinator)
    first = board.subject("HCC-001")
    assert first.final_source == "adjudicated"
    assert [tp.final_response for tp in first.timepoints] == ["baseline", "PR", None]
    assert not any(tp.open_adjudication for tp in first.timepoints)
    assert (board.adjudicated, board.decided, board.adjudication_rate) == (1, 2, 0.5)
    assert board.agreement == (ReaderAgreement("reader1", 1, 1),
                               ReaderAgreement("reader2", 0, 1))


# -- the board's long work, on another thread --------------------------------------------

def test_a_store_for_another_thread_acts_for_the_same_session(trial, small_ct_study,
                                                              tmp_path):
    import threading

    from core.actions import find_series
    from core.actions.importing import import_scanned
    from core.actions.safekeeping import backup_store
    from core.dicom.scan import scan
    from core.store import open_store_read_only
    from core.store.integrity import check_store

    add_subject(trial.store, trial.coordinator, "HCC-007")
    add_timepoint(trial.store, trial.coordinator, "HCC-007", "Baseline", dt.date(2026, 1, 5))
    scanned = scan([small_ct_study.folder])
    done: dict[str, object] = {}
    heard: list[str] = []

    def work() -> None:
        with trial.store.for_thread() as mine:
            done["import"] = import_scanned(mine, trial.coordinator, scanned,
                                            subject="HCC-007", timepoint="Baseline",
                                            progress=lambda _f, text: heard.append(text))
            done["backup"] = backup_store(mine, trial.coordinator, tmp_path / "copy.sqlite")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    result = done["import"]
    assert len(result.imported) == 4
    assert {s.timepoint_label for s in result.imported} == {"Baseline"}
    assert heard[0] == "importing HCC-007 Baseline: series 1 of 4"
    # The session lives on after the thread's store closed; the import is in the store.
    for series in result.imported:
        assert find_series(trial.store, trial.coordinator, series.series_instance_uid)
    backup = Path(str(done["backup"]))
    with open_store_read_only(backup) as copy:
        found = check_store(copy, [backup.with_name(backup.name + ".anchor")])
    # Intact: chain, schema, replay, the file, the backup's anchor; the one finding is
    # the checkpoint file a backup never has beside it.
    assert found.chain.is_intact
    assert found.anchors_checked == 1
    assert [str(d) for d in found.discrepancies] == [
        "anchors: checkpoint file copy.sqlite.anchors: no such anchor file; truncation "
        "and re-hashing of the audit cannot be ruled out"]



def test_the_same_reader_twice_is_refused_and_nothing_is_assigned(demo):
    from core.actions import assign_readers
    from core.errors import WorkflowError

    add_subject(demo.store, demo.coordinator, "HCC-009")
    with pytest.raises(WorkflowError, match="'reader1' already reads this subject; the two "
                       "reads must be independent"):
        assign_readers(demo.store, demo.coordinator, "HCC-009", "reader1", "reader1")
    subject = coordinator_board(demo.store, demo.coordinator).subject("HCC-009")
    assert (subject.reader_1, subject.reader_2) == (None, None)
    tasks = assign_readers(demo.store, demo.coordinator, "HCC-009", "reader2", "reader1")
    assert [(t.slot, t.reader_login) for t in tasks] == [(1, "reader2"), (2, "reader1")]
