"""Users, roles, logins and re-authentication for signatures.

Passwords are stored as scrypt hashes (memory-hard, RFC 7914) with a per-user random salt;
the parameters travel inside the stored string, so they can be raised later without
invalidating existing accounts. After ``MAX_FAILED_LOGINS`` consecutive failures an account
is locked until an admin unlocks it. Logins and failures are audited.
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
    SignatureError,
)
from core.model.reading import Role
from core.model.trial import Session, User
from core.store import audit
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


def _check_new_password(login: str, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthenticationError(
            login, f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def insert_user(store: Store, actor_id: int | None, login: str, display_name: str,
                role: Role | str, password: str, kdf: ScryptParams = DEFAULT_KDF) -> User:
    """Insert a user inside the caller's transaction (no permission check: use ``add_user``)."""
    role = Role(role)
    if not login or not display_name:
        raise AuthenticationError(login, "login and display name must not be empty")
    _check_new_password(login, password)
    if store.row("SELECT id FROM users WHERE login = ?", (login,)):
        raise AuthenticationError(login, "this login already exists")
    user_id = store.execute(
        "INSERT INTO users (login, display_name, role, password_hash, created_utc) "
        "VALUES (?, ?, ?, ?, ?)",
        (login, display_name, role.value, hash_password(password, kdf), utc_now()),
    )
    after = {"login": login, "display_name": display_name, "role": role.value}
    audit.record(store, actor_id, "create", "user", user_id, None, after)
    return User(user_id, login, display_name, role)


def add_user(store: Store, session: Session, login: str, display_name: str,
             role: Role | str, password: str, kdf: ScryptParams = DEFAULT_KDF) -> User:
    """Create a user account (admin only).

    Raises
    ------
    PermissionDeniedError
        If the acting user is not an admin.
    AuthenticationError
        If the login exists already or the password is too short.
    """
    actor = require(store, session, Role.ADMIN)
    with store.transaction():
        return insert_user(store, actor, login, display_name, role, password, kdf)


def unlock_user(store: Store, session: Session, login: str) -> None:
    """Unlock an account locked by failed logins (admin only)."""
    actor = require(store, session, Role.ADMIN)
    with store.transaction():
        row = store.row("SELECT id, is_locked, failed_logins FROM users WHERE login = ?",
                        (login,))
        if row is None:
            raise AuthenticationError(login, "no such user")
        store.execute("UPDATE users SET is_locked = 0, failed_logins = 0 WHERE id = ?",
                      (row["id"],))
        audit.record(store, actor, "unlock", "user", row["id"],
                     {"is_locked": bool(row["is_locked"]),
                      "failed_logins": row["failed_logins"]},
                     {"is_locked": False, "failed_logins": 0})


def _failure(store: Store, row: dict[str, Any], action: str) -> bool:
    """Count one failure; return True when it locked the account. Commits on its own."""
    with store.transaction():
        failures = row["failed_logins"] + 1
        locked = failures >= MAX_FAILED_LOGINS
        store.execute("UPDATE users SET failed_logins = ?, is_locked = ? WHERE id = ?",
                      (failures, int(locked), row["id"]))
        audit.record(store, row["id"], action, "user", row["id"], None,
                     {"failed_logins": failures, "is_locked": locked})
    return bool(locked)


def login(store: Store, login_name: str, password: str) -> Session:
    """Check *password* and return a ``Session`` for every later call.

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
    token = secrets.token_hex(16)
    with store.transaction():
        store.execute("UPDATE users SET failed_logins = 0 WHERE id = ?", (row["id"],))
        audit.record(store, row["id"], "login", "user", row["id"])
    store.sessions[token] = row["id"]
    return Session(token, row["id"], row["login"], row["display_name"], Role(row["role"]))


def logout(store: Store, session: Session) -> None:
    """End *session*: the store refuses it from now on."""
    if store.sessions.pop(session.token, None) is not None:
        with store.transaction():
            audit.record(store, session.user_id, "logout", "user", session.user_id)


def require(store: Store, session: Session, *roles: Role) -> int:
    """The acting user's id, after checking the session is live and its role allowed.

    Raises
    ------
    PermissionDeniedError
        If the session was not issued by this store, the account is locked or inactive,
        or the role is not one of *roles*.
    """
    user_id = store.sessions.get(getattr(session, "token", ""))
    if user_id is None or user_id != session.user_id:
        raise PermissionDeniedError(store.path.name, "not logged in (session unknown)")
    row = store.row("SELECT * FROM users WHERE id = ?", (user_id,))
    if row is None or row["is_locked"] or not row["is_active"]:
        raise PermissionDeniedError(f"user {session.login!r}", "account locked or inactive")
    user = user_from_row(row)
    if user.role not in roles:
        allowed = " or ".join(role.value for role in roles)
        raise PermissionDeniedError(f"user {session.login!r}",
                                    f"role {user.role.value} may not do this (needs {allowed})")
    return user_id


def reauthenticate(store: Store, session: Session, password: str, entity: str) -> None:
    """Check the signer's password again before a signature (21 CFR 11.200(a)).

    Raises
    ------
    SignatureError
        If the password is wrong (audited and counted toward the lock-out).
    """
    row = store.row("SELECT * FROM users WHERE id = ?", (session.user_id,))
    if row is None or not check_password(password, row["password_hash"]):
        if row is not None and _failure(store, row, "signature_failed"):
            store.sessions.pop(session.token, None)
        raise SignatureError(entity, "password does not match the signer's; not signed")
