"""Each role lands on its own screen after the log-in, and nothing of it outlives the session
(#12): the reader's worklist, the adjudicator's queue, the coordinator's board, the admin's
screens; rotating backups run on a timer only while a coordinator or an admin is logged in."""

from __future__ import annotations

import pytest
from test_trial_login import Clock, db_window, log_in, store_path, type_login

from desktop.admin_screen import AdminScreen
from desktop.coordinator_screen import CoordinatorScreen


@pytest.mark.parametrize(("login", "screen_type"), [("coordinator", CoordinatorScreen),
                                                    ("admin", AdminScreen)])
def test_coordinator_and_admin_get_their_screen_and_the_backup_timer(qtbot, demo_data_dir,
                                                                      login, screen_type):
    from core.actions.demo import DEMO_PASSWORD

    clock = Clock()
    window = db_window(qtbot, store_path(demo_data_dir), clock)
    log_in(qtbot, window, login)
    assert isinstance(window.role_screen, screen_type)
    assert window.role_screen.isVisible()
    assert not window._dock.isVisible()  # no study list for these roles
    assert window.reading_view is None
    assert window.backups is not None
    assert window.backups.timer.isActive()
    assert not window._display_toolbar.isVisible()  # no images here
    if screen_type is AdminScreen:  # filled at once, not after a click on Refresh
        assert {user.login for user in window.role_screen.users.users} >= {"reader1", "admin"}
    # The idle lock: nothing on screen, no backup under the ended session.
    clock.now += 15 * 60
    assert window.trial.check_idle()
    assert not window.role_screen.isVisible()
    assert not window.backups.timer.isActive()
    screen = window.role_screen
    type_login(qtbot, window.login_dialog, None, DEMO_PASSWORD)
    assert window.role_screen is screen  # continued, not rebuilt
    assert window.backups.timer.isActive()
    window.log_out()
    assert window.role_screen is None
    assert not window.backups.timer.isActive()
    assert window._display_toolbar.isVisible()


def test_a_reader_gets_no_board_and_no_backup_timer(qtbot, demo_data_dir):
    window = db_window(qtbot, store_path(demo_data_dir))
    log_in(qtbot, window, "reader1")
    assert window.role_screen is None
    assert window.backups is None
    assert window.worklist.isVisible()
