"""The headless command line, ``mrecist``.

Each subcommand lives in its own module under ``core.cli`` and exposes
``register(subparsers)``; this module only assembles them, imported by name so that tools
(import-linter, mypy, PyInstaller) can follow every import. The CLI is a thin layer over
the ``core`` API (``core.actions`` for what users do), so everything it does is also
available to scripts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from core.cli import db, demo, evaluate, import_dicom, inspect, stats, trial

# The modules that define subcommands, in the order ``--help`` lists them.
SUBCOMMAND_MODULES: tuple[ModuleType, ...] = (
    demo, evaluate, stats, inspect, import_dicom, db, trial,
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
    """Run ``mrecist`` with *argv* and return the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
