"""The application on a trial store: log-in, log-out, the idle lock, the reader's worklist.

Real widgets offscreen on a real demo trial store (``demo_data_dir``); keys typed into the
fields and OK clicked as a reader would.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from window_text import window_strings

from core import actions
from core.actions.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_STORE_NAME
from core.errors import PermissionDeniedError
from core.store import MAX_FAILED_LOGINS, login, open_store
from desktop.app import build_window, parse_args
from desktop.demo_data import DEMO_STORE_FOLDER
from desktop.login_dialog import LoginDialog
from desktop.main_window import MainWindow
from desktop.trial_session import KEEP_ALIVE_S, TrialSession

# The documentation's pictures are rewritten only when asked (MRECIST_WRITE_SCREENSHOTS=1),
# so a test run leaves the working tree as it was; otherwise they go to a temporary folder.
DOC_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NEW_PASSWORD = "my own words for reading"


class Clock:
    """A monotonic clock the test advances by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def store_path(data_dir: Path) -> Path:
    return data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME


def demo_window(qtbot, data_dir: Path) -> MainWindow:
    window = build_window(parse_args(["--demo", "--data-dir", str(data_dir)]))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    return window


def db_window(qtbot, path: Path, clock: Clock | None = None) -> MainWindow:
    window = MainWindow((), interactive=True)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    kwargs = {"clock": clock} if clock else {}
    window.open_trial(TrialSession.open(path, **kwargs))
    return window


def type_login(qtbot, dialog: LoginDialog, login_name: str | None, password: str) -> None:
    if login_name is not None:
        dialog.login_field.clear()
        qtbot.keyClicks(dialog.login_field, login_name)
    dialog.password_field.clear()
    qtbot.keyClicks(dialog.password_field, password)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def log_in(qtbot, window: MainWindow, login_name: str = "reader1",
           password: str = DEMO_PASSWORD) -> None:
    assert window.login_dialog is not None
    type_login(qtbot, window.login_dialog, login_name, password)


def test_the_demo_opens_at_its_log_in_screen_listing_the_demo_log_ins(qtbot, demo_data_dir):
    window = demo_window(qtbot, demo_data_dir)
    dialog = window.login_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.demo_hint is not None
    hint = dialog.demo_hint.text()
    assert DEMO_PASSWORD in hint
    assert all(account.login in hint for account in DEMO_ACCOUNTS)
    assert "DEMO-HCC" in dialog.heading.text()


def test_a_store_opened_with_db_shows_no_demo_log_ins(qtbot, demo_data_dir):
    window = build_window(parse_args(["--db", str(store_path(demo_data_dir))]))
    qtbot.addWidget(window)
    dialog = window.login_dialog
    assert dialog is not None
    assert dialog.demo_hint is None
    assert DEMO_PASSWORD not in " ".join(window_strings(dialog))


def test_a_demo_reader_logs_in_without_a_password_change_and_sees_the_worklist(
        qtbot, demo_data_dir):
    window = demo_window(qtbot, demo_data_dir)
    log_in(qtbot, window)
    assert window.login_dialog is None
    assert window.password_dialog is None
    entries = window.worklist.entries
    assert [e.subject for e in entries] == ["HCC-001", "HCC-002", "HCC-003"]
    assert all(tp.state == "not started" for e in entries for tp in e.timepoints)
    assert window.worklist.visible_texts()[3:6] == ["HCC-001", "", "next: Baseline"]
    current = window.worklist.current_timepoint()
    assert current is not None
    assert current[1].label == "Baseline"
    assert "reader1" in window.windowTitle()
    assert window.user_label.text() == "Rita Reader (reader1, reader)"
    assert window.log_out_action.isEnabled()


@pytest.mark.parametrize("login_name", ["reader1", "nobody"])
def test_a_wrong_password_or_unknown_login_shows_the_store_s_message(qtbot, demo_data_dir,
                                                                     login_name):
    window = demo_window(qtbot, demo_data_dir)
    dialog = window.login_dialog
    type_login(qtbot, dialog, login_name, "not the password at all")
    assert window.login_dialog is dialog
    assert dialog.isVisible()
    assert dialog.message.text() == "unknown login or wrong password"
    assert dialog.password_field.text() == ""


