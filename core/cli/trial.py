"""``mrecist user|subject|timepoint|assign|status|export-case``: administer a trial store.

Every command acts as a user (``--user LOGIN``) whose password is read from standard input
(``--password-stdin``) or asked for without echo; the store checks that user's role. An
admin gives accounts temporary passwords only (``user add``, ``user reset``); each user
then chooses their own with ``user password`` before anything else works.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path

from core.actions import (
    add_subject,
    add_timepoint,
    add_user,
    assign,
    change_password,
    export_case_json,
    reset_password,
    set_series_phase,
    trial_status,
    unlock_user,
)
from core.actions.demo import register_demo_trial
from core.actions.setup import SERIES_PHASES
from core.cli.common import (
    PasswordSource,
    add_login_arguments,
    guarded,
    integer,
    open_as_user,
)
from core.cli.evaluate import write_json
from core.errors import CoreError
from core.model.reading import Role
from core.progress import print_progress
from core.store import login, open_store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the trial administration subcommands."""
    user = subparsers.add_parser(
        "user", help="add, reset or unlock accounts (admin); change your password",
        description="Manage the trial's user accounts.")
    user_commands = user.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = user_commands.add_parser(
        "add", help="add a user with a temporary password, to change at the first log-in",
        description="Add a user account with a temporary password: the new user's first "
        "session may do nothing but choose their own (`mrecist user password`). With "
        "--password-stdin, standard input holds the acting admin's password, then the "
        "temporary password.")
    add_login_arguments(add)
    add.add_argument("--login", required=True, help="the new user's login")
    add.add_argument("--name", required=True, help="the new user's display name")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.set_defaults(handler=guarded(_run_user_add))
    unlock = user_commands.add_parser("unlock", help="unlock an account after failed logins")
    add_login_arguments(unlock)
    unlock.add_argument("--login", required=True)
    unlock.set_defaults(handler=guarded(_run_user_unlock))
    reset = user_commands.add_parser(
        "reset", help="give an account a new temporary password and unlock it",
        description="Reset a forgotten password: the account gets a temporary password, to "
        "change at its next log-in, and is unlocked. With --password-stdin, standard input "
        "holds the acting admin's password, then the temporary password.")
    add_login_arguments(reset)
    reset.add_argument("--login", required=True, help="the account to reset")
    reset.set_defaults(handler=guarded(_run_user_reset))
    password = user_commands.add_parser(
        "password", help="change your own password (a temporary one first of all)",
        description="Change the password of --user. With --password-stdin, standard input "
        "holds the current password, then the new one; without it both are asked for, the "
        "new one twice.")
    add_login_arguments(password)
    password.set_defaults(handler=guarded(_run_user_password))

    subject = subparsers.add_parser("subject", help="register subjects (admin, coordinator)")
    subject_commands = subject.add_subparsers(dest="action", metavar="ACTION", required=True)
    subject_add = subject_commands.add_parser(
        "add", help="register a subject with its timepoints, or every subject of a demo trial",
        description="Register a subject by trial code (--subject, with --timepoint "
        "LABEL=YYYY-MM-DD as often as needed) or every subject, timepoint and series of a "
        "demo trial folder (--demo FOLDER).")
    add_login_arguments(subject_add)
    subject_add.add_argument("--subject", help="the subject's trial code")
    subject_add.add_argument("--timepoint", action="append", default=[],
                             metavar="LABEL=DATE", help="a timepoint, in date order")
    subject_add.add_argument("--demo", type=Path, metavar="FOLDER",
                             help="register the demo trial written by `mrecist demo`")
    subject_add.set_defaults(handler=guarded(_run_subject_add))

    timepoint = subparsers.add_parser("timepoint", help="add a timepoint to a subject")
    timepoint_commands = timepoint.add_subparsers(dest="action", metavar="ACTION",
                                                  required=True)
    timepoint_add = timepoint_commands.add_parser(
        "add", help="add a later timepoint; it re-opens the subject's dual-read cycle")
    add_login_arguments(timepoint_add)
    timepoint_add.add_argument("--subject", required=True)
    timepoint_add.add_argument("--label", required=True)
    timepoint_add.add_argument("--date", required=True, type=dt.date.fromisoformat)
    timepoint_add.add_argument("--week", type=integer(-5218, 5218), default=None)
    timepoint_add.set_defaults(handler=guarded(_run_timepoint_add))

    assign_parser = subparsers.add_parser(
        "assign", help="assign a reader to a subject as reader 1 or 2",
        description="Assign a reader to a subject; the two readers of a subject read "
        "independently and blinded to each other.")
    add_login_arguments(assign_parser)
    assign_parser.add_argument("--subject", required=True, nargs="+",
                               help="subject codes (all get the same reader and slot)")
    assign_parser.add_argument("--reader", required=True, help="the reader's login")
    assign_parser.add_argument("--slot", required=True, type=int, choices=[1, 2])
    assign_parser.set_defaults(handler=guarded(_run_assign))

    series = subparsers.add_parser("series", help="correct a registered series (admin, "
                                   "coordinator)")
    series_commands = series.add_subparsers(dest="action", metavar="ACTION", required=True)
    set_phase = series_commands.add_parser(
        "set-phase", help="set the contrast phase of a registered series",
        description="Correct the phase of a series the import could not recognise (it "
        "shows as 'unknown'): readers measure viable tumour on the arterial phase.")
    add_login_arguments(set_phase)
    set_phase.add_argument("--series", required=True, metavar="UID",
                           help="the SeriesInstanceUID")
    set_phase.add_argument("--phase", required=True, choices=SERIES_PHASES)
    set_phase.set_defaults(handler=guarded(_run_set_phase))

    status = subparsers.add_parser(
        "status", help="progress per reader and open adjudications, as JSON",
        description="Print the trial's progress as JSON (coordinator or admin).")
    add_login_arguments(status)
    status.set_defaults(handler=guarded(_run_status))

    export = subparsers.add_parser(
        "export-case", help="write a signed read as an mrecist-case/1 file",
        description="Export one read of a subject as a case file that `mrecist evaluate` "
        "reproduces the engine's result from. Only signed timepoints are exported.")
    add_login_arguments(export)
    export.add_argument("--subject", required=True)
    export.add_argument("--read", choices=["final", "1", "2"], default="final",
                        help="the final read (default) or reader 1's or 2's read")
    export.add_argument("--out", type=Path, help="write here instead of standard output")
    export.set_defaults(handler=guarded(_run_export))


