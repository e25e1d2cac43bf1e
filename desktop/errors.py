"""One boundary per user action: failures become one clear message, never a crash."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
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


def install_excepthook(interactive: bool) -> None:
    """Report exceptions that escape Qt slots instead of losing them silently."""

    def hook(exc_type, exc, tb) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("Unhandled exception:\n%s", text)
        _show(None, "Internal error", f"{exc_type.__name__}: {exc}", interactive,
              critical=True)

    sys.excepthook = hook
