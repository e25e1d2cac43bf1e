"""Rules of the admin's account management, pure: who may be deactivated, re-roled.

Each returns ``None`` when allowed, else the sentence that says why not
(docs/security.md §6).
"""

from __future__ import annotations

from collections.abc import Sequence

from core.model.reading import Role
from core.model.trial import User

MAX_REASON_LENGTH = 500


def reason_refusal(reason: str) -> str | None:
    """Why *reason* cannot be the recorded reason of an account change, or ``None``."""
    if not reason.strip():
        return "a reason is required (it is recorded in the audit)"
    if len(reason) > MAX_REASON_LENGTH:
        return f"a reason has at most {MAX_REASON_LENGTH} characters"
    return None


def deactivation_refusal(actor: User, target: User, active_admins: Sequence[str],
                         reason: str) -> str | None:
    """Why *actor* may not deactivate *target*, or ``None``.

    An admin never deactivates their own account, and never the last active admin: no one
    could then manage accounts, and the only way back would be the file-system recovery
    (``mrecist recover-admin``), which does not reactivate.
    """
    if not target.is_active:
        return "already deactivated"
    if target.role is Role.ADMIN and list(active_admins) == [target.login]:
        return ("the last active admin cannot be deactivated (no one could then manage "
                "accounts); add another admin first")
    if target.user_id == actor.user_id:
        return "an admin cannot deactivate their own account"
    return reason_refusal(reason)


def reactivation_refusal(target: User, reason: str) -> str | None:
    """Why *target* may not be reactivated, or ``None``."""
    if target.is_active:
        return "already active"
    return reason_refusal(reason)


def role_change_refusal(actor: User, target: User, role: Role,
                        active_admins: Sequence[str], work: Sequence[str]) -> str | None:
    """Why *actor* may not give *target* the role *role*, or ``None``.

    A role changes only before its holder has any part in the trial (*work*: reading
    tasks, adjudications, signatures on record). A reader who becomes adjudicator would
    adjudicate subjects they read; an adjudicator who becomes reader would read subjects
    whose reads they saw; a signature's meaning rests on the role it was made in
    (docs/reading.md §2). Such a person gets a second account instead. An admin keeps their
    own role, and the last active admin stays admin.
    """
    role = Role(role)
    if role is target.role:
        return f"already has the role {role.value}"
    if target.role is Role.ADMIN and target.is_active and list(active_admins) == [target.login]:
        return "the last active admin must stay admin; add another admin first"
    if target.user_id == actor.user_id:
        return "an admin cannot change their own role"
    if work:
        return (f"has {', '.join(work)} on record: a role changes only before any part in "
                "the trial (blinding); create a separate account for the new role")
    return None
