"""The one worker runner: a task on its own thread, its reports delivered in the GUI thread."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from shiboken6 import isValid

from core.errors import DicomImportError
from desktop.workers import Worker

TIMEOUT_MS = 20_000


class _Seen:
    """What a GUI-thread slot received, and the thread it ran in."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[object, ...], str]] = []

    def __call__(self, *args: object) -> None:
        self.calls.append((args, threading.current_thread().name))


def test_a_task_runs_on_its_thread_and_reports_in_the_gui_thread(qtbot):
    ran_in: list[str] = []

    def task(*, progress, is_cancelled) -> dict[str, int]:
        ran_in.append(threading.current_thread().name)
        progress(0.5, "half way")
        progress(1.0, "done")
        return {"series": 4}

    worker = Worker(task, name="test-task")
    progressed, failed = _Seen(), _Seen()
    worker.progress.connect(progressed)
    worker.failed.connect(failed)
    with qtbot.waitSignal(worker.finished, timeout=TIMEOUT_MS) as blocker:
        worker.start()
    assert worker.wait(TIMEOUT_MS / 1000)
    assert blocker.args == [{"series": 4}]
    assert ran_in == ["test-task"]
    gui = threading.main_thread().name
    assert progressed.calls == [((0.5, "half way"), gui), ((1.0, "done"), gui)]
    assert failed.calls == []


def test_a_failing_task_hands_its_exception_to_the_gui_thread(qtbot):
    error = DicomImportError(Path("site/CT/IM0001"), "pixel data cut short")

    def task(*, progress, is_cancelled) -> None:
        raise error

    worker = Worker(task)
    finished, failed = _Seen(), _Seen()
    worker.finished.connect(finished)
    worker.failed.connect(failed)
    worker.start()
    qtbot.waitUntil(lambda: bool(failed.calls), timeout=TIMEOUT_MS)
    assert worker.wait(TIMEOUT_MS / 1000)
    QCoreApplication.processEvents()  # the thread has ended: all it sent is queued
    assert failed.calls == [((error,), threading.main_thread().name)]
    assert "IM0001" in str(failed.calls[0][0][0])
    assert finished.calls == []


def test_cancel_stops_a_task_that_checks_and_it_ends_with_its_result(qtbot):
    started = threading.Event()

    def task(*, progress, is_cancelled) -> str:
        started.set()
        stopped = threading.Event()
        for _ in range(3000):  # a bound, so a broken cancel fails the test, not the run
            if is_cancelled():
                return "cancelled"
            stopped.wait(0.01)
        return "ran to the end"

    worker = Worker(task)
    worker.start()
    assert started.wait(TIMEOUT_MS / 1000)
    assert not worker.is_cancelled()
    with qtbot.waitSignal(worker.finished, timeout=TIMEOUT_MS) as blocker:
        worker.cancel()
    assert worker.is_cancelled()
    assert blocker.args == ["cancelled"]
    assert worker.wait(TIMEOUT_MS / 1000)


def test_a_released_worker_is_deleted_only_once_its_thread_has_ended(qtbot):
    go_on = threading.Event()

    def task(*, progress, is_cancelled) -> str:
        progress(0.5, "half way")
        go_on.wait(TIMEOUT_MS / 1000)
        return "done"

    worker = Worker(task)
    with qtbot.waitSignal(worker.progress, timeout=TIMEOUT_MS):
        worker.start()
    worker.release()  # while the thread runs: it may still post to other receivers
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert isValid(worker)
    with qtbot.waitSignal(worker.finished, timeout=TIMEOUT_MS) as blocker:
        go_on.set()
    assert blocker.args == ["done"]
    assert worker.wait(TIMEOUT_MS / 1000)
    qtbot.waitUntil(lambda: not isValid(worker), timeout=TIMEOUT_MS)  # not leaked either
