"""``mrecist user add|reset|password``, ``mrecist settings`` and ``mrecist recover-admin``."""

from __future__ import annotations

import io
import json
import os

import pytest
from store_demo_reading import PASSWORD, TEMPORARY_PASSWORD
from test_store_cli import run

from core.cli import main
from core.store import open_store

OWN_PASSWORD = "chosen by Nina herself"
RESET_PASSWORD = "reset on a Monday 2026"


@pytest.fixture
def db(trial):
    """The path of a closed store with one user per role, each with ``PASSWORD``."""
    trial.store.close()
    return trial.path


def test_a_new_account_chooses_its_password_before_any_command(db, monkeypatch, capsys):
    status, out, err = run(monkeypatch, capsys, "user", "add", "--db", db, "--user", "admin",
                           "--password-stdin", "--login", "nurse", "--name", "Nina Nurse",
                           "--role", "coordinator", stdin=f"{PASSWORD}\n{TEMPORARY_PASSWORD}\n")
    assert (status, err) == (0, "")
    assert out == (f"{db}: added coordinator 'nurse' (Nina Nurse); the temporary password "
                   "must be changed at the first log-in\n")
    status, out, err = run(monkeypatch, capsys, "status", "--db", db, "--user", "nurse",
                           "--password-stdin", stdin=TEMPORARY_PASSWORD + "\n")
    assert (status, out) == (2, "")
    assert err == ("mrecist status: user 'nurse': must change the temporary password first "
                   "(this session may do nothing else)\n")
    status, out, err = run(monkeypatch, capsys, "user", "password", "--db", db, "--user",
                           "nurse", "--password-stdin",
                           stdin=f"{TEMPORARY_PASSWORD}\n{OWN_PASSWORD}\n")
    assert (status, out, err) == (0, f"{db}: changed the password of 'nurse'\n", "")
    status, out, _ = run(monkeypatch, capsys, "status", "--db", db, "--user", "nurse",
                         "--password-stdin", stdin=OWN_PASSWORD + "\n")
    assert status == 0
    assert json.loads(out)["subjects"] == 0


def test_a_refused_new_password_is_one_line_naming_the_rule(db, monkeypatch, capsys):
    status, _, err = run(monkeypatch, capsys, "user", "password", "--db", db, "--user",
                         "coord", "--password-stdin", stdin=f"{PASSWORD}\nqwerty123456\n")
    assert status == 2
    assert err == ("mrecist user: user 'coord': this password is on the list of common "
                   "passwords shipped with the application; choose another\n")


