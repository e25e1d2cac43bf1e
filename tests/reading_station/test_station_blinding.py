"""Review: blinding probes that held (kept as regression tests)."""

from __future__ import annotations

from test_trial_login import db_window, log_in, store_path

from core import actions
from core.actions.demo import DEMO_PASSWORD
from core.store import login, open_store
from desktop import last_place


def test_a_tampered_last_place_naming_the_other_reader_s_task_opens_nothing(
        qtbot, demo_data_dir):
    path = store_path(demo_data_dir)
    with open_store(path) as store:
        reader2 = login(store, "reader2", DEMO_PASSWORD)
        theirs = actions.my_tasks(store, reader2)[0]
        timepoint = actions.get_read(store, reader2, theirs.task_id).timepoints[0]
    last_place.remember(path, "reader1", theirs.task_id, timepoint.timepoint_id)
    window = db_window(qtbot, path)
    log_in(qtbot, window)
    assert window.reading_view is None
    assert theirs.task_id not in {e.task_id for e in window.worklist.entries}


def test_a_coordinator_gets_no_reading_view_even_with_a_last_place(qtbot, demo_data_dir):
    path = store_path(demo_data_dir)
    with open_store(path) as store:
        reader1 = login(store, "reader1", DEMO_PASSWORD)
        task = actions.my_tasks(store, reader1)[0]
        timepoint = actions.get_read(store, reader1, task.task_id).timepoints[0]
    last_place.remember(path, "coordinator", task.task_id, timepoint.timepoint_id)
    window = db_window(qtbot, path)
    log_in(qtbot, window, "coordinator")
    assert window.reading_view is None
    assert window.worklist.entries == ()
    assert window.trial.session is not None
    assert window.trial.session.login == "coordinator"
