"""The log-in, unlock and change-password dialogs of a trial store.

Each dialog calls the attempt it is given when OK is pressed and stays open with the
store's own message when it is refused (unknown login or wrong password, locked, a
password the policy refuses); it accepts only once the attempt succeeded. The demo log-ins
are shown only when a demo store is open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import AuthenticationError, CoreError

Attempt = Callable[[str, str], object]
LOG_OUT_CODE = 2  # the unlock dialog's "Log out" (neither accepted nor rejected)


def refusal_text(error: CoreError) -> str:
    """What the store said, as it said it (without the login it names)."""
    return error.reason if isinstance(error, AuthenticationError) else str(error)


class _Dialog(QDialog):
    """A form with a message line for the store's refusals, and OK / Cancel."""

    def __init__(self, title: str, heading: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self._layout = QVBoxLayout(self)
        self.heading = QLabel(heading)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self._layout.addWidget(self.heading)
        self.form = QFormLayout()
        self._layout.addLayout(self.form)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #e06c5a;")
        self.message.hide()
        self._layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self._layout.addWidget(self.buttons)

    @property
    def ok_button(self) -> QPushButton:
        """The OK button (tests click it)."""
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def show_refusal(self, text: str) -> None:
        """Show *text* under the form."""
        self.message.setText(text)
        self.message.show()

    def _submit(self) -> None:
        raise NotImplementedError


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class LoginDialog(_Dialog):
    """User and password for a trial store; with *locked_login*, the idle lock's unlock.

    *attempt(login, password)* logs in or raises the store's ``CoreError``.
    *demo_logins* (login, name; the demo store only) are listed with *demo_password*.
    """

    def __init__(self, trial_name: str, attempt: Attempt, *, locked_login: str | None = None,
                 demo_logins: Sequence[tuple[str, str]] = (), demo_password: str = "",
                 parent: QWidget | None = None) -> None:
        if locked_login is None:
            title, heading = "Log in", f"<b>{escape(trial_name)}</b><br>Log in to read."
        else:
            title = "Locked"
            heading = (f"<b>{escape(trial_name)}</b><br>The session was locked after a "
                       f"period without activity. Enter the password of "
                       f"<b>{escape(locked_login)}</b> to continue.")
        super().__init__(title, heading, parent)
        self._attempt = attempt
        self.login_field = QLineEdit(locked_login or "")
        self.login_field.setReadOnly(locked_login is not None)
        self.password_field = _password_field()
        self.form.addRow("User", self.login_field)
        self.form.addRow("Password", self.password_field)
        if locked_login is not None:
            self.password_field.setFocus()
            # Only the password, or log out: Esc and the close box log out too.
            self.buttons.removeButton(self.buttons.button(
                QDialogButtonBox.StandardButton.Cancel))
            log_out = self.buttons.addButton("Log out",
                                             QDialogButtonBox.ButtonRole.DestructiveRole)
            log_out.clicked.connect(lambda: self.done(LOG_OUT_CODE))
        self.demo_hint: QLabel | None = None
        if demo_logins:
            rows = "".join(f"<tr><td><code>{escape(login)}</code></td><td>{escape(name)}</td></tr>"
                           for login, name in demo_logins)
            self.demo_hint = QLabel(
                "<p><b>Demo trial</b> — every account's password is "
                f"<code>{escape(demo_password)}</code></p>"
                f"<table cellspacing=4>{rows}</table>")
            self.demo_hint.setObjectName("demo_hint")
            self.demo_hint.setTextFormat(Qt.TextFormat.RichText)
            self._layout.insertWidget(self._layout.count() - 1, self.demo_hint)

    def _submit(self) -> None:
        try:
            self._attempt(self.login_field.text(), self.password_field.text())
        except CoreError as error:
            self.password_field.clear()
            self.show_refusal(refusal_text(error))
            return
        self.accept()


class ChangePasswordDialog(_Dialog):
    """The current password and a new one twice; *attempt(current, new)* changes it."""

    def __init__(self, login: str, attempt: Attempt, *, required: bool = True,
                 parent: QWidget | None = None) -> None:
        heading = (f"<b>{escape(login)}</b>: the password was set by an admin. Choose your own "
                   "before you continue (at least 12 characters, not your login, not a "
                   "common password)." if required else f"Change the password of "
                   f"<b>{escape(login)}</b>.")
        super().__init__("Change password", heading, parent)
        self._attempt = attempt
        self.current_field = _password_field()
        self.new_field = _password_field()
        self.repeat_field = _password_field()
        self.form.addRow("Current password", self.current_field)
        self.form.addRow("New password", self.new_field)
        self.form.addRow("New password again", self.repeat_field)

    def _submit(self) -> None:
        if self.new_field.text() != self.repeat_field.text():
            self.show_refusal("the two new passwords differ")
            return
        try:
            self._attempt(self.current_field.text(), self.new_field.text())
        except CoreError as error:
            self.show_refusal(refusal_text(error))
            return
        self.accept()
