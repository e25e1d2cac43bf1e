"""Sessions as an attacker tries them: forged, copied, kept idle, kept after a password
change; and the idle time as a setting an admin changes."""

from __future__ import annotations

import dataclasses
import json

import pytest
from store_demo_reading import PASSWORD

from core.actions import (
    change_password,
    my_tasks,
    session_idle_minutes,
    set_session_idle_minutes,
    trial_status,
)
from core.errors import PermissionDeniedError, WorkflowError
from core.model.reading import Role
from core.model.trial import Session
from core.store import login, logout, open_store
from core.store.auth import DEFAULT_IDLE_MINUTES, set_clock

NEW_PASSWORD = "a new one for Rita only"


class Clock:
    """A monotonic clock the test advances by hand (no sleeping)."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds

    def advance(self, minutes: float) -> None:
        self.seconds += minutes * 60


@pytest.fixture
def clock(trial):
    """The trial store's session clock, from now on (sessions issued after this use it)."""
    made = Clock()
    set_clock(trial.store, made)
    return made


def test_a_session_built_by_hand_is_refused(trial):
    forged = Session("0" * 43, trial.reader1.user_id, "reader1", "Rita Reader", Role.READER)
    with pytest.raises(PermissionDeniedError, match="not logged in"):
        my_tasks(trial.store, forged)


def test_a_token_copied_onto_another_user_id_is_refused(trial):
    # Reader 2 holds reader 1's token (seen on a shared screen, say) but not the session.
    as_reader1 = dataclasses.replace(trial.reader2, token=trial.reader1.token)
    with pytest.raises(PermissionDeniedError, match="not logged in"):
        my_tasks(trial.store, as_reader1)
    # ... nor does the admin's token make a reader an admin.
    promoted = dataclasses.replace(trial.reader1, token=trial.admin.token, role=Role.ADMIN)
    with pytest.raises(PermissionDeniedError, match="not logged in"):
        trial_status(trial.store, promoted)
    assert my_tasks(trial.store, trial.reader1) == ()  # the real sessions still work


def test_no_dict_of_the_store_grants_a_session(trial):
    # The attack of issue #10: ``store.sessions["x"] = user_id`` used to log anyone in.
    assert not hasattr(trial.store, "sessions")
    trial.store.sessions = {"x": trial.admin.user_id}
    with pytest.raises(PermissionDeniedError, match="not logged in"):
        trial_status(trial.store, Session("x", trial.admin.user_id, "admin", "Ada Admin",
                                          Role.ADMIN))


def test_a_session_token_is_never_written_to_the_store(trial):
    trial.store.close()
    files = [trial.path, trial.path.with_name(trial.path.name + "-wal")]
    content = b"".join(path.read_bytes() for path in files if path.exists())
    for session in (trial.admin, trial.reader1, trial.reader2, trial.adjudicator,
                    trial.coordinator):
        assert session.token.encode() not in content


def test_a_session_from_another_opening_of_the_store_is_refused(trial):
    with (open_store(trial.path) as other,  # the same file, another process in effect
          pytest.raises(PermissionDeniedError, match="not logged in")):
        my_tasks(other, trial.reader1)


def test_an_idle_session_expires_and_activity_keeps_it_live(trial, clock):
    reader = login(trial.store, "reader1", PASSWORD)
    for _ in range(4):  # an hour of work, never 15 minutes idle
        clock.advance(DEFAULT_IDLE_MINUTES - 0.5)
        my_tasks(trial.store, reader)
    clock.advance(DEFAULT_IDLE_MINUTES + 0.01)
    with pytest.raises(PermissionDeniedError,
                       match="session expired after 15 minutes of inactivity; log in again"):
        my_tasks(trial.store, reader)
    clock.advance(-DEFAULT_IDLE_MINUTES)
    with pytest.raises(PermissionDeniedError, match="not logged in"):  # it has ended
        my_tasks(trial.store, reader)
    assert my_tasks(trial.store, login(trial.store, "reader1", PASSWORD)) == ()


def test_an_admin_sets_the_idle_time_and_it_is_audited(trial, clock):
    admin = login(trial.store, "admin", PASSWORD)
    reader = login(trial.store, "reader1", PASSWORD)
    assert session_idle_minutes(trial.store, reader) == DEFAULT_IDLE_MINUTES
    assert set_session_idle_minutes(trial.store, admin, 5) == 5
    set_session_idle_minutes(trial.store, admin, 7)
    rows = trial.store._rows("SELECT user_id, action, after_json FROM audit "
                            "WHERE entity = 'setting'")
    assert [(row["user_id"], row["action"], json.loads(row["after_json"])) for row in rows] == [
        (admin.user_id, "create", {"key": "session_idle_minutes", "value_json": "5"}),
        (admin.user_id, "update", {"value_json": "7"})]
    assert session_idle_minutes(trial.store, reader) == 7
    clock.advance(7.01)
    with pytest.raises(PermissionDeniedError, match="session expired after 7 minutes"):
        my_tasks(trial.store, reader)


@pytest.mark.parametrize("minutes", [0, 31, -5, True, 2.5])
def test_the_idle_time_stays_within_nist_bounds(trial, minutes):
    with pytest.raises(WorkflowError, match="from 1 to 30"):
        set_session_idle_minutes(trial.store, trial.admin, minutes)
    assert session_idle_minutes(trial.store, trial.admin) == DEFAULT_IDLE_MINUTES


def test_only_an_admin_sets_the_idle_time(trial):
    for session in (trial.coordinator, trial.reader1):
        with pytest.raises(PermissionDeniedError, match="needs admin"):
            set_session_idle_minutes(trial.store, session, 30)


def test_a_password_change_ends_the_users_other_sessions_in_every_process(trial):
    with open_store(trial.path) as elsewhere:  # another process, in effect: its own sessions
        there = login(elsewhere, "reader1", PASSWORD)
        here_too = login(trial.store, "reader1", PASSWORD)
        change_password(trial.store, trial.reader1, PASSWORD, NEW_PASSWORD)
        assert my_tasks(trial.store, trial.reader1) == ()  # the session that changed it
        for store, session in ((elsewhere, there), (trial.store, here_too)):
            with pytest.raises(PermissionDeniedError, match="password was changed or reset"):
                my_tasks(store, session)
        assert my_tasks(trial.store, trial.reader2) == ()  # other users are not touched


def test_logout_ends_the_session(trial):
    logout(trial.store, trial.reader1)
    with pytest.raises(PermissionDeniedError, match="not logged in"):
        my_tasks(trial.store, trial.reader1)
    logout(trial.store, trial.reader1)  # twice is harmless, and audited once
    assert trial.store._rows("SELECT COUNT(*) AS n FROM audit WHERE action = 'logout'") == [
        {"n": 1}]
