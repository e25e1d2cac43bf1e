"""What every clinical entry form shares: the paper look, the status line, OK only when
valid, the edit mode and the caller's submit.

A form (``ClinicalForm`` subclass) is a dialog of ``widgets.clinical_fields`` fields that
answers one value of ``core.model.clinical_record``. Its public API:

``value()``
    The core value the form describes now, or ``None`` while a field has a problem (or
    the value's own ``__post_init__`` refuses it).
``problems()``
    The current problems, each a ``Problem(field, label, reason)``; ``field`` is the core
    value's field name.
``existing``
    The value being edited (the edit mode: the form was built from it, prefilled), or
    ``None`` for a new entry. In the edit mode OK waits for a change.
``today``
    The day the dates are checked against (no date after it), injectable for tests.

OK is disabled until the value is valid; Esc or Cancel closes the form without a value
(``result()`` is ``Rejected``). A *submit* callback, when given, is called with the value
on OK and returns ``None`` (done, the form closes) or the store's one-line refusal, which
the form shows and stays open with (a cut-off, a duplicate). The form itself never asks
for a reason for a change: the caller does (``widgets.change_reason_dialog``), keeping the
form open meanwhile (``show_refusal`` says what is awaited, or the store's refusal once
the change is refused; ``finish()`` closes it once the change is recorded).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import InvalidValueError
from widgets.clinical_fields import REQUIRED, Field

PROBLEM_COLOUR = "#b3261e"
INK = "#1f1f1f"
# The coordinator's screen is a sheet of paper inside the dark reading-room window
# (desktop/coordinator_screen.py): its forms are too, with computed values on a tint that
# sets them apart from what is typed.
PAPER_STYLE = (
    f"QDialog {{ background: #f5f5f2; color: {INK}; }}"
    f"QLabel, QRadioButton, QCheckBox {{ color: {INK}; }}"
    # Level with the text of the input beside it (its border and padding).
    "QLabel#fieldLabel { padding-top: 2px; } QLabel#unit { padding-top: 5px; }"
    "QLabel#hint, QLabel#status, QLabel#unit { color: #5f6368; }"
    f"QLabel#problem {{ color: {PROBLEM_COLOUR}; }}"
    f"QLabel#refusal {{ color: {PROBLEM_COLOUR}; font-weight: bold; }}"
    "QLabel#computed { background: #e3ecf5; color: #12355b; border: 1px solid #c4d4e6; "
    "border-radius: 3px; padding: 4px 6px; }"
    "QLabel#section { color: #3c4043; font-weight: bold; padding-top: 4px; }"
    f"QLineEdit, QComboBox {{ background: #ffffff; color: {INK}; "
    "border: 1px solid #b9b9b1; border-radius: 3px; padding: 3px 5px; }"
    "QLineEdit:focus, QComboBox:focus { border-color: #2d6da3; }"
    f"QLineEdit[problem=\"true\"], QComboBox[problem=\"true\"] {{ "
    f"border: 1px solid {PROBLEM_COLOUR}; background: #fdf1f0; }}"
    f"QRadioButton[problem=\"true\"] {{ color: {PROBLEM_COLOUR}; }}"
    "QLineEdit:disabled, QComboBox:disabled { background: #ecece8; color: #8a8a86; }"
    f"QComboBox QAbstractItemView {{ background: #ffffff; color: {INK}; "
    "selection-background-color: #cfe0f1; selection-color: #1f1f1f; }"
    f"QPushButton {{ background: #ffffff; color: {INK}; border: 1px solid #a9a9a2; "
    "border-radius: 3px; padding: 5px 16px; }"
    "QPushButton:default { background: #2d6da3; color: #ffffff; border-color: #245a87; }"
    "QPushButton:disabled { background: #ecece8; color: #9a9a96; border-color: #d0d0ca; }"
    f"QToolButton {{ background: #ffffff; color: {INK}; border: 1px solid #b9b9b1; "
    "border-radius: 3px; padding: 2px 5px; }"
    "QToolButton::menu-indicator { image: none; width: 0; }"
    "QGroupBox { border: 1px solid #d6d6cf; border-radius: 4px; margin-top: 14px; "
    "padding: 6px 8px 4px 8px; font-weight: bold; color: #3c4043; }"
    "QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }"
    f"QCalendarWidget QWidget {{ background: #ffffff; color: {INK}; }}"
    "QCalendarWidget QAbstractItemView:disabled { color: #b0b0aa; }"
)
NOTHING_CHANGED = "Nothing changed yet."
F = TypeVar("F", bound=Field)


@dataclass(frozen=True, slots=True)
class Problem:
    """A field's problem: the core value's *field* name, the screen's *label*, the
    *reason*."""

    field: str
    label: str
    reason: str

    @property
    def text(self) -> str:
        """ "Visit date is after today (2026-03-01)" """
        return f"{self.label} {self.reason}"


def computed_label(text: str = "") -> QLabel:
    """A label for a value the form computes (a grade, a score): tinted, never typed."""
    label = QLabel(text)
    label.setObjectName("computed")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def new_form_layout() -> QFormLayout:
    """A form layout of the clinical forms: labels right-aligned, fields growing."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(7)
    return form


