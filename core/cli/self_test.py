"""``mrecist self-test``: check that this installation works, on this machine (issue #15).

Prints ``PASS name (what was shown)`` or ``FAIL name: reason`` per check and a summary;
exit 0 when every check passed, 1 when one failed, 2 for an unusable ``--report``.
``--report FILE`` keeps the report (JSON for ``.json``, else text) for the installation
qualification record (docs/install.md). The GUI's ``mrecist-workstation --self-test``
runs the same checks and draws the main window too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.actions.self_test import check_report_path, headless_checks, run_and_report
from core.cli.common import guarded


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``self-test`` subcommand."""
    parser = subparsers.add_parser(
        "self-test", help="check that this installation works (installation qualification)",
        description="Import every module, decode a sample image of every transfer syntax "
        "the workstation reads, make and read back a scratch trial store (accounts, a "
        "signature, the audit chain), upgrade a store of every earlier schema after its "
        "copy, evaluate a case file with a known result and write and read back a one-page "
        "PDF, all in a temporary folder. Exit 0 only when every check passed.")
    parser.add_argument("--report", type=Path, metavar="FILE",
                        help="also write the report to FILE (JSON if it ends in .json, else "
                        "text): version, platform, time and each check")
    parser.set_defaults(handler=guarded(run))


def run(args: argparse.Namespace) -> int:
    check_report_path(args.report)
    return run_and_report(headless_checks(), "mrecist self-test", args.report, sys.stdout)
