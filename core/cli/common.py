"""What every ``mrecist`` subcommand shares: one-line errors, passwords, logging in.

Passwords are never arguments: they are read from standard input with
``--password-stdin`` (one per line) or asked for without echo. Every error is one line on
stderr naming the file or entity and the reason, with exit status 2.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from core.errors import CoreError, DicomImportError
from core.model.trial import Session
from core.store import Store, login, open_store
from core.store.db import DEFAULT_BUSY_TIMEOUT_S

EXIT_ERROR = 2


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


def check_paths_exist(paths: Sequence[Path]) -> None:
    """Refuse the first of *paths* that does not exist, before anything is scanned.

    A typo must not pass for an empty export: the scan would find nothing and say so.

    Raises
    ------
    DicomImportError
        Naming the path.
    """
    for path in paths:
        if not path.exists():
            raise DicomImportError(path, "no such file or folder")
