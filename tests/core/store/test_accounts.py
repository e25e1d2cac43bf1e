"""Accounts as an attacker, a careless admin and a forgetful user meet them: temporary
passwords, a user's own change, resets, the recovery of a locked-out admin, the password
policy, and what the audit keeps of an attempted log-in."""

from __future__ import annotations

import json

import pytest
from conftest import CHEAP_KDF, audit_count, failed_logins
from sqlite_utils import Database
from store_demo_reading import PASSWORD, TEMPORARY_PASSWORD

from core.actions import (
    add_subject,
    add_user,
    change_password,
    get_read,
    my_tasks,
    recover_admin,
    reset_password,
    trial_status,
    unlock_user,
)
from core.actions.accounts import RECOVERY_NOTE
from core.errors import AccountLockedError, AuthenticationError, PermissionDeniedError
from core.store import MAX_FAILED_LOGINS, login, open_store, verify
from core.store import migrations as store_migrations
from core.store.auth import MAX_PASSWORD_LENGTH, password_refusal

OWN_PASSWORD = "only she knows this one"
RESET_PASSWORD = "reset on a Monday 2026"


# -- temporary passwords ------------------------------------------------------------------

def test_a_temporary_password_allows_nothing_but_changing_it(trial):
    add_user(trial.store, trial.admin, "nora", "Nora New", "reader", TEMPORARY_PASSWORD,
             CHEAP_KDF)
    session = login(trial.store, "nora", TEMPORARY_PASSWORD)
    for attempt in (lambda: my_tasks(trial.store, session),
                    lambda: get_read(trial.store, session, 1)):
        with pytest.raises(PermissionDeniedError,
                           match="user 'nora': must change the temporary password first"):
            attempt()
    change_password(trial.store, session, TEMPORARY_PASSWORD, OWN_PASSWORD, CHEAP_KDF)
    assert my_tasks(trial.store, session) == ()
    # The admin who typed the temporary password knows no working password of Nora's.
    with pytest.raises(AuthenticationError, match="wrong password"):
        login(trial.store, "nora", TEMPORARY_PASSWORD)
    assert my_tasks(trial.store, login(trial.store, "nora", OWN_PASSWORD)) == ()


def test_a_new_admin_too_must_change_first_but_the_first_admin_chose_their_own(trial):
    assert trial_status(trial.store, trial.admin).subjects == 0  # made by init_store
    add_user(trial.store, trial.admin, "ada2", "Ada Two", "admin", TEMPORARY_PASSWORD,
             CHEAP_KDF)
    second = login(trial.store, "ada2", TEMPORARY_PASSWORD)
    with pytest.raises(PermissionDeniedError, match="must change the temporary password"):
        add_subject(trial.store, second, "HCC-100")
    with pytest.raises(PermissionDeniedError, match="must change the temporary password"):
        add_user(trial.store, second, "eve", "Eve", "admin", TEMPORARY_PASSWORD, CHEAP_KDF)


def test_a_change_needs_the_current_password_and_a_wrong_one_counts(trial):
    with pytest.raises(AuthenticationError, match="current password does not match; the "
                       "password was not changed"):
        change_password(trial.store, trial.reader1, "not my password at all", OWN_PASSWORD,
                        CHEAP_KDF)
    assert failed_logins(trial.store, "reader1") == 1
    for _ in range(MAX_FAILED_LOGINS - 2):
        with pytest.raises(AuthenticationError):
            change_password(trial.store, trial.reader1, "still not it, sorry", OWN_PASSWORD,
                            CHEAP_KDF)
    with pytest.raises(AccountLockedError, match="an admin must unlock it"):
        change_password(trial.store, trial.reader1, "the fifth wrong one", OWN_PASSWORD,
                        CHEAP_KDF)
    with pytest.raises(PermissionDeniedError, match="not logged in"):  # session ended
        my_tasks(trial.store, trial.reader1)
    with pytest.raises(AccountLockedError):
        login(trial.store, "reader1", PASSWORD)


@pytest.mark.parametrize(("new", "rule"), [
    (PASSWORD, "must differ from the current one"),
    ("short-but-8", "at least 12 characters"),
    ("Password1234", "list of common passwords"),
    ("QWERTYUIOP123", "list of common passwords"),
    ("reader1", "at least 12 characters"),
    ("i am READER1, ok", "must not be or contain the login"),
    ("aaaaaaaaaaaaaaa", "one character or block repeated"),
    ("hunter2hunter2", "one character or block repeated"),
    ("abcdefghijklmnop", "run of consecutive characters"),
    ("x" * (MAX_PASSWORD_LENGTH + 1), f"at most {MAX_PASSWORD_LENGTH} characters"),
])
def test_a_refused_new_password_names_its_rule_and_changes_nothing(trial, new, rule):
    before = audit_count(trial.store)
    with pytest.raises(AuthenticationError, match=rule):
        change_password(trial.store, trial.reader1, PASSWORD, new, CHEAP_KDF)
    assert audit_count(trial.store) == before  # not even a counted failure
    assert my_tasks(trial.store, trial.reader1) == ()


def test_the_policy_is_nist_sp_800_63b():
    assert password_refusal("aaaaaaaa", "ann") is not None         # issue #10's example
    assert password_refusal("reader1", "reader1") is not None      # password = login
    assert password_refusal("correct horse battery", "reader1") is None
    assert password_refusal("Tr0ub4dor&3 again", "reader1") is None
    assert password_refusal("ß" * 3 + "long unicode ok ✓", "reader1") is None
    assert password_refusal("y" * 63 + "z", "reader1") is None     # 64 and more allowed


