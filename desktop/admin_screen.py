"""The admin's screen: accounts and the audit trail, wired to the actions.

``AdminScreen(store, session)`` holds two tabs: **Users** (``widgets.users_table``: add,
reset password, unlock, deactivate, reactivate) and **Audit trail**
(``widgets.audit_viewer``: filters by user, subject and action, pages, and "Verify the
record"). Every request becomes one action of ``core.actions``; a refusal of the store is
shown as it is worded — inside the dialog that asked (which stays open), else in the
message line above the tabs — and anything unexpected is logged and shown as an internal
error, never a traceback (the boundary of ``desktop/errors.py``).

The check of the record runs on a worker thread (``desktop/workers.Worker``) through a
read-only connection of its own, with a busy indicator; its outcome is recorded in the
audit as the admin's, the verdict shown, and the page holding the first broken row loaded
with that row marked and selected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from core.actions import (
    add_user,
    audit_trail,
    deactivate_user,
    list_users,
    reactivate_user,
    reset_password,
    unlock_user,
)
from core.actions.admin import DEFAULT_PAGE_ROWS
from core.actions.safekeeping import record_check, record_verdict, verify_store_file
from core.errors import CoreError
from core.model.admin import AuditFilter, RecordVerdict
from core.model.trial import Session
from core.progress import Cancelled, Progress
from core.store import DEFAULT_KDF, ScryptParams, Store
from desktop.workers import Worker
from widgets.account_dialogs import AddUserDialog, NewAccount, ReasonDialog, ResetPasswordDialog
from widgets.admin_style import INTACT_COLOUR, REFUSAL_COLOUR, STYLE
from widgets.audit_viewer import AuditViewer
from widgets.users_table import UsersTable

log = logging.getLogger(__name__)

DEACTIVATE_NOTE = ("The account can no longer log in and its open sessions end; its work "
                   "stays in the record. The reason is recorded in the audit trail.")
REACTIVATE_NOTE = "The account may log in again. The reason is recorded in the audit trail."


class AdminScreen(QWidget):
    """Users and the audit trail of *store*, for the admin logged in as *session*.

    Signals
    -------
    message_shown(str)   the line now shown above the tabs (an outcome or a refusal)
    """

    message_shown = Signal(str)

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None, *,
                 page_rows: int = DEFAULT_PAGE_ROWS, kdf: ScryptParams = DEFAULT_KDF) -> None:
        super().__init__(parent)
        self.setObjectName("adminScreen")
        self.setStyleSheet(STYLE)
        self._store = store
        self._session = session
        self._page_rows = page_rows
        self._kdf = kdf
        self._filter = AuditFilter()
        self._offset = 0
        self._worker: Worker | None = None
        self.dialog: AddUserDialog | ResetPasswordDialog | ReasonDialog | None = None
        self.verdict: RecordVerdict | None = None

        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.hide()
        self.users = UsersTable()
        self.audit = AuditViewer()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.users, "Users")
        self.tabs.addTab(self.audit, "Audit trail")
        heading = QLabel(f"Administration — {session.display_name} ({session.login})")
        heading.setObjectName("caption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(heading)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs)

        self.users.add_requested.connect(self._add_user)
        self.users.reset_requested.connect(self._reset_password)
        self.users.unlock_requested.connect(self._unlock)
        self.users.deactivate_requested.connect(self._deactivate)
        self.users.reactivate_requested.connect(self._reactivate)
        self.audit.page_requested.connect(self._load_page)
        self.audit.verify_requested.connect(self.verify)

    # -- public -------------------------------------------------------------------------
    def set_session(self, session: Session) -> None:
        """Act under *session* from now on (a new log-in after the idle lock)."""
        self._session = session

    def refresh(self) -> None:
        """Reload the accounts and the audit page shown (its filters and offset kept)."""
        self._run(lambda: self.users.set_users(list_users(self._store, self._session)))
        self._load_page(self._filter, self._offset)

    def message_text(self) -> str:
        """The line shown above the tabs ("" when none)."""
        return "" if self.message.isHidden() else self.message.text()

    def verify(self) -> None:
        """Check the whole record on a worker thread; the verdict follows when it ends."""
        if self._worker is not None:
            return
        path = self._store.path

        def task(*, progress: Progress, is_cancelled: Cancelled) -> object:
            del is_cancelled
            progress(0.0, "checking the record")
            return verify_store_file(path)

        self.audit.set_verifying(True)
        self._worker = Worker(task, name="verify-record", parent=self)
        self._worker.finished.connect(self._verified)
        self._worker.failed.connect(self._verify_failed)
        self._worker.start()

    def wait(self, timeout_s: float = 60.0) -> bool:
        """Block until a running check has ended (closing, tests)."""
        worker = self._worker
        return worker is None or worker.wait(timeout_s)

    # -- the boundary -------------------------------------------------------------------
    def _attempt(self, action: Callable[[], object]) -> str | None:
        """Run *action*: ``None`` when it was done, else the line that says why not."""
        try:
            action()
        except CoreError as error:
            return str(error)
        except Exception as error:  # the last boundary before the event loop: log, show
            log.exception("admin action failed")
            return f"Internal error: {error}. Details were written to the log."
        return None

    def _run(self, action: Callable[[], object], done: str | None = None) -> bool:
        refusal = self._attempt(action)
        if refusal is not None:
            self._show(refusal, refused=True)
            return False
        if done is not None:
            self._show(done)
        return True

    def _show(self, text: str, *, refused: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {REFUSAL_COLOUR if refused else INTACT_COLOUR};")
        self.message.show()
        self.message_shown.emit(text)

    def _after_change(self, done: str) -> None:
        self.refresh()
        self._show(done)

    # -- accounts -----------------------------------------------------------------------
    def _open(self, dialog: AddUserDialog | ResetPasswordDialog | ReasonDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.open()

    @Slot()
    def _add_user(self) -> None:
        def create(account: NewAccount) -> str | None:
            refusal = self._attempt(lambda: add_user(
                self._store, self._session, account.login, account.display_name,
                account.role, account.temporary_password, kdf=self._kdf))
            if refusal is None:
                self._after_change(f"Added {account.login} ({account.role.value}) with a "
                                   "temporary password.")
                self.users.select(account.login)
            return refusal

        self._open(AddUserDialog(create, self))

    @Slot(str)
    def _reset_password(self, login: str) -> None:
        def reset(password: str) -> str | None:
            refusal = self._attempt(lambda: reset_password(
                self._store, self._session, login, password, kdf=self._kdf))
            if refusal is None:
                self._after_change(f"{login} has a temporary password and is unlocked.")
            return refusal

        self._open(ResetPasswordDialog(login, reset, self))

    @Slot(str)
    def _unlock(self, login: str) -> None:
        if self._run(lambda: unlock_user(self._store, self._session, login)):
            self._after_change(f"Unlocked {login}.")

    @Slot(str)
    def _deactivate(self, login: str) -> None:
        def apply(reason: str) -> str | None:
            refusal = self._attempt(lambda: deactivate_user(self._store, self._session,
                                                            login, reason))
            if refusal is None:
                self._after_change(f"Deactivated {login}.")
            return refusal

        self._open(ReasonDialog(f"Deactivate {login}", "Deactivate", DEACTIVATE_NOTE, apply,
                                self))

    @Slot(str)
    def _reactivate(self, login: str) -> None:
        def apply(reason: str) -> str | None:
            refusal = self._attempt(lambda: reactivate_user(self._store, self._session,
                                                            login, reason))
            if refusal is None:
                self._after_change(f"Reactivated {login}.")
            return refusal

        self._open(ReasonDialog(f"Reactivate {login}", "Reactivate", REACTIVATE_NOTE, apply,
                                self))

    # -- the audit trail ----------------------------------------------------------------
    @Slot(object, int)
    def _load_page(self, wanted: AuditFilter, offset: int, at_row: int | None = None) -> None:
        def load() -> None:
            page = audit_trail(self._store, self._session, user=wanted.user,
                               subject=wanted.subject, action=wanted.action,
                               limit=self._page_rows, offset=offset, at_row=at_row)
            self._filter, self._offset = page.filter, page.offset
            self.audit.set_page(page)

        self._run(load)

    @Slot(object)
    def _verified(self, check: object) -> None:
        self._release()
        verdict = record_verdict(check)  # type: ignore[arg-type]
        self.verdict = verdict
        self.audit.show_verdict(verdict)
        self._run(lambda: record_check(self._store, self._session, check))  # type: ignore[arg-type]
        broken = verdict.first_broken_row
        if broken is not None:
            # The whole trail, at the page holding the first broken row.
            self._load_page(AuditFilter(), 0, at_row=broken)
            self.tabs.setCurrentWidget(self.audit)
        else:
            self._load_page(self._filter, self._offset)
        self.audit.show_verdict(verdict)

    @Slot(object)
    def _verify_failed(self, error: object) -> None:
        self._release()
        self.audit.set_verifying(False)
        if isinstance(error, CoreError):
            self._show(f"The record could not be checked: {error}", refused=True)
            return
        log.error("verify failed: %r", error)
        self._show(f"Internal error while checking the record: {error}", refused=True)

    def _release(self) -> None:
        if self._worker is not None:
            self._worker.release()
            self._worker = None
