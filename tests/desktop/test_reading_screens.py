"""Screenshots of the reading station for the documentation, and what they must show.

The pictures go to docs/screenshots/ only when asked (MRECIST_WRITE_SCREENSHOTS=1), else to
a temporary folder; either way the test checks what a radiologist would look for on them.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from test_trial_login import DOC_SCREENSHOTS, demo_window, log_in, store_path

from core.actions.demo import DEMO_PASSWORD
from core.store import login, open_store


def _folder(tmp_path: Path) -> Path:
    folder = DOC_SCREENSHOTS if os.environ.get("MRECIST_WRITE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_screenshot_of_a_timepoint_being_read(qtbot, demo_data_dir, monkeypatch, tmp_path):
    import store_demo_reading

    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    with open_store(store_path(demo_data_dir)) as store:
        reader1 = login(store, "reader1", DEMO_PASSWORD)
        store_demo_reading.read_subject(store, reader1, "HCC-001", upto=2, sign_last=False)
    window = demo_window(qtbot, demo_data_dir)
    window.resize(1600, 1000)
    log_in(qtbot, window)
    qtbot.waitUntil(lambda: window.reading_view is not None or True)
    window.worklist.setFocus()
    qtbot.keyClick(window.worklist, Qt.Key.Key_Return)  # HCC-001 Week 6, in progress
    qtbot.waitUntil(lambda: not window.is_loading and len(window.grid.viewers) == 4,
                    timeout=20_000)
    view = window.reading_view
    assert view is not None
    assert view.timepoint_label == "Week 6"
    qtbot.wait(300)
    arterial = view.measuring_viewer
    assert arterial is window.grid.active_viewer
    assert arterial.calipers_shown >= 1  # it opened at the first lesion, calipers drawn
    rows = view.lesions.rows()
    assert [row[0] for row in rows][:1] == ["T1"]
    assert window.grab().save(str(_folder(tmp_path) / "reading.png"))


def test_f1_lists_the_reading_keys_in_their_own_section(qtbot, demo_data_dir, tmp_path):
    from desktop.main_window import ShortcutsDialog

    window = demo_window(qtbot, demo_data_dir)
    log_in(qtbot, window)
    window.worklist.setFocus()
    qtbot.keyClick(window.worklist, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.reading_view is not None and not window.is_loading,
                    timeout=20_000)
    rows = window.shortcut_table()
    reading = {(key, text) for section, key, text in rows if section == "Reading a timepoint"}
    for key, text in (("V", "Viable diameter caliper"), ("T", "Total diameter caliper"),
                      ("0", "No viable tumour (viable 0 mm)"), ("N", "Next lesion"),
                      ("G", "Go to lesion"), ("A", "Suggest diameters at the click"),
                      ("Ctrl+Return", "Sign the timepoint"), ("Ctrl+Z", "Undo")):
        assert (key, text) in reading
    keys = [key for _section, key, _text in rows]
    assert len(keys) == len(set(keys)), "a key bound twice"
    window.activateWindow()  # the reader's click on the window (offscreen: no window manager)
    qtbot.waitUntil(window.isActiveWindow)
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(ShortcutsDialog)))
    (box,) = [b for b in window.findChildren(ShortcutsDialog) if b.isVisible()]
    assert "Reading a timepoint" in box.text()
    assert box.grab().save(str(_folder(tmp_path) / "shortcuts.png"))


def test_screenshots_of_the_adjudication_queue_and_view(qtbot, demo_data_dir, monkeypatch,
                                                        tmp_path):
    import store_demo_reading

    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    with open_store(store_path(demo_data_dir)) as store:
        for login_name, slip in (("reader1", None),
                                 ("reader2", {("Week 6", "T1", "viable"): 40.0})):
            reader = login(store, login_name, DEMO_PASSWORD)
            store_demo_reading.read_subject(store, reader, "HCC-001", slip)
    window = demo_window(qtbot, demo_data_dir)
    window.resize(1600, 1000)
    log_in(qtbot, window, "adjudicator")
    assert [row[0] for row in window.queue.rows()] == ["HCC-001"]
    folder = _folder(tmp_path)
    assert window._dock.grab().save(str(folder / "adjudication-queue.png"))
    window.queue.setFocus()
    qtbot.keyClick(window.queue, Qt.Key.Key_Return)
    screen = window.adjudication_screen
    assert screen is not None
    screen.show_timepoint("Week 6")
    qtbot.waitUntil(lambda: screen._load is None and len(window.grid.viewers) == 4,
                    timeout=30_000)
    qtbot.wait(300)
    assert window.grid.active_viewer.calipers_shown >= 2
    assert window.grab().save(str(folder / "adjudication.png"))
