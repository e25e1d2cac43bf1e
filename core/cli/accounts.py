"""``mrecist settings`` and ``mrecist recover-admin``: session policy, and the way back in
for a locked-out last admin.

``recover-admin`` logs no one in: its authority is write access to the store file, which
whoever runs it has (the site grants it to the trial's system administrator alone,
docs/security.md). With that access the file could be changed in any way; this command
does only this, and the audit records it as a file-system recovery.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from core.actions import recover_admin, session_idle_minutes, set_session_idle_minutes
from core.actions.safekeeping import anchor_copy, set_anchor_copy
from core.cli.common import (
    PasswordSource,
    add_db_argument,
    add_login_arguments,
    guarded,
    open_as_user,
)
from core.cli.trial import read_new_password
from core.errors import StoreError
from core.store import MAX_IDLE_MINUTES, open_store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``settings`` and ``recover-admin`` subcommands."""
    settings = subparsers.add_parser(
        "settings", help="show or set the session idle time and the site's anchor copy",
        description="Print the store's settings; with --session-idle-minutes, set the "
        "inactivity after which a session ends; with --anchor-copy, a second file every "
        "audit anchor is appended to (admin only, audited).")
    add_login_arguments(settings)
    settings.add_argument("--session-idle-minutes", type=int, metavar="N",
                          help=f"end sessions idle for N minutes (1 to {MAX_IDLE_MINUTES})")
    copy = settings.add_mutually_exclusive_group()
    copy.add_argument("--anchor-copy", type=Path, metavar="FILE",
                      help="also append every audit anchor to FILE, e.g. on an append-only "
                      "share the readers cannot write (admin; docs/security.md §3)")
    copy.add_argument("--no-anchor-copy", action="store_true",
                      help="stop keeping the site's anchor copy (admin)")
    settings.set_defaults(handler=guarded(_run_settings))

    recover = subparsers.add_parser(
        "recover-admin", help="give a locked-out admin a temporary password (file access)",
        description="Unlock an admin account and give it a temporary password, to change "
        "at the next log-in, without logging in: for the last admin locked out or whose "
        "password is lost. It needs write access to the store file, which is its "
        "authority, and is audited as a file-system recovery. With --password-stdin, "
        "standard input holds the temporary password.")
    add_db_argument(recover)
    recover.add_argument("--login", required=True, help="the admin account to recover")
    recover.add_argument("--password-stdin", action="store_true",
                         help="read the temporary password from standard input")
    recover.set_defaults(handler=guarded(_run_recover))


def _run_settings(args: argparse.Namespace) -> int:
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        if args.session_idle_minutes is not None:
            set_session_idle_minutes(store, session, args.session_idle_minutes)
        if args.anchor_copy is not None or args.no_anchor_copy:
            set_anchor_copy(store, session, None if args.no_anchor_copy else args.anchor_copy)
        minutes = session_idle_minutes(store, session)
        copy = anchor_copy(store, session) if session.role.value in ("admin", "coordinator") \
            else None
    print(f"{args.db}: session_idle_minutes = {minutes}")
    if copy is not None:
        print(f"{args.db}: anchor_copy = {copy}")
    return 0


def _run_recover(args: argparse.Namespace) -> int:
    if args.db.is_file() and not os.access(args.db, os.W_OK):
        raise StoreError(args.db, "recover-admin needs write access to the store file")
    temporary = read_new_password(PasswordSource(args.password_stdin),
                                  f"temporary password for {args.login}: ")
    with open_store(args.db) as store:
        recover_admin(store, args.login, temporary)
    print(f"{args.db}: admin {args.login!r} is unlocked with a temporary password, to be "
          "changed at the next log-in (`mrecist user password`); audited as a file-system "
          "recovery")
    return 0
