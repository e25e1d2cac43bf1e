"""``mrecist import``: copy DICOM studies into a trial store and register their series."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from core.cli.db import PasswordSource, add_login_arguments, guarded, open_as_user
from core.dicom.report import format_scan_report, scan_report
from core.importing import ImportResult, import_studies
from core.progress import print_progress


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import`` subcommand."""
    parser = subparsers.add_parser(
        "import",
        help="import DICOM studies into a trial store (admin, coordinator)",
        description="Scan folders, zips or DICOMDIRs, map each study to a registered subject "
        "and timepoint (PatientID and StudyDate, or --subject/--timepoint), copy its files "
        "into the trial's image folder (named by content: re-importing is a no-op) and "
        "register its series. Prints the inspect report, then what was imported or skipped "
        "and why. Exit status 0 whenever the scan ran.",
    )
    parser.add_argument("paths", type=Path, nargs="+", metavar="PATH",
                        help="a folder, zip archive, DICOMDIR or DICOM file")
    add_login_arguments(parser)
    parser.add_argument("--subject", help="import every study as this subject (trial code)")
    parser.add_argument("--timepoint", help="import every study as this timepoint label")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=guarded(_run))


def _report(result: ImportResult) -> dict:
    report = scan_report(result.scan)
    report["imported"] = [dataclasses.asdict(s) for s in result.imported]
    report["skipped"] = [dataclasses.asdict(s) for s in result.skipped]
    return report


def _text(result: ImportResult) -> str:
    lines = [format_scan_report(result.scan), ""]
    for s in result.imported:
        state = "already imported" if s.already_imported else f"{s.n_copied} files copied"
        lines.append(f"imported  {s.subject} {s.timepoint_label}  {s.phase:<14} "
                     f"{s.n_files} files ({state})  {s.series_instance_uid}")
    for s in result.skipped:
        lines.append(f"skipped   study {s.study_instance_uid} ({s.patient_id}, "
                     f"{s.study_date}): {s.reason}")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    progress = print_progress if sys.stderr.isatty() else None
    with store:
        result = import_studies(store, session, args.paths, subject=args.subject,
                                timepoint=args.timepoint, progress=progress)
    print(json.dumps(_report(result), indent=2, ensure_ascii=False) if args.json
          else _text(result))
    return 0
