"""``mrecist import``: copy DICOM studies into a trial store and register their series."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from core.actions.importing import ImportedSeries, ImportResult, import_studies
from core.cli.common import (
    EXIT_ERROR,
    PasswordSource,
    add_login_arguments,
    check_paths_exist,
    guarded,
    open_as_user,
)
from core.dicom.report import format_scan_report, scan_report
from core.dicom.scan import SeriesKey, parse_series_key
from core.dicom.sources import GiB, ZipLimits
from core.dicom.uids import shown_uid, uid_problem
from core.errors import CoreError
from core.model.imaging import Phase
from core.progress import print_progress

PHASE_NAMES = ", ".join(phase.value for phase in Phase)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import`` subcommand."""
    parser = subparsers.add_parser(
        "import",
        help="import DICOM studies into a trial store (admin, coordinator)",
        description="Scan folders, zips or DICOMDIRs, map each study to a registered subject "
        "and timepoint (PatientID and StudyDate, or --subject/--timepoint), copy its files "
        "into the trial's image folder (named by content: re-importing is a no-op) and "
        "register its series. Prints the inspect report, then what was imported or skipped "
        "and why. Exit status 0 whenever the scan ran, 2 when a path does not exist or "
        "nothing was imported and files were refused by the import's safety rules (a "
        "SeriesInstanceUID that is not a UID, a zip beyond the limits, a FIFO or device; "
        "docs/import-limits.md).",
    )
    parser.add_argument("paths", type=Path, nargs="+", metavar="PATH",
                        help="a folder, zip archive, DICOMDIR or DICOM file")
    add_login_arguments(parser)
    parser.add_argument("--subject", help="import every study as this subject (trial code)")
    parser.add_argument("--timepoint", help="import every study as this timepoint label")
    parser.add_argument("--phase", action="append", default=[], metavar="UID=PHASE",
                        help="set the phase of a series the import does not recognise "
                        f"(UID or UID:TIMEPOINT of a dynamic series; PHASE one of "
                        f"{PHASE_NAMES}); repeat for several series")
    parser.add_argument("--max-unzipped-gib", type=_positive_gib, metavar="GIB",
                        default=ZipLimits().max_total_bytes / GiB,
                        help="refuse zip archives whose members would unpack to more than "
                        "this in all (default %(default)g GiB)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=guarded(_run))


def _positive_gib(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of GiB") from None
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of GiB above 0")
    return value


def parse_phase_overrides(texts: list[str]) -> dict[SeriesKey, Phase]:
    """``--phase UID=PHASE`` options as overrides of the scan's phases.

    Raises
    ------
    CoreError
        Naming the option that is not ``UID=PHASE`` or names no known phase.
    """
    overrides: dict[SeriesKey, Phase] = {}
    for text in texts:
        uid, sep, name = text.rpartition("=")
        if not sep or not uid.strip():
            raise CoreError(f"--phase {text!r}: expected UID=PHASE")
        try:
            phase = Phase(name.strip())
        except ValueError:
            raise CoreError(f"--phase {text!r}: {name.strip()!r} is not a phase "
                            f"({PHASE_NAMES})") from None
        try:
            overrides[parse_series_key(uid)] = phase
        except ValueError as error:
            raise CoreError(f"--phase {text!r}: {error}") from None
    return overrides


def _report(result: ImportResult) -> dict[str, Any]:
    report = scan_report(result.scan)
    report["imported"] = [dataclasses.asdict(s) for s in result.imported]
    report["skipped"] = [dataclasses.asdict(s) for s in result.skipped]
    report["skipped_series"] = [dataclasses.asdict(s) for s in result.skipped_series]
    return report


def _text(result: ImportResult) -> str:
    lines = [format_scan_report(result.scan), ""]
    for series in result.imported:
        lines.append(f"imported  {series.subject} {series.timepoint_label}  "
                     f"{series.phase:<14} {series.n_files} files ({_state(series)})  "
                     f"{series.series_instance_uid}")
    for study in result.skipped:
        lines.append(f"skipped   study {study.study_instance_uid} ({study.patient_id}, "
                     f"{study.study_date}): {study.reason}")
    for conflict in result.skipped_series:
        uid = conflict.series_instance_uid
        shown = shown_uid(uid) if uid_problem(uid) else uid
        lines.append(f"skipped   series {shown}: {conflict.reason}")
    return "\n".join(lines)


def refused_count(result: ImportResult) -> int:
    """Files and series an import safety rule refused (docs/import-limits.md)."""
    return (sum(r.unsafe for r in result.scan.rejected)
            + sum(s.unsafe for s in result.skipped_series))


def _state(series: ImportedSeries) -> str:
    if not series.already_imported:
        return f"{series.n_copied} files copied"
    if series.n_copied == 0:
        return "already imported"
    return f"already registered; {series.n_copied} missing files copied"


def _run(args: argparse.Namespace) -> int:
    check_paths_exist(args.paths)
    phases = parse_phase_overrides(args.phase)
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    progress = print_progress if sys.stderr.isatty() else None
    limits = ZipLimits(max_total_bytes=int(args.max_unzipped_gib * GiB))
    with store:
        result = import_studies(store, session, args.paths, subject=args.subject,
                                timepoint=args.timepoint, phases=phases, progress=progress,
                                limits=limits)
    print(json.dumps(_report(result), indent=2, ensure_ascii=False) if args.json
          else _text(result))
    refused = refused_count(result)
    if refused and not result.imported:
        print(f"mrecist import: nothing imported; {refused} file(s) or series refused by the "
              "import's safety rules (reasons above; docs/import-limits.md)", file=sys.stderr)
        return EXIT_ERROR
    return 0
