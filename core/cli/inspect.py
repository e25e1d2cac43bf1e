"""``mrecist inspect``: what is in a folder, zip or DICOMDIR, without importing anything."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.cli.common import check_paths_exist, guarded
from core.dicom.report import format_scan_report, scan_report
from core.dicom.scan import scan
from core.progress import print_progress


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``inspect`` subcommand."""
    inspect = subparsers.add_parser(
        "inspect",
        help="list the studies, series, phases and problems in DICOM files",
        description="Scan folders (recursively), zip archives or DICOMDIRs, reading headers "
        "only, and print each study's series with phase, geometry and warnings, then every "
        "file that was not used and why. Exit status 0 whenever the scan ran, 2 when a "
        "path does not exist (a typo must not pass for an empty export).",
    )
    inspect.add_argument("paths", type=Path, nargs="+", metavar="PATH",
                         help="a folder, zip archive, DICOMDIR or DICOM file")
    inspect.add_argument("--json", action="store_true",
                         help="print one JSON object instead of text")
    inspect.set_defaults(handler=guarded(_run))


def _run(args: argparse.Namespace) -> int:
    check_paths_exist(args.paths)
    progress = print_progress if sys.stderr.isatty() else None
    result = scan(args.paths, progress=progress)
    if args.json:
        print(json.dumps(scan_report(result), indent=2, ensure_ascii=False))
    else:
        print(format_scan_report(result, args.paths))
    return 0
