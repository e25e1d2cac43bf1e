"""The admin's accounts: every user with role and state, and the buttons that change one.

Shows ``core.model.admin.UserSummary`` values as given (never a password hash) and emits
plain requests — the selected login — for the screen to carry out through the actions.
Buttons are enabled only where the change applies (Unlock for a locked account,
Deactivate or Reactivate by its state); the store still decides, and its refusal is the
screen's to show.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.model.admin import UserSummary
from widgets.account_dialogs import ROLE_NAMES

COLUMNS = ("Login", "Name", "Role", "State", "Password", "Failed log-ins", "Last log-in (UTC)")
_LOGIN_ROLE = Qt.ItemDataRole.UserRole
_STATE_COLOURS = {"active": "#98c379", "locked": "#e5c07b", "deactivated": "#9a9ca3"}


def state_text(user: UserSummary) -> str:
    """An account's state in one word: deactivated, locked or active."""
    if not user.is_active:
        return "deactivated"
    return "locked" if user.is_locked else "active"


def short_utc(utc: str | None) -> str:
    """``2026-03-02T09:14:05.123Z`` as ``2026-03-02 09:14``; ``—`` for none."""
    if not utc:
        return "—"
    return utc.replace("T", " ")[:16]


class UsersTable(QWidget):
    """The accounts table and its buttons.

    Signals
    -------
    add_requested()                a new account (the screen opens the add-user dialog)
    reset_requested(str)           a temporary password for this login
    unlock_requested(str)          unlock this login
    deactivate_requested(str)      deactivate this login (the screen asks the reason)
    reactivate_requested(str)      reactivate this login (the screen asks the reason)
    """

    add_requested = Signal()
    reset_requested = Signal(str)
    unlock_requested = Signal(str)
    deactivate_requested = Signal(str)
    reactivate_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._users: tuple[UserSummary, ...] = ()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.add_button = QPushButton("Add user…")
        self.reset_button = QPushButton("Reset password…")
        self.unlock_button = QPushButton("Unlock")
        self.deactivate_button = QPushButton("Deactivate…")
        self.reactivate_button = QPushButton("Reactivate…")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.reset_button, self.unlock_button,
                       self.deactivate_button, self.reactivate_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.add_button.clicked.connect(self.add_requested)
        self.reset_button.clicked.connect(lambda: self._emit(self.reset_requested))
        self.unlock_button.clicked.connect(lambda: self._emit(self.unlock_requested))
        self.deactivate_button.clicked.connect(lambda: self._emit(self.deactivate_requested))
        self.reactivate_button.clicked.connect(lambda: self._emit(self.reactivate_requested))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    @property
    def users(self) -> tuple[UserSummary, ...]:
        """The accounts shown, in the order shown."""
        return self._users

    def set_users(self, users: Sequence[UserSummary]) -> None:
        """Show *users*, keeping the selected login selected when it is still there."""
        keep = self.selected_login()
        self._users = tuple(users)
        self.table.setRowCount(len(self._users))
        for row, user in enumerate(self._users):
            state = state_text(user)
            values = (user.login, user.display_name, ROLE_NAMES[user.role], state,
                      "temporary" if user.must_change_password else "own",
                      str(user.failed_logins), short_utc(user.last_login_utc))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(_LOGIN_ROLE, user.login)
                if column == 3:
                    item.setForeground(QBrush(QColor(_STATE_COLOURS[state])))
                if column == 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        if keep is not None:
            self.select(keep)
        self._update_buttons()

    def select(self, login: str) -> bool:
        """Select the row of *login*; True if it is shown."""
        for row, user in enumerate(self._users):
            if user.login == login:
                self.table.selectRow(row)
                return True
        return False

    def selected_login(self) -> str | None:
        """The login of the selected row, or ``None``."""
        user = self.selected_user()
        return None if user is None else user.login

    def selected_user(self) -> UserSummary | None:
        """The selected account, or ``None``."""
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1:
            return None
        return self._users[rows.pop()]

    def _emit(self, signal: Signal) -> None:
        login = self.selected_login()
        if login is not None:
            signal.emit(login)  # type: ignore[attr-defined]

    def _update_buttons(self) -> None:
        user = self.selected_user()
        self.reset_button.setEnabled(user is not None)
        self.unlock_button.setEnabled(user is not None and user.is_locked)
        self.deactivate_button.setEnabled(user is not None and user.is_active)
        self.reactivate_button.setEnabled(user is not None and not user.is_active)
