"""The admin's screen on the real demo trial store: accounts added, reset, unlocked and
deactivated through the dialogs with the mouse and the keyboard; the audit trail filtered;
a tampered audit row in a copy of the store found by Verify and selected; rotating
backups on a timer."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QPushButton, QTableWidget

from core.actions import change_password, list_users
from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME
from core.errors import AccountLockedError, AuthenticationError, PermissionDeniedError
from core.store import MAX_FAILED_LOGINS, ScryptParams, login, open_store
from desktop.admin_screen import AdminScreen
from desktop.backup_timer import BackupScheduler, default_backup_folder
from desktop.demo_data import DEMO_STORE_FOLDER

DOC_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHEAP_KDF = ScryptParams(n=2**10, r=8, p=1)
TEMPORARY = "handed over in person 7"


def store_path(data_dir: Path) -> Path:
    return data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME


@pytest.fixture
def admin_store(demo_data_dir):
    store = open_store(store_path(demo_data_dir))
    yield store, login(store, "admin", DEMO_PASSWORD)
    store.close()


def screen_for(qtbot, store, session) -> AdminScreen:
    screen = AdminScreen(store, session, page_rows=50, kdf=CHEAP_KDF)
    qtbot.addWidget(screen)
    screen.resize(1280, 760)
    screen.show()
    qtbot.waitExposed(screen)
    screen.refresh()
    return screen


def click(qtbot, button: QPushButton) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_row(qtbot, table: QTableWidget, row: int) -> None:
    item = table.item(row, 0)
    table.scrollToItem(item, QAbstractItemView.ScrollHint.EnsureVisible)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualItemRect(item).center())


def select_user(qtbot, screen: AdminScreen, login_name: str) -> None:
    row = [user.login for user in screen.users.users].index(login_name)
    click_row(qtbot, screen.users.table, row)
    assert screen.users.selected_login() == login_name


def choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick *text* in *combo* with the keyboard, as a user would (focus, then the keys)."""
    combo.setFocus()
    index = combo.findText(text)
    assert index >= 0, text
    while combo.currentIndex() != index:
        key = Qt.Key.Key_Down if combo.currentIndex() < index else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def test_an_account_added_through_the_dialog_must_change_its_password(qtbot, admin_store):
    store, admin = admin_store
    screen = screen_for(qtbot, store, admin)
    click(qtbot, screen.users.add_button)
    dialog = screen.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.login, "reader3")
    qtbot.keyClicks(dialog.display_name, "Rhea Reader")
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.repeat, "short")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.isVisible()  # refused: stays open with the policy's sentence
    assert "at least 12 characters" in dialog.message.text()
    assert "reader3" in dialog.message.text()
    dialog.password.clear()
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.password, TEMPORARY)
    qtbot.keyClicks(dialog.repeat, TEMPORARY)
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert dialog.password.text() == ""  # no password stays in a closed dialog
    new = next(user for user in screen.users.users if user.login == "reader3")
    assert new.must_change_password
    assert new.is_active
    assert screen.users.selected_login() == "reader3"
    assert "Added reader3" in screen.message_text()
    session = login(store, "reader3", TEMPORARY)
    change_password(store, session, TEMPORARY, "my very own reading words", kdf=CHEAP_KDF)


def test_a_password_reset_and_an_unlock_of_a_locked_account(qtbot, admin_store):
    store, admin = admin_store
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationError):
            login(store, "reader2", "not the password at all")
    with pytest.raises(AccountLockedError):
        login(store, "reader2", "not the password at all")
    screen = screen_for(qtbot, store, admin)
    reader2 = next(user for user in screen.users.users if user.login == "reader2")
    assert reader2.is_locked
    assert reader2.failed_logins == MAX_FAILED_LOGINS
    state = screen.users.table.item(screen.users.users.index(reader2), 3).text()
    assert state == "locked"
    select_user(qtbot, screen, "reader1")
    assert not screen.users.unlock_button.isEnabled()  # reader1 is not locked
    select_user(qtbot, screen, "reader2")
    click(qtbot, screen.users.unlock_button)
    assert "Unlocked reader2" in screen.message_text()
    assert not next(u for u in screen.users.users if u.login == "reader2").is_locked
    login(store, "reader2", DEMO_PASSWORD)

    select_user(qtbot, screen, "reader1")
    click(qtbot, screen.users.reset_button)
    dialog = screen.dialog
    qtbot.keyClicks(dialog.password, TEMPORARY)
    qtbot.keyClicks(dialog.repeat, TEMPORARY + "x")
    click(qtbot, dialog.ok_button)
    assert dialog.message.text() == "the two passwords differ"
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.repeat, TEMPORARY)
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert next(u for u in screen.users.users if u.login == "reader1").must_change_password
    with pytest.raises(AuthenticationError):
        login(store, "reader1", DEMO_PASSWORD)
    login(store, "reader1", TEMPORARY)


