"""Fixtures for the trial store: a real SQLite file with users, and the demo trial's truth."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from store_demo_reading import PASSWORD, TEMPORARY_PASSWORD, setup_demo

from core.actions import add_user, change_password
from core.model.trial import Session
from core.store import Store, init_store, login, open_store
from core.store.auth import ScryptParams
from core.store.integrity import check_store

# scrypt at 1/32 of the default cost: the tests log in hundreds of times.
CHEAP_KDF = ScryptParams(n=2**10, r=8, p=1)


def audit_count(store: Store) -> int:
    """How many audit rows *store* holds."""
    return int(store._rows("SELECT COUNT(*) AS n FROM audit")[0]["n"])


def failed_logins(store: Store, login_name: str) -> int:
    """The failure count of an account, as stored."""
    return int(store._rows("SELECT failed_logins AS n FROM users WHERE login = ?",
                          (login_name,))[0]["n"])


@dataclass
class Trial:
    """An open store and a logged-in session per role."""

    store: Store
    admin: Session
    reader1: Session
    reader2: Session
    adjudicator: Session
    coordinator: Session

    @property
    def path(self) -> Path:
        return self.store.path


def first_login(store: Store, login_name: str) -> Session:
    """Log in with the admin's temporary password and choose ``PASSWORD``, as a new user
    must; the session then works."""
    session = login(store, login_name, TEMPORARY_PASSWORD)
    change_password(store, session, TEMPORARY_PASSWORD, PASSWORD, kdf=CHEAP_KDF)
    return session


def make_trial(path: Path, triggers: tuple[str, ...] | None = None) -> Trial:
    """A new store at *path* with one user per role, all logged in with ``PASSWORD``."""
    kwargs = {"triggers": triggers} if triggers else {}
    store = init_store(path, "DEMO-HCC-P2", "mRECIST", "admin", "Ada Admin", PASSWORD,
                       kdf=CHEAP_KDF, **kwargs)
    admin = login(store, "admin", PASSWORD)
    for name, display, role in (("reader1", "Rita Reader", "reader"),
                                ("reader2", "Rolf Reader", "reader"),
                                ("adj", "Ann Adjudicator", "adjudicator"),
                                ("coord", "Carl Coordinator", "coordinator")):
        add_user(store, admin, name, display, role, TEMPORARY_PASSWORD, kdf=CHEAP_KDF)
    return Trial(store, admin, first_login(store, "reader1"), first_login(store, "reader2"),
                 first_login(store, "adj"), first_login(store, "coord"))


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
