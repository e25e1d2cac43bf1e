"""Long work off the GUI thread: the one runner every background job of the shell uses.

``core`` functions that take long (scanning, loading, exporting) accept plain
``progress(fraction, message)`` and ``is_cancelled()`` callables and know nothing of Qt, so
the same function serves the command line and the tests. :class:`Worker` runs such a
function on a thread and turns what it reports into Qt signals. The signals are emitted on
the worker thread; Qt queues them to receivers living in the GUI thread, so slots run there
and may touch widgets.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from PySide6.QtCore import QObject, Signal, Slot

from core.progress import Cancelled, Progress

log = logging.getLogger(__name__)


class Task(Protocol):
    """Long work: reports through *progress*, stops soon after *is_cancelled* turns True.

    Bind the work's own arguments first (``functools.partial(scan, paths)``); the worker
    passes the two callables by keyword, as ``core`` functions name them.
    """

    def __call__(self, *, progress: Progress, is_cancelled: Cancelled) -> object: ...


class Worker(QObject):
    """One :class:`Task` run on a worker thread.

    Exactly one of ``finished`` and ``failed`` ends every run. Keep a reference to the
    worker until then, and let it go with :meth:`release` from the slot that handles it.

    Signals
    -------
    progress(float, str)   fraction done and what is being done
    finished(object)       what the task returned (a cancelled task may return a partial
                           result, as ``core.dicom.scan.scan`` does)
    failed(object)         the exception that ended the task (a CoreError names the file
                           and the reason); the receiver reports it
    """

    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object)
    _ended = Signal()  # emitted last: the thread has posted everything it will post

    def __init__(self, task: Task, *, name: str = "worker",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task = task
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        # GUI-thread state: whether _ended has arrived, and whether release() waits for it.
        self._has_ended = False
        self._release_asked = False
        self._ended.connect(self._on_ended)  # queued: this object lives in the GUI thread

    def start(self) -> None:
        """Start the task; the signals report from here on."""
        self._thread.start()

    def cancel(self) -> None:
        """Ask the task to stop; it ends, soon, with ``finished`` or ``failed`` as it sees fit."""
        self._cancelled.set()

    def is_cancelled(self) -> bool:
        """True once :meth:`cancel` was called (safe from any thread)."""
        return self._cancelled.is_set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the task has ended (tests, quitting); True if it has."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def release(self) -> None:
        """Delete the worker, in the GUI thread, once its thread has posted its last signal.

        Call it from the slot handling ``finished`` or ``failed``. Deleting at once there
        would race the thread, which may still be posting that signal to the receivers
        connected after this one: deleting the sender drops what it had not yet delivered.
        """
        if self._has_ended or self._thread.ident is None:  # ended, or never started
            self.deleteLater()
        else:
            self._release_asked = True

    @Slot()
    def _on_ended(self) -> None:
        self._has_ended = True
        if self._release_asked:
            self.deleteLater()

    def _run(self) -> None:
        try:
            result = self._task(progress=self.progress.emit, is_cancelled=self.is_cancelled)
        except BaseException as exc:  # handed to the GUI thread, which reports it
            log.debug("%s ended: %r", self._thread.name, exc)
            self.failed.emit(exc)
            if not isinstance(exc, Exception):
                raise  # KeyboardInterrupt, SystemExit: the thread's excepthook hears of it
        else:
            self.finished.emit(result)
        finally:
            self._ended.emit()  # queued behind every receiver's copy of the last signal
