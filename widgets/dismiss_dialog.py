"""Why a lab abnormality proposed as an adverse event is not one: the dismissal's reason.

``DismissDialog(proposal, parent=None)`` shows the proposed episode (term, grade, dates,
samples) and asks why it is not an adverse event (a value known before treatment, a
sampling error, clinically insignificant …). OK is disabled until the reason is a line of
text of at most 500 characters; ``value()`` is the ``DismissedLabEvent`` to record, or
``None`` while the reason is refused. The dismissal is kept in the audit trail with who
and when, and can be withdrawn later with a reason (docs/clinical.md §5a).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.clinical.proposals import ProposedEvent
from core.model.clinical_record import MAX_TEXT_CHARS, DismissedLabEvent
from widgets.clinical_form_base import PAPER_STYLE, accept_buttons


def reason_refusal(reason: str) -> str | None:
    """Why *reason* cannot explain a dismissal, or ``None``."""
    if not reason.strip():
        return "say why this abnormality is not an adverse event"
    if len(reason) > MAX_TEXT_CHARS:
        return f"at most {MAX_TEXT_CHARS} characters"
    if any(ord(char) < 32 for char in reason):
        return "one line of text"
    return None


class DismissDialog(QDialog):
    """The reason a proposed adverse event is dismissed; see the module's docstring."""

    def __init__(self, proposal: ProposedEvent, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proposal = proposal
        self.setStyleSheet(PAPER_STYLE)
        self.setWindowTitle("Dismiss proposed adverse event")
        title = QLabel(f"Dismiss: {proposal.term}, grade {proposal.grade}")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        shown = QLabel(proposal.text)
        shown.setObjectName("computed")
        shown.setWordWrap(True)
        hint = QLabel("Not recorded as an adverse event. The dismissal, with who, when and "
                      "this reason, stays in the audit trail and can be withdrawn.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.reason_field = QLineEdit()
        self.reason_field.setPlaceholderText("why this is not an adverse event")
        self.reason_field.setAccessibleName("Reason")
        self.message = QLabel()
        self.message.setObjectName("problem")
        self.buttons, self.ok_button = accept_buttons(self, "Dismiss")
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setContentsMargins(18, 14, 18, 12)
        for widget in (title, shown, QLabel("&Reason"), self.reason_field, self.message,
                       hint, self.buttons):
            layout.addWidget(widget)
        label = layout.itemAt(2).widget()
        if isinstance(label, QLabel):
            label.setBuddy(self.reason_field)
        self.setMinimumWidth(480)
        self.reason_field.textChanged.connect(self._update)
        self._update()
        self.reason_field.setFocus()

    def _update(self) -> None:
        refusal = reason_refusal(self.reason_field.text())
        typed = bool(self.reason_field.text())
        self.message.setText(refusal if refusal and typed else "")
        self.message.setVisible(bool(refusal and typed))
        self.ok_button.setEnabled(refusal is None)

    def accept(self) -> None:
        if self.value() is not None:
            super().accept()

    def value(self) -> DismissedLabEvent | None:
        """The dismissal to record, or ``None`` while the reason is refused."""
        reason = self.reason_field.text().strip()
        if reason_refusal(reason) is not None:
            return None
        return DismissedLabEvent(self.proposal.term, self.proposal.onset, reason,
                                 self.proposal.grade)
