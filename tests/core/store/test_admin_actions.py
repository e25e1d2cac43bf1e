"""The admin's actions: accounts listed without secrets, deactivation and its limits, role
changes only before any part in the trial, the audit trail filtered without reads, and
the checks and backups a screen runs off its own thread."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import CHEAP_KDF, first_login
from store_demo_reading import PASSWORD, TEMPORARY_PASSWORD, read_subject

from core.actions import (
    add_user,
    audit_trail,
    deactivate_user,
    list_users,
    reactivate_user,
    set_role,
)
from core.actions.safekeeping import (
    order_backup,
    record_check,
    verify_store_file,
    write_ordered_backup,
)
from core.errors import (
    AuthenticationError,
    PermissionDeniedError,
    WorkflowError,
)
from core.model.reading import Role
from core.reading.audit_summary import WITHHELD
from core.store import MAX_FAILED_LOGINS, login
from core.store.anchors import checkpoint_path


def test_users_are_listed_for_the_admin_alone_and_without_secrets(trial):
    users = list_users(trial.store, trial.admin)
    assert [user.login for user in users] == ["adj", "admin", "coord", "reader1", "reader2"]
    reader = next(user for user in users if user.login == "reader1")
    assert reader.role is Role.READER
    assert reader.is_active
    assert not reader.is_locked
    assert not reader.must_change_password
    assert reader.last_login_utc is not None
    assert "hash" not in repr(users)
    assert "scrypt" not in repr(users)
    for other in (trial.coordinator, trial.reader1, trial.adjudicator):
        with pytest.raises(PermissionDeniedError, match="needs admin"):
            list_users(trial.store, other)


def test_a_new_account_waits_for_its_first_log_in(trial):
    add_user(trial.store, trial.admin, "reader3", "Rhea Reader", "reader", TEMPORARY_PASSWORD,
             kdf=CHEAP_KDF)
    new = next(user for user in list_users(trial.store, trial.admin) if user.login == "reader3")
    assert new.must_change_password
    assert new.last_login_utc is None


def test_a_deactivated_account_cannot_log_in_and_its_session_ends(trial):
    deactivate_user(trial.store, trial.admin, "reader2", "left the trial")
    with pytest.raises(PermissionDeniedError, match=r"not logged in|inactive"):
        list_users(trial.store, trial.reader2)  # any call: the session is over
    with pytest.raises(AuthenticationError, match="deactivated"):
        login(trial.store, "reader2", PASSWORD)
    state = {user.login: user.is_active for user in list_users(trial.store, trial.admin)}
    assert state["reader2"] is False
    page = audit_trail(trial.store, trial.admin, action="deactivate")
    assert page.total == 1
    assert "reason=left the trial" in page.entries[0].summary
    assert "is_active 1→0" in page.entries[0].summary
    reactivate_user(trial.store, trial.admin, "reader2", "came back")
    login(trial.store, "reader2", PASSWORD)


@pytest.mark.parametrize(("login_name", "reason", "refusal"), [
    ("admin", "tidying up", "the last active admin cannot be deactivated"),
    ("reader1", "   ", "a reason is required"),
    ("nobody", "why not", "no such user"),
])
def test_deactivation_refusals_name_the_account_and_the_reason(trial, login_name, reason,
                                                              refusal):
    with pytest.raises((WorkflowError, AuthenticationError), match=refusal) as caught:
        deactivate_user(trial.store, trial.admin, login_name, reason)
    assert login_name in str(caught.value)


def test_an_admin_never_deactivates_themselves_nor_the_last_active_admin(trial):
    add_user(trial.store, trial.admin, "admin2", "Abe Admin", "admin", TEMPORARY_PASSWORD,
             kdf=CHEAP_KDF)
    second = first_login(trial.store, "admin2")
    with pytest.raises(WorkflowError, match="own account"):
        deactivate_user(trial.store, second, "admin2", "me")  # two admins, still refused
    with pytest.raises(WorkflowError, match="own role"):
        set_role(trial.store, second, "admin2", "coordinator")
    deactivate_user(trial.store, second, "admin", "moved on")  # two admins: allowed
    with pytest.raises(WorkflowError, match="last active admin cannot be deactivated"):
        deactivate_user(trial.store, second, "admin2", "me")
    with pytest.raises(WorkflowError, match="last active admin must stay admin"):
        set_role(trial.store, second, "admin2", "reader")
    reactivate_user(trial.store, second, "admin", "back")
    with pytest.raises(WorkflowError, match="already active"):
        reactivate_user(trial.store, second, "admin", "back again")
    fresh = login(trial.store, "admin", PASSWORD)
    deactivate_user(trial.store, fresh, "admin2", "temporary cover over")
    set_role(trial.store, fresh, "admin2", "coordinator")  # an inactive admin: no part yet
    with pytest.raises(WorkflowError, match="already deactivated"):
        deactivate_user(trial.store, fresh, "admin2", "again")


def test_a_role_changes_only_before_any_part_in_the_trial(demo):
    trial = demo
    add_user(trial.store, trial.admin, "spare", "Sam Spare", "reader", TEMPORARY_PASSWORD,
             kdf=CHEAP_KDF)
    set_role(trial.store, trial.admin, "spare", Role.ADJUDICATOR)
    assert {u.login: u.role for u in list_users(trial.store, trial.admin)}["spare"] \
        is Role.ADJUDICATOR
    with pytest.raises(WorkflowError, match="reading tasks on record"):
        set_role(trial.store, trial.admin, "reader1", "adjudicator")
    with pytest.raises(WorkflowError, match="last active admin must stay admin"):
        set_role(trial.store, trial.admin, "admin", "reader")
    with pytest.raises(WorkflowError, match="a role is one of"):
        set_role(trial.store, trial.admin, "spare", "superuser")
    with pytest.raises(PermissionDeniedError):
        set_role(trial.store, trial.coordinator, "spare", "reader")


def test_the_audit_trail_filters_by_user_subject_and_action(demo):
    trial = demo
    read_subject(trial.store, trial.reader1, "HCC-001", upto=1)
    everything = audit_trail(trial.store, trial.admin, limit=1000)
    assert everything.total == len(everything.entries) > 50
    ids = [entry.audit_id for entry in everything.entries]
    assert ids == sorted(ids, reverse=True)  # newest first
    assert {"HCC-001", "HCC-002"} <= set(everything.subjects)
    assert "login" in everything.actions
    assert "reader1" in everything.users

    mine = audit_trail(trial.store, trial.admin, user="reader1", limit=1000)
    assert mine.total
    assert all(entry.user == "reader1" for entry in mine.entries)
    subject = audit_trail(trial.store, trial.admin, subject="HCC-001", limit=1000)
    assert subject.total
    assert all(entry.subject == "HCC-001" for entry in subject.entries)
    entities = {entry.entity for entry in subject.entries}
    assert {"subject", "timepoint", "task", "lesion", "measurement", "signature"} <= entities
    both = audit_trail(trial.store, trial.admin, user="reader1", subject="HCC-001",
                       action="create")
    assert both.total
    assert all((e.user, e.subject, e.action) == ("reader1", "HCC-001", "create")
                              for e in both.entries)

    first = audit_trail(trial.store, trial.admin, limit=10)
    second = audit_trail(trial.store, trial.admin, limit=10, offset=10)
    assert first.has_next
    assert not first.has_previous
    assert second.has_previous
    assert [e.audit_id for e in first.entries + second.entries] == ids[:20]
    with pytest.raises(AuthenticationError, match="no such user"):
        audit_trail(trial.store, trial.admin, user="ghost")
    with pytest.raises(WorkflowError, match="1 to 1000 rows"):
        audit_trail(trial.store, trial.admin, limit=0)
    for other in (trial.coordinator, trial.reader1, trial.adjudicator):
        with pytest.raises(PermissionDeniedError, match="needs admin"):
            audit_trail(trial.store, other)


def test_the_audit_trail_shows_no_read_and_no_secret(demo):
    trial = demo
    read_subject(trial.store, trial.reader1, "HCC-001", upto=1)
    page = audit_trail(trial.store, trial.admin, limit=1000)
    text = "\n".join(entry.summary for entry in page.entries)
    for entry in page.entries:
        if entry.entity in ("measurement", "lesion", "finding", "signature",
                            "read_timepoint"):
            assert entry.summary == "" or entry.summary.endswith(f"({WITHHELD})"), entry
    measurement = next(e for e in page.entries if e.entity == "measurement")
    assert measurement.summary == f"new measurement ({WITHHELD})"
    signed = next(e for e in page.entries if e.action == "sign")
    assert signed.summary == f"changed resign_reason, signature_id, status ({WITHHELD})"
    assert "scrypt" not in text
    assert "sha256" not in text
    changed = next(e for e in page.entries if e.action == "change_password")
    assert changed.summary.startswith("must_change_password 1→0, password_hash changed")
    created = next(e for e in page.entries if e.entity == "user" and e.action == "create"
                   and "reader1" in e.summary)
    assert "role=reader" in created.summary
    assert "password_hash set" in created.summary


def test_an_unknown_login_is_shown_by_its_length_only(trial):
    with pytest.raises(AuthenticationError):
        login(trial.store, "my secret pass", "whatever it is")
    entry = audit_trail(trial.store, trial.admin, action="login_failed").entries[0]
    assert entry.user is None
    assert "secret" not in entry.summary
    assert entry.summary == "login_length=14, reason=unknown login"


def test_a_lock_out_and_unlock_show_in_the_trail(trial):
    from core.actions import unlock_user
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            login(trial.store, "reader2", "not the password")
    assert [u.is_locked for u in list_users(trial.store, trial.admin)
            if u.login == "reader2"] == [True]
    unlock_user(trial.store, trial.admin, "reader2")
    entry = audit_trail(trial.store, trial.admin, action="unlock").entries[0]
    assert entry.summary == f"failed_logins {MAX_FAILED_LOGINS}→0, is_locked 1→0"


@pytest.mark.tampers
def test_a_tampered_audit_row_is_the_first_broken_row_of_the_check(trial):
    target = audit_trail(trial.store, trial.admin, action="change_password").entries[-1]
    assert verify_store_file(trial.path).is_intact
    with sqlite3.connect(trial.path) as conn:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET after_json = '{}' WHERE id = ?", (target.audit_id,))
    check = verify_store_file(trial.path)
    assert not check.is_intact
    assert check.store.chain.first_broken_id == target.audit_id


def test_a_check_made_elsewhere_is_recorded_as_the_admin(trial):
    check = verify_store_file(trial.path)
    record_check(trial.store, trial.admin, check)
    entry = audit_trail(trial.store, trial.admin, action="verify").entries[0]
    assert entry.user == "admin"
    assert "intact=True" in entry.summary
    with pytest.raises(PermissionDeniedError):
        record_check(trial.store, trial.reader1, check)


def test_a_backup_ordered_here_is_written_on_another_thread_once(trial, tmp_path):
    import threading

    order = order_backup(trial.store, trial.admin, tmp_path / "backups", keep=2)
    made: list[object] = []
    thread = threading.Thread(target=lambda: made.append(write_ordered_backup(order)))
    thread.start()
    thread.join()
    assert made
    assert made[0].is_file()
    with pytest.raises(PermissionDeniedError, match="carried out already"):
        write_ordered_backup(order)
    with pytest.raises(PermissionDeniedError):
        order_backup(trial.store, trial.reader1, tmp_path / "backups")
    assert checkpoint_path(trial.path).exists()
