"""The headless command line, ``mrecist``.

Each subcommand lives in its own module under ``core.cli`` and exposes
``register(subparsers)``; this module only assembles them, imported by name so that tools
(import-linter, mypy, PyInstaller) can follow every import. The CLI is a thin layer over
the ``core`` API (``core.actions`` for what users do), so everything it does is also
available to scripts.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from types import ModuleType

from core.cli import (
    accounts,
    clinical,
    db,
    demo,
    endpoints,
    evaluate,
    import_dicom,
    inspect,
    labs,
    report,
    self_test,
    stats,
    suggest,
    trial,
)
from core.cli.common import EXIT_INTERRUPTED, check_text_arguments, guarded

# The modules that define subcommands, in the order ``--help`` lists them.
SUBCOMMAND_MODULES: tuple[ModuleType, ...] = (
    demo, evaluate, stats, labs, inspect, import_dicom, suggest, db, trial, accounts,
    clinical, endpoints, report, self_test,
)


def build_parser() -> argparse.ArgumentParser:
    """Return the ``mrecist`` argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="mrecist",
        description="mRECIST Workstation, headless: demo data, response evaluation, trial store.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in SUBCOMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mrecist`` with *argv* and return the process exit status.

    Whatever the input, the status is 0, 1 (``audit verify`` found a break), 2 with one
    line on stderr saying why, or 130 after Ctrl-C: every handler runs inside ``guarded``,
    the last resort behind the named errors.
    """
    for stream in (sys.stdout, sys.stderr):
        # A path or label the console's encoding cannot show is written escaped, not a
        # UnicodeEncodeError (a console set to ASCII, a file name that is not UTF-8).
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except KeyboardInterrupt:
        print("mrecist: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    handler = args.handler

    def checked(args: argparse.Namespace) -> int:
        check_text_arguments(args)
        return int(handler(args) or 0)

    return guarded(checked)(args)


if __name__ == "__main__":
    sys.exit(main())