def _run_user_add(args: argparse.Namespace) -> int:
    passwords = PasswordSource(args.password_stdin)
    store, session = open_as_user(args, passwords)
    with store:
        temporary = passwords.read(f"temporary password for the new user {args.login}: ")
        user = add_user(store, session, args.login, args.name, args.role, temporary)
    print(f"{args.db}: added {user.role.value} {user.login!r} ({user.display_name}); the "
          "temporary password must be changed at the first log-in")
    return 0


def _run_user_reset(args: argparse.Namespace) -> int:
    passwords = PasswordSource(args.password_stdin)
    store, session = open_as_user(args, passwords)
    with store:
        temporary = passwords.read(f"temporary password for {args.login}: ")
        reset_password(store, session, args.login, temporary)
    print(f"{args.db}: {args.login!r} has a temporary password, to be changed at the next "
          "log-in, and is unlocked")
    return 0


def read_new_password(passwords: PasswordSource, prompt: str) -> str:
    """A new password: one line of standard input, or asked for twice without echo."""
    new = passwords.read(prompt)
    if not passwords.from_stdin and passwords.read("the same password again: ") != new:
        raise CoreError("the two passwords differ; nothing was changed")
    return new


def _run_user_password(args: argparse.Namespace) -> int:
    passwords = PasswordSource(args.password_stdin)
    current = passwords.read(f"current password of {args.user}: ")
    new = read_new_password(passwords, f"new password for {args.user}: ")
    with open_store(args.db) as store:
        session = login(store, args.user, current)
        change_password(store, session, current, new)
    print(f"{args.db}: changed the password of {args.user!r}")
    return 0


def _run_user_unlock(args: argparse.Namespace) -> int:
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        unlock_user(store, session, args.login)
    print(f"{args.db}: unlocked {args.login!r}")
    return 0


def _parse_timepoint(text: str) -> tuple[str, dt.date]:
    label, _, date = text.rpartition("=")
    try:
        return label.strip(), dt.date.fromisoformat(date.strip())
    except ValueError:
        raise CoreError(f"--timepoint {text!r}: expected LABEL=YYYY-MM-DD") from None


def _run_subject_add(args: argparse.Namespace) -> int:
    if (args.subject is None) == (args.demo is None):
        raise CoreError("give either --subject CODE or --demo FOLDER")
    timepoints = [_parse_timepoint(text) for text in args.timepoint]
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        if args.demo is not None:
            progress = print_progress if sys.stderr.isatty() else None
            count = register_demo_trial(store, session, args.demo, progress)
            print(f"{args.db}: registered {count} subjects of the demo trial in {args.demo}")
            return 0
        add_subject(store, session, args.subject)
        for label, date in timepoints:
            add_timepoint(store, session, args.subject, label, date)
    added = _count(len(timepoints), "timepoint")
    print(f"{args.db}: added subject {args.subject!r} with {added}")
    return 0


def _count(number: int, noun: str) -> str:
    """``1 timepoint``, ``3 timepoints``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _run_timepoint_add(args: argparse.Namespace) -> int:
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        add_timepoint(store, session, args.subject, args.label, args.date, args.week)
    print(f"{args.db}: added {args.label!r} ({args.date}) to {args.subject!r}")
    return 0


def _run_assign(args: argparse.Namespace) -> int:
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        for subject in args.subject:
            assign(store, session, subject, args.reader, args.slot)
    print(f"{args.db}: {args.reader!r} is reader {args.slot} of {', '.join(args.subject)}")
    return 0


def _run_set_phase(args: argparse.Namespace) -> int:
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        series = set_series_phase(store, session, args.series, args.phase)
    print(f"{args.db}: series {series.series_instance_uid} is {series.phase}")
    return 0


def _run_status(args: argparse.Namespace) -> int:
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        status = trial_status(store, session)
    data = dataclasses.asdict(status)
    data["adjudication_rate"] = status.adjudication_rate
    for reader, progress in zip(data["readers"], status.readers, strict=True):
        reader["agreement_with_adjudicator"] = progress.agreement_with_adjudicator
    write_json(data)
    return 0


def _run_export(args: argparse.Namespace) -> int:
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        text = export_case_json(store, session, args.subject, args.read)
    if args.out is None:
        print(text, end="")
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"{args.db}: wrote {args.subject} read {args.read} to {args.out}")
    return 0
