"""Users, roles, log-ins, sessions and re-authentication for signatures.

Passwords are stored as scrypt hashes (memory-hard, RFC 7914) with a per-user random salt;
the parameters travel inside the stored string, so they can be raised later without
invalidating existing accounts. What a password must be is ``password_refusal`` (NIST SP
800-63B §5.1.1.2). An admin only ever sets a *temporary* password: its session may do
nothing but change it (21 CFR 11.300(b)), so no one but the user knows a working password
of theirs. After ``MAX_FAILED_LOGINS`` consecutive failures, counted inside the log-in's
write transaction, an account is locked until an admin unlocks it (11.300(d)). Sessions
are minted by ``login`` alone and end after ``idle_minutes`` of inactivity. Every log-in,
failure and refusal is audited; of a login that names no account, only a salted scrypt
digest of what was typed and its length (a password typed into the login field is never
kept) (docs/security.md).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import itertools
import secrets
from dataclasses import dataclass
from importlib import resources
from typing import Any

from core.errors import (
    AccountLockedError,
    AuthenticationError,
    CoreError,
    PermissionDeniedError,
)
from core.model.admin import UserSummary
from core.model.reading import Role
from core.model.trial import Session, User
from core.store import audit, ledger
from core.store.db import Store, utc_now
from core.store.rows import user_from_row
from core.store.sessions import Clock
from core.store.settings import get_setting, put_setting

# Consecutive failed logins (or signature re-authentications) that lock an account.
MAX_FAILED_LOGINS = 5
# NIST SP 800-63B §5.1.1.2: at least 8 characters, 64 or more allowed; this trial asks 12.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024   # checked before hashing: scrypt's work stays bounded
MAX_LOGIN_LENGTH = 64        # checked before anything is read or written
MAX_DISPLAY_NAME_LENGTH = 128
# Inactivity that ends a session: 15 minutes by default (SP 800-63B §4.3.3, AAL3), at most
# 30 (§4.2.3, AAL2); a setting an admin changes (core.actions.accounts).
IDLE_SETTING = "session_idle_minutes"
DEFAULT_IDLE_MINUTES = 15
MAX_IDLE_MINUTES = 30
# The salt and cost of the digests that stand for unknown logins in the audit.
LOGIN_DIGEST_SETTING = "login_digest_kdf"
LOGIN_DIGEST_HEX = 16
COMMON_PASSWORDS_FILE = "common-passwords.txt"

TEMPORARY_PASSWORD_FIRST = "must change the temporary password first"


@dataclass(frozen=True, slots=True)
class ScryptParams:
    """scrypt cost: memory is 128 * n * r bytes (32 MiB for the default)."""

    n: int = 2**15
    r: int = 8
    p: int = 1


DEFAULT_KDF = ScryptParams()


# -- password hashes ----------------------------------------------------------------------

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
    if scheme != "scrypt" or len(password) > MAX_PASSWORD_LENGTH:
        return False
    params = ScryptParams(int(n), int(r), int(p))
    return hmac.compare_digest(_scrypt(password, bytes.fromhex(salt), params),
                               bytes.fromhex(digest))


# -- what a password and an account must be -----------------------------------------------

@functools.cache
def common_passwords() -> frozenset[str]:
    """The common passwords shipped with the application, lower-case (``resources``)."""
    text = resources.files("resources").joinpath(COMMON_PASSWORDS_FILE).read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def _repeats(text: str) -> bool:
    """True for one character or block repeated: ``aaaa…``, ``abcabc…``."""
    return (text + text).find(text, 1) < len(text)


def _consecutive(text: str) -> bool:
    """True for a run of consecutive characters: ``1234…``, ``abcd…``, ``9876…``."""
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1})


def password_refusal(password: str, login: str) -> str | None:
    """Why *password* may not be the password of *login*, or ``None``.

    The rules of NIST SP 800-63B §5.1.1.2 (21 CFR 11.300(a)): long enough, not bounded
    below 64 characters, not a commonly used or expected value (the shipped list, compared
    case-insensitively; repetitive or sequential characters; the login itself).
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return (f"a password needs at least {MIN_PASSWORD_LENGTH} characters "
                "(NIST SP 800-63B)")
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"a password has at most {MAX_PASSWORD_LENGTH} characters"
    folded, name = password.casefold(), login.casefold()
    if folded == name or (len(name) >= 4 and name in folded):
        return "a password must not be or contain the login"
    if folded in common_passwords():
        return ("this password is on the list of common passwords shipped with the "
                "application; choose another")
    if _repeats(folded):
        return "a password must not be one character or block repeated ('aaaa…', 'abab…')"
    if _consecutive(folded):
        return "a password must not be a run of consecutive characters ('1234…', 'abcd…')"
    return None


