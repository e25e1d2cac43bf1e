"""Progress for long work started from the GUI: a dialog fed by a core progress callback."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from core.progress import Progress


def progress_dialog(parent: QWidget | None, title: str) -> Progress:
    """A ``progress(fraction, message)`` callback that drives a modal progress dialog.

    ``core`` functions report progress through such callbacks and know nothing of Qt. The
    dialog appears only if the work lasts longer than a moment, and closes at 100 %.
    """
    dialog = QProgressDialog(title, "", 0, 1000, parent)
    dialog.setWindowTitle(title)
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(400)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(True)

    def update(fraction: float, message: str) -> None:
        dialog.setLabelText(message)
        dialog.setValue(int(fraction * 1000))
        QApplication.processEvents()

    return update
