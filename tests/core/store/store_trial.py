"""A real trial store with one user per role, for tests in any folder (not a fixture)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from store_demo_reading import PASSWORD, TEMPORARY_PASSWORD

from core.actions import add_user, change_password
from core.model.trial import Session
from core.store import Store, init_store, login
from core.store.auth import ScryptParams

# scrypt at 1/32 of the default cost: the tests log in hundreds of times.
CHEAP_KDF = ScryptParams(n=2**10, r=8, p=1)


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
