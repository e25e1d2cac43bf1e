"""The coordinator's Reports page: the trial report's figures in the application.

"Update figures" builds the trial report's data (``core.actions.trial_report_data``: the
analysis set, the tables' and figures' values, from the signed reads and the clinical
record) on a :class:`~desktop.workers.Worker` through a store connection of its own, with
a progress bar, and draws it (``widgets.report_plots``): the same data the printed report
lays out, so the screen and the paper cannot disagree. "Print trial report…" writes that
report as a PDF (``core.actions.print_trial_report``) on the paper chosen, also on a
worker; the page says where, how many pages, and the fingerprint printed on them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.actions import print_trial_report, trial_report_data
from core.actions.printing import PrintedReport
from core.model.trial import Session
from core.pdf.document import PageSize
from core.progress import Cancelled, Progress
from core.report.trial_report import TrialReport
from core.store import Store
from desktop.errors import reported_errors
from desktop.workers import Worker
from widgets.report_plots import ReportPlots


def default_page_size() -> PageSize:
    """Letter where the workstation's locale measures in inches (US), else A4."""
    imperial = QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem
    return PageSize.LETTER if imperial else PageSize.A4


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save a PDF: the save dialog, or ``None`` if cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(parent, "Save the PDF", suggested,
                                            "PDF files (*.pdf)")
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


def printed_text(printed: PrintedReport) -> str:
    """What the screen says of a PDF written."""
    pages = f"{printed.pages} page{'s' if printed.pages != 1 else ''}"
    final = " — some pages show results NOT FINAL" if printed.not_final else ""
    head = f"; fingerprint {printed.fingerprint[:16]}…" if printed.fingerprint else ""
    return f"Printed {pages} to {printed.path}{head}{final}."


class ReportPage(QWidget):
    """The figures of the trial report, updated on request."""

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._session = session
        self._worker: Worker | None = None
        self.update_button = QPushButton("&Update figures")
        self.print_button = QPushButton("&Print trial report…")
        self.paper = QComboBox()
        self.paper.setAccessibleName("Paper")
        for size in PageSize:
            self.paper.addItem(size.value, size)
        self.paper.setCurrentIndex(list(PageSize).index(default_page_size()))
        # Where a PDF goes: a save dialog (tests give their own).
        self.ask_pdf_path: Callable[[str], Path | None] = partial(ask_pdf_path, self)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the data is gathered in one snapshot
        self.progress.setVisible(False)
        self.message = QLabel("The figures are drawn from the signed final reads and the "
                              "clinical record when you update them.")
        self.message.setWordWrap(True)
        self.plots = ReportPlots()
        top = QHBoxLayout()
        top.addWidget(self.update_button)
        top.addWidget(self.progress, 1)
        top.addStretch(1)
        top.addWidget(QLabel("Paper"))
        top.addWidget(self.paper)
        top.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.plots, 1)
        self.update_button.clicked.connect(self.start_update)
        self.print_button.clicked.connect(self.start_print)
        self.report: TrialReport | None = None

    def set_session(self, session: Session) -> None:
        """Continue under the coordinator's new log-in (after the idle lock)."""
        self._session = session

    @property
    def is_busy(self) -> bool:
        """True while the report's data is being built."""
        return self._worker is not None

    def start_update(self) -> None:
        """Build the report's data off the GUI thread, then draw it."""
        store, session = self._store, self._session

        def task(*, progress: Progress, is_cancelled: Cancelled) -> TrialReport:
            progress(0.0, "gathering the trial report's data…")
            with store.for_thread() as mine:
                return trial_report_data(mine, session)

        def done(report: object) -> None:
            if isinstance(report, TrialReport):
                self.report = report
                self.plots.show_report(report)
                self.message.setText(f"Figures of {report.generated_utc:%Y-%m-%d %H:%M} UTC.")

        self._run(task, "trial-report-data", "Update figures", done)

    def start_print(self) -> None:
        """Ask where, then write the trial report as a PDF off the GUI thread."""
        if self.is_busy:
            return
        out = self.ask_pdf_path("trial-report.pdf")
        if out is None:
            return
        store, session = self._store, self._session
        size = PageSize(self.paper.currentData())

        def task(*, progress: Progress, is_cancelled: Cancelled) -> PrintedReport:
            progress(0.0, "printing the trial report…")
            with store.for_thread() as mine:
                return print_trial_report(mine, session, out, page_size=size)

        def done(printed: object) -> None:
            if isinstance(printed, PrintedReport):
                self.message.setText(printed_text(printed))

        self._run(task, "trial-report-pdf", "Print trial report", done)

    def _run(self, task: Callable[..., object], name: str, title: str,
             done: Callable[[object], None]) -> None:
        if self.is_busy:
            return
        worker = Worker(task, name=name)  # type: ignore[arg-type]
        self._worker = worker
        for button in (self.update_button, self.print_button):
            button.setEnabled(False)
        self.progress.setVisible(True)

        def ended() -> None:
            worker.release()
            self._worker = None
            self.progress.setVisible(False)
            for button in (self.update_button, self.print_button):
                button.setEnabled(True)

        def finished(value: object) -> None:
            ended()
            done(value)

        def failed(exc: BaseException) -> None:
            ended()
            self.message.setText(f"{title} failed.")
            with reported_errors(self, title):
                raise exc

        worker.finished.connect(finished)
        worker.failed.connect(failed)
        worker.start()

    def wait(self, timeout_s: float = 60.0) -> bool:
        """Block until the update has ended (tests); True if it has."""
        return self._worker is None or self._worker.wait(timeout_s)
