"""What a reader sees while reading: their own work only (issue #11, blinding), and the idle
lock in the middle of a reading."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from reading_by_hand import wait_until_settled
from test_trial_login import Clock, db_window, demo_window, log_in, store_path, type_login
from window_text import window_strings

from core import actions
from core.actions.demo import DEMO_PASSWORD
from core.model.clinical import LesionCategory
from core.store import login, open_store
from desktop.main_window import MainWindow
from desktop.reading_view import ReadingView


def _open(qtbot, window: MainWindow, subject: str, label: str) -> ReadingView:
    entry = next(e for e in window.worklist.entries if e.subject == subject)
    timepoint = next(tp for tp in entry.timepoints if tp.label == label)
    window.open_worklist_timepoint(entry, timepoint)
    qtbot.waitUntil(lambda: not window.is_loading and len(window.grid.viewers) == 4,
                    timeout=20_000)
    view = window.reading_view
    assert view is not None
    qtbot.waitUntil(lambda: view.previous.viewer.volume is not None or
                    view.previous.message_text != "Loading…", timeout=20_000)
    return view


def _calipers_on_any_slice(view: ReadingView) -> int:
    shown = 0
    for viewer in (*view.grid.viewers, view.previous.viewer):
        if viewer.volume is None:
            continue
        for index in range(viewer.volume.n_slices):
            viewer.set_slice(index)
            shown += viewer.calipers_shown
    return shown


@pytest.fixture
def reader2_has_read_hcc001(demo_data_dir, monkeypatch):
    """reader2 reads HCC-001 to week 6 (signed baseline, week 6 in progress)."""
    import store_demo_reading

    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    with open_store(store_path(demo_data_dir)) as store:
        reader2 = login(store, "reader2", DEMO_PASSWORD)
        store_demo_reading.read_subject(store, reader2, "HCC-001", upto=2, sign_last=False)
        return actions.get_read(store, reader2, actions.my_tasks(store, reader2)[0].task_id)


def test_the_reading_view_shows_none_of_the_other_reader_s_work(qtbot, demo_data_dir,
                                                               reader2_has_read_hcc001):
    theirs = reader2_has_read_hcc001
    assert len(theirs.measurements) == 8  # two targets, two calipers, two timepoints
    # Opened with --db: the demo's log-in screen would list every demo account by design.
    window = db_window(qtbot, store_path(demo_data_dir))
    log_in(qtbot, window)
    states = [tp.state for tp in window.worklist.entries[0].timepoints]
    assert states == ["not started"] * 3  # not even that the subject is being read
    view = _open(qtbot, window, "HCC-001", "Week 6")
    assert view.reading.read.lesions == ()
    assert view.lesions.rows() == []
    assert _calipers_on_any_slice(view) == 0  # current phases and the previous panel
    texts = " ".join(window_strings(window))
    for caliper in theirs.measurements:
        assert f"{caliper.length_mm} mm" not in texts
    assert "reader2" not in texts
    assert "Rolf" not in texts
    # Nor anything of the coordinator's clinical record of the subject (#13).
    for clinical in ("regorafenib", "Hypertension", "pirarubicin", "anlotinib", "AST",
                     "enrol", "Child-Pugh", "Clinical record", "CTCAE"):
        assert clinical not in texts
    # No clinical page exists in a reader's window, shown or hidden.
    from desktop.clinical_screen import ClinicalScreen
    from widgets.clinical_record_view import ClinicalRecordView

    assert window.findChildren(ClinicalScreen) == []
    assert window.findChildren(ClinicalRecordView) == []
    assert "signed" not in texts.replace("not signed", "")


def test_the_previous_panel_shows_the_reader_s_own_calipers_only(qtbot, demo_data_dir,
                                                                reader2_has_read_hcc001,
                                                                monkeypatch):
    import store_demo_reading

    with open_store(store_path(demo_data_dir)) as store:
        reader1 = login(store, "reader1", DEMO_PASSWORD)
        store_demo_reading.read_subject(store, reader1, "HCC-001", upto=1)
        mine = actions.get_read(store, reader1, actions.my_tasks(store, reader1)[0].task_id)
    window = demo_window(qtbot, demo_data_dir)
    log_in(qtbot, window)
    view = _open(qtbot, window, "HCC-001", "Week 6")
    qtbot.waitUntil(lambda: view.previous.viewer.volume is not None, timeout=20_000)
    baseline = mine.timepoints[0].timepoint_id
    own = [m.caliper for m in mine.measurements if m.timepoint_id == baseline]
    assert len(own) == 4
    assert view.previous.viewer._calipers == tuple(own)  # exactly the reader's own
    assert _calipers_on_any_slice(view) == len(own)  # none of reader2's anywhere


def test_the_idle_lock_in_the_middle_of_a_reading_continues_it_after_the_password(
        qtbot, demo_data_dir):
    clock = Clock()
    window = db_window(qtbot, store_path(demo_data_dir), clock)
    log_in(qtbot, window)
    view = _open(qtbot, window, "HCC-001", "Baseline")
    lesion = view.add_lesion(LesionCategory.TARGET, "liver")
    assert lesion is not None
    assert view.reading.undo_stack.count() == 1
    clock.now += 15 * 60
    assert window.trial.check_idle()
    assert not window._centre.isVisible()  # nothing of the read on screen while locked
    type_login(qtbot, window.login_dialog, None, DEMO_PASSWORD)
    assert window.reading_view is view  # the same timepoint, the same undo stack
    assert view.reading.session is window.trial.session
    # The window is the reader's again (activation is asynchronous, offscreen too).
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(view.lesions.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.reading.read.lesions == ()  # the undo ran under the new session
    with open_store(store_path(demo_data_dir)) as store:
        reader1 = login(store, "reader1", DEMO_PASSWORD)
        assert actions.get_read(store, reader1, view.reading.task_id).lesions == ()


def test_the_idle_lock_files_the_key_images_being_rendered_first(qtbot, demo_data_dir):
    from store_demo_reading import demo_truth
    from test_reading_view import draw

    from core.actions.key_images import key_image
    from core.model.reading import MeasurementKind

    clock = Clock()
    window = db_window(qtbot, store_path(demo_data_dir), clock)
    log_in(qtbot, window)
    view = _open(qtbot, window, "HCC-001", "Baseline")
    truth = next(t for t in demo_truth()["HCC-001"][0].truth["lesions"]
                 if t["role"] == "target")
    lesion = view.add_lesion(LesionCategory.TARGET, "liver")
    view.measuring_viewer.set_slice(truth["slice_index"])
    wait_until_settled(qtbot, view)  # a drag aimed at an image still being fitted misses
    view.start_measuring(lesion.lesion_id, MeasurementKind.TOTAL)
    with qtbot.waitSignal(view.reading.changed, timeout=5000):
        draw(view.measuring_viewer, *truth["total_endpoints_mm"])
    clock.now += 15 * 60
    assert window.trial.check_idle()  # locked at once, the render perhaps still running
    with open_store(store_path(demo_data_dir)) as store:
        reader1 = login(store, "reader1", DEMO_PASSWORD)
        assert key_image(store, reader1, lesion.lesion_id, view.timepoint_id,
                         MeasurementKind.TOTAL) is not None
