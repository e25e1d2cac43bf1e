"""``mrecist report``: a subject's case summary or the trial report as a PDF (coordinator
only; docs/report.md §7)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from core.actions import PrintedReport, print_case_summary, print_trial_report
from core.cli.common import (
    FileArgument,
    PasswordSource,
    add_login_arguments,
    guarded,
    open_as_user,
)
from core.errors import CoreError, shortened
from core.pdf.document import PageSize


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``mrecist report subject`` and ``mrecist report trial``."""
    parser = subparsers.add_parser(
        "report", help="print a case summary or the trial report as PDF (coordinator)",
        description="Write a subject's case summary or the trial report as a PDF: every "
        "page carries page x of y, the generation time and the store's audit-chain head "
        "as the report's fingerprint (docs/report.md).")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    subject = kinds.add_parser(
        "subject", help="one subject's case summary",
        description="A subject's case summary: every timepoint with each read and the "
        "final read, the key images, the adjudication, the signatures and the clinical "
        "summary; a timepoint not final is marked NOT FINAL on every page it is on.")
    subject.add_argument("code", metavar="CODE", help="the subject code, e.g. HCC-001")
    _common(subject)
    trial = kinds.add_parser(
        "trial", help="the trial report: Tables 1-4, waterfall, swimmer, Kaplan-Meier",
        description="The trial report over its analysis set at the data cut-off: baseline, "
        "response (ORR and DCR with Clopper-Pearson CIs), treatment-related adverse events, "
        "reader quality, the waterfall, swimmer and Kaplan-Meier plots of PFS and OS.")
    trial.add_argument("--cut-off", metavar="YYYY-MM-DD",
                       help="the data cut-off (default: the latest one locked for every "
                       "subject, else none)")
    _common(trial)


def _common(parser: argparse.ArgumentParser) -> None:
    add_login_arguments(parser)
    parser.add_argument("--out", type=FileArgument, required=True, metavar="FILE.pdf",
                        help="the PDF to write (replaced only once the new one is whole)")
    parser.add_argument("--page-size", choices=[size.value for size in PageSize],
                        default=PageSize.A4.value, help="paper size (default A4)")
    parser.set_defaults(handler=guarded(_run))


def _cut_off(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CoreError(f"--cut-off: not a date (YYYY-MM-DD): {shortened(repr(text))}") \
            from None


def _run(args: argparse.Namespace) -> int:
    cut_off = _cut_off(getattr(args, "cut_off", None))
    out, size = Path(args.out), PageSize(args.page_size)
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        if args.kind == "subject":
            printed = print_case_summary(store, session, args.code, out, page_size=size)
            what = f"the case summary of {args.code}"
        else:
            printed = print_trial_report(store, session, out, page_size=size,
                                         cut_off=cut_off)
            what = "the trial report"
    print(_line(what, printed, size))
    return 0


def _line(what: str, printed: PrintedReport, size: PageSize) -> str:
    pages = f"{printed.pages} page{'s' if printed.pages != 1 else ''}"
    mark = "; NOT FINAL timepoints are marked" if printed.not_final else ""
    return (f"{printed.path}: wrote {what} ({pages}, {size.value}{mark}); fingerprint "
            f"{printed.fingerprint or 'none'}")