def test_deactivation_with_a_reason_and_the_last_admin_refused(qtbot, admin_store):
    store, admin = admin_store
    reader2 = login(store, "reader2", DEMO_PASSWORD)
    screen = screen_for(qtbot, store, admin)
    select_user(qtbot, screen, "admin")
    click(qtbot, screen.users.deactivate_button)
    dialog = screen.dialog
    assert not dialog.ok_button.isEnabled()  # a reason first
    qtbot.keyClicks(dialog.reason, "leaving the site")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.message.text() == ("user 'admin': the last active admin cannot be "
                                     "deactivated (no one could then manage accounts); add "
                                     "another admin first")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    select_user(qtbot, screen, "reader2")
    click(qtbot, screen.users.deactivate_button)
    qtbot.keyClicks(screen.dialog.reason, "left the trial")
    click(qtbot, screen.dialog.ok_button)
    assert "Deactivated reader2" in screen.message_text()
    row = [u.login for u in screen.users.users].index("reader2")
    assert screen.users.table.item(row, 3).text() == "deactivated"
    assert screen.users.reactivate_button.isEnabled()
    assert not screen.users.deactivate_button.isEnabled()
    with pytest.raises(PermissionDeniedError, match=r"inactive|not logged in"):
        list_users(store, reader2)  # its open session ended
    with pytest.raises(AuthenticationError, match="deactivated"):
        login(store, "reader2", DEMO_PASSWORD)
    click(qtbot, screen.users.reactivate_button)
    qtbot.keyClicks(screen.dialog.reason, "back on the team")
    qtbot.keyClick(screen.dialog.reason, Qt.Key.Key_Return)
    assert "Reactivated reader2" in screen.message_text()
    login(store, "reader2", DEMO_PASSWORD)


def test_a_refusal_of_the_store_is_one_line_never_a_traceback(qtbot, admin_store):
    store, admin = admin_store
    screen = screen_for(qtbot, store, admin)
    select_user(qtbot, screen, "reader1")
    from core.store import logout
    logout(store, admin)  # the session ends behind the screen's back
    click(qtbot, screen.users.unlock_button if screen.users.unlock_button.isEnabled()
          else screen.users.deactivate_button)
    if screen.dialog is not None:
        qtbot.keyClicks(screen.dialog.reason, "any")
        click(qtbot, screen.dialog.ok_button)
        text = screen.dialog.message.text()
    else:
        text = screen.message_text()
    assert text == f"{store.path.name}: not logged in (session unknown)"
    assert "Traceback" not in text


def test_the_audit_filters_show_the_right_rows(qtbot, admin_store):
    store, admin = admin_store
    screen = screen_for(qtbot, store, admin)
    screen.tabs.setCurrentWidget(screen.audit)
    viewer = screen.audit
    page = viewer.page
    assert page.total > page.limit == 50
    assert len(page.entries) == 50
    assert viewer.next_button.isEnabled()
    assert not viewer.previous_button.isEnabled()
    click(qtbot, viewer.next_button)
    assert viewer.page.offset == 50
    assert viewer.previous_button.isEnabled()

    choose(qtbot, viewer.user, "reader1")
    page = viewer.page
    assert page.offset == 0
    assert page.filter.user == "reader1"
    assert {entry.user for entry in page.entries} == {"reader1"}
    assert {entry.action for entry in page.entries} == {"login", "change_password", "logout"}

    choose(qtbot, viewer.user, "All")
    choose(qtbot, viewer.subject, "HCC-002")
    page = viewer.page
    assert page.total
    assert {entry.subject for entry in page.entries} == {"HCC-002"}
    entities = {entry.entity for entry in page.entries}
    while viewer.next_button.isEnabled():  # older pages: the subject was set up first
        qtbot.mouseClick(viewer.next_button, Qt.MouseButton.LeftButton)
        assert {entry.subject for entry in viewer.page.entries} == {"HCC-002"}
        entities |= {entry.entity for entry in viewer.page.entries}
    assert {"subject", "timepoint", "series", "images", "task", "lab"} <= entities
    choose(qtbot, viewer.subject, "All")
    choose(qtbot, viewer.subject, "HCC-002")  # back at the newest page
    choose(qtbot, viewer.action, "create")
    assert viewer.page.total
    assert all(
        (entry.subject, entry.action) == ("HCC-002", "create") for entry in viewer.page.entries)
    shown = {viewer.table.item(row, 6).text() for row in range(viewer.table.rowCount())}
    assert shown == {"HCC-002"}
    choose(qtbot, viewer.action, "logout")
    assert viewer.page.total == 0
    assert viewer.table.rowCount() == 0
    assert viewer.position.text() == "rows 0–0 of 0, newest first"


