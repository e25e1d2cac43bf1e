"""The reason for a change to the clinical record after entry, or for a deletion.

21 CFR 11.10(e): a change must not obscure what was recorded, and the reason for it is
recorded with it (docs/clinical-record.md §3). ``ChangeReasonDialog(what, changes,
deleting=False, parent=None)`` shows what is changed — *what* names the entry ("Lab value
PLAT of 2024-01-05"), *changes* are the lines of the change, old → new (``change_lines``),
or of the entry being deleted (``entry_lines``) — and asks for a one-line reason, checked
as it is typed by the store's own rule (``core.reading.clinical_entry.change_reason_refusal``:
required, at most 500 characters, one line). OK is disabled until the reason is valid; Esc cancels.
``reason()`` is the reason typed (without surrounding spaces), or ``None`` while it is
refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.reading.clinical_entry import change_reason_refusal
from widgets.clinical_form_base import PAPER_STYLE


def _shown(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple):  # an adverse event's (cause, relatedness) pairs
        return "; ".join(f"{_shown(cause)}: {_shown(rel)}" for cause, rel in value)
    return str(value) if str(value) else "(empty)"


def _label(name: str) -> str:
    return name.replace("_", " ")


def change_lines(old: object, new: object) -> tuple[str, ...]:
    """One line per field that differs between two values of one kind: "value: 92 → 95"."""
    if type(old) is not type(new) or not dataclasses.is_dataclass(old):
        raise TypeError(f"change_lines: two values of one clinical kind, not "
                        f"{type(old).__name__} and {type(new).__name__}")
    return tuple(f"{_label(item.name)}: {_shown(getattr(old, item.name))} → "
                 f"{_shown(getattr(new, item.name))}"
                 for item in dataclasses.fields(old)
                 if getattr(old, item.name) != getattr(new, item.name))


def entry_lines(value: object) -> tuple[str, ...]:
    """One line per field of an entry (what a deletion removes): "value: 92"."""
    if not dataclasses.is_dataclass(value):
        raise TypeError(f"entry_lines: a clinical value, not {type(value).__name__}")
    return tuple(f"{_label(item.name)}: {_shown(getattr(value, item.name))}"
                 for item in dataclasses.fields(value))


class ChangeReasonDialog(QDialog):
    """Why an entered value is changed or deleted; see the module's docstring."""

    def __init__(self, what: str, changes: Sequence[str], *, deleting: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deleting = deleting
        self.setStyleSheet(PAPER_STYLE)
        self.setWindowTitle("Reason for the deletion" if deleting else "Reason for the change")
        title = QLabel(f"{'Delete' if deleting else 'Change'} {what}")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        self.changes = QLabel("<br>".join(html.escape(line) for line in changes)
                              or "(nothing changed)")
        self.changes.setTextFormat(Qt.TextFormat.RichText)
        self.changes.setObjectName("computed")
        self.changes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        note = QLabel("The audit trail keeps the old value with who, when and this reason "
                      "(21 CFR 11.10(e)).")
        note.setObjectName("hint")
        note.setWordWrap(True)
        self.reason_field = QLineEdit()
        self.reason_field.setPlaceholderText(
            "why the entry is deleted" if deleting else "why the recorded value is changed")
        self.reason_field.setAccessibleName("Reason")
        self.message = QLabel()
        self.message.setObjectName("problem")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox()
        self.ok_button = QPushButton("Delete entry" if deleting else "Save change")
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet("color: #d6d6cf;")
        rule.setMinimumWidth(460)  # holds the dialog's width: the layout sets its minimum
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setContentsMargins(18, 14, 18, 12)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.changes)
        layout.addWidget(rule)
        reason_label = QLabel("&Reason")
        reason_label.setBuddy(self.reason_field)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason_field)
        layout.addWidget(self.message)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.reason_field.textChanged.connect(self._update)
        self._touched = False
        self._update()
        self.reason_field.setFocus()

    def reason(self) -> str | None:
        """The reason typed, without surrounding spaces, or ``None`` while it is refused."""
        if self.refusal() is not None:
            return None
        return self.reason_field.text().strip()

    def refusal(self) -> str | None:
        """Why the reason typed cannot be recorded (the store's rule), or ``None``."""
        return change_reason_refusal(self.reason_field.text())

    def accept(self) -> None:  # Qt override: never without a valid reason
        if self.reason() is None:
            return
        super().accept()

    def _update(self) -> None:
        refusal = self.refusal()
        self._touched = self._touched or bool(self.reason_field.text())
        # An empty reason is refused from the start, but said only once the user has typed.
        self.message.setText(refusal or "")
        self.message.setVisible(refusal is not None and self._touched)
        self.ok_button.setEnabled(refusal is None)
