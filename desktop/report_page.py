"""The coordinator's Reports page: the trial report's figures in the application.

"Update figures" builds the trial report's data (``core.actions.trial_report_data``: the
analysis set, the tables' and figures' values, from the signed reads and the clinical
record) on a :class:`~desktop.workers.Worker` through a store connection of its own, with
a progress bar, and draws it (``widgets.report_plots``): the same data the printed report
lays out, so the screen and the paper cannot disagree.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.actions import trial_report_data
from core.model.trial import Session
from core.progress import Cancelled, Progress
from core.report.trial_report import TrialReport
from core.store import Store
from desktop.errors import reported_errors
from desktop.workers import Worker
from widgets.report_plots import ReportPlots


class ReportPage(QWidget):
    """The figures of the trial report, updated on request."""

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._session = session
        self._worker: Worker | None = None
        self.update_button = QPushButton("&Update figures")
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.plots, 1)
        self.update_button.clicked.connect(self.start_update)
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
        if self.is_busy:
            return
        store, session = self._store, self._session

        def task(*, progress: Progress, is_cancelled: Cancelled) -> TrialReport:
            progress(0.0, "gathering the trial report's data…")
            with store.for_thread() as mine:
                return trial_report_data(mine, session)

        worker = Worker(task, name="trial-report-data")
        self._worker = worker
        self.update_button.setEnabled(False)
        self.progress.setVisible(True)

        def ended() -> None:
            worker.release()
            self._worker = None
            self.progress.setVisible(False)
            self.update_button.setEnabled(True)

        def finished(report: object) -> None:
            ended()
            if isinstance(report, TrialReport):
                self.report = report
                self.plots.show_report(report)
                self.message.setText(f"Figures of {report.generated_utc:%Y-%m-%d %H:%M} UTC.")

        def failed(exc: BaseException) -> None:
            ended()
            self.message.setText("The figures could not be updated.")
            with reported_errors(self, "Update figures"):
                raise exc

        worker.finished.connect(finished)
        worker.failed.connect(failed)
        worker.start()

    def wait(self, timeout_s: float = 60.0) -> bool:
        """Block until the update has ended (tests); True if it has."""
        return self._worker is None or self._worker.wait(timeout_s)
