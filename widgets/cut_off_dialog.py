"""Lock the clinical record at a data cut-off: the date, and this subject or every subject.

``CutOffDialog(subject, current, today, parent=None)``: the coordinator types the cut-off
date (ISO, not after *today*, later than the *current* cut-off) and chooses the subject
shown or every subject; the dialog says what the lock does, for it cannot be undone (every
entry the cut-off covers is locked: undated ones and those dated on or before it;
docs/clinical-record.md §4). ``value()`` is ``(subject or None, date)`` or ``None`` while
the date is refused.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from widgets.clinical_form_base import PAPER_STYLE, accept_buttons


def cut_off_refusal(text: str, today: dt.date, current: dt.date | None) -> str | None:
    """Why *text* is not a cut-off date to lock at, or ``None`` (what the action checks
    too, said here as it is typed)."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return "a date as YYYY-MM-DD"
    if day > today:
        return f"{day.isoformat()} is after today ({today.isoformat()})"
    if current is not None and day <= current:
        return f"the record is already locked up to {current.isoformat()}"
    return None


class CutOffDialog(QDialog):
    """The data cut-off to lock at; see the module's docstring."""

    def __init__(self, subject: str, current: dt.date | None, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today, self.current = today, current
        self.setStyleSheet(PAPER_STYLE)
        self.setWindowTitle("Lock at a data cut-off")
        title = QLabel("Lock the clinical record at a data cut-off")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        explain = QLabel(
            "Every entry the cut-off covers is locked for good: eligibility, screening and "
            "baseline, and every entry dated on or before the cut-off. Locked entries are "
            "neither changed nor removed, and nothing dated before the cut-off can be "
            "added. Entries dated after it stay open."
            + (f" Locked now up to {current.isoformat()}." if current else ""))
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        self.date_field = QLineEdit(today.isoformat())
        self.date_field.setAccessibleName("Cut-off date")
        self.this_subject = QRadioButton(f"subject {subject} only")
        self.every_subject = QRadioButton("every subject of the trial")
        self.this_subject.setChecked(True)
        self.subject = subject
        self.message = QLabel()
        self.message.setObjectName("problem")
        self.buttons, self.ok_button = accept_buttons(self, "Lock")
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setContentsMargins(18, 14, 18, 12)
        date_label = QLabel("Cut-off &date (YYYY-MM-DD)")
        date_label.setBuddy(self.date_field)
        for widget in (title, explain, date_label, self.date_field, self.message,
                       self.this_subject, self.every_subject, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(480)
        self.date_field.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        refusal = cut_off_refusal(self.date_field.text(), self.today, self.current)
        self.message.setText(refusal or "")
        self.ok_button.setEnabled(refusal is None)

    def accept(self) -> None:
        if self.value() is not None:
            super().accept()

    def value(self) -> tuple[str | None, dt.date] | None:
        """(the subject, or None for every subject; the cut-off date), or None."""
        if cut_off_refusal(self.date_field.text(), self.today, self.current) is not None:
            return None
        day = dt.date.fromisoformat(self.date_field.text().strip())
        return (self.subject if self.this_subject.isChecked() else None), day
