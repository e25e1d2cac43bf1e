"""The import dialog: scan what a site sent, show what was found, let the reader fix phases.

The scan runs on a :class:`~desktop.workers.Worker` (``core.dicom.scan`` takes plain
``progress`` and ``is_cancelled`` callables, so it knows nothing of Qt); its progress comes
back to the GUI thread through a queued signal. The dialog shows each series with its phase
(a combo box the reader may change), geometry and warnings, and every rejected file with
its reason. Accepting returns the scan with the reader's overrides applied
(``override_phases``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.dicom.scan import ScanResult, SeriesInfo, SeriesKey, override_phases, scan
from core.model.imaging import DISPLAY_ORDER, Phase
from desktop.errors import reported_errors
from desktop.workers import Worker

SERIES_COLUMNS = ("Series", "Phase", "Images", "Geometry", "Warnings")


class ImportDialog(QDialog):
    """Scan files, folders, zips or DICOMDIRs and review the result before opening it.

    Signals
    -------
    scan_finished(ScanResult)   the scan ended (completely or cancelled)
    """

    scan_finished = Signal(object)

    def __init__(self, paths: Sequence[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import DICOM")
        self.resize(900, 560)
        self._paths = list(paths)
        self._result: ScanResult | None = None
        self._combos: dict[SeriesKey, QComboBox] = {}
        self._worker: Worker | None = None

        self._label = QLabel(", ".join(str(p) for p in self._paths))
        self._progress = QProgressBar()
        self._progress.setRange(0, 1000)
        self._cancel = QPushButton("Cancel scan")
        self._cancel.clicked.connect(self.cancel_scan)
        self.series_tree = QTreeWidget()
        self.series_tree.setHeaderLabels(SERIES_COLUMNS)
        self.series_tree.setRootIsDecorated(True)
        self.rejected_tree = QTreeWidget()
        self.rejected_tree.setHeaderLabels(("Not imported", "Reason"))
        self.rejected_tree.setRootIsDecorated(False)
        self._buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                         | QDialogButtonBox.StandardButton.Close)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        self._buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(False)

        layout = QVBoxLayout(self)
        for widget in (self._label, self._progress, self._cancel, self.series_tree,
                       self.rejected_tree, self._buttons):
            layout.addWidget(widget)

    # -- scanning -----------------------------------------------------------------
    def start_scan(self) -> None:
        """Start scanning on a worker thread; the dialog fills in when it ends."""
        self._worker = Worker(partial(scan, self._paths), name="dicom-scan")
        self._worker.progress.connect(self._on_worker_progressed)
        self._worker.finished.connect(self._on_worker_finished)
        self._worker.failed.connect(self._on_worker_failed)
        self._cancel.setEnabled(True)
        self._worker.start()

    def cancel_scan(self) -> None:
        """Stop the scan after the file being read; what was found so far is shown."""
        if self._worker is not None:
            self._worker.cancel()

    def done(self, result: int) -> None:
        """Close the dialog; a scan still running is cancelled (its thread ends soon)."""
        self.cancel_scan()
        super().done(result)

    def _on_worker_progressed(self, fraction: float, message: str) -> None:
        self._progress.setValue(int(fraction * 1000))
        self._progress.setFormat(message)

    def _on_worker_finished(self, result: ScanResult) -> None:
        self._end_scan()
        self._progress.setValue(1000)
        self.show_result(result)
        self.scan_finished.emit(result)

    def _on_worker_failed(self, exc: BaseException) -> None:
        # scan() reports bad files rather than raising, so this is a bug: say so, keep
        # the dialog open (Close still works).
        self._end_scan()
        self._label.setText("The scan stopped: see the message.")
        with reported_errors(self, "Import DICOM"):
            raise exc

    def _end_scan(self) -> None:
        if self._worker is not None:
            self._worker.release()  # its last signal handled here
        self._worker = None
        self._cancel.setEnabled(False)

    # -- the report -----------------------------------------------------------------
    def show_result(self, result: ScanResult) -> None:
        """Fill the series and rejected lists from *result*."""
        self._result = result
        self._combos.clear()
        self.series_tree.clear()
        for study in result.studies:
            top = QTreeWidgetItem([f"{study.patient_id or '?'} · {study.study_date or '?'}"])
            self.series_tree.addTopLevelItem(top)
            for series in study.series:
                self._add_series(top, series)
            top.setExpanded(True)
        for column in range(len(SERIES_COLUMNS)):
            self.series_tree.resizeColumnToContents(column)
        self.rejected_tree.clear()
        for rejected in result.rejected:
            self.rejected_tree.addTopLevelItem(
                QTreeWidgetItem([str(rejected.path), rejected.reason]))
        state = "" if result.is_complete else " (scan cancelled: partial)"
        n_series = len(result.series)
        self._label.setText(f"{n_series} series found, {len(result.rejected)} file(s) not "
                            f"imported{state}")
        self._buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(n_series > 0)

    def _add_series(self, parent: QTreeWidgetItem, series: SeriesInfo) -> None:
        spacing = series.pixel_spacing_mm
        geometry = f"{series.rows} × {series.columns}"
        if spacing:
            geometry += f", {spacing[0]:g} × {spacing[1]:g} mm"
        if series.slice_spacing_mm:
            geometry += f", every {series.slice_spacing_mm:.2f} mm"
        time_point = f" [t{series.temporal_position}]" if series.temporal_position else ""
        item = QTreeWidgetItem([f"{series.modality} {series.description}{time_point}", "",
                                str(series.n_images), geometry, "; ".join(series.warnings)])
        item.setToolTip(1, series.phase.reason)
        item.setToolTip(4, "\n".join(series.warnings))
        parent.addChild(item)
        combo = QComboBox()
        for phase in DISPLAY_ORDER:
            combo.addItem(phase.label, phase.value)  # Qt keeps the string, not the enum
        combo.setCurrentIndex(DISPLAY_ORDER.index(series.phase.phase))
        combo.setToolTip(series.phase.reason)
        self.series_tree.setItemWidget(item, 1, combo)
        self._combos[series.key] = combo

    def set_phase(self, key: SeriesKey, phase: Phase) -> None:
        """Choose *phase* for the series *key*, as the reader would in its combo box."""
        combo = self._combos[key]
        combo.setCurrentIndex(combo.findData(phase.value))

    def overrides(self) -> dict[SeriesKey, Phase]:
        """The phases the reader changed, by series key."""
        if self._result is None:
            return {}
        decided = {s.key: s.phase.phase for s in self._result.series}
        chosen = {key: Phase(combo.currentData()) for key, combo in self._combos.items()}
        return {key: phase for key, phase in chosen.items() if phase is not decided[key]}

    def reviewed_result(self) -> ScanResult | None:
        """The scan with the reader's phase choices applied, or None before a scan ended."""
        if self._result is None:
            return None
        return override_phases(self._result, self.overrides())
