"""Accounts once they exist: a user's own password, an admin's reset, the file-system
recovery of an admin account, and how long an idle session lives.

The rules (docs/security.md): an admin sets only temporary passwords (``add_user``,
``reset_password``), which the account must change before it may do anything else, so
only the user ever knows a working password of theirs (21 CFR 11.300(b)); a change needs
the current password again, and a wrong one counts toward the lock-out like a failed
log-in (11.300(d)); passwords follow NIST SP 800-63B §5.1.1.2
(``core.store.auth.password_refusal``).
"""

from __future__ import annotations

from core.actions._access import authorize
from core.errors import (
    AccountLockedError,
    AuthenticationError,
    PermissionDeniedError,
    WorkflowError,
)
from core.model.reading import Role
from core.model.trial import Session, User
from core.store import Store, auth, settings
from core.store.auth import DEFAULT_KDF, MAX_FAILED_LOGINS, MAX_IDLE_MINUTES, ScryptParams

RECOVERY_NOTE = ("file-system recovery: run by whoever can write the store file, "
                 "without a log-in")


def change_password(store: Store, session: Session, current_password: str,
                    new_password: str, kdf: ScryptParams = DEFAULT_KDF) -> None:
    """Change the session user's own password; the only thing a temporary one allows.

    The session stays live; the user's other sessions end at their next call.

    Raises
    ------
    AuthenticationError
        The current password does not match (counted toward the lock-out; nothing is
        changed), the new one equals it, or ``password_refusal`` refuses it.
    AccountLockedError
        That wrong current password locked the account (the session has ended).
    PermissionDeniedError
        The session is not live.
    """
    with store.transaction():
        auth.session_user(store, session, allow_temporary=True)
        if new_password == current_password:
            raise AuthenticationError(session.login, "the new password must differ from "
                                      "the current one")
        refusal = auth.password_refusal(new_password, session.login)
        if refusal is not None:
            raise AuthenticationError(session.login, refusal)
        confirmed = auth.signer_confirmed(store, session, current_password,
                                          action="change_password_failed")
        if confirmed:
            auth.set_own_password(store, session, new_password, kdf)
    if confirmed:
        return
    user = auth.find_user(store, session.login)
    if user is not None and user.is_locked:
        raise AccountLockedError(session.login, f"account locked after {MAX_FAILED_LOGINS} "
                                 "failed attempts; an admin must unlock it")
    raise AuthenticationError(session.login, "the current password does not match; the "
                              "password was not changed")


def reset_password(store: Store, session: Session, login: str, temporary_password: str,
                   kdf: ScryptParams = DEFAULT_KDF) -> User:
    """Give an account a new temporary password and unlock it (admin only).

    The account must change it at its next log-in; its sessions under the old password
    end. The reset is audited with the admin as the actor.
    """
    with store.transaction():
        actor = authorize(store, session, Role.ADMIN)
        return auth.set_temporary_password(store, actor.user_id, login, temporary_password,
                                           kdf, action="reset_password")


def recover_admin(store: Store, login: str, temporary_password: str,
                  kdf: ScryptParams = DEFAULT_KDF) -> User:
    """Give an admin account a temporary password and unlock it, without a log-in.

    For the last admin locked out (or whose password is lost). The authority is write
    access to the store file (``mrecist recover-admin``): whoever has it can change the
    file anyway, and this way it is audited, with no actor and ``RECOVERY_NOTE``.

    Raises
    ------
    AuthenticationError
        No admin account has *login*, or the password is refused.
    """
    with store.transaction():
        user = auth.find_user(store, login)
        if user is None or user.role is not Role.ADMIN:
            raise AuthenticationError(login, "no admin account has this login (recovery "
                                      "is for admin accounts only)")
        return auth.set_temporary_password(store, None, login, temporary_password, kdf,
                                           action="recover_admin",
                                           note={"note": RECOVERY_NOTE})


def must_change_password(store: Store, session: Session) -> bool:
    """True when *session* was opened with a temporary password: it may only change it.

    Raises
    ------
    PermissionDeniedError
        The session is not live.
    """
    with store.snapshot():
        auth.session_user(store, session, allow_temporary=True)
        try:
            auth.session_user(store, session)
        except PermissionDeniedError:
            return True
        return False


def session_idle_minutes(store: Store, session: Session) -> int:
    """Minutes of inactivity after which a session ends (any logged-in user)."""
    with store.snapshot():
        auth.session_user(store, session)
        return auth.idle_minutes(store)


def set_session_idle_minutes(store: Store, session: Session, minutes: int) -> int:
    """Set the minutes of inactivity after which a session ends (admin only), audited.

    Raises
    ------
    WorkflowError
        Outside 1 to ``MAX_IDLE_MINUTES`` (NIST SP 800-63B §4.2.3: at most 30 minutes).
    """
    entity = f"setting {auth.IDLE_SETTING}"
    with store.transaction():
        actor = authorize(store, session, Role.ADMIN)
        if isinstance(minutes, bool) or not isinstance(minutes, int) \
                or not 1 <= minutes <= MAX_IDLE_MINUTES:
            raise WorkflowError(entity, f"a whole number of minutes from 1 to "
                                f"{MAX_IDLE_MINUTES} (NIST SP 800-63B), not {minutes!r}")
        settings.put_setting(store, actor.user_id, auth.IDLE_SETTING, minutes)
    return minutes