@pytest.mark.tampers
def test_verify_finds_a_tampered_row_in_a_copy_and_selects_it(qtbot, demo_data_dir, tmp_path):
    copy_dir = tmp_path / "inspector-copy"
    shutil.copytree(store_path(demo_data_dir).parent, copy_dir,
                    ignore=shutil.ignore_patterns("*-images"))
    copy = copy_dir / DEMO_STORE_NAME
    with sqlite3.connect(copy) as conn:
        target = conn.execute("SELECT id FROM audit WHERE action = 'create' AND entity = "
                              "'user' ORDER BY id LIMIT 1 OFFSET 2").fetchone()[0]
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET after_json = json_set(after_json, '$.role', 'admin') "
                     "WHERE id = ?", (target,))
    store = open_store(copy)
    try:
        admin = login(store, "admin", DEMO_PASSWORD)
        screen = screen_for(qtbot, store, admin)
        screen.tabs.setCurrentWidget(screen.audit)
        viewer = screen.audit
        choose(qtbot, viewer.action, "login")  # the broken row is not on this page
        click(qtbot, viewer.verify_button)
        assert viewer.progress.isVisible()
        assert not viewer.verify_button.isEnabled()
        qtbot.waitUntil(lambda: screen.verdict is not None, timeout=30_000)
        verdict = screen.verdict
        assert not verdict.is_intact
        assert verdict.first_broken_row == target
        assert f"audit row {target}: content does not match its hash" in verdict.findings[0]
        assert f"first breaks at audit row {target}" in viewer.verdict.text()
        assert not viewer.progress.isVisible()
        assert viewer.verify_button.isEnabled()
        assert viewer.page.filter.action is None  # the whole trail, at the broken row
        assert viewer.selected_row_id() == target == viewer.marked_row()
        assert any(entry.audit_id == target for entry in viewer.page.entries)
    finally:
        store.close()


def test_verify_on_an_intact_store_says_so_and_is_recorded(qtbot, admin_store):
    store, admin = admin_store
    screen = screen_for(qtbot, store, admin)
    click(qtbot, screen.audit.verify_button)
    qtbot.waitUntil(lambda: screen.verdict is not None, timeout=30_000)
    assert screen.verdict.is_intact
    assert screen.verdict.first_broken_row is None
    assert screen.audit.verdict.text().startswith("Intact: audit chain of")
    newest = screen.audit.page.entries[0]
    assert (newest.user, newest.action) == ("admin", "verify")


def test_rotating_backups_on_a_timer(qtbot, admin_store, tmp_path):
    store, admin = admin_store
    folder = tmp_path / "backups"
    scheduler = BackupScheduler(store, admin, folder, interval_minutes=5, keep=2)
    assert scheduler.timer.interval() == 5 * 60_000
    assert scheduler.interval_minutes == 5
    assert default_backup_folder(store.path).name == f"{store.path.stem}-backups"
    scheduler.start()
    assert scheduler.timer.isActive()
    made = []
    for _ in range(3):  # the timer's interval passes three times
        with qtbot.waitSignal(scheduler.backed_up, timeout=20_000) as blocker:
            scheduler.timer.timeout.emit()
        made.append(Path(blocker.args[0]))
    assert all(path.parent == folder for path in made)
    assert sorted(folder.glob("*.sqlite")) == sorted(made[1:])  # the newest two kept
    assert (made[-1].with_name(made[-1].name + ".anchor")).is_file()

    reader = login(store, "reader1", DEMO_PASSWORD)
    scheduler.set_session(reader)
    with qtbot.waitSignal(scheduler.failed, timeout=5_000) as blocker:
        scheduler.timer.timeout.emit()
    assert blocker.args[0] == "user 'reader1': role reader may not do this (needs admin or " \
                              "coordinator)"
    scheduler.stop()
    assert not scheduler.timer.isActive()
    with pytest.raises(ValueError, match="whole number of minutes"):
        scheduler.set_interval_minutes(0)


def test_screenshots_of_the_admin_users_and_audit_screens(qtbot, demo_data_dir, monkeypatch,
                                                          tmp_path):
    import store_demo_reading

    screenshots = DOC_SCREENSHOTS if os.environ.get("MRECIST_WRITE_SCREENSHOTS") else tmp_path
    screenshots.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    with open_store(store_path(demo_data_dir)) as store:
        reader1 = login(store, "reader1", DEMO_PASSWORD)
        store_demo_reading.read_subject(store, reader1, "HCC-001", upto=2, sign_last=False)
        for _ in range(MAX_FAILED_LOGINS):
            with pytest.raises(AuthenticationError):
                login(store, "reader2", "a guess at the password")
    with open_store(store_path(demo_data_dir)) as store:
        admin = login(store, "admin", DEMO_PASSWORD)
        screen = screen_for(qtbot, store, admin)
        select_user(qtbot, screen, "reader2")
        qtbot.wait(100)
        assert screen.grab().save(str(screenshots / "admin-users.png"))
        screen.tabs.setCurrentWidget(screen.audit)
        choose(qtbot, screen.audit.subject, "HCC-001")
        click(qtbot, screen.audit.verify_button)
        qtbot.waitUntil(lambda: screen.verdict is not None, timeout=30_000)
        choose(qtbot, screen.audit.subject, "HCC-001")
        qtbot.wait(100)
        assert screen.grab().save(str(screenshots / "admin-audit.png"))
