"""The reading session: each edit saved through core.actions at once, undo and redo as
stored, audited changes (issue #11 items 3 and 6). Real store, real QUndoStack."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).resolve().parents[1] / "core" / "store"))

from store_demo_reading import PASSWORD, caliper, demo_truth, setup_demo
from store_trial import make_trial

from core.actions import get_read, my_tasks, sign_timepoint
from core.model.clinical import LesionCategory
from core.model.reading import Finding, MeasurementKind
from core.store import open_store
from core.store.integrity import check_store
from desktop.reading_session import ReadingSession

VIABLE, TOTAL = MeasurementKind.VIABLE, MeasurementKind.TOTAL


@pytest.fixture
def reading(tmp_path, qapp):
    trial = make_trial(tmp_path / "trial.sqlite")
    setup_demo(trial.store, trial.admin, ("HCC-001",))
    task = next(t for t in my_tasks(trial.store, trial.reader1) if t.subject == "HCC-001")
    session = ReadingSession(trial.store, trial.reader1, task.task_id)
    refusals: list[str] = []
    session.refused.connect(refusals.append)
    yield trial, session, refusals
    trial.store.close()
    # Every undo and redo went through the actions: the audit says what the tables hold.
    with open_store(trial.path) as store:
        assert check_store(store).is_intact


def _baseline(trial, session):
    tp = demo_truth()["HCC-001"][0]
    timepoint_id = session.read.timepoint(tp.label).timepoint_id
    lesion_truth = next(item for item in tp.truth["lesions"] if item["role"] == "target")
    return tp, timepoint_id, lesion_truth


def _caliper_audit_rows(trial):
    return [row["action"] for row in trial.store._rows(
        "SELECT action FROM audit WHERE entity = 'measurement' ORDER BY id")]


def _stored(trial, session):
    return get_read(trial.store, trial.reader1, session.task_id)


def test_a_caliper_is_saved_at_once_and_undo_redo_go_through_the_store(reading):
    trial, session, refusals = reading
    tp, timepoint_id, truth = _baseline(trial, session)
    lesion = session.add_lesion(timepoint_id, LesionCategory.TARGET, truth["organ"])
    assert lesion is not None
    _, _, kind, drawn = caliper(tp, truth, TOTAL, lesion.lesion_id, timepoint_id)
    assert session.save_caliper(lesion.lesion_id, timepoint_id, kind, drawn)
    saved = _stored(trial, session).measurement(lesion.lesion_id, timepoint_id, TOTAL)
    assert saved is not None
    assert saved.caliper == drawn  # durable before save_caliper returned
    assert session.undo_stack.count() == 2
    assert _caliper_audit_rows(trial) == ["create"]  # pushing did not save it twice

    session.undo_stack.undo()  # the caliper goes, as a stored deletion
    assert _stored(trial, session).measurement(lesion.lesion_id, timepoint_id, TOTAL) is None
    session.undo_stack.redo()
    assert _stored(trial, session).measurement(
        lesion.lesion_id, timepoint_id, TOTAL).caliper == drawn
    assert _caliper_audit_rows(trial) == ["create", "delete", "create"]
    assert refusals == []


def test_undoing_a_moved_caliper_puts_the_first_one_back(reading):
    trial, session, _ = reading
    tp, timepoint_id, truth = _baseline(trial, session)
    lesion = session.add_lesion(timepoint_id, LesionCategory.TARGET, truth["organ"])
    first = caliper(tp, truth, TOTAL, lesion.lesion_id, timepoint_id)[3]
    moved = caliper(tp, truth, TOTAL, lesion.lesion_id, timepoint_id,
                    length_mm=float(first.length_mm) + 4)[3]
    session.save_caliper(lesion.lesion_id, timepoint_id, TOTAL, first)
    session.save_caliper(lesion.lesion_id, timepoint_id, TOTAL, moved)
    assert _stored(trial, session).measurement(
        lesion.lesion_id, timepoint_id, TOTAL).length_mm == moved.length_mm
    session.undo_stack.undo()
    assert _stored(trial, session).measurement(
        lesion.lesion_id, timepoint_id, TOTAL).length_mm == first.length_mm


def test_a_deleted_lesion_comes_back_with_its_calipers_and_later_redos_find_it(reading):
    trial, session, refusals = reading
    tp, timepoint_id, truth = _baseline(trial, session)
    lesion = session.add_lesion(timepoint_id, LesionCategory.TARGET, truth["organ"])
    for kind in (TOTAL, VIABLE):
        session.save_caliper(lesion.lesion_id, timepoint_id, kind,
                             caliper(tp, truth, kind, lesion.lesion_id, timepoint_id)[3])
    assert session.delete_lesion(lesion.lesion_id)
    assert _stored(trial, session).lesions == ()
    session.undo_stack.undo()  # the lesion, both calipers, under a new id and label
    (back,) = _stored(trial, session).lesions
    assert back.lesion_id != lesion.lesion_id
    assert session.lesion_id(lesion.lesion_id) == back.lesion_id
    assert {m.kind for m in _stored(trial, session).measurements} == {TOTAL, VIABLE}
    # Undo everything to before the lesion, then redo all: every command finds it.
    while session.undo_stack.canUndo():
        session.undo_stack.undo()
    assert _stored(trial, session).lesions == ()
    while session.undo_stack.canRedo():
        session.undo_stack.redo()
    assert _stored(trial, session).lesions == ()  # the last command deleted it again
    session.undo_stack.undo()
    assert len(_stored(trial, session).measurements) == 2
    assert refusals == []


def test_a_refused_edit_is_not_pushed_and_says_why(reading):
    trial, session, refusals = reading
    tp, timepoint_id, truth = _baseline(trial, session)
    lesion = session.add_lesion(timepoint_id, LesionCategory.TARGET, truth["organ"])
    drawn = caliper(tp, truth, TOTAL, lesion.lesion_id, timepoint_id)[3]
    other_timepoint = session.read.timepoints[1].timepoint_id  # follow-up, baseline unsigned
    count = session.undo_stack.count()
    assert not session.save_caliper(lesion.lesion_id, other_timepoint, TOTAL, drawn)
    assert session.undo_stack.count() == count
    assert len(refusals) == 1
    assert "\n" not in refusals[0]


def test_an_undo_the_store_refuses_is_dropped_and_the_edit_stays(reading):
    trial, session, refusals = reading
    tp, timepoint_id, truth = _baseline(trial, session)
    lesion = session.add_lesion(timepoint_id, LesionCategory.TARGET, truth["organ"])
    for kind in (TOTAL, VIABLE):
        session.save_caliper(lesion.lesion_id, timepoint_id, kind,
                             caliper(tp, truth, kind, lesion.lesion_id, timepoint_id)[3])
    session.record_finding(Finding(lesion.lesion_id, timepoint_id, None))
    sign_timepoint(trial.store, trial.reader1, session.task_id, timepoint_id, PASSWORD)
    before = session.undo_stack.count()
    session.undo_stack.undo()  # the baseline is signed now: the store refuses
    assert refusals
    assert "signed" in refusals[-1]
    assert session.undo_stack.count() == before - 1
    assert _stored(trial, session).measurement(lesion.lesion_id, timepoint_id, VIABLE)
