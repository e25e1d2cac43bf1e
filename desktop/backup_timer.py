"""Rotating backups on a timer while the application runs.

Every *interval_minutes* (60 by default) ``BackupScheduler`` orders a rotating backup in
the GUI thread (``core.actions.safekeeping.order_backup``: the role is checked — admin or
coordinator — and the backup audited, as ``rotate_store_backups`` does) and writes it on a
worker thread through a connection of that thread (``write_ordered_backup``: the store's
own connection belongs to the GUI thread), keeping the newest *keep*. A run never starts
while the previous one is still writing. Success and failure arrive as signals in the GUI
thread; a failure is one line naming the file or the refusal.

Start it only for a session that may back up (admin, coordinator); after a new log-in
(the idle lock) give it the new session with ``set_session``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from core.actions.safekeeping import order_backup, write_ordered_backup
from core.errors import CoreError
from core.model.trial import Session
from core.progress import Cancelled, Progress
from core.store import DEFAULT_KEEP, Store
from desktop.workers import Worker

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MINUTES = 60
BACKUP_FOLDER_SUFFIX = "-backups"


def default_backup_folder(store_path: Path) -> Path:
    """``<store folder>/<store name>-backups``: where the scheduled backups go by default.

    Keep copies off the machine as well (docs/security.md §2): a folder beside the store
    protects against a damaged file, not against losing the disk.
    """
    return store_path.parent / f"{store_path.stem}{BACKUP_FOLDER_SUFFIX}"


class BackupScheduler(QObject):
    """A rotating backup of *store* into *folder* every *interval_minutes*.

    Signals
    -------
    started()          a backup is being written
    backed_up(str)     the path of the backup just written
    failed(str)        why the backup was not made (one line)
    """

    started = Signal()
    backed_up = Signal(str)
    failed = Signal(str)

    def __init__(self, store: Store, session: Session, folder: Path, *,
                 interval_minutes: int = DEFAULT_INTERVAL_MINUTES, keep: int = DEFAULT_KEEP,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._session = session
        self.folder = Path(folder)
        self.keep = keep
        self._worker: Worker | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.run_now)
        self.set_interval_minutes(interval_minutes)

    @property
    def interval_minutes(self) -> int:
        """Minutes between two backups."""
        return self.timer.interval() // 60_000

    def set_interval_minutes(self, minutes: int) -> None:
        """Back up every *minutes* from now on (1 or more)."""
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
            raise ValueError(f"a backup interval is a whole number of minutes ≥ 1, "
                             f"not {minutes!r}")
        self.timer.setInterval(minutes * 60_000)

    def set_session(self, session: Session) -> None:
        """Order the next backups under *session* (a new log-in)."""
        self._session = session

    def start(self) -> None:
        """Start the timer: the first backup follows one interval from now."""
        self.timer.start()

    def stop(self) -> None:
        """Stop the timer; a backup being written finishes (``wait`` for it)."""
        self.timer.stop()

    def is_running(self) -> bool:
        """True while a backup is being written."""
        return self._worker is not None

    def wait(self, timeout_s: float = 30.0) -> bool:
        """Block until a backup being written has ended (closing the store, tests)."""
        worker = self._worker
        return worker is None or worker.wait(timeout_s)

    @Slot()
    def run_now(self) -> None:
        """Back up now (the timer calls this); skipped while one is still being written."""
        if self._worker is not None:
            log.info("scheduled backup skipped: the previous one is still being written")
            return
        try:
            order = order_backup(self._store, self._session, self.folder, self.keep)
        except CoreError as error:
            self.failed.emit(str(error))
            return

        def task(*, progress: Progress, is_cancelled: Cancelled) -> Path:
            del progress, is_cancelled
            return write_ordered_backup(order)

        self._worker = Worker(task, name="scheduled-backup", parent=self)
        self._worker.finished.connect(self._finished)
        self._worker.failed.connect(self._failed)
        self.started.emit()
        self._worker.start()

    @Slot(object)
    def _finished(self, made: object) -> None:
        self._release()
        self.backed_up.emit(str(made))

    @Slot(object)
    def _failed(self, error: object) -> None:
        self._release()
        if isinstance(error, CoreError):
            self.failed.emit(str(error))
            return
        log.error("scheduled backup failed: %r", error)
        self.failed.emit(f"Internal error in the scheduled backup: {error}")

    def _release(self) -> None:
        if self._worker is not None:
            self._worker.release()
            self._worker = None
