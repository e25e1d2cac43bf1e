"""Log-ins as an attacker sends them: what the audit keeps of an attempt (never what was
typed), and input no account can have, refused before anything is written."""

from __future__ import annotations

import json

import pytest
from conftest import CHEAP_KDF, audit_count, failed_logins
from store_demo_reading import PASSWORD

from core.actions import add_user
from core.errors import AuthenticationError
from core.store import login
from core.store.auth import MAX_LOGIN_LENGTH


def test_an_unknown_login_is_kept_only_as_a_salted_digest_and_its_length(trial):
    typed = "correct horse battery"  # a password typed into the login field
    for _ in range(2):
        with pytest.raises(AuthenticationError, match="unknown login or wrong password"):
            login(trial.store, typed, "anything")
    with pytest.raises(AuthenticationError):
        login(trial.store, "nobody", "anything")
    rows = trial.store._rows("SELECT user_id, entity_id, after_json FROM audit "
                            "WHERE action = 'login_failed' AND entity_id IS NULL")
    kept = [json.loads(row["after_json"]) for row in rows]
    assert [sorted(after) for after in kept] == [["login_digest", "login_length",
                                                  "reason"]] * 3
    first, again, other = kept
    assert first == again  # one text, one identifier: repeated attempts can be told
    assert first["login_digest"] != other["login_digest"]
    assert (first["login_length"], other["login_length"]) == (len(typed), 6)
    assert len(first["login_digest"]) == 16
    assert typed not in json.dumps(rows)
    assert {row["user_id"] for row in rows} == {None}


def test_a_wrong_password_for_a_known_login_keeps_only_the_user_id(trial):
    with pytest.raises(AuthenticationError):
        login(trial.store, "reader1", "my other password")
    (row,) = trial.store._rows("SELECT user_id, entity_id, after_json FROM audit "
                              "WHERE action = 'login_failed'")
    assert (row["user_id"], row["entity_id"]) == (trial.reader1.user_id,) * 2
    assert json.loads(row["after_json"]) == {"failed_logins": 1, "is_locked": 0}


def test_a_thousand_one_megabyte_logins_write_nothing(trial):
    huge = "p" * 2**20
    trial.store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    files = [trial.path, trial.path.with_name(trial.path.name + "-wal")]

    def size():
        return sum(path.stat().st_size for path in files if path.exists())

    before, audit_rows = size(), audit_count(trial.store)
    for _ in range(1000):
        with pytest.raises(AuthenticationError, match=f"a login has at most "
                           f"{MAX_LOGIN_LENGTH} characters; nothing was recorded") as caught:
            login(trial.store, huge, "a password")
        assert len(str(caught.value)) < 200  # nor is it repeated back
    with pytest.raises(AuthenticationError, match="nothing was checked"):
        login(trial.store, "reader1", huge)  # a huge password is not even hashed
    assert (size(), audit_count(trial.store)) == (before, audit_rows)
    assert failed_logins(trial.store, "reader1") == 0


@pytest.mark.parametrize(("name", "rule"), [
    ("", "must not be empty"),
    ("x" * (MAX_LOGIN_LENGTH + 1), f"at most {MAX_LOGIN_LENGTH} characters"),
    ("two words", "no spaces or control characters"),
    ("tab\there", "no spaces or control characters"),
])
def test_a_new_login_is_bounded(trial, name, rule):
    with pytest.raises(AuthenticationError, match=rule):
        add_user(trial.store, trial.admin, name, "N", "reader", PASSWORD, CHEAP_KDF)
