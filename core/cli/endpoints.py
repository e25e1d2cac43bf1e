"""``mrecist endpoints``: each enrolled subject's OS and PFS, the input of the survival
statistics (docs/clinical.md §6; coordinator only)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from core.actions.endpoints import SubjectEndpoints, subject_endpoints
from core.cli.common import PasswordSource, add_login_arguments, guarded, open_as_user
from core.clinical import Endpoint


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``mrecist endpoints``."""
    parser = subparsers.add_parser(
        "endpoints", help="each subject's OS and PFS from the clinical record and the final "
        "reads (coordinator)",
        description="Overall and progression-free survival of every enrolled subject: "
        "days, months, event or censored, and the rule that decided it (the FDA 2018 "
        "censoring table for PFS; docs/clinical.md §6).")
    add_login_arguments(parser)
    parser.add_argument("--json", action="store_true",
                        help="print {\"subjects\": [...]} for scripts and core.stats")
    parser.set_defaults(handler=guarded(_run))


def _endpoint(endpoint: Endpoint | None) -> dict[str, Any] | None:
    if endpoint is None:
        return None
    return {"date": endpoint.date.isoformat(), "days": endpoint.days,
            "months": str(endpoint.months), "event": endpoint.event, "rule": endpoint.rule}


def to_data(rows: tuple[SubjectEndpoints, ...]) -> dict[str, Any]:
    """The JSON form: one object per subject with its ``os`` and ``pfs`` (or null)."""
    return {"subjects": [{"subject": row.subject, "os": _endpoint(row.overall_survival),
                          "pfs": _endpoint(row.progression_free_survival),
                          "note": row.note} for row in rows]}


def _line(name: str, endpoint: Endpoint | None) -> str:
    if endpoint is None:
        return f"{name} –"
    outcome = "event" if endpoint.event else "censored"
    return f"{name} {endpoint.days} d ({endpoint.months} mo) {outcome}: {endpoint.rule}"


def _run(args: argparse.Namespace) -> int:
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        rows = subject_endpoints(store, session)
    if args.json:
        print(json.dumps(to_data(rows), indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        print(row.subject)
        print(f"  {_line('OS ', row.overall_survival)}")
        print(f"  {_line('PFS', row.progression_free_survival)}")
        if row.note:
            print(f"  ({row.note})")
    if not rows:
        print("no enrolled subject yet (record each subject's screening)")
    return 0