def test_repeated_failures_lock_the_account_with_the_store_s_messages(qtbot, demo_data_dir):
    window = demo_window(qtbot, demo_data_dir)
    dialog = window.login_dialog
    for _ in range(MAX_FAILED_LOGINS - 1):
        type_login(qtbot, dialog, "reader1", "not the password at all")
        assert dialog.message.text() == "unknown login or wrong password"
    type_login(qtbot, dialog, "reader1", "not the password at all")
    assert dialog.message.text() == (f"account locked after {MAX_FAILED_LOGINS} failed "
                                     "logins; an admin must unlock it")
    type_login(qtbot, dialog, "reader1", DEMO_PASSWORD)  # the right one, too late
    assert dialog.message.text() == ("account locked after repeated failed logins; an "
                                     "admin must unlock it")
    assert window.login_dialog is dialog
    assert window.worklist.entries == ()


def test_a_temporary_password_must_be_changed_before_anything_else(qtbot, demo_data_dir):
    path = store_path(demo_data_dir)
    window = db_window(qtbot, path)
    store = window.trial.store
    admin = login(store, "admin", DEMO_PASSWORD)
    actions.add_user(store, admin, "reader3", "Third Reader", "reader", "given by the admin 4u")
    log_in(qtbot, window, "reader3", "given by the admin 4u")
    dialog = window.password_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert window.worklist.entries == ()
    qtbot.keyClicks(dialog.current_field, "given by the admin 4u")
    qtbot.keyClicks(dialog.new_field, "short")
    qtbot.keyClicks(dialog.repeat_field, "short")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "a password needs at least 12 characters (NIST SP 800-63B)"
    for field in (dialog.new_field, dialog.repeat_field):
        field.clear()
        qtbot.keyClicks(field, NEW_PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.password_dialog is None
    assert not window.trial.must_change_password()
    assert "reader3" in window.windowTitle()
    assert window.worklist.entries == ()


def test_log_out_ends_the_session_in_the_store_and_asks_for_a_log_in(qtbot, demo_data_dir):
    window = demo_window(qtbot, demo_data_dir)
    log_in(qtbot, window)
    trial = window.trial
    session = trial.session
    window.log_out_action.trigger()
    with pytest.raises(PermissionDeniedError):
        actions.worklist(trial.store, session)
    assert window.worklist.entries == ()
    assert window.user_label.text() == ""
    assert not window.log_out_action.isEnabled()
    assert window.login_dialog is not None
    assert window.login_dialog.isVisible()
    log_in(qtbot, window, "reader2")
    assert "reader2" in window.windowTitle()
    assert len(window.worklist.entries) == 3


def test_the_idle_lock_hides_the_trial_and_asks_the_same_user_s_password(qtbot,
                                                                        demo_data_dir):
    clock = Clock()
    window = db_window(qtbot, store_path(demo_data_dir), clock)
    log_in(qtbot, window)
    trial = window.trial
    assert trial.idle_minutes == 15
    # Input keeps the station unlocked however long the reader works.
    for _ in range(3):
        clock.now += 14 * 60
        qtbot.keyClick(window.worklist, Qt.Key.Key_Down)
        assert not trial.check_idle()
    old = trial.session
    # Locked a keep-alive interval before the store would end the session itself.
    clock.now += 15 * 60 - KEEP_ALIVE_S - 1
    assert not trial.check_idle()
    clock.now += 1
    assert trial.check_idle()
    with pytest.raises(PermissionDeniedError):  # ended in the store, not only on screen
        actions.worklist(trial.store, old)
    assert not window.grid.isVisible()
    assert not window._dock.isVisible()
    dialog = window.login_dialog
    assert dialog is not None
    assert dialog.windowTitle() == "Locked"
    assert dialog.login_field.text() == "reader1"
    assert dialog.login_field.isReadOnly()
    type_login(qtbot, dialog, None, "not the password at all")
    assert dialog.message.text() == "unknown login or wrong password"
    type_login(qtbot, dialog, None, DEMO_PASSWORD)
    assert window.login_dialog is None
    assert trial.session is not None
    assert trial.session.login == "reader1"
    assert window.grid.isVisible()
    assert len(window.worklist.entries) == 3


def test_the_idle_minutes_are_the_store_s_setting_and_log_out_leaves_the_lock(
        qtbot, demo_data_dir):
    path = store_path(demo_data_dir)
    with open_store(path) as store:
        actions.set_session_idle_minutes(store, login(store, "admin", DEMO_PASSWORD), 2)
    clock = Clock()
    window = db_window(qtbot, path, clock)
    log_in(qtbot, window)
    assert window.trial.idle_minutes == 2
    clock.now += 2 * 60
    assert window.trial.check_idle()
    dialog = window.login_dialog
    dialog.done(2)  # "Log out"
    assert window.trial.session is None
    assert not window.trial.is_locked
    assert window.login_dialog is not None
    assert window.login_dialog.windowTitle() == "Log in"


def test_nothing_of_the_other_reader_s_work_shows_in_reader1_s_window(qtbot, demo_data_dir,
                                                                      monkeypatch):
    import store_demo_reading

    window = demo_window(qtbot, demo_data_dir)
    log_in(qtbot, window)
    before_entries = window.worklist.entries
    before = window_strings(window)
    # reader2 reads and signs HCC-001's baseline (in another process as far as the store
    # is concerned: their own session).
    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    with open_store(store_path(demo_data_dir)) as store:
        reader2 = login(store, "reader2", DEMO_PASSWORD)
        store_demo_reading.read_subject(store, reader2, "HCC-001", upto=1)
        signed = actions.worklist(store, reader2)[0].timepoints[0].state
    assert signed == "signed"
    window.refresh_worklist()
    assert window.worklist.entries == before_entries
    assert window_strings(window) == before
    assert "signed" not in window.worklist.visible_texts()


def test_opening_a_worklist_timepoint_shows_its_phases(qtbot, demo_data_dir):
    window = demo_window(qtbot, demo_data_dir)
    log_in(qtbot, window)
    window.worklist.setFocus()
    qtbot.keyClick(window.worklist, Qt.Key.Key_Return)  # the next timepoint: HCC-001 Baseline
    qtbot.waitUntil(lambda: not window.is_loading and len(window.grid.viewers) == 4,
                    timeout=20_000)
    assert window.windowTitle().endswith("HCC-001 — Baseline")


def test_screenshots_of_the_log_in_and_the_worklist(qtbot, demo_data_dir, monkeypatch,
                                                    tmp_path):
    import store_demo_reading

    screenshots = DOC_SCREENSHOTS if os.environ.get("MRECIST_WRITE_SCREENSHOTS") else tmp_path
    # reader1 has signed HCC-001's baseline and started week 6: every state shows.
    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    with open_store(store_path(demo_data_dir)) as store:
        reader1 = login(store, "reader1", DEMO_PASSWORD)
        store_demo_reading.read_subject(store, reader1, "HCC-001", upto=2, sign_last=False)
    screenshots.mkdir(parents=True, exist_ok=True)
    window = demo_window(qtbot, demo_data_dir)
    dialog = window.login_dialog
    qtbot.keyClicks(dialog.login_field, "reader1")
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(screenshots / "login.png"))
    log_in(qtbot, window)
    states = [tp.state for tp in window.worklist.entries[0].timepoints]
    assert states == ["signed", "in progress", "not started"]
    window.worklist.setFocus()
    qtbot.keyClick(window.worklist, Qt.Key.Key_Return)  # HCC-001 Week 6, the next one
    qtbot.waitUntil(lambda: not window.is_loading and len(window.grid.viewers) == 4,
                    timeout=20_000)
    assert window.windowTitle().endswith("HCC-001 — Week 6")
    qtbot.wait(200)
    assert window.grab().save(str(screenshots / "worklist.png"))