class ClinicalForm(QDialog):
    """The base of the clinical entry forms; see the module's docstring."""

    def __init__(self, title: str, hint: str, *, existing: Any = None,
                 today: dt.date | None = None,
                 submit: Callable[[Any], str | None] | None = None,
                 parent: QWidget | None = None, min_width: int = 520) -> None:
        super().__init__(parent)
        self._min_width = min_width
        self.existing = existing
        self.today = today or dt.date.today()
        self._submit = submit
        self._fields: list[Field] = []
        self._inactive: set[Field] = set()
        self._rows: dict[Field, QFormLayout] = {}
        self._refreshing = False
        self.setStyleSheet(PAPER_STYLE)
        self.setWindowTitle(title)
        self.title = QLabel(title)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.hint = QLabel(hint)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet("color: #d6d6cf;")
        # Wide enough from the start for what is computed as the user types (the layout
        # sets the dialog's minimum size, so the width is held by the rule).
        rule.setMinimumWidth(min_width - 36)
        self.body = QVBoxLayout()
        self.body.setSpacing(8)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.refusal = QLabel()
        self.refusal.setObjectName("refusal")
        self.refusal.setWordWrap(True)
        self.refusal.hide()
        self.buttons = QDialogButtonBox()
        self.ok_button = QPushButton("Save changes" if existing is not None else "Record")
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = self._layout = QVBoxLayout(self)
        # The form grows as problems appear under the fields, never squeezing a row.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setContentsMargins(18, 14, 18, 12)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(rule)
        layout.addLayout(self.body)
        layout.addStretch(1)
        layout.addWidget(self.status)
        layout.addWidget(self.refusal)
        layout.addWidget(self.buttons)

    # -- the API -------------------------------------------------------------------------
    def value(self) -> Any:
        """The core value the form describes now, or ``None`` while it has a problem."""
        if self._field_problems():
            return None
        try:
            return self._build()
        except InvalidValueError:
            return None

    def problems(self) -> tuple[Problem, ...]:
        """Every current problem: the fields' own and across fields, then the value's."""
        found = self._field_problems()
        if found:
            return found
        try:
            self._build()
        except InvalidValueError as error:
            label = next((f.label for f in self._fields if f.name == error.field),
                         error.field)
            return (Problem(error.field, label, error.reason),)
        return ()

    def accept(self) -> None:  # Qt override: only a valid value, and the caller's word
        value = self.value()
        if value is None or not self.ok_button.isEnabled():
            return
        if self._submit is not None:
            refusal = self._submit(value)
            if refusal:
                self.show_refusal(refusal)
                return
        super().accept()

    def show_refusal(self, text: str) -> None:
        """Show the store's refusal (or a step still to come) above the buttons; "" hides
        it. The form stays open with everything typed."""
        self.refusal.setText(text)
        self.refusal.setVisible(bool(text))
        self._fit_wrapped()

    def finish(self) -> None:
        """Close as accepted: the caller has recorded the value (after a later step, such
        as the reason for a change)."""
        super().accept()

    # -- for the forms -----------------------------------------------------------------------
    def _build(self) -> Any:
        """The core value from the fields' values (all valid); may raise
        ``InvalidValueError``."""
        raise NotImplementedError

    def _check_rules(self) -> None:
        """Set the problems across fields (``Field.set_rule_problem``)."""

    def _show_computed(self) -> None:
        """Update what the form computes beside the entered values."""

    def _prefill(self, value: Any) -> None:
        """Fill the fields in from *value* (the edit mode)."""
        raise NotImplementedError

    def _add(self, form: QFormLayout, label: str, field: F) -> F:
        """Put *field* on a row of *form* and watch it."""
        form.addRow(label, field)
        self._rows[field] = form
        self._watch(field)
        return field

    def _watch(self, field: Field) -> None:
        self._fields.append(field)
        field.changed.connect(self._refresh)

    def _set_active(self, field: Field, active: bool) -> None:
        """Show and count *field*, or hide its row and leave it out of the value and the
        problems."""
        if active:
            self._inactive.discard(field)
        else:
            self._inactive.add(field)
        form = self._rows.get(field)
        if form is not None:
            form.setRowVisible(field, active)
        else:
            field.setVisible(active)

    def _finish(self) -> None:
        """Prefill in the edit mode and show the first state (the end of ``__init__``)."""
        if self.existing is not None:
            self._prefill(self.existing)
        self._align_labels()
        self._refresh()
        self.resize(self.minimumSizeHint())  # as small as its content: no empty margins

    def _align_labels(self) -> None:
        # One label column for the form's sections, so their fields start in one line.
        labels = [label for field, form in self._rows.items()
                  if isinstance(label := form.labelForField(field), QLabel)]
        for label in labels:
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            label.setObjectName("fieldLabel")
        self.setStyleSheet(PAPER_STYLE)  # again: the labels' name came after it
        for label in labels:
            label.ensurePolished()
        width = max((label.sizeHint().width() for label in labels), default=0)
        for label in labels:
            label.setMinimumWidth(width)

    def _refresh(self) -> None:
        if self._refreshing:
            return
        self._refreshing = True
        try:
            self._check_rules()
            self._show_computed()
            self.refusal.hide()
            value = self.value()
            unchanged = self.existing is not None and value == self.existing
            self.ok_button.setEnabled(value is not None and not unchanged)
            self.status.setText(self._status(value, unchanged))
            self._fit_wrapped()
        finally:
            self._refreshing = False

    def _fit_wrapped(self) -> None:
        # A wrapped label's height depends on its width, which the dialog's minimum size
        # does not count: give each its height at the form's width, so that the fields'
        # rows are never squeezed to make room for it.
        width = max(self.body.sizeHint().width(), self._min_width - 36,
                    self._layout.contentsRect().width())
        for label in (self.hint, self.status, self.refusal):
            label.setMinimumHeight(label.heightForWidth(width) if label.text() else 0)

    def _status(self, value: Any, unchanged: bool) -> str:
        if unchanged:
            return NOTHING_CHANGED
        if value is not None:
            return ""
        problems = self._field_problems()
        if not problems:  # the fields are right, the value as a whole is not
            return " ".join(problem.text for problem in self.problems())
        missing = [p.label for p in problems if p.reason == REQUIRED]
        if len(missing) == len(problems):
            return f"To fill in: {', '.join(missing)}."
        return ""

    def _field_problems(self) -> tuple[Problem, ...]:
        return tuple(Problem(f.name, f.label, reason) for f in self._fields
                     if f not in self._inactive and (reason := f.problem()) is not None)

    def showEvent(self, event: QShowEvent) -> None:  # Qt override
        super().showEvent(event)
        first = next((f for f in self._fields if f not in self._inactive), None)
        if first is not None and self.focusWidget() is None:
            first.setFocus()


def accept_buttons(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    """OK (*ok_text*, the default) and Cancel for one of the clinical dialogs, wired to its
    accept and reject; the OK button, to enable as the dialog's value allows."""
    buttons = QDialogButtonBox()
    ok_button = QPushButton(ok_text)
    ok_button.setDefault(True)
    buttons.addButton(ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
    cancel.setAutoDefault(False)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok_button
