"""Users, roles, logins and re-authentication for signatures.

Passwords are stored as scrypt hashes (memory-hard, RFC 7914) with a per-user random salt;
the parameters travel inside the stored string, so they can be raised later without
invalidating existing accounts. After ``MAX_FAILED_LOGINS`` consecutive failures an account
is locked until an admin unlocks it. Logins and failures are audited. Sessions are minted
by ``login`` alone (``core.store.sessions``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from core.errors import (
    AccountLockedError,
    AuthenticationError,
    PermissionDeniedError,
)
from core.model.reading import Role
from core.model.trial import Session, User
from core.store import audit, ledger
from core.store.db import Store, utc_now
from core.store.rows import user_from_row

# Consecutive failed logins (or signature re-authentications) that lock an account.
MAX_FAILED_LOGINS = 5
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True, slots=True)
class ScryptParams:
    """scrypt cost: memory is 128 * n * r bytes (32 MiB for the default)."""

    n: int = 2**15
    r: int = 8
    p: int = 1


DEFAULT_KDF = ScryptParams()


def hash_password(password: str, params: ScryptParams = DEFAULT_KDF) -> str:
    """Return ``scrypt$n$r$p$salt$hash`` for *password* with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, params)
    return f"scrypt${params.n}${params.r}${params.p}${salt.hex()}${digest.hex()}"


def _scrypt(password: str, salt: bytes, params: ScryptParams) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=params.n, r=params.r,
                          p=params.p, maxmem=256 * params.n * params.r + 1024 * 1024,
                          dklen=32)


def check_password(password: str, encoded: str) -> bool:
    """True when *password* matches the stored *encoded* hash (constant-time compare)."""
    scheme, n, r, p, salt, digest = encoded.split("$")
    if scheme != "scrypt":
        return False
    params = ScryptParams(int(n), int(r), int(p))
    return hmac.compare_digest(_scrypt(password, bytes.fromhex(salt), params),
                               bytes.fromhex(digest))