def test_asked_at_a_terminal_the_new_password_is_typed_twice(db, monkeypatch, capsys):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    answers = iter([PASSWORD, OWN_PASSWORD, OWN_PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    monkeypatch.setattr("sys.stdin", Terminal())
    status = main(["user", "password", "--db", str(db), "--user", "coord"])
    assert status == 2
    assert capsys.readouterr().err == ("mrecist user: the two passwords differ; nothing was "
                                       "changed\n")


def test_an_admin_resets_a_forgotten_password(db, monkeypatch, capsys):
    status, out, err = run(monkeypatch, capsys, "user", "reset", "--db", db, "--user", "admin",
                           "--password-stdin", "--login", "reader1",
                           stdin=f"{PASSWORD}\n{RESET_PASSWORD}\n")
    assert (status, err) == (0, "")
    assert out == (f"{db}: 'reader1' has a temporary password, to be changed at the next "
                   "log-in, and is unlocked\n")
    status, _, err = run(monkeypatch, capsys, "user", "password", "--db", db, "--user",
                         "reader1", "--password-stdin", stdin=f"{PASSWORD}\n{OWN_PASSWORD}\n")
    assert status == 2
    assert "unknown login or wrong password" in err  # the old password works no more
    status, _, err = run(monkeypatch, capsys, "user", "password", "--db", db, "--user",
                         "reader1", "--password-stdin",
                         stdin=f"{RESET_PASSWORD}\n{OWN_PASSWORD}\n")
    assert (status, err) == (0, "")


def test_the_locked_out_last_admin_is_recovered_with_file_access(db, monkeypatch, capsys):
    for _ in range(5):
        run(monkeypatch, capsys, "status", "--db", db, "--user", "admin", "--password-stdin",
            stdin="who remembers it\n")
    status, _, err = run(monkeypatch, capsys, "user", "unlock", "--db", db, "--user", "admin",
                         "--password-stdin", "--login", "admin", stdin=PASSWORD + "\n")
    assert status == 2
    assert "account locked" in err
    status, out, err = run(monkeypatch, capsys, "recover-admin", "--db", db, "--login",
                           "admin", "--password-stdin", stdin=RESET_PASSWORD + "\n")
    assert (status, err) == (0, "")
    assert out == (f"{db}: admin 'admin' is unlocked with a temporary password, to be changed "
                   "at the next log-in (`mrecist user password`); audited as a file-system "
                   "recovery\n")
    status, _, err = run(monkeypatch, capsys, "user", "password", "--db", db, "--user",
                         "admin", "--password-stdin", stdin=f"{RESET_PASSWORD}\n{OWN_PASSWORD}\n")
    assert (status, err) == (0, "")
    status, _, err = run(monkeypatch, capsys, "subject", "add", "--db", db, "--user", "admin",
                         "--password-stdin", "--subject", "HCC-100", stdin=OWN_PASSWORD + "\n")
    assert (status, err) == (0, "")
    with open_store(db) as store:
        (row,) = store._rows("SELECT user_id, after_json FROM audit "
                            "WHERE action = 'recover_admin'")
    assert row["user_id"] is None
    assert "file-system recovery" in json.loads(row["after_json"])["note"]


def test_recover_admin_is_for_admin_accounts_only(db, monkeypatch, capsys):
    status, _, err = run(monkeypatch, capsys, "recover-admin", "--db", db, "--login", "coord",
                         "--password-stdin", stdin=RESET_PASSWORD + "\n")
    assert status == 2
    assert err == ("mrecist recover-admin: user 'coord': no admin account has this login "
                   "(recovery is for admin accounts only)\n")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root may write a read-only file")
def test_recover_admin_needs_write_access_to_the_file(db, monkeypatch, capsys):
    db.chmod(0o444)
    status, _, err = run(monkeypatch, capsys, "recover-admin", "--db", db, "--login", "admin",
                         "--password-stdin", stdin=RESET_PASSWORD + "\n")
    assert status == 2
    assert "recover-admin needs write access to the store file" in err


def test_settings_show_and_set_the_idle_time(db, monkeypatch, capsys):
    status, out, err = run(monkeypatch, capsys, "settings", "--db", db, "--user", "coord",
                           "--password-stdin", stdin=PASSWORD + "\n")
    assert (status, out, err) == (0, f"{db}: session_idle_minutes = 15\n", "")
    status, out, err = run(monkeypatch, capsys, "settings", "--db", db, "--user", "admin",
                           "--password-stdin", "--session-idle-minutes", 20,
                           stdin=PASSWORD + "\n")
    assert (status, out, err) == (0, f"{db}: session_idle_minutes = 20\n", "")
    status, _, err = run(monkeypatch, capsys, "settings", "--db", db, "--user", "coord",
                         "--password-stdin", "--session-idle-minutes", 5,
                         stdin=PASSWORD + "\n")
    assert status == 2
    assert "role coordinator may not do this (needs admin)" in err
    status, _, err = run(monkeypatch, capsys, "settings", "--db", db, "--user", "admin",
                         "--password-stdin", "--session-idle-minutes", 45,
                         stdin=PASSWORD + "\n")
    assert status == 2
    assert "a whole number of minutes from 1 to 30" in err
