"""``mrecist db init``, ``mrecist audit verify`` and ``mrecist backup``: the store's file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.actions.safekeeping import backup_store, rotate_store_backups, verify_store
from core.cli.common import (
    PasswordSource,
    add_db_argument,
    add_login_arguments,
    guarded,
    open_as_user,
)
from core.errors import CoreError
from core.model.clinical import DEFAULT_TRIGGERS, CaseOptions, Criteria, Trigger
from core.store import DEFAULT_KEEP, init_store, open_store, open_store_read_only

EXIT_AUDIT_BROKEN = 1


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
        "verify", help="check the audit chain, the schema, the tables and the anchors",
        description="Recompute the audit's hash chain, compare the schema with the "
        "application's, replay the audit against every audited table, and check the audit "
        "against the checkpoint file beside the store and any other anchors given. Exit 0 "
        "when everything holds, 1 naming each discrepancy (docs/security.md).")
    add_db_argument(check)
    check.add_argument("--record", action="store_true",
                       help="record the outcome in the store's audit, for the coordinator's "
                       "screen (without it the store is opened read-only and left as it is)")
    check.add_argument("--anchors", type=Path, nargs="+", default=[], metavar="FILE",
                       help="more anchors: a site's anchor copy, a backup's .anchor file, "
                       "a backup itself, an exported report")
    check.set_defaults(handler=guarded(_run_verify))

    copy = subparsers.add_parser(
        "backup", help="copy a live store with SQLite's online backup API",
        description="Copy the store while it is in use and check the copy's integrity; "
        "an admin or coordinator only (a copy holds both reads). Beside the copy, "
        "<copy>.anchor records the audit head it holds.")
    add_login_arguments(copy)
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
    opened = open_store(args.db) if args.record else open_store_read_only(args.db)
    with opened as store:
        result = verify_store(store, args.anchors, record=args.record)
    stored = result.store
    for waiting in result.awaiting_resignature:
        print(f"{args.db}: {waiting.without_values()}")
    if result.is_intact:
        tail = (f"; {stored.unanchored_rows} newest rows not yet anchored"
                if stored.unanchored_rows else "")
        print(f"{args.db}: intact: audit chain of {stored.audit_rows} rows, schema, tables, "
              f"{len(result.signatures)} signatures and {stored.anchors_checked} anchors{tail}")
        return 0
    chain = stored.chain
    if not chain.is_intact:
        print(f"{args.db}: audit row {chain.first_broken_id}: {chain.reason} "
              f"(rows before it are intact: {chain.rows_checked})", file=sys.stderr)
    for found in stored.discrepancies:
        print(f"{args.db}: {found}", file=sys.stderr)
    for signature in result.tampered_signatures:
        print(f"{args.db}: signature of {signature.without_values()}", file=sys.stderr)
    if result.signatures_unchecked is not None:
        print(f"{args.db}: signatures could not be checked: {result.signatures_unchecked}",
              file=sys.stderr)
    return EXIT_AUDIT_BROKEN


def _run_backup(args: argparse.Namespace) -> int:
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        if args.rotate_into is not None:
            made = rotate_store_backups(store, session, args.rotate_into, args.keep)
        else:
            made = backup_store(store, session, args.out)
    print(f"{args.db}: backed up to {made}")
    return 0
