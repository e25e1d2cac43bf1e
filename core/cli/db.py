"""``mrecist db init``, ``mrecist audit verify`` and ``mrecist backup``: the store's file.

Passwords are never arguments: they are read from standard input with
``--password-stdin`` (one per line) or asked for without echo. Every error is one line on
stderr naming the file or entity and the reason, with exit status 2.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from core.errors import CoreError
from core.model.clinical import DEFAULT_TRIGGERS, CaseOptions, Criteria, Trigger
from core.model.trial import Session
from core.store import Store, backup, init_store, login, open_store, rotate_backups, verify
from core.store.backup import DEFAULT_KEEP
from core.store.db import DEFAULT_BUSY_TIMEOUT_S

EXIT_ERROR = 2
EXIT_AUDIT_BROKEN = 1


class PasswordSource:
    """Passwords from standard input (one per line) or, without it, from a no-echo prompt."""

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin

    def read(self, prompt: str) -> str:
        """The next password.

        Raises
        ------
        CoreError
            Standard input has run out, or there is no terminal to ask on (a script must
            pass ``--password-stdin``; getpass would read stdin with a warning and fail).
        """
        what = prompt.rstrip(": ")
        if not self.from_stdin:
            if not sys.stdin.isatty():
                raise CoreError(f"no terminal to ask for the {what}; give it on standard "
                                "input with --password-stdin")
            try:
                return getpass.getpass(prompt)
            except EOFError:
                raise CoreError(f"no {what} given (the input ended)") from None
        line = sys.stdin.readline()
        if not line:
            raise CoreError(f"standard input: no password for {what}")
        return line.rstrip("\r\n")


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """``--db FILE``: the trial store."""
    parser.add_argument("--db", type=Path, required=True, metavar="FILE",
                        help="the trial store (one SQLite file per trial)")


def add_login_arguments(parser: argparse.ArgumentParser) -> None:
    """``--db``, ``--user`` and ``--password-stdin`` for commands that act as a user."""
    add_db_argument(parser)
    parser.add_argument("--user", required=True, metavar="LOGIN",
                        help="the acting user (their password is asked for)")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read passwords from standard input, one per line")


def guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the named errors of ``core`` into one line on stderr and exit status 2."""

    def handler(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except CoreError as error:
            print(f"mrecist {args.command}: {error}", file=sys.stderr)
            return EXIT_ERROR

    return handler


def open_as_user(args: argparse.Namespace, passwords: PasswordSource) -> tuple[Store, Session]:
    """Open ``args.db`` and log in as ``args.user``; return the store and the session."""
    store = open_store(args.db, busy_timeout_s=DEFAULT_BUSY_TIMEOUT_S)
    try:
        session = login(store, args.user, passwords.read(f"password of {args.user}: "))
    except BaseException:
        store.close()
        raise
    return store, session


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``db``, ``audit`` and ``backup`` subcommands."""
    db = subparsers.add_parser("db", help="create a trial store",
                               description="Create the trial store of a new trial.")
    db_commands = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = db_commands.add_parser(
        "init", help="create a new trial store with its first admin account",
        description="Create a trial store: one SQLite file holding the trial's users, "
        "subjects, reads, adjudications and audit trail.")
    add_db_argument(init)
    init.add_argument("--trial", required=True, help="the trial's name")
    init.add_argument("--criteria", required=True, choices=[c.value for c in Criteria])
    init.add_argument("--admin", default="admin", help="login of the first admin")
    init.add_argument("--admin-name", default="Administrator", help="the admin's name")
    init.add_argument("--password-stdin", action="store_true",
                      help="read the admin's password from standard input")
    init.add_argument("--triggers", default=",".join(DEFAULT_TRIGGERS),
                      help="adjudication triggers, comma-separated, from: "
                      + ", ".join(t.value for t in Trigger))
    init.add_argument("--confirmation-days", type=int, default=None)
    init.add_argument("--sd-min-days", type=int, default=None)
    init.set_defaults(handler=guarded(_run_init))

    audit = subparsers.add_parser("audit", help="check the audit trail",
                                  description="Check the store's hash-chained audit trail.")
    audit_commands = audit.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = audit_commands.add_parser(
        "verify", help="recompute the hash chain and report the first broken link",
        description="Exit 0 when every link holds, 1 naming the first broken row.")
    add_db_argument(check)
    check.set_defaults(handler=guarded(_run_verify))

    copy = subparsers.add_parser(
        "backup", help="copy a live store with SQLite's online backup API",
        description="Copy the store while it is in use and check the copy's integrity.")
    add_db_argument(copy)
    target = copy.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, metavar="FILE",
                        help="the backup file (must not exist)")
    target.add_argument("--rotate-into", type=Path, metavar="DIR",
                        help="write a timestamped backup into DIR and keep the newest --keep")
    copy.add_argument("--keep", type=int, default=DEFAULT_KEEP,
                      help=f"backups kept with --rotate-into (default {DEFAULT_KEEP})")
    copy.set_defaults(handler=guarded(_run_backup))


def _run_init(args: argparse.Namespace) -> int:
    passwords = PasswordSource(args.password_stdin)
    password = passwords.read(f"password for the new admin {args.admin}: ")
    try:
        triggers = tuple(Trigger(name.strip()) for name in args.triggers.split(",") if name)
    except ValueError as error:
        raise CoreError(f"--triggers: {error}") from None
    options = CaseOptions(confirmation_days=args.confirmation_days,
                          sd_min_days=args.sd_min_days)
    store = init_store(args.db, args.trial, args.criteria, args.admin, args.admin_name,
                       password, options=options, triggers=triggers)
    store.close()
    print(f"{args.db}: created trial {args.trial!r} ({args.criteria}) with admin {args.admin!r}")
    return 0


def _run_verify(args: argparse.Namespace) -> int:
    with open_store(args.db) as store:
        verdict = verify(store)
    if verdict.is_intact:
        print(f"{args.db}: audit trail intact ({verdict.rows_checked} rows)")
        return 0
    print(f"{args.db}: audit row {verdict.first_broken_id}: {verdict.reason} "
          f"(rows before it are intact: {verdict.rows_checked})", file=sys.stderr)
    return EXIT_AUDIT_BROKEN


def _run_backup(args: argparse.Namespace) -> int:
    with open_store(args.db) as store:
        if args.rotate_into is not None:
            made = rotate_backups(store, args.rotate_into, args.keep)
        else:
            made = backup(store, args.out)
    print(f"{args.db}: backed up to {made}")
    return 0