# -- resets, unlocking, recovery ----------------------------------------------------------

def test_an_admin_reset_gives_a_temporary_password_and_ends_the_old_sessions(trial):
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            login(trial.store, "reader2", "forgotten it again")
    user = reset_password(trial.store, trial.admin, "reader2", RESET_PASSWORD, CHEAP_KDF)
    assert (user.login, user.is_locked) == ("reader2", False)
    with pytest.raises(PermissionDeniedError, match="password was changed or reset"):
        my_tasks(trial.store, trial.reader2)
    with pytest.raises(AuthenticationError, match="wrong password"):
        login(trial.store, "reader2", PASSWORD)
    session = login(trial.store, "reader2", RESET_PASSWORD)
    with pytest.raises(PermissionDeniedError, match="must change the temporary password"):
        my_tasks(trial.store, session)
    change_password(trial.store, session, RESET_PASSWORD, OWN_PASSWORD, CHEAP_KDF)
    assert my_tasks(trial.store, session) == ()
    (row,) = trial.store._rows("SELECT user_id FROM audit WHERE action = 'reset_password'")
    assert row["user_id"] == trial.admin.user_id


def test_only_an_admin_resets_or_unlocks(trial):
    for session in (trial.coordinator, trial.reader1, trial.adjudicator):
        with pytest.raises(PermissionDeniedError, match="needs admin"):
            reset_password(trial.store, session, "reader2", RESET_PASSWORD, CHEAP_KDF)
        with pytest.raises(PermissionDeniedError, match="needs admin"):
            unlock_user(trial.store, session, "reader2")
    with pytest.raises(AuthenticationError, match="no such user"):
        reset_password(trial.store, trial.admin, "nobody", RESET_PASSWORD, CHEAP_KDF)
    with pytest.raises(AuthenticationError, match="list of common passwords"):
        reset_password(trial.store, trial.admin, "reader2", "password1234", CHEAP_KDF)


def test_a_locked_out_last_admin_is_recovered_from_the_file_and_audited(trial):
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            login(trial.store, "admin", "who remembers this")
    with pytest.raises(AccountLockedError):
        login(trial.store, "admin", PASSWORD)
    with pytest.raises(PermissionDeniedError, match="locked"):
        unlock_user(trial.store, trial.admin, "admin")  # the admin's own session ended
    recover_admin(trial.store, "admin", RESET_PASSWORD, CHEAP_KDF)
    (row,) = trial.store._rows("SELECT user_id, entity_id, after_json FROM audit "
                              "WHERE action = 'recover_admin'")
    after = json.loads(row["after_json"])
    assert (row["user_id"], row["entity_id"]) == (None, trial.admin.user_id)
    assert after["note"] == RECOVERY_NOTE
    assert (after["is_locked"], after["must_change_password"]) == (0, 1)
    session = login(trial.store, "admin", RESET_PASSWORD)
    change_password(trial.store, session, RESET_PASSWORD, OWN_PASSWORD, CHEAP_KDF)
    assert trial_status(trial.store, session).subjects == 0
    assert verify(trial.store).is_intact


def test_recovery_is_for_admin_accounts_only(trial):
    for name in ("reader1", "coord", "nobody"):
        with pytest.raises(AuthenticationError, match="no admin account has this login"):
            recover_admin(trial.store, name, RESET_PASSWORD, CHEAP_KDF)


# -- what the audit keeps -----------------------------------------------------------------

def test_no_password_is_ever_in_the_audit(trial):
    add_user(trial.store, trial.admin, "nora", "Nora New", "reader", TEMPORARY_PASSWORD,
             CHEAP_KDF)
    nora = login(trial.store, "nora", TEMPORARY_PASSWORD)
    change_password(trial.store, nora, TEMPORARY_PASSWORD, OWN_PASSWORD, CHEAP_KDF)
    reset_password(trial.store, trial.admin, "nora", RESET_PASSWORD, CHEAP_KDF)
    with pytest.raises(AuthenticationError):
        login(trial.store, OWN_PASSWORD, "typed into the wrong field")
    hashes = [row["password_hash"] for row in trial.store._rows("SELECT * FROM users")]
    text = json.dumps(trial.store._rows("SELECT * FROM audit"))
    for secret in (PASSWORD, TEMPORARY_PASSWORD, OWN_PASSWORD, RESET_PASSWORD, *hashes):
        assert secret not in text


# -- the schema step ----------------------------------------------------------------------

def test_m006_records_the_new_column_of_every_existing_account(tmp_path):
    path = tmp_path / "old.sqlite"
    db = Database(path)
    store_migrations.migrations.apply(db, stop_before="m006_accounts")
    row = {"login": "old", "display_name": "Old", "role": "reader",
           "password_hash": "scrypt$1024$8$1$00$00", "created_utc": "2026-01-01T00:00:00Z"}
    user_id = db["users"].insert(row).last_pk
    store_migrations._append_audit(db, "create", "user", user_id, row)
    db.conn.commit()
    db.close()
    with open_store(path) as store:
        (migrated,) = store._rows("SELECT user_id, entity_id, after_json FROM audit "
                                 "WHERE action = 'migrate'")
        assert (migrated["user_id"], migrated["entity_id"]) == (None, user_id)
        assert json.loads(migrated["after_json"])["must_change_password"] == 0
        assert store._rows("SELECT must_change_password FROM users") == [
            {"must_change_password": 0}]
        assert verify(store).is_intact
