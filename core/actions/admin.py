"""The admin's screens: accounts, roles and the audit trail.

Accounts and the audit are the admin's alone: the coordinator follows progress and
results (``core.actions.reports``) and has no need of who logged in when, or of any
account's lock state, so ``list_users`` and ``audit_trail`` refuse every other role. The
admin is not a reader: the audit trail shows the values of accounts, settings and set-up,
and of a read's rows only which columns changed (``core.reading.audit_summary``).

The rules of a change are pure (``core.reading.accounts``): no admin deactivates their
own account or the last active admin; a role changes only before its holder has any part
in the trial (docs/security.md §6).
"""

from __future__ import annotations

from core.actions._access import authorize
from core.errors import AuthenticationError, WorkflowError
from core.model.admin import AuditEntry, AuditFilter, AuditPage, UserSummary
from core.model.reading import Role
from core.model.trial import Session
from core.reading.accounts import (
    deactivation_refusal,
    reactivation_refusal,
    role_change_refusal,
)
from core.reading.audit_summary import audit_summary
from core.store import Store, audit, auth
from core.store import trial as trial_store

DEFAULT_PAGE_ROWS = 200
MAX_PAGE_ROWS = 1000


def list_users(store: Store, session: Session) -> tuple[UserSummary, ...]:
    """Every account in login order, with its state and last log-in (admin only)."""
    with store.snapshot():
        authorize(store, session, Role.ADMIN)
        return auth.user_summaries(store)


def deactivate_user(store: Store, session: Session, login: str, reason: str) -> None:
    """Deactivate an account with a reason (admin only), audited; its sessions end.

    The account keeps its history and its place in the record (tasks, signatures); it can
    no longer log in, and a session of it still open ends at its next call.

    Raises
    ------
    AuthenticationError
        No such account.
    WorkflowError
        One's own account, the last active admin, already deactivated, or no reason.
    """
    with store.transaction():
        actor = authorize(store, session, Role.ADMIN)
        target = auth.existing_user(store, login)
        refusal = deactivation_refusal(actor, target, auth.active_admins(store), reason)
        if refusal is not None:
            raise WorkflowError(f"user {login!r}", refusal)
        auth.set_active(store, actor.user_id, login, False, reason.strip())


def reactivate_user(store: Store, session: Session, login: str, reason: str) -> None:
    """Let a deactivated account log in again (admin only), audited with the reason.

    Raises
    ------
    AuthenticationError
        No such account.
    WorkflowError
        Already active, or no reason.
    """
    with store.transaction():
        actor = authorize(store, session, Role.ADMIN)
        target = auth.existing_user(store, login)
        refusal = reactivation_refusal(target, reason)
        if refusal is not None:
            raise WorkflowError(f"user {login!r}", refusal)
        auth.set_active(store, actor.user_id, login, True, reason.strip())


def set_role(store: Store, session: Session, login: str, role: Role | str) -> None:
    """Give an account another role (admin only), audited; it applies at its next call.

    Raises
    ------
    AuthenticationError
        No such account.
    WorkflowError
        An unknown role, one's own role, the last active admin, the same role, or an
        account with reading tasks, adjudications or signatures on record.
    """
    try:
        new_role = Role(role)
    except ValueError:
        roles = ", ".join(member.value for member in Role)
        raise WorkflowError(f"user {login!r}", f"a role is one of {roles}, not {role!r}"
                            ) from None
    with store.transaction():
        actor = authorize(store, session, Role.ADMIN)
        target = auth.existing_user(store, login)
        refusal = role_change_refusal(actor, target, new_role, auth.active_admins(store),
                                      auth.work_on_record(store, target.user_id))
        if refusal is not None:
            raise WorkflowError(f"user {login!r}", refusal)
        auth.set_role(store, actor.user_id, login, new_role)


def audit_trail(store: Store, session: Session, *, user: str | None = None,
                subject: str | None = None, action: str | None = None,
                limit: int = DEFAULT_PAGE_ROWS, offset: int = 0,
                at_row: int | None = None) -> AuditPage:
    """One page of the audit trail, newest first, filtered by acting login, subject code
    and action (admin only).

    Each row says who, when, what and on which subject, and summarises the change without
    any secret and without the values of a read (``core.reading.audit_summary``): the
    admin is not a reader (docs/reading.md §2). With *at_row* (an audit row id, such as
    the first broken row of a check) the page is the one holding that row, or the nearest
    older one, instead of *offset*.

    Raises
    ------
    WorkflowError
        A limit outside 1 to ``MAX_PAGE_ROWS`` or a negative offset.
    AuthenticationError
        A user filter naming no account.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) \
            or not 1 <= limit <= MAX_PAGE_ROWS:
        raise WorkflowError("audit trail", f"a page has 1 to {MAX_PAGE_ROWS} rows, "
                            f"not {limit!r}")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise WorkflowError("audit trail", f"an offset is 0 or more, not {offset!r}")
    with store.snapshot():
        authorize(store, session, Role.ADMIN)
        user_id = None
        if user is not None:
            found = auth.find_user(store, user)
            if found is None:
                raise AuthenticationError(user, "no such user (audit filter)")
            user_id = found.user_id
        records = audit.records(store, user_id=user_id, action=action)
        if subject is not None:
            records = tuple(record for record in records if record.subject == subject)
        if at_row is not None:
            index = next((i for i, record in enumerate(records) if record.audit_id <= at_row),
                         max(len(records) - 1, 0))
            offset = index // limit * limit
        users = tuple(summary.login for summary in auth.user_summaries(store))
        subjects = tuple(found.code for found in trial_store.all_subjects(store))
        actions = audit.actions(store)
    entries = tuple(AuditEntry(record.audit_id, record.utc, record.user_login, record.action,
                               record.entity, record.entity_id, record.subject,
                               audit_summary(record))
                    for record in records[offset:offset + limit])
    return AuditPage(entries, len(records), offset, limit,
                     AuditFilter(user, subject, action), users, subjects, actions)
