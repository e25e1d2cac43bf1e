"""One boundary per user action: failures become one clear message, never a crash."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from core.errors import CoreError

log = logging.getLogger("mrecist.desktop")


def _show(parent: QWidget | None, title: str, text: str, interactive: bool,
          critical: bool = False) -> None:
    if not interactive:
        print(f"{title}: {text}", file=sys.stderr)
        return
    box = QMessageBox.critical if critical else QMessageBox.warning
    box(parent, title, text)


@contextmanager
def reported_errors(parent: QWidget | None, title: str, *, interactive: bool = True
                    ) -> Iterator[None]:
    """Run a user action; show expected failures as a message naming the cause.

    ``CoreError`` (bad file, locked database, …) is the user's to fix and is shown as is.
    Anything else is a bug: it is logged with its traceback and shown as an internal error
    so the reader can go on working.
    """
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    except CoreError as exc:
        QApplication.restoreOverrideCursor()
        _show(parent, title, str(exc), interactive)
    except Exception as exc:  # the last boundary before the event loop: log and show
        QApplication.restoreOverrideCursor()
        log.exception("%s failed", title)
        _show(parent, title, f"Internal error: {exc}\n\nDetails were written to the log.",
              interactive, critical=True)
    else:
        QApplication.restoreOverrideCursor()


class _Reporter(QObject):
    """Shows last-resort reports in the thread it lives in: the GUI thread.

    A message box may only be built in the GUI thread, but an exception can escape any
    thread; emitting :attr:`report` from elsewhere queues the call to this object's thread.
    """

    report = Signal(str, str)  # title, text

    def __init__(self, interactive: bool) -> None:
        super().__init__()
        self._interactive = interactive
        self.report.connect(self._show)

    @Slot(str, str)
    def _show(self, title: str, text: str) -> None:
        _show(None, title, text, self._interactive, critical=True)


def install_excepthook(interactive: bool) -> None:
    """Report exceptions that escape Qt slots or threads instead of losing them silently.

    Both ``sys.excepthook`` and ``threading.excepthook`` log the traceback and report the
    error. Install it once the QApplication exists: reports from other threads are then
    shown in the GUI thread. Without a QApplication they go to stderr.
    """
    app = QApplication.instance()
    reporter = _Reporter(interactive) if app is not None else None
    if reporter is not None and app is not None:
        reporter.moveToThread(app.thread())  # where message boxes may be built

    def report(title: str, text: str) -> None:
        if reporter is not None and QApplication.instance() is not None:
            reporter.report.emit(title, text)  # direct in the GUI thread, else queued
        else:
            _show(None, title, text, interactive=False)

    def hook(exc_type: type[BaseException], exc: BaseException | None,
             tb: TracebackType | None) -> None:
        _log_unhandled("Unhandled exception", exc_type, exc, tb)
        report("Internal error", f"{exc_type.__name__}: {exc}")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):
            return  # sys.exit() in a thread ends that thread, as the default hook allows
        name = args.thread.name if args.thread is not None else "?"
        _log_unhandled(f"Unhandled exception in thread {name!r}", args.exc_type,
                       args.exc_value, args.exc_traceback)
        report("Internal error", f"{args.exc_type.__name__} in a background task: "
                                 f"{args.exc_value}")

    sys.excepthook = hook
    threading.excepthook = thread_hook


def _log_unhandled(what: str, exc_type: type[BaseException], exc: BaseException | None,
                   tb: TracebackType | None) -> None:
    text = "".join(traceback.format_exception(exc_type, exc, tb)).rstrip()
    log.error("%s:\n%s", what, text)
