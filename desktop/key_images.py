"""Render each saved caliper's key image off the GUI thread and file it (issue #11 item 5).

A key image is the slice the caliper was drawn on, at the window the reader used, with the
caliper and its label ("T1 viable 23.4 mm") burned in: what the reports will print beside
each measurement. Rendering takes a few milliseconds of numpy and QPainter work on a
``QImage`` (safe off the GUI thread); the save itself never waits for it. The PNG comes
back to the GUI thread, where ``core.actions.key_images.save_key_image`` files it — the
store's connection lives there — and refuses it if the caliper moved meanwhile (the newer
render follows).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QEvent,
    QIODevice,
    QLineF,
    QObject,
    QPointF,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

from core.actions.key_images import save_key_image
from core.errors import CoreError, StaleKeyImageError
from core.model.display import WindowLevel
from core.model.reading import Caliper, KeyImage, MeasurementKind
from core.model.trial import Session
from core.progress import Cancelled, Progress
from core.store import Store
from desktop.workers import Worker

# Viable calipers in the arterial phase's warm colour, total ones in cyan (as drawn live).
CALIPER_COLOURS = {MeasurementKind.VIABLE: QColor(255, 140, 90),
                   MeasurementKind.TOTAL: QColor(90, 210, 255),
                   MeasurementKind.SHORT_AXIS: QColor(180, 255, 120)}


def render_key_image(pixels: np.ndarray, window: WindowLevel, caliper: Caliper,
                     kind: MeasurementKind, label: str) -> bytes:
    """The slice *pixels* (rows × columns, stored values in HU) at *window*, with the
    caliper and *label* burned in, as PNG bytes.

    The caliper's ends are pixel (row, column) centres: pixel centre *c* is at image
    coordinate *c* + 0.5.
    """
    low, high = window.limits
    grey = np.clip((pixels.astype(np.float32) - low) * (255.0 / (high - low)), 0, 255)
    grey8 = np.ascontiguousarray(grey.astype(np.uint8))
    rows, columns = grey8.shape
    image = QImage(grey8.data, columns, rows, columns, QImage.Format.Format_Grayscale8)
    image = image.convertToFormat(QImage.Format.Format_RGB32)  # a copy: owns its pixels
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = CALIPER_COLOURS.get(kind, QColor(255, 255, 0))
        start = QPointF(caliper.start_rc[1] + 0.5, caliper.start_rc[0] + 0.5)
        end = QPointF(caliper.end_rc[1] + 0.5, caliper.end_rc[0] + 0.5)
        painter.setPen(QPen(colour, max(1.0, columns / 400), Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap))
        painter.drawLine(QLineF(start, end))
        tick = max(3.0, columns / 120)  # end ticks show where each end lies, not hide it
        direction = QLineF(start, end).normalVector().unitVector()
        offset = QPointF(direction.dx() * tick, direction.dy() * tick)
        for point in (start, end):
            painter.drawLine(QLineF(point - offset, point + offset))
        font = QFont()
        font.setPixelSize(max(10, rows // 32))
        painter.setFont(font)
        anchor = QPointF(max(start.x(), end.x()) + tick * 2, min(start.y(), end.y()))
        text = f"{label} {caliper.length_mm} mm"
        painter.setPen(QPen(QColor(0, 0, 0)))
        painter.drawText(anchor + QPointF(1, 1), text)  # a shadow keeps it readable
        painter.setPen(QPen(colour))
        painter.drawText(anchor, text)
    finally:
        painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("the key image could not be encoded as PNG")
    return bytes(data.data())


class KeyImageFiler(QObject):
    """Renders key images on worker threads and files each in the store when it is done.

    Signals
    -------
    filed(KeyImage)
        A key image was kept for its caliper.
    failed(str)
        One could not be rendered or kept; the reason, one line (a moved caliper is not a
        failure: its newer render is on its way, and the stale one is dropped quietly).
    """

    filed = Signal(object)
    failed = Signal(str)

    def __init__(self, store: Store, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._session = session
        # Each render's worker and what it renders; slots of this object (which lives in
        # the GUI thread) receive the workers' signals queued, never on the worker thread.
        self._running: dict[Worker, tuple[int, int, MeasurementKind, Caliper]] = {}

    def request(self, lesion_id: int, timepoint_id: int, kind: MeasurementKind,
                caliper: Caliper, pixels: np.ndarray, window: WindowLevel,
                label: str) -> None:
        """Render the key image of a just-saved caliper and file it when done."""
        pixels = np.array(pixels, copy=True)  # the viewer's slice may change meanwhile

        def task(*, progress: Progress, is_cancelled: Cancelled) -> bytes:
            del progress, is_cancelled
            return render_key_image(pixels, window, caliper, kind, label)

        worker = Worker(task, name="key-image", parent=self)
        self._running[worker] = (lesion_id, timepoint_id, kind, caliper)
        worker.finished.connect(self._file)
        worker.failed.connect(self._failed)
        worker.start()

    def set_session(self, session: Session) -> None:
        """File the next key images under *session* (a new log-in after the idle lock)."""
        self._session = session

    def wait(self, timeout_s: float = 10.0) -> bool:
        """Block until every render has ended and been filed (closing the view, logging
        out, tests): the renders' results are queued to this object, so they are
        delivered here, while the store and the session are still open."""
        ended = all(worker.wait(timeout_s) for worker in list(self._running))
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return ended

    def _ended(self) -> tuple[int, int, MeasurementKind, Caliper] | None:
        worker = self.sender()
        if not isinstance(worker, Worker) or worker not in self._running:
            return None
        worker.release()
        return self._running.pop(worker)

    @Slot(object)
    def _file(self, png: bytes) -> None:
        ended = self._ended()
        if ended is None:
            return
        lesion_id, timepoint_id, kind, caliper = ended
        try:
            kept: KeyImage = save_key_image(self._store, self._session, lesion_id,
                                            timepoint_id, kind, caliper, png)
        except StaleKeyImageError:
            return  # the caliper moved: its newer render is on its way
        except CoreError as error:
            self.failed.emit(str(error))
            return
        self.filed.emit(kept)

    @Slot(object)
    def _failed(self, error: object) -> None:
        if self._ended() is not None:
            self.failed.emit(f"key image not rendered: {error}")
