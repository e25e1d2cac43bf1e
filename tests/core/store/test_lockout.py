"""Lock-out as an attacker meets it: eight processes guessing one account's password at once.

The failure count is read and raised inside the log-in's write transaction, with the
password check, so however many processes guess in parallel, at most
``MAX_FAILED_LOGINS`` passwords are ever checked against the account (each check is one
audit row in the same transaction) before it is locked.
"""

from __future__ import annotations

import multiprocessing
import os

import pytest
from store_demo_reading import PASSWORD

from core.errors import AccountLockedError, AuthenticationError
from core.store import MAX_FAILED_LOGINS, login, open_store

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

GUESSERS = 8
GUESSES_EACH = 10


def _guess(path, number, start, results):
    """Child: wait for every guesser, then guess until the account is locked."""
    outcome = "gave up"
    with open_store(path) as store:
        start.wait()
        for guess in range(GUESSES_EACH):
            try:
                login(store, "reader1", f"guess {number}-{guess} of a password")
            except AccountLockedError:
                outcome = "locked"
                break
            except AuthenticationError:
                continue
            outcome = "logged in"  # a wrong password must never log in
            break
    results.put(outcome)


def test_eight_processes_guessing_at_once_get_at_most_the_limit(trial):
    path = trial.path
    (reader,) = trial.store._rows("SELECT id FROM users WHERE login = 'reader1'")
    before = trial.store._rows("SELECT MAX(id) AS id FROM audit")[0]["id"]
    trial.store.close()
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(GUESSERS), context.Queue()
    guessers = [context.Process(target=_guess, args=(path, number, start, results))
                for number in range(GUESSERS)]
    for process in guessers:
        process.start()
    outcomes = [results.get(timeout=120) for _ in guessers]
    for process in guessers:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert outcomes == ["locked"] * GUESSERS

    with open_store(path) as store:
        rows = store._rows("SELECT action, user_id, entity_id FROM audit WHERE id > ?",
                          (before,))
        checks = [row for row in rows if row["action"] in ("login", "login_failed")]
        assert len(checks) == MAX_FAILED_LOGINS  # 8 × 10 guesses, 5 passwords checked
        assert {row["entity_id"] for row in checks} == {reader["id"]}
        assert store._rows("SELECT failed_logins, is_locked FROM users WHERE id = ?",
                          (reader["id"],)) == [{"failed_logins": MAX_FAILED_LOGINS,
                                                "is_locked": 1}]
        with pytest.raises(AccountLockedError):
            login(store, "reader1", PASSWORD)