def _shown(login: str) -> str:
    """*login* for a message, or only its length when it is longer than a login can be."""
    return login if len(login) <= MAX_LOGIN_LENGTH else f"<{len(login)} characters>"


def login_refusal(login: str) -> str | None:
    """Why *login* cannot name an account, or ``None``."""
    if not login:
        return "a login must not be empty"
    if len(login) > MAX_LOGIN_LENGTH:
        return f"a login has at most {MAX_LOGIN_LENGTH} characters"
    if not login.isprintable() or any(character.isspace() for character in login):
        return "a login has no spaces or control characters"
    return None


def check_new_account(login: str, display_name: str, password: str) -> None:
    """Refuse an account the store would not create, before anything is written.

    Raises
    ------
    AuthenticationError
        A login or name out of bounds, or a password ``password_refusal`` refuses.
    """
    refusal = login_refusal(login)
    if refusal is None and not display_name.strip():
        refusal = "the display name must not be empty"
    if refusal is None and len(display_name) > MAX_DISPLAY_NAME_LENGTH:
        refusal = f"a display name has at most {MAX_DISPLAY_NAME_LENGTH} characters"
    if refusal is None:
        refusal = password_refusal(password, login)
    if refusal is not None:
        raise AuthenticationError(_shown(login), refusal)


# -- accounts -----------------------------------------------------------------------------

def insert_user(store: Store, actor_id: int | None, login: str, display_name: str,
                role: Role | str, password: str, kdf: ScryptParams = DEFAULT_KDF, *,
                temporary: bool = False) -> User:
    """Insert a user inside the caller's transaction (who may do it is the caller's check).

    With *temporary*, the password was set by someone else (an admin): the account's
    sessions may do nothing but change it.
    """
    role = Role(role)
    check_new_account(login, display_name, password)
    if store._row("SELECT id FROM users WHERE login = ?", (login,)):
        raise AuthenticationError(login, "this login already exists")
    user_id = ledger.insert(store, actor_id, "user", {
        "login": login, "display_name": display_name, "role": role.value,
        "password_hash": hash_password(password, kdf), "created_utc": utc_now(),
        "must_change_password": int(temporary)})
    return User(user_id, login, display_name, role)


def find_user(store: Store, login_name: str) -> User | None:
    """The account with *login_name*, or ``None``."""
    if len(login_name) > MAX_LOGIN_LENGTH:
        return None
    row = store._row("SELECT * FROM users WHERE login = ?", (login_name,))
    return user_from_row(row) if row else None


def _user_id(store: Store, login_name: str) -> int:
    user = find_user(store, login_name)
    if user is None:
        raise AuthenticationError(_shown(login_name), "no such user")
    return user.user_id


def set_unlocked(store: Store, actor_id: int, login_name: str) -> None:
    """Unlock an account and reset its failure count (inside the caller's transaction).

    Raises
    ------
    AuthenticationError
        If there is no such account.
    """
    ledger.update(store, actor_id, "user", _user_id(store, login_name),
                  {"is_locked": 0, "failed_logins": 0}, action="unlock")


def set_temporary_password(store: Store, actor_id: int | None, login_name: str,
                           password: str, kdf: ScryptParams = DEFAULT_KDF, *,
                           action: str = "reset_password",
                           note: dict[str, Any] | None = None) -> User:
    """Give an account a temporary password, unlocked (inside the caller's transaction).

    Its sessions may then only change the password; every session issued under the old
    one ends at its next call.

    Raises
    ------
    AuthenticationError
        No such account, or a password ``password_refusal`` refuses.
    """
    user_id = _user_id(store, login_name)
    refusal = password_refusal(password, login_name)
    if refusal is not None:
        raise AuthenticationError(login_name, refusal)
    ledger.update(store, actor_id, "user", user_id, {
        "password_hash": hash_password(password, kdf), "must_change_password": 1,
        "failed_logins": 0, "is_locked": 0}, action=action, note=note)
    row = store._row("SELECT * FROM users WHERE id = ?", (user_id,))
    assert row is not None
    return user_from_row(row)


