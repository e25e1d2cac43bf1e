"""The admin's account dialogs: a new account, a password reset, a reason for a change.

None touches the store: each is given a callback that does the change and returns
``None`` or the store's one-line refusal (the password policy's sentence, a login that
exists, the last active admin …). A refused dialog stays open with the refusal; the
passwords typed are cleared from a dialog once it is done. An admin sets only
*temporary* passwords: the account must choose its own at its next log-in
(docs/security.md §6).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.model.reading import Role
from widgets.admin_style import REFUSAL_COLOUR, STYLE

ROLE_NAMES = {Role.READER: "Reader", Role.ADJUDICATOR: "Adjudicator",
              Role.COORDINATOR: "Coordinator", Role.ADMIN: "Admin"}
TEMPORARY_NOTE = ("A temporary password: the account can do nothing but choose its own "
                  "at its next log-in. Give it to the user in person.")
MISMATCH = "the two passwords differ"


@dataclass(frozen=True, slots=True)
class NewAccount:
    """What the add-user dialog asks for."""

    login: str
    display_name: str
    role: Role
    temporary_password: str


class _AccountDialog(QDialog):
    """A form with a main button that calls its attempt and stays open when refused."""

    def __init__(self, title: str, button_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setStyleSheet(STYLE)
        self.setMinimumWidth(440)
        self.refusal: str | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(18, 16, 18, 14)
        self.form = QFormLayout()
        self._layout.addLayout(self.form)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {REFUSAL_COLOUR};")
        self.message.hide()
        self.buttons = QDialogButtonBox()
        self.ok_button = QPushButton(button_text)
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

    def _finish(self, note: str | None = None) -> None:
        if note:
            caption = QLabel(note)
            caption.setObjectName("caption")
            caption.setWordWrap(True)
            self._layout.addWidget(caption)
        self._layout.addWidget(self.message)
        self._layout.addWidget(self.buttons)
        self._update()

    def showEvent(self, event: QShowEvent) -> None:  # Qt override
        super().showEvent(event)
        self.activateWindow()
        self._first_field().setFocus()

    def _first_field(self) -> QWidget:
        return self.ok_button

    def _update(self) -> None:
        self.ok_button.setEnabled(self._complete())

    def _complete(self) -> bool:
        return True

    def _attempt(self) -> str | None:
        raise NotImplementedError

    def _clear(self) -> None:
        """Forget what must not stay in a dialog (passwords)."""

    def _submit(self) -> None:
        if not self.ok_button.isEnabled():
            return
        refusal = self._attempt()
        if refusal is None:
            self.refusal = None
            self._clear()
            self.accept()
            return
        self.refusal = refusal
        self.message.setText(refusal)
        self.message.show()
        self.adjustSize()


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class AddUserDialog(_AccountDialog):
    """Login, display name, role and a temporary password typed twice.

    *create(NewAccount)* adds the account and returns ``None`` or the store's refusal.
    """

    def __init__(self, create: Callable[[NewAccount], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__("Add user", "Add user", parent)
        self._create = create
        self.login = QLineEdit()
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for role, name in ROLE_NAMES.items():
            self.role.addItem(name, role)
        self.password = _password_field()
        self.repeat = _password_field()
        self.form.addRow("Login", self.login)
        self.form.addRow("Display name", self.display_name)
        self.form.addRow("Role", self.role)
        self.form.addRow("Temporary password", self.password)
        self.form.addRow("Again", self.repeat)
        for field in (self.login, self.display_name, self.password, self.repeat):
            field.textChanged.connect(self._update)
        self._finish(TEMPORARY_NOTE)

    def _first_field(self) -> QWidget:
        return self.login

    def _complete(self) -> bool:
        return all(field.text() for field in (self.login, self.display_name,
                                              self.password, self.repeat))

    def _attempt(self) -> str | None:
        if self.password.text() != self.repeat.text():
            return MISMATCH
        return self._create(NewAccount(self.login.text().strip(),
                                       self.display_name.text().strip(),
                                       Role(self.role.currentData()), self.password.text()))

    def _clear(self) -> None:
        self.password.clear()
        self.repeat.clear()


class ResetPasswordDialog(_AccountDialog):
    """A new temporary password for *login*, typed twice; the reset also unlocks.

    *reset(password)* returns ``None`` or the store's refusal.
    """

    def __init__(self, login: str, reset: Callable[[str], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Reset the password of {login}", "Reset password", parent)
        self._reset = reset
        self.password = _password_field()
        self.repeat = _password_field()
        self.form.addRow("Temporary password", self.password)
        self.form.addRow("Again", self.repeat)
        for field in (self.password, self.repeat):
            field.textChanged.connect(self._update)
        self._finish(f"{TEMPORARY_NOTE} The reset also unlocks the account and ends its "
                     "sessions.")

    def _first_field(self) -> QWidget:
        return self.password

    def _complete(self) -> bool:
        return bool(self.password.text() and self.repeat.text())

    def _attempt(self) -> str | None:
        if self.password.text() != self.repeat.text():
            return MISMATCH
        return self._reset(self.password.text())

    def _clear(self) -> None:
        self.password.clear()
        self.repeat.clear()


class ReasonDialog(_AccountDialog):
    """Why an account is deactivated or reactivated: the audit records the reason.

    *apply(reason)* returns ``None`` or the store's refusal.
    """

    def __init__(self, title: str, button_text: str, note: str,
                 apply: Callable[[str], str | None], parent: QWidget | None = None) -> None:
        super().__init__(title, button_text, parent)
        self._apply = apply
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("recorded in the audit trail")
        self.form.addRow("Reason", self.reason)
        self.reason.textChanged.connect(self._update)
        self._finish(note)

    def _first_field(self) -> QWidget:
        return self.reason

    def _complete(self) -> bool:
        return bool(self.reason.text().strip())

    def _attempt(self) -> str | None:
        return self._apply(self.reason.text().strip())
