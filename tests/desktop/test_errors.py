"""The last-resort hooks: an exception escaping a thread is logged and reported, not lost."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QMessageBox

from desktop.errors import install_excepthook

MESSAGE = "lost in a worker"


@contextmanager
def _installed(interactive: bool) -> Iterator[None]:
    # Restored within the test: pytest and pytest-qt keep their own hooks around it.
    saved = sys.excepthook, threading.excepthook
    install_excepthook(interactive=interactive)
    try:
        yield
    finally:
        sys.excepthook, threading.excepthook = saved


def _fail_in_thread(name: str) -> None:
    def fail() -> None:
        raise ValueError(MESSAGE)

    thread = threading.Thread(target=fail, name=name)
    thread.start()
    thread.join()


def test_an_exception_escaping_a_thread_is_logged_and_shown_in_the_gui_thread(
        qtbot, caplog, monkeypatch):
    shown: list[tuple[str, str, str]] = []
    # QMessageBox.critical would block offscreen; record what it is asked, and where.
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, title, text: shown.append(
        (title, text, threading.current_thread().name)))
    with _installed(interactive=True), caplog.at_level(logging.ERROR, "mrecist.desktop"):
        _fail_in_thread("doomed-load")
        qtbot.waitUntil(lambda: bool(shown))
    (record,) = [r for r in caplog.records if r.name == "mrecist.desktop"]
    logged = record.getMessage()
    assert "thread 'doomed-load'" in logged
    assert "raise ValueError(MESSAGE)" in logged  # the traceback, for the bug report
    assert logged.endswith(f"ValueError: {MESSAGE}")
    assert shown == [("Internal error", f"ValueError in a background task: {MESSAGE}",
                      threading.main_thread().name)]


def test_without_a_screen_a_threads_exception_is_printed_on_stderr(qtbot, capsys):
    printed: list[str] = []

    def reported() -> bool:
        printed.extend(capsys.readouterr().err.splitlines())
        return any(MESSAGE in line for line in printed)

    with _installed(interactive=False):
        _fail_in_thread("doomed-scan")
        qtbot.waitUntil(reported)
    assert [line for line in printed if MESSAGE in line] == [
        f"Internal error: ValueError in a background task: {MESSAGE}"]