def set_own_password(store: Store, session: Session, password: str,
                     kdf: ScryptParams = DEFAULT_KDF) -> None:
    """Set the session's user's password, chosen by them (inside the caller's transaction).

    The caller has checked the session and the current password. This session stays live;
    every other one of the user's ends at its next call.

    Raises
    ------
    AuthenticationError
        A password ``password_refusal`` refuses.
    """
    refusal = password_refusal(password, session.login)
    if refusal is not None:
        raise AuthenticationError(session.login, refusal)
    new_hash = hash_password(password, kdf)
    ledger.update(store, session.user_id, "user", session.user_id,
                  {"password_hash": new_hash, "must_change_password": 0},
                  action="change_password")
    store._sessions.rebind(session.token, new_hash)


def user_summaries(store: Store) -> tuple[UserSummary, ...]:
    """Every account in login order, with its last successful log-in (never a hash)."""
    rows = store._rows(
        "SELECT u.*, (SELECT MAX(a.utc) FROM audit a WHERE a.entity = 'user' "
        "AND a.entity_id = u.id AND a.action = 'login') AS last_login_utc "
        "FROM users u ORDER BY u.login")
    return tuple(UserSummary(row["id"], row["login"], row["display_name"], Role(row["role"]),
                             bool(row["is_active"]), bool(row["is_locked"]),
                             bool(row["must_change_password"]), int(row["failed_logins"]),
                             row["created_utc"], row["last_login_utc"]) for row in rows)


def existing_user(store: Store, login_name: str) -> User:
    """The account with *login_name*.

    Raises
    ------
    AuthenticationError
        If there is none.
    """
    user = find_user(store, login_name)
    if user is None:
        raise AuthenticationError(_shown(login_name), "no such user")
    return user


def active_admins(store: Store) -> tuple[str, ...]:
    """Logins of the active admin accounts."""
    return tuple(row["login"] for row in store._rows(
        "SELECT login FROM users WHERE role = 'admin' AND is_active = 1 ORDER BY login"))


def work_on_record(store: Store, user_id: int) -> tuple[str, ...]:
    """What the record holds of a user's part in the trial: reading tasks, adjudications,
    signatures (each named once, in that order)."""
    found = []
    for what, sql in (
            ("reading tasks", "SELECT 1 FROM tasks WHERE reader_id = ? LIMIT 1"),
            ("adjudications", "SELECT 1 FROM adjudications WHERE adjudicator_id = ? LIMIT 1"),
            ("signatures", "SELECT 1 FROM signatures WHERE user_id = ? LIMIT 1")):
        if store._row(sql, (user_id,)) is not None:
            found.append(what)
    return tuple(found)


def set_active(store: Store, actor_id: int, login_name: str, active: bool,
               reason: str) -> None:
    """Deactivate or reactivate an account, with the reason (inside the caller's
    transaction; whether it may is the caller's rule). A deactivated account's sessions
    end: here at once, in other processes at their next call (``session_user``)."""
    user = existing_user(store, login_name)
    ledger.update(store, actor_id, "user", user.user_id, {"is_active": int(active)},
                  action="reactivate" if active else "deactivate", note={"reason": reason})
    if not active:
        store._sessions.end_user(user.user_id)


def set_role(store: Store, actor_id: int, login_name: str, role: Role) -> None:
    """Change an account's role (inside the caller's transaction; the caller's rule)."""
    user = existing_user(store, login_name)
    ledger.update(store, actor_id, "user", user.user_id, {"role": Role(role).value},
                  action="set_role")


# -- settings (core.store.settings) ---------------------------------------------------------

def idle_minutes(store: Store) -> int:
    """Minutes of inactivity after which a session ends (``IDLE_SETTING``)."""
    value = get_setting(store, IDLE_SETTING)
    return DEFAULT_IDLE_MINUTES if value is None else int(value)


# -- log-in -------------------------------------------------------------------------------

