"""Fixtures for the trial store: a real SQLite file with users, and the demo trial's truth."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_demo_reading import setup_demo
from store_trial import CHEAP_KDF, Trial, first_login, make_trial

from core.store import Store, open_store
from core.store.integrity import check_store

__all__ = ["CHEAP_KDF", "Trial", "first_login", "make_trial"]

def audit_count(store: Store) -> int:
    """How many audit rows *store* holds."""
    return int(store._rows("SELECT COUNT(*) AS n FROM audit")[0]["n"])


def failed_logins(store: Store, login_name: str) -> int:
    """The failure count of an account, as stored."""
    return int(store._rows("SELECT failed_logins AS n FROM users WHERE login = ?",
                          (login_name,))[0]["n"])


@pytest.fixture
def trial(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Trial]:
    """A store with users; no subjects yet. Closed after the test.

    Afterwards the store must pass every check of ``audit verify`` (chain, schema, the
    audit replayed against the tables, anchors): whatever a test did through the actions,
    the audit must say exactly what the tables hold. Tests that edit the file directly
    are marked ``tampers``.
    """
    made = make_trial(tmp_path / "trial.sqlite")
    yield made
    made.store.close()
    if request.node.get_closest_marker("tampers") is None:
        with open_store(made.path) as store:
            found = check_store(store)
        assert found.is_intact, [str(d) for d in found.discrepancies] or found.chain


@pytest.fixture
def demo(trial: Trial) -> Trial:
    """The store with the demo trial's subjects, timepoints and series, readers assigned."""
    setup_demo(trial.store, trial.admin)
    return trial
