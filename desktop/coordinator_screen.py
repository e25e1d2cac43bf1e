"""The coordinator's screen: the board wired to the actions.

Each button of ``widgets.coordinator_board`` is one action of ``core.actions`` (register a
subject, add a timepoint, assign both readers in one transaction, import, back up); a
refusal is shown in the store's own words through ``desktop.errors.reported_errors`` and
the board is loaded again after every change. The import (files copied, series
registered) and the backup run on a :class:`~desktop.workers.Worker` through a store
connection of the worker thread's own (``Store.for_thread``), with a progress bar; the
board stays usable meanwhile, its buttons disabled.

The coordinator sees no image here: the import dialog lists series, never pixels, and the
board holds no measurement (docs/reading.md §2). The second page, "Clinical record"
(``desktop.clinical_screen``), holds one subject's clinical record at a time; the board's
"Clinical record…" (or a double click on a subject) opens it there. The third, "Reports"
(``desktop.report_page``), draws the trial report's figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QProgressBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.actions import (
    add_subject,
    add_timepoint,
    assign_readers,
    coordinator_board,
    print_case_summary,
)
from core.actions.importing import ImportResult, import_scanned
from core.actions.printing import PrintedReport
from core.actions.safekeeping import rotate_store_backups
from core.dicom.scan import ScanResult
from core.model.trial import Session
from core.progress import Cancelled, Progress
from core.store import Store
from desktop.clinical_screen import ClinicalScreen
from desktop.errors import reported_errors
from desktop.import_dialog import ImportDialog
from desktop.report_page import ReportPage, ask_pdf_path, default_page_size, printed_text
from desktop.workers import Worker
from widgets.board_dialogs import ImportTargetDialog
from widgets.coordinator_board import CoordinatorBoard

BACKUPS_SUFFIX = "-backups"


def backup_folder(store: Store) -> Path:
    """Where "Back up now" writes: ``<store name>-backups`` beside the store (keep a copy
    off the machine too: docs/security.md §2)."""
    return store.path.parent / f"{store.path.stem}{BACKUPS_SUFFIX}"


def import_summary(result: ImportResult) -> str:
    """One line per series imported or skipped, as the screen reports an import."""
    lines = [f"imported {s.subject} {s.timepoint_label} {s.phase}: {s.n_files} files"
             + (" (already imported)" if s.already_imported and not s.n_copied else "")
             for s in result.imported]
    lines += [f"skipped study {s.patient_id or '?'} {s.study_date or '?'}: {s.reason}"
              for s in result.skipped]
    lines += [f"skipped series {s.series_instance_uid}: {s.reason}"
              for s in result.skipped_series]
    return "\n".join(lines) or "nothing to import"


class CoordinatorScreen(QWidget):
    """The coordinator's board on a store, for one logged-in coordinator."""

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._session = session
        self._worker: Worker | None = None
        self.import_dialog: ImportDialog | None = None
        self.target_dialog: ImportTargetDialog | None = None
        # Where the files to import are: a folder dialog (tests give their own).
        self.ask_paths: Callable[[], Sequence[Path]] = self._ask_folder
        # Where a PDF goes: a save dialog (tests give their own).
        self.ask_pdf_path: Callable[[str], Path | None] = partial(ask_pdf_path, self)
        self.board = CoordinatorBoard()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        # The board reads as a sheet of paper (it is what a coordinator prints for the
        # trial master file): light, dark text, inside the dark reading-room window.
        self.setObjectName("coordinatorScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("QWidget#coordinatorScreen { background: #f5f5f2; } "
                           "QWidget#coordinatorScreen QLabel { color: #1f1f1f; }")
        self.clinical = ClinicalScreen(store, session)
        board_page = QWidget()
        board_layout = QVBoxLayout(board_page)
        board_layout.setContentsMargins(0, 0, 0, 0)
        board_layout.addWidget(self.board, 1)
        board_layout.addWidget(self.progress)
        board_layout.addWidget(self.message)
        # The board and the clinical record of one subject: two pages of one screen.
        self.pages = QTabWidget()
        self.pages.addTab(board_page, "Trial &board")
        self.pages.addTab(self.clinical, "&Clinical record")
        self.reports = ReportPage(store, session)
        self.pages.addTab(self.reports, "&Reports")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.pages, 1)
        self.board.subject_requested.connect(self.register_subject)
        self.board.timepoint_requested.connect(self.add_timepoint)
        self.board.assignment_requested.connect(self.assign_readers)
        self.board.import_requested.connect(self.start_import)
        self.board.backup_requested.connect(self.start_backup)
        self.board.refresh_requested.connect(self.refresh)
        self.board.clinical_requested.connect(self.open_clinical)
        self.board.print_requested.connect(self.print_case_summary)
        self.refresh()

    def set_session(self, session: Session) -> None:
        """Continue under the coordinator's new log-in (after the idle lock)."""
        self._session = session
        self.clinical.set_session(session)
        self.reports.set_session(session)

    def open_clinical(self, subject: str) -> None:
        """Show *subject*'s clinical record."""
        self.pages.setCurrentWidget(self.clinical)
        self.clinical.show_subject(subject)

    # -- the board ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Load the board again from the store."""
        with reported_errors(self, "Coordinator's board"):
            self.board.set_board(coordinator_board(self._store, self._session))

    @property
    def is_busy(self) -> bool:
        """True while an import or a backup runs."""
        return self._worker is not None

    def _say(self, text: str) -> None:
        self.message.setText(text)

    # -- set-up, one action each -----------------------------------------------------
    def register_subject(self, code: str) -> None:
        """Register subject *code*; a refusal is shown as the store words it."""
        with reported_errors(self, "Register subject"):
            add_subject(self._store, self._session, code)
            self._say(f"Subject {code} registered.")
        self.refresh()
        self.clinical.load_subjects()
        self.board.select_subject(code)

    def add_timepoint(self, subject: str, label: str, date: dt.date,
                      week: int | None) -> None:
        """Add a timepoint to *subject*."""
        with reported_errors(self, "Add timepoint"):
            add_timepoint(self._store, self._session, subject, label, date, week)
            self._say(f"Timepoint {label} ({date.isoformat()}) added to {subject}.")
        self.refresh()

    def assign_readers(self, subject: str, reader_1: str | None,
                       reader_2: str | None) -> None:
        """Assign the chosen readers of *subject*, both or neither."""
        with reported_errors(self, "Assign readers"):
            tasks = assign_readers(self._store, self._session, subject, reader_1, reader_2)
            self._say("; ".join(f"{t.reader_login} is reader {t.slot} of {subject}"
                                for t in tasks) + ".")
        self.refresh()

    # -- long work ---------------------------------------------------------------------
    def _run(self, task: Callable[..., object], name: str, title: str,
             done: Callable[[object], None]) -> None:
        worker = Worker(task, name=name)  # type: ignore[arg-type]
        self._worker = worker
        self.board.set_busy(True)
        self.progress.setValue(0)
        self.progress.setFormat(title)
        self.progress.setVisible(True)

        def progressed(fraction: float, message: str) -> None:
            self.progress.setValue(int(fraction * 1000))
            self.progress.setFormat(message)

        def ended() -> None:
            worker.release()
            self._worker = None
            self.progress.setVisible(False)
            self.board.set_busy(False)

        def finished(value: object) -> None:
            ended()
            done(value)
            self.refresh()

        def failed(exc: BaseException) -> None:
            ended()
            self._say(f"{title} failed.")
            with reported_errors(self, title):
                raise exc
            self.refresh()

        worker.progress.connect(progressed)
        worker.finished.connect(finished)
        worker.failed.connect(failed)
        worker.start()

    def wait(self, timeout_s: float = 60.0) -> bool:
        """Block until the running import or backup has ended (tests); True if it has."""
        return self._worker is None or self._worker.wait(timeout_s)

    # printing
    def print_case_summary(self, subject: str) -> None:
        """Ask where, then write *subject*'s case summary as a PDF off the GUI thread."""
        if self.is_busy:
            return
        out = self.ask_pdf_path(f"case-summary-{subject}.pdf")
        if out is None:
            return
        store, session, size = self._store, self._session, default_page_size()

        def task(*, progress: Progress, is_cancelled: Cancelled) -> PrintedReport:
            progress(0.0, f"printing the case summary of {subject}…")
            with store.for_thread() as mine:
                return print_case_summary(mine, session, subject, out, page_size=size)

        self._run(task, "case-summary-pdf", f"Print case summary {subject}",
                  lambda printed: self._say(printed_text(printed)))  # type: ignore[arg-type]

    # backup
    def start_backup(self) -> None:
        """Back up the store into :func:`backup_folder`, off the GUI thread."""
        if self.is_busy:
            return
        store, session, folder = self._store, self._session, backup_folder(self._store)

        def task(*, progress: Progress, is_cancelled: Cancelled) -> Path:
            progress(0.0, "backing up the store…")
            with store.for_thread() as mine:
                return rotate_store_backups(mine, session, folder)

        self._run(task, "store-backup", "Back up now",
                  lambda made: self._say(f"Backup written: {made}"))

    # import
    def _ask_folder(self) -> Sequence[Path]:
        chosen = QFileDialog.getExistingDirectory(self, "Import DICOM: choose a folder")
        return [Path(chosen)] if chosen else []

    def start_import(self, subject: str | None = None) -> None:
        """Ask for files, scan and review them (the import dialog), then ask where they
        go and import them off the GUI thread."""
        if self.is_busy:
            return
        paths = list(self.ask_paths())
        if not paths:
            return
        dialog = ImportDialog(paths, self)
        self.import_dialog = dialog
        dialog.accepted.connect(lambda: self._ask_target(dialog, subject))
        dialog.open()
        dialog.start_scan()

    def _ask_target(self, dialog: ImportDialog, subject: str | None) -> None:
        reviewed = dialog.reviewed_result()
        self.import_dialog = None
        board = self.board.board
        if reviewed is None or board is None:
            return
        studies = ", ".join(f"{s.patient_id or '?'} {s.study_date or '?'}"
                            for s in reviewed.studies)
        target = ImportTargetDialog(board.subjects, subject,
                                    f"{len(reviewed.series)} series of {studies}", self)
        self.target_dialog = target
        target.accepted.connect(lambda: self._import(reviewed, *target.target()))
        target.finished.connect(lambda _code: setattr(self, "target_dialog", None))
        target.open()

    def _import(self, reviewed: ScanResult, subject: str | None,
                timepoint: str | None) -> None:
        store, session = self._store, self._session
        task = partial(_import_task, store, session, reviewed, subject, timepoint)
        self._run(task, "dicom-import", "Import DICOM",
                  lambda result: self._say(import_summary(result)))  # type: ignore[arg-type]


def _import_task(store: Store, session: Session, reviewed: ScanResult, subject: str | None,
                 timepoint: str | None, *, progress: Progress,
                 is_cancelled: Cancelled) -> ImportResult:
    with store.for_thread() as mine:
        return import_scanned(mine, session, reviewed, subject=subject, timepoint=timepoint,
                              progress=progress)