def _login_digest_kdf(store: Store) -> tuple[bytes, ScryptParams]:
    """The store's salt and cost for unknown-login digests, made at the first need."""
    value = get_setting(store, LOGIN_DIGEST_SETTING)
    if value is None:
        with store.transaction():
            value = get_setting(store, LOGIN_DIGEST_SETTING)
            if value is None:
                value = {"salt": secrets.token_hex(16), "n": DEFAULT_KDF.n,
                         "r": DEFAULT_KDF.r, "p": DEFAULT_KDF.p}
                put_setting(store, None, LOGIN_DIGEST_SETTING, value)
    return bytes.fromhex(value["salt"]), ScryptParams(value["n"], value["r"], value["p"])


def typed_login_record(store: Store, typed: str) -> dict[str, Any]:
    """What the audit keeps of a login that names no account: never the text.

    A password is sometimes typed into the login field; a fast digest of it would let
    whoever reads the audit test guesses at SHA-256 speed, so the digest is scrypt at the
    cost of a password hash, with a salt of this store: repeated attempts of one text share
    an identifier, and guessing it costs what guessing a stored password costs.
    """
    salt, params = _login_digest_kdf(store)
    return {"login_digest": _scrypt(typed, salt, params).hex()[:LOGIN_DIGEST_HEX],
            "login_length": len(typed)}


def _refuse_unbounded(login_name: str, password: str) -> None:
    """Refuse input no account can have, before anything is read, hashed or written."""
    if not login_name:
        raise AuthenticationError("", "no login given")
    if len(login_name) > MAX_LOGIN_LENGTH:
        raise AuthenticationError(_shown(login_name), f"a login has at most "
                                  f"{MAX_LOGIN_LENGTH} characters; nothing was recorded")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AuthenticationError(login_name, f"a password has at most "
                                  f"{MAX_PASSWORD_LENGTH} characters; nothing was checked")


def _count_failure(store: Store, user_id: int, action: str) -> bool:
    """Count one failure inside the caller's write transaction; True if it locked.

    The count is re-read under the write lock (``BEGIN IMMEDIATE``), so failures of
    processes guessing at once add up instead of overwriting each other.
    """
    if not store._db.conn.in_transaction:
        raise RuntimeError("failures are counted inside Store.transaction()")
    row = store._row("SELECT failed_logins FROM users WHERE id = ?", (user_id,))
    assert row is not None
    failures = int(row["failed_logins"]) + 1
    locked = failures >= MAX_FAILED_LOGINS
    ledger.update(store, user_id, "user", user_id,
                  {"failed_logins": failures, "is_locked": int(locked)}, action=action)
    return locked


def _attempt(store: Store, login_name: str, password: str,
             typed: dict[str, Any] | None) -> tuple[dict[str, Any] | None, CoreError | None]:
    """One log-in attempt inside the write transaction: (the user row, or the refusal).

    The password is checked only for an account that is neither locked nor deactivated,
    and under the write lock with its count, so no more than ``MAX_FAILED_LOGINS``
    passwords are ever checked against an account before it locks.
    """
    row = store._row("SELECT * FROM users WHERE login = ?", (login_name,))
    wrong = AuthenticationError(login_name, "unknown login or wrong password")
    if row is None:
        audit.record(store, None, "login_failed", "user", None, None,
                     {**(typed or typed_login_record(store, login_name)),
                      "reason": "unknown login"})
        return None, wrong
    if row["is_locked"] or not row["is_active"]:
        reason = "account locked" if row["is_locked"] else "account deactivated"
        audit.record(store, row["id"], "login_refused", "user", row["id"], None,
                     {"reason": reason})
        if row["is_locked"]:
            return None, AccountLockedError(login_name, "account locked after repeated "
                                            "failed logins; an admin must unlock it")
        return None, AuthenticationError(login_name, "account deactivated")
    if not check_password(password, row["password_hash"]):
        if _count_failure(store, row["id"], "login_failed"):
            return None, AccountLockedError(login_name, f"account locked after "
                                            f"{MAX_FAILED_LOGINS} failed logins; an admin "
                                            "must unlock it")
        return None, wrong
    ledger.update(store, row["id"], "user", row["id"], {"failed_logins": 0}, action="login")
    return row, None


