"""The open trial store, who is logged in to it, and the idle lock.

One ``TrialSession`` per open store. Logging in, out and back in after a lock go through
``core.store.login`` / ``logout``; everything else a screen does passes ``session`` to
``core.actions``. The idle lock: after ``idle_minutes`` without user input (the store's
setting, 15 by default) the session is ended in the store and the window asks for the
same user's password again; a new log-in then continues where the reader was. User input
also keeps the store's own session alive while a reader only scrolls (each call to the
store is activity; scrolling makes none), at most once a minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from core import actions
from core.errors import PermissionDeniedError
from core.model.trial import Session
from core.model.worklist import WorklistEntry
from core.store import Store, login, logout, open_store

Clock = Callable[[], float]

# How often the idle time is checked, and the least time between two keep-alive calls.
CHECK_INTERVAL_MS = 5_000
KEEP_ALIVE_S = 15.0
DEFAULT_IDLE_MINUTES = 15

# What counts as the user's presence at the station.
_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin,
})


class TrialSession(QObject):
    """An open trial store and its log-in.

    Signals
    -------
    logged_in(Session)   a log-in (or an unlock) succeeded
    ending()             the session is about to end (log-out or lock): work still
                         running under it (key images being filed) finishes now
    logged_out()         the user logged out, or the store ended the session
    locked(str)          the idle lock closed the session of this login
    """

    logged_in = Signal(object)
    ending = Signal()
    logged_out = Signal()
    locked = Signal(str)

    def __init__(self, store: Store, *, demo: bool = False, clock: Clock = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.is_demo = demo
        self._clock = clock
        self.session: Session | None = None
        self.locked_login: str | None = None
        self.idle_minutes = DEFAULT_IDLE_MINUTES
        self._last_input = clock()
        self._last_keep_alive = clock()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check_idle)

    @classmethod
    def open(cls, path: Path, *, demo: bool = False, clock: Clock = time.monotonic,
             parent: QObject | None = None) -> TrialSession:
        """Open the store at *path* (``StoreError`` if it is none)."""
        return cls(open_store(path), demo=demo, clock=clock, parent=parent)

    @property
    def path(self) -> Path:
        """The store file."""
        return self.store.path

    @property
    def is_locked(self) -> bool:
        """True while the idle lock waits for the password."""
        return self.locked_login is not None

    # -- log-in -------------------------------------------------------------------------
    def log_in(self, login_name: str, password: str) -> Session:
        """Log in (``AuthenticationError`` / ``AccountLockedError`` as the store gives them)."""
        session = login(self.store, login_name, password)
        self._started(session)
        return session

    def must_change_password(self) -> bool:
        """True when the session was opened with a temporary password."""
        return self.session is not None and \
            actions.must_change_password(self.store, self._live())

    def change_password(self, current: str, new: str) -> None:
        """Change the user's own password (the store's refusals as they are)."""
        actions.change_password(self.store, self._live(), current, new)

    def log_out(self) -> None:
        """End the session in the store; nothing of the trial stays on screen."""
        self._timer.stop()
        if self.session is not None:
            self.ending.emit()
        session, self.session, self.locked_login = self.session, None, None
        if session is not None:
            logout(self.store, session)
        self.logged_out.emit()

    def close(self) -> None:
        """Log out and close the store."""
        if self.session is not None or self.is_locked:
            self.log_out()
        self.store.close()

    # -- the idle lock ------------------------------------------------------------------
    def note_input(self) -> None:
        """The user did something: the idle time starts again; the store's session is
        kept alive (at most once every ``KEEP_ALIVE_S``)."""
        now = self._clock()
        self._last_input = now
        if self.session is None or now - self._last_keep_alive < KEEP_ALIVE_S:
            return
        self._last_keep_alive = now
        try:
            self.idle_minutes = actions.session_idle_minutes(self.store, self.session)
        except PermissionDeniedError:
            # The store ended it (a password reset, a lock-out elsewhere): start again.
            self.log_out()

    def check_idle(self) -> bool:
        """Lock if the user has been idle for ``idle_minutes``; True if now locked.

        The store last heard of the user at the last keep-alive, up to ``KEEP_ALIVE_S``
        before the last input, and ends the session ``idle_minutes`` after that: the
        station locks that much earlier, so a reader meets the lock screen, never an
        "expired session" error.
        """
        if self.session is not None and \
                self._clock() - self._last_input >= self.idle_minutes * 60 - KEEP_ALIVE_S:
            self.lock()
        return self.is_locked

    def lock(self) -> None:
        """End the session in the store and wait for the same user's password."""
        if self.session is None:
            return
        self._timer.stop()
        self.ending.emit()
        session, self.session = self.session, None
        self.locked_login = session.login
        logout(self.store, session)
        self.locked.emit(session.login)

    def unlock(self, password: str) -> Session:
        """Log the locked user in again (a wrong password counts toward the lock-out)."""
        if self.locked_login is None:
            raise RuntimeError("the session is not locked")
        session = login(self.store, self.locked_login, password)
        self.locked_login = None
        self._started(session)
        return session

    # -- what the reader sees -------------------------------------------------------------
    def worklist(self) -> tuple[WorklistEntry, ...]:
        """The logged-in reader's worklist (``PermissionDeniedError`` for other roles)."""
        return actions.worklist(self.store, self._live())

    def timepoint_folders(self, task_id: int, timepoint_id: int) -> list[Path]:
        """The folders of one timepoint's series, in the store's image folder."""
        series = actions.list_series(self.store, self._live(), task_id, timepoint_id)
        return [self.path.parent / record.location for record in series]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Install on the application: every input event is the user's presence."""
        if event.type() in _INPUT_EVENTS:
            self.note_input()
        return False

    def _started(self, session: Session) -> None:
        self.session = session
        now = self._clock()
        self._last_input = self._last_keep_alive = now
        try:
            self.idle_minutes = actions.session_idle_minutes(self.store, session)
        except PermissionDeniedError:  # a temporary password: the store's default holds
            self.idle_minutes = DEFAULT_IDLE_MINUTES
        self._timer.start()
        self.logged_in.emit(session)

    def live_session(self) -> Session:
        """The session (``PermissionDeniedError`` when none is logged in)."""
        return self._live()

    def _live(self) -> Session:
        if self.session is None:
            raise PermissionDeniedError(self.path.name, "not logged in")
        return self.session
