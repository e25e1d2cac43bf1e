"""Who may act: the session's user, their role, and whether a task is theirs.

Blinding is decided here, once for every action: a reader's call may touch only their own
tasks, and a task, lesion or timepoint of another read is refused with the same message
whether or not it exists, so ids cannot be used to probe the other read (docs/reading.md §2).
"""

from __future__ import annotations

from core.errors import PermissionDeniedError
from core.model.reading import Role
from core.model.trial import Session, Task, User
from core.store import Store, auth, reads


def authorize(store: Store, session: Session, *roles: Role) -> User:
    """The acting user, after checking the session is live and the role is one of *roles*.

    Raises
    ------
    PermissionDeniedError
        Unknown session, locked or inactive account, or a role not allowed to do this.
    """
    user = auth.session_user(store, session)
    if user.role not in roles:
        allowed = " or ".join(role.value for role in roles)
        raise PermissionDeniedError(f"user {session.login!r}",
                                    f"role {user.role.value} may not do this (needs {allowed})")
    return user


def own_task(store: Store, user: User, task_id: int) -> Task:
    """Task *task_id*, if it is *user*'s.

    Raises
    ------
    PermissionDeniedError
        If there is no such task or it is another reader's (one message for both).
    """
    task = reads.find_task(store, task_id)
    if task is None or task.reader_id != user.user_id:
        raise PermissionDeniedError(f"task {task_id}", "not found or not yours")
    return task


def own_lesion_task(store: Store, user: User, lesion_id: int) -> Task:
    """The task of lesion *lesion_id*, if it is *user*'s (same refusal as :func:`own_task`)."""
    task_id = reads.lesion_task_id(store, lesion_id)
    task = None if task_id is None else reads.find_task(store, task_id)
    if task is None or task.reader_id != user.user_id:
        raise PermissionDeniedError(f"lesion {lesion_id}", "not found or not yours")
    return task