def login(store: Store, login_name: str, password: str) -> Session:
    """Check *password* and return a ``Session`` for every later call.

    The only way to a session. With a temporary password (set by an admin) the session
    may do nothing but ``core.actions.change_password``.

    Raises
    ------
    AuthenticationError
        Unknown login, wrong password, deactivated account (audited), or a login or
        password longer than any account's (refused before anything is recorded).
    AccountLockedError
        The account is locked after ``MAX_FAILED_LOGINS`` failures.
    """
    _refuse_unbounded(login_name, password)
    # The digest of an unknown login costs a KDF run: made before the write lock is taken.
    typed = None if find_user(store, login_name) else typed_login_record(store, login_name)
    with store.transaction():
        row, refusal = _attempt(store, login_name, password, typed)
    if refusal is not None:
        raise refusal
    assert row is not None
    token = store._sessions.issue(row["id"], row["password_hash"])
    return Session(token, row["id"], row["login"], row["display_name"], Role(row["role"]))


def logout(store: Store, session: Session) -> None:
    """End *session*: the store refuses it from now on."""
    if store._sessions.find(session.token, session.user_id) is None:
        return
    store._sessions.end(session.token)
    with store.transaction():
        audit.record(store, session.user_id, "logout", "user", session.user_id)


def set_clock(store: Store, clock: Clock) -> None:
    """Measure the inactivity of *store*'s sessions with *clock* (monotonic seconds).

    For tests, which advance a clock instead of sleeping.
    """
    store._sessions.set_clock(clock)


def session_user(store: Store, session: Session, *, allow_temporary: bool = False) -> User:
    """The user acting through *session*, after checking the session is live.

    Identity only: what the user may do is decided by the action (``core.actions``). A
    session ends when it has been idle for ``idle_minutes``, when the account is locked or
    deactivated, and when the password is changed or reset; each call that passes counts
    as activity. A session opened with a temporary password passes only with
    *allow_temporary* (changing the password).

    Raises
    ------
    PermissionDeniedError
        If the session was not issued by this store to this user, has expired or ended,
        the account is locked or inactive, or the temporary password is still to change.
    """
    registry = store._sessions
    token = getattr(session, "token", None)
    entry = registry.find(token, getattr(session, "user_id", None))
    if entry is None:
        raise PermissionDeniedError(store.path.name, "not logged in (session unknown)")
    who = f"user {session.login!r}"
    minutes = idle_minutes(store)
    now = registry.now()
    if now - entry.last_used > minutes * 60:
        registry.end(token)
        raise PermissionDeniedError(who, f"session expired after {minutes} minutes of "
                                    "inactivity; log in again")
    row = store._row("SELECT * FROM users WHERE id = ?", (entry.user_id,))
    if row is None or row["is_locked"] or not row["is_active"]:
        registry.end(token)
        raise PermissionDeniedError(who, "account locked or inactive")
    if not registry.issued_under(entry, row["password_hash"]):
        registry.end(token)
        raise PermissionDeniedError(who, "the password was changed or reset since this "
                                    "log-in; log in again")
    entry.last_used = now
    if row["must_change_password"] and not allow_temporary:
        raise PermissionDeniedError(who, f"{TEMPORARY_PASSWORD_FIRST} (this session may "
                                    "do nothing else)")
    return user_from_row(row)


def signer_confirmed(store: Store, session: Session, password: str,
                     action: str = "signature_failed") -> bool:
    """Check the session user's password again (21 CFR 11.200(a)): a signature, a change.

    Call it inside the action's write transaction, before anything is changed. A wrong
    password is audited (as *action*) and counted toward the lock-out (a lock-out also ends
    the session); the caller then lets its transaction commit that count, changes nothing,
    and refuses.
    """
    row = store._row("SELECT * FROM users WHERE id = ?", (session.user_id,))
    if row is None:
        return False
    if check_password(password, row["password_hash"]):
        if row["failed_logins"]:  # the lock-out counts failures in a row (11.300(d))
            ledger.update(store, row["id"], "user", row["id"], {"failed_logins": 0},
                          action=f"{action.removesuffix('_failed')}_confirmed")
        return True
    if _count_failure(store, row["id"], action):
        store._sessions.end(session.token)
    return False
