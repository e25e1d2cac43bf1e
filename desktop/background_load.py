"""Load a study off the GUI thread, handing each phase over as soon as it is ready.

mRECIST is read on the arterial phase, so the reader should be scrolling it while the
portal venous, delayed and pre-contrast phases are still decoding (a JPEG 2000 study takes
seconds). The loading itself is ``core`` (:func:`core.dicom.study.load_phases`); this
module runs it on a worker thread and turns its callbacks into Qt signals, which Qt
delivers in the GUI thread (queued: the receiver lives there).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal

from core.dicom.headers import ImageHeader
from core.model.volume import Volume

log = logging.getLogger(__name__)

# The loading job: called with (progress, on_first_slice, on_volume) callbacks, returns the
# volumes in display order. Runs on the worker thread.
Job = Callable[[Callable[[float, str], None], Callable[[ImageHeader, np.ndarray], None],
                Callable[[Volume], None]], list[Volume]]


class BackgroundLoad(QObject):
    """One study being loaded on a worker thread.

    Signals
    -------
    preview(ImageHeader, ndarray)   the first arterial image, while the scan runs
    volume_loaded(Volume)           each phase as soon as it is loaded, arterial first
    progress(float, str)            fraction done and what is being done
    finished(list[Volume])          every phase, in display order
    failed(Exception)               why it stopped (a CoreError names the file)
    """

    preview = Signal(object, object)
    volume_loaded = Signal(object)
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, job: Job, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = job
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="study-load", daemon=True)

    def start(self) -> None:
        """Start loading; the signals report from here on."""
        self._thread.start()

    def cancel(self) -> None:
        """Stop at the next progress report (every few slices); ends with ``failed``
        carrying :class:`LoadCancelled`. For a study the reader no longer wants."""
        self._cancelled.set()

    def _unless_cancelled(self, emit: Callable[..., None]) -> Callable[..., None]:
        def report(*args: object) -> None:
            if self._cancelled.is_set():
                raise LoadCancelled
            emit(*args)
        return report

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the load has ended (tests, quitting); True if it has."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            volumes = self._job(self._unless_cancelled(self.progress.emit),
                                self._unless_cancelled(self.preview.emit),
                                self._unless_cancelled(self.volume_loaded.emit))
        except BaseException as exc:  # handed to the GUI thread, which reports it
            log.debug("background load ended: %r", exc)
            self.failed.emit(exc)
            if not isinstance(exc, Exception):
                raise
        else:
            self.finished.emit(volumes)


class LoadCancelled(Exception):
    """The load was cancelled (:meth:`BackgroundLoad.cancel`)."""
