"""Printing the reports: a subject's case summary and the trial report as PDF files
(issue #14; coordinator only).

Each action checks who asks and where the file goes before anything is gathered, takes
the report's data from ``core.actions.report_data`` (one snapshot of the store, with its
audit head as the fingerprint) and lays it out with ``core.pdf``. The PDF is written
beside its destination under a temporary name, synced, then renamed over it: a print that
fails, or a process killed while printing, never leaves half a PDF under the name asked
for, nor destroys the file that was there.

Key images are read from the store's image folder, where ``core.actions.key_images`` put
them under their SHA-256: one that is missing, altered (its content no longer has its
name's digest), not a PNG, or too large to be a key image prints as a line saying so
instead of a picture.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.actions._access import authorize
from core.actions.clinical import CLINICAL_ROLES
from core.actions.importing import image_folder
from core.actions.key_images import KEY_IMAGE_FOLDER, MAX_KEY_IMAGE_BYTES, PNG_SIGNATURE
from core.actions.report_data import case_summary_data, trial_report_data
from core.errors import CoreError
from core.model.trial import Session
from core.pdf.case_summary_pdf import KeyImageFile, write_case_summary
from core.pdf.document import PageSize
from core.pdf.trial_report_pdf import write_trial_report
from core.report import CaseSummary
from core.store import Store

# A key image is a rendered slice: larger than this many pixels a side it is not one.
MAX_KEY_IMAGE_SIDE = 8192


class ReportOutputError(CoreError):
    """The PDF cannot be written where it was asked for: a folder, no such folder, no
    permission, the disk full."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PrintedReport:
    """A report written: where, how many pages, and the audit head it was made from."""

    path: Path
    pages: int
    fingerprint: str | None
    not_final: bool = False


def check_output(out: Path) -> None:
    """Refuse an output path the PDF cannot be written to, before any work is done.

    Raises
    ------
    ReportOutputError
        *out* is a folder or not a regular file, its folder does not exist, or it may not
        be written there.
    """
    if out.is_dir():
        raise ReportOutputError(out, "is a folder; give the name of the PDF file to write")
    if out.exists() and not out.is_file():
        raise ReportOutputError(out, "is not a regular file")
    folder = out.parent
    if not folder.is_dir():
        raise ReportOutputError(out, f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReportOutputError(out, f"the folder {folder} may not be written to")
    if out.exists() and not os.access(out, os.W_OK):
        raise ReportOutputError(out, "the file exists and may not be written to")


def _write_atomically(out: Path, write: Callable[[Path], int]) -> int:
    """Write through *write* to a temporary file beside *out*, sync it, rename it to
    *out*; return what *write* returned (the page count)."""
    temporary = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        pages = write(temporary)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, out)
    except OSError as error:
        raise ReportOutputError(out, f"cannot be written: {error.strerror or error}") \
            from None
    finally:
        with contextlib.suppress(OSError):  # gone already, or never made (the name)
            temporary.unlink(missing_ok=True)
    return pages


def print_case_summary(store: Store, session: Session, subject: str, out: Path, *,
                       page_size: PageSize = PageSize.A4, tz: dt.tzinfo | None = None,
                       now: dt.datetime | None = None) -> PrintedReport:
    """Write the case summary of *subject* to *out* (coordinator only).

    Raises
    ------
    PermissionDeniedError
        The session is not live, its user is not the coordinator, or there is no such
        subject.
    ReportOutputError
        *out* cannot be written (``check_output``), or writing it failed.
    """
    authorize(store, session, *CLINICAL_ROLES)
    check_output(out)
    summary = case_summary_data(store, session, subject, tz=tz, now=now)
    files = key_image_files(store, summary)
    pages = _write_atomically(
        out, lambda path: write_case_summary(path, summary, files, page_size))
    return PrintedReport(out, pages, summary.fingerprint.head if summary.fingerprint else None,
                         summary.has_not_final)


def print_trial_report(store: Store, session: Session, out: Path, *,
                       page_size: PageSize = PageSize.A4, cut_off: dt.date | None = None,
                       now: dt.datetime | None = None) -> PrintedReport:
    """Write the trial report to *out* (coordinator only), at the data cut-off
    (``trial_report_data``'s default without one).

    Raises
    ------
    PermissionDeniedError
        The session is not live, or its user is not the coordinator.
    ReportOutputError
        *out* cannot be written (``check_output``), or writing it failed.
    """
    authorize(store, session, *CLINICAL_ROLES)
    check_output(out)
    report = trial_report_data(store, session, cut_off=cut_off, now=now)
    pages = _write_atomically(out, lambda path: write_trial_report(path, report, page_size))
    return PrintedReport(out, pages, report.fingerprint.head if report.fingerprint else None)


# -- key images ---------------------------------------------------------------------------------

def key_image_files(store: Store, summary: CaseSummary) -> dict[str, KeyImageFile]:
    """Every key image the summary names, read and checked (module docstring)."""
    folder = (image_folder(store) / KEY_IMAGE_FOLDER).resolve()
    paths = {line.key_image for timepoint in summary.timepoints for read in timepoint.reads
             for line in read.lesions if line.key_image is not None}
    return {path: _key_image_file(store, folder, path) for path in sorted(paths)}


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk, ``None`` if there is none."""
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _key_image_file(store: Store, folder: Path, relative: str) -> KeyImageFile:
    path = (store.path.parent / relative).resolve()
    if path.parent != folder:
        return KeyImageFile(relative, None, "not in the store's key-image folder")
    try:
        size = path.stat().st_size
        if size > MAX_KEY_IMAGE_BYTES:
            return KeyImageFile(relative, None, "larger than a key image may be")
        data = path.read_bytes()
    except FileNotFoundError:
        return KeyImageFile(relative, None, "the file is missing")
    except OSError as error:
        return KeyImageFile(relative, None, f"cannot be read: {error.strerror or error}")
    if hashlib.sha256(data).hexdigest() != path.stem:
        return KeyImageFile(relative, None, "the file was altered (its content does not "
                            "match its name's SHA-256)")
    dimensions = _png_size(data)
    if dimensions is None:
        return KeyImageFile(relative, None, "not a PNG image")
    if not all(0 < side <= MAX_KEY_IMAGE_SIDE for side in dimensions):
        return KeyImageFile(relative, None, f"{dimensions[0]} × {dimensions[1]} pixels is "
                            "not the size of a key image")
    return KeyImageFile(relative, data)
