"""Users and roles: scrypt hashes, lock-out after failed logins, audited logins."""

from __future__ import annotations

import pytest
from conftest import CHEAP_KDF
from store_demo_reading import PASSWORD

from core.actions import add_user, my_tasks, unlock_user
from core.errors import AccountLockedError, AuthenticationError, PermissionDeniedError
from core.store import MAX_FAILED_LOGINS, login, logout
from core.store.auth import DEFAULT_KDF, check_password, hash_password


def test_passwords_are_stored_as_salted_memory_hard_scrypt_hashes(trial):
    (row,) = trial.store._rows("SELECT password_hash FROM users WHERE login = 'admin'")
    scheme, _n, _r, _p, salt, digest = row["password_hash"].split("$")
    assert (scheme, len(bytes.fromhex(salt)), len(digest)) == ("scrypt", 16, 64)
    assert 128 * DEFAULT_KDF.n * DEFAULT_KDF.r >= 32 * 2**20  # 32 MiB per hash by default
    assert hash_password(PASSWORD).split("$")[1:4] == [str(DEFAULT_KDF.n), "8", "1"]
    assert PASSWORD not in row["password_hash"]
    first, second = hash_password(PASSWORD, CHEAP_KDF), hash_password(PASSWORD, CHEAP_KDF)
    assert first != second  # a fresh salt each time
    assert check_password(PASSWORD, first)
    assert not check_password(PASSWORD + "!", first)


def test_an_account_locks_after_repeated_failures_until_an_admin_unlocks_it(trial):
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationError, match="user 'reader1': unknown login or wrong"):
            login(trial.store, "reader1", "guess")
    with pytest.raises(AccountLockedError, match="locked"):
        login(trial.store, "reader1", "guess")
    with pytest.raises(AccountLockedError):
        login(trial.store, "reader1", PASSWORD)  # even the right password
    with pytest.raises(PermissionDeniedError, match="locked"):
        my_tasks(trial.store, trial.reader1)  # its open session stops working too
    unlock_user(trial.store, trial.admin, "reader1")
    assert login(trial.store, "reader1", PASSWORD).login == "reader1"


def test_logins_and_failed_logins_are_audited(trial):
    with pytest.raises(AuthenticationError):
        login(trial.store, "nobody", "guess")
    with pytest.raises(AuthenticationError):
        login(trial.store, "reader2", "guess")
    logout(trial.store, trial.reader1)
    actions = [row["action"] for row in trial.store._rows("SELECT action FROM audit")]
    assert actions.count("login") == 5
    assert actions[-3:] == ["login_failed", "login_failed", "logout"]


def test_only_an_admin_creates_users_and_logins_are_unique(trial):
    with pytest.raises(PermissionDeniedError, match="role coordinator"):
        add_user(trial.store, trial.coordinator, "x", "X", "reader", PASSWORD, CHEAP_KDF)
    with pytest.raises(AuthenticationError, match="already exists"):
        add_user(trial.store, trial.admin, "reader1", "R", "reader", PASSWORD, CHEAP_KDF)
    with pytest.raises(AuthenticationError, match="at least 12 characters"):
        add_user(trial.store, trial.admin, "short", "S", "reader", "12345678901", CHEAP_KDF)