def check_new_account(login: str, display_name: str, password: str) -> None:
    """Refuse an account the store would not create, before anything is written.

    Raises
    ------
    AuthenticationError
        An empty login or name, or a password shorter than ``MIN_PASSWORD_LENGTH``.
    """
    if not login or not display_name:
        raise AuthenticationError(login, "login and display name must not be empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthenticationError(
            login, f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def insert_user(store: Store, actor_id: int | None, login: str, display_name: str,
                role: Role | str, password: str, kdf: ScryptParams = DEFAULT_KDF) -> User:
    """Insert a user inside the caller's transaction (who may do it is the caller's check)."""
    role = Role(role)
    check_new_account(login, display_name, password)
    if store.row("SELECT id FROM users WHERE login = ?", (login,)):
        raise AuthenticationError(login, "this login already exists")
    user_id = ledger.insert(store, actor_id, "user", {
        "login": login, "display_name": display_name, "role": role.value,
        "password_hash": hash_password(password, kdf), "created_utc": utc_now()})
    return User(user_id, login, display_name, role)


def find_user(store: Store, login_name: str) -> User | None:
    """The account with *login_name*, or ``None``."""
    row = store.row("SELECT * FROM users WHERE login = ?", (login_name,))
    return user_from_row(row) if row else None


def set_unlocked(store: Store, actor_id: int, login_name: str) -> None:
    """Unlock an account and reset its failure count (inside the caller's transaction).

    Raises
    ------
    AuthenticationError
        If there is no such account.
    """
    row = store.row("SELECT id FROM users WHERE login = ?", (login_name,))
    if row is None:
        raise AuthenticationError(login_name, "no such user")
    ledger.update(store, actor_id, "user", row["id"], {"is_locked": 0, "failed_logins": 0},
                  action="unlock")


def _failure(store: Store, row: dict[str, Any], action: str) -> bool:
    """Count one failure; return True when it locked the account.

    Commits on its own, or with the caller's transaction when one is open.
    """
    with store.transaction():
        failures = row["failed_logins"] + 1
        locked = failures >= MAX_FAILED_LOGINS
        ledger.update(store, row["id"], "user", row["id"],
                      {"failed_logins": failures, "is_locked": int(locked)}, action=action)
    return bool(locked)


def login(store: Store, login_name: str, password: str) -> Session:
    """Check *password* and return a ``Session`` for every later call: the only way to one.

    Raises
    ------
    AuthenticationError
        Unknown login, wrong password or deactivated account (the failure is audited).
    AccountLockedError
        The account is locked after ``MAX_FAILED_LOGINS`` failures.
    """
    row = store.row("SELECT * FROM users WHERE login = ?", (login_name,))
    if row is None:
        with store.transaction():
            audit.record(store, None, "login_failed", "user", None, None,
                         {"login": login_name, "reason": "unknown login"})
        raise AuthenticationError(login_name, "unknown login or wrong password")
    if row["is_locked"]:
        with store.transaction():
            audit.record(store, row["id"], "login_refused", "user", row["id"], None,
                         {"reason": "account locked"})
        raise AccountLockedError(login_name, "account locked after repeated failed logins; "
                                 "an admin must unlock it")
    if not row["is_active"]:
        raise AuthenticationError(login_name, "account deactivated")
    if not check_password(password, row["password_hash"]):
        if _failure(store, row, "login_failed"):
            raise AccountLockedError(login_name, f"account locked after {MAX_FAILED_LOGINS} "
                                     "failed logins; an admin must unlock it")
        raise AuthenticationError(login_name, "unknown login or wrong password")
    with store.transaction():
        ledger.update(store, row["id"], "user", row["id"], {"failed_logins": 0},
                      action="login")
    token = store._sessions.issue(row["id"], row["password_hash"])
    return Session(token, row["id"], row["login"], row["display_name"], Role(row["role"]))


def logout(store: Store, session: Session) -> None:
    """End *session*: the store refuses it from now on."""
    if store._sessions.find(session.token, session.user_id) is None:
        return
    store._sessions.end(session.token)
    with store.transaction():
        audit.record(store, session.user_id, "logout", "user", session.user_id)


def session_user(store: Store, session: Session) -> User:
    """The user acting through *session*, after checking the session is live.

    Identity only: what the user may do is decided by the action (``core.actions``).

    Raises
    ------
    PermissionDeniedError
        If the session was not issued by this store to this user (a ``Session`` built by
        hand, or another session's token with another user id), or the account is locked
        or inactive, or its password is no longer the one the session was issued under.
    """
    registry = store._sessions
    token = getattr(session, "token", None)
    entry = registry.find(token, getattr(session, "user_id", None))
    if entry is None:
        raise PermissionDeniedError(store.path.name, "not logged in (session unknown)")
    who = f"user {session.login!r}"
    row = store.row("SELECT * FROM users WHERE id = ?", (entry.user_id,))
    if row is None or row["is_locked"] or not row["is_active"]:
        registry.end(token)
        raise PermissionDeniedError(who, "account locked or inactive")
    if not registry.issued_under(entry, row["password_hash"]):
        registry.end(token)
        raise PermissionDeniedError(who, "the password was changed or reset since this "
                                    "log-in; log in again")
    return user_from_row(row)


def signer_confirmed(store: Store, session: Session, password: str) -> bool:
    """Check the signer's password again for a signature (21 CFR 11.200(a)).

    Call it inside the signing transaction, before anything is signed. A wrong password
    is audited and counted toward the lock-out (a lock-out also ends the session); the
    caller then lets its transaction commit that count, signs nothing, and refuses.
    """
    row = store.row("SELECT * FROM users WHERE id = ?", (session.user_id,))
    if row is not None and check_password(password, row["password_hash"]):
        return True
    if row is not None and _failure(store, row, "signature_failed"):
        store._sessions.end(session.token)
    return False
