"""Review: what stays on screen, and what is saved, when the station locks mid-reading."""

from __future__ import annotations

import pytest
from test_reading_blinding import _open
from test_trial_login import Clock, db_window, log_in, store_path

from core.actions.demo import DEMO_PASSWORD
from core.model.clinical import LesionCategory
from core.store import login, open_store


@pytest.fixture
def baseline_ready(demo_data_dir, monkeypatch):
    """reader1 has read HCC-001's baseline completely, not signed."""
    import store_demo_reading

    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    with open_store(store_path(demo_data_dir)) as store:
        reader1 = login(store, "reader1", DEMO_PASSWORD)
        store_demo_reading.read_subject(store, reader1, "HCC-001", upto=1, sign_last=False)
    return demo_data_dir


def test_the_idle_lock_hides_the_open_sign_dialog(qtbot, baseline_ready):
    """The sign dialog shows the subject, every lesion and diameter and the response; the
    lock must leave nothing of the trial on screen ("Nothing of the trial stays on screen
    while the station is unattended", MainWindow._on_locked)."""
    clock = Clock()
    window = db_window(qtbot, store_path(baseline_ready), clock)
    log_in(qtbot, window)
    view = _open(qtbot, window, "HCC-001", "Baseline")
    view.sign()  # Ctrl+Return
    dialog = view.sign_dialog
    assert dialog is not None, view.status.text()
    qtbot.waitExposed(dialog)
    clock.now += 15 * 60
    assert window.trial.check_idle()
    assert not window._centre.isVisible()  # the images are hidden …
    assert not dialog.isVisible(), (
        "while locked the sign dialog still shows: " + " | ".join(
            " ".join(row) for row in dialog.lesion_rows()))


def test_the_idle_lock_hides_the_open_add_lesion_dialog(qtbot, demo_data_dir):
    clock = Clock()
    window = db_window(qtbot, store_path(demo_data_dir), clock)
    log_in(qtbot, window)
    view = _open(qtbot, window, "HCC-001", "Baseline")
    dialog = view.ask_lesion(LesionCategory.TARGET)
    qtbot.waitExposed(dialog)
    clock.now += 15 * 60
    assert window.trial.check_idle()
    assert not dialog.isVisible(), "the add-lesion form stays up over the lock screen"


def test_the_locked_window_does_not_name_the_subject_being_read(qtbot, demo_data_dir):
    clock = Clock()
    window = db_window(qtbot, store_path(demo_data_dir), clock)
    log_in(qtbot, window)
    _open(qtbot, window, "HCC-001", "Baseline")
    clock.now += 15 * 60
    assert window.trial.check_idle()
    assert "HCC-001" not in window.windowTitle()
