"""The headless command line, ``mrecist``.

Each subcommand lives in its own module under ``core.cli`` and exposes
``register(subparsers)``; this module only assembles them. The CLI is a thin layer over
the ``core`` API, so everything it does is also available to scripts.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules under core.cli that define a subcommand, in the order ``--help`` lists them.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "core.cli.demo",
    "core.cli.evaluate",
    "core.cli.stats",
    "core.cli.inspect",
    "core.cli.import_dicom",
    "core.cli.db",
    "core.cli.trial",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the ``mrecist`` argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="mrecist",
        description="mRECIST Workstation, headless: demo data, response evaluation, trial store.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mrecist`` with *argv* and return the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
