"""Validated inputs of the coordinator's clinical forms, each checking itself as it is typed.

A field is one input with, on its row, an optional unit and whatever the form puts beside
it (``add_beside``: a grade, a score), and under the row its problem in red the moment the
text is wrong. An empty required field is a problem too, but shown only once the user has
been in it (a new form does not open covered in red); the form's status line lists it.

Every field has the same small API:

``value()``
    The entered value (``datetime.date``, ``Decimal``, ``int``, a choice's value, ``bool``,
    ``str``), or ``None`` while empty or refused by the field's own checks (a problem
    across fields leaves it: the form checks the rule again with it).
``set_value(value)``
    Fill it in (an edit form's prefill; not the user's typing).
``problem()``
    Why it is not valid now, its own check or the form's rule across fields, or ``None``.
``set_rule_problem(reason)``
    A problem the form finds across fields (a resolution before the onset), or ``None``.
``changed``
    Emitted on every change, typed or set.
``name``, ``label``
    The core value's field (``visit_date``) and the screen's words ("Visit date").

Fields: ``DateField`` (ISO yyyy-mm-dd typed or picked, never after *today*),
``DecimalField``, ``IntegerField``, ``ChoiceField`` (``enum_choices`` for a StrEnum with
human labels), ``YesNoField`` and ``TextField`` (one line, at most 500 characters).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

from PySide6.QtCore import QDate, QStringListModel, Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from core.model.clinical_record import MAX_TEXT_CHARS

REQUIRED = "is required"
# The clinical import's number form (core/cli/clinical.py): what a form records, a file can
# hold. No exponent, no sign, a point for decimals.
_DECIMAL = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,9})?")
_INTEGER = re.compile(r"[0-9]{1,9}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A clinical date before this is a slipped digit (1024 for 2024), not a date of the trial's
# subjects' lives.
EARLIEST_DATE = dt.date(1900, 1, 1)

Check = Callable[[Any], str | None]


class Field(QWidget):
    """One validated input; see the module's docstring for the API.

    Signals
    -------
    changed()
        The value or its problem may have changed.
    """

    changed = Signal()

    def __init__(self, name: str, label: str, *, required: bool = True,
                 check: Check | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.label = label
        self.required = required
        self._check = check
        self._rule_problem: str | None = None
        self._touched = False
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(6)
        self.row.addStretch(1)  # inputs keep their width; what is added goes before it
        self.message = QLabel()
        self.message.setObjectName("problem")
        self.message.hide()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addLayout(self.row)
        self._layout.addWidget(self.message)

    # -- the API -------------------------------------------------------------------------
    def value(self) -> Any:
        """The entered value, or ``None`` while empty or refused by the field's own checks.

        A problem across fields (``set_rule_problem``) leaves the value: the form needs it
        to check the rule again.
        """
        if self.is_empty() or self._own_problem() is not None:
            return None
        parsed = self._parsed()
        if self._check is not None and self._check(parsed) is not None:
            return None
        return parsed

    def set_value(self, value: Any) -> None:
        """Fill the field in with *value* (``None`` empties it)."""
        raise NotImplementedError

    def problem(self) -> str | None:
        """Why the field is not valid now, or ``None``."""
        if self.is_empty():
            return REQUIRED if self.required else None
        own = self._own_problem()
        if own is not None:
            return own
        if self._check is not None:
            checked = self._check(self._parsed())
            if checked is not None:
                return checked
        return self._rule_problem

    def set_rule_problem(self, reason: str | None) -> None:
        """A problem the form finds across fields, shown like the field's own."""
        if reason != self._rule_problem:
            self._rule_problem = reason
            self._show()

    def set_required(self, required: bool) -> None:
        """Whether an empty field is a problem (a dose's reason once it is adjusted)."""
        if required != self.required:
            self.required = required
            self._show()
            self.changed.emit()

    def add_beside(self, widget: QWidget, stretch: int = 0, *, at_end: bool = False) -> None:
        """Put *widget* (a computed grade, a score) on the field's row, after the input, or
        at the row's end (points in one column down a form)."""
        # Top-aligned: a two-line grade beside it leaves the input level with its label.
        index = self.row.count() if at_end else self.row.count() - 1
        self.row.insertWidget(index, widget, stretch, Qt.AlignmentFlag.AlignTop)

    @property
    def is_touched(self) -> bool:
        """Whether the user has changed the field."""
        return self._touched

    # -- for the kinds of field ------------------------------------------------------------
    def is_empty(self) -> bool:
        """Whether nothing is entered."""
        raise NotImplementedError

    def _parsed(self) -> Any:
        raise NotImplementedError

    def _own_problem(self) -> str | None:
        """The problem of a non-empty entry by itself (its form), or ``None``."""
        return None

    def _edited(self) -> None:
        self._touched = True
        self._after_change()

    def _after_change(self) -> None:
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        problem = self.problem()
        visible = problem is not None and (problem != REQUIRED or self._touched)
        self.message.setText(f"{self.label} {problem}" if visible else "")
        if visible != self.message.isVisibleTo(self):
            self.message.setVisible(visible)
            self.updateGeometry()  # the form's row takes the message's line, or gives it back
        for widget in self._inputs():
            if bool(widget.property("problem")) != visible:
                widget.setProperty("problem", visible)
                widget.style().unpolish(widget)
                widget.style().polish(widget)

    def _inputs(self) -> Sequence[QWidget]:
        return ()


class _LineField(Field):
    """A field typed into one line edit."""

    def __init__(self, name: str, label: str, *, required: bool = True,
                 check: Check | None = None, width: int | None = None,
                 placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(name, label, required=required, check=check, parent=parent)
        self.input = QLineEdit()
        self.input.setPlaceholderText(placeholder)
        if width is not None:
            self.input.setFixedWidth(width)
        self.input.setAccessibleName(label)
        self.add_beside(self.input, 0 if width else 1)  # free text takes the row
        self.input.textEdited.connect(lambda _text: self._edited())
        self.setFocusProxy(self.input)

    def text(self) -> str:
        """The text as typed, without surrounding spaces."""
        return self.input.text().strip()

    def is_empty(self) -> bool:
        return not self.text()

    def _set_text(self, text: str) -> None:
        self.input.setText(text)
        self._after_change()

    def _inputs(self) -> Sequence[QWidget]:
        return (self.input,)


class DateField(_LineField):
    """A date typed as yyyy-mm-dd or picked from a calendar; never after *today*."""

    def __init__(self, name: str, label: str, today: dt.date, *, required: bool = True,
                 check: Check | None = None, parent: QWidget | None = None) -> None:
        super().__init__(name, label, required=required, check=check, width=110,
                         placeholder="yyyy-mm-dd", parent=parent)
        self.today = today
        self.input.setMaxLength(10)
        self.pick = QToolButton()
        self.pick.setText("▾")
        self.pick.setToolTip(f"Pick the {label.lower()} from a calendar")
        self.pick.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field
        self.pick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setMaximumDate(QDate(today.year, today.month, today.day))
        self.calendar.setGridVisible(True)
        # The days after today cannot be chosen (past the maximum): grey, as disabled.
        future = QTextCharFormat()
        future.setForeground(QColor("#b0b0aa"))
        for ahead in range(1, 43):  # as far as the month's page reaches past today
            day = today + dt.timedelta(days=ahead)
            self.calendar.setDateTextFormat(QDate(day.year, day.month, day.day), future)
        menu = QMenu(self.pick)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._on_calendar_opening)
        self.calendar.clicked.connect(lambda day: self._on_picked(day, menu))
        self.pick.setMenu(menu)
        self.add_beside(self.pick)

    def set_value(self, value: dt.date | None) -> None:
        self._set_text("" if value is None else value.isoformat())

    def _parsed(self) -> dt.date:
        return dt.date.fromisoformat(self.text())

    def _own_problem(self) -> str | None:
        text = self.text()
        if not _ISO_DATE.fullmatch(text):
            return "must be a date as yyyy-mm-dd (e.g. 2024-01-31)"
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return f"{text} is not a day of the calendar"
        if day > self.today:
            return f"{text} is after today ({self.today.isoformat()})"
        if day < EARLIEST_DATE:
            return f"{text} is before {EARLIEST_DATE.year}: a slipped digit?"
        return None

    def _on_calendar_opening(self) -> None:
        day = self.value() or self.today
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def _on_picked(self, day: QDate, menu: QMenu) -> None:
        self.input.setText(dt.date(day.year(), day.month(), day.day()).isoformat())
        menu.close()
        self._edited()
        self.input.setFocus()


class DecimalField(_LineField):
    """A decimal number ≥ 0 (above 0 if *positive*) in *unit*, with an optional *check*
    (a physical limit) returning a reason."""

    def __init__(self, name: str, label: str, unit: str = "", *, required: bool = True,
                 positive: bool = False, check: Check | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(name, label, required=required, check=check, width=96,
                         parent=parent)
        self.positive = positive
        self.input.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.unit = QLabel(unit)
        self.unit.setObjectName("unit")
        self.add_beside(self.unit)

    def set_unit(self, unit: str) -> None:
        """Show *unit* after the number (the limits follow the value's unit)."""
        self.unit.setText(unit)

    def set_value(self, value: Decimal | None) -> None:
        self._set_text("" if value is None else f"{value:f}")

    def _parsed(self) -> Decimal:
        return Decimal(self.text())

    def _own_problem(self) -> str | None:
        text = self.text()
        if _DECIMAL.fullmatch(text):
            if self.positive and Decimal(text) == 0:
                return "must be greater than 0"
            return None
        if text.startswith("-") and _DECIMAL.fullmatch(text[1:]):
            return "must not be negative"
        if _DECIMAL.fullmatch(text.replace(",", ".", 1)):
            return f"takes a point for decimals: {text.replace(',', '.', 1)}, not {text}"
        return "must be a number such as 75 or 1.5 (at most 12 digits, 9 decimals)"


class IntegerField(_LineField):
    """A whole number from *low* to *high*."""

    def __init__(self, name: str, label: str, low: int, high: int, unit: str = "", *,
                 required: bool = True, check: Check | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(name, label, required=required, check=check, width=64,
                         parent=parent)
        self.low, self.high = low, high
        self.input.setAlignment(Qt.AlignmentFlag.AlignRight)
        if unit:
            unit_label = QLabel(unit)
            unit_label.setObjectName("unit")
            self.add_beside(unit_label)

    def set_value(self, value: int | None) -> None:
        self._set_text("" if value is None else str(value))

    def _parsed(self) -> int:
        return int(self.text())

    def _own_problem(self) -> str | None:
        text = self.text()
        if _INTEGER.fullmatch(text) and self.low <= int(text) <= self.high:
            return None
        return f"must be a whole number from {self.low} to {self.high}"


class TextField(_LineField):
    """One line of text, at most 500 characters (the model's ``MAX_TEXT_CHARS``);
    *suggestions* are offered as the user types, anything else is allowed."""

    def __init__(self, name: str, label: str, *, required: bool = True,
                 check: Check | None = None, placeholder: str = "",
                 suggestions: Iterable[str] = (), width: int | None = None,
                 uppercase: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(name, label, required=required, check=check, width=width,
                         placeholder=placeholder, parent=parent)
        if uppercase:  # codes (IN05): typed in any case, shown and kept in capitals
            self.input.textEdited.connect(self._to_upper)
        if width is None:
            self.input.setMinimumWidth(300)
        words = list(dict.fromkeys(suggestions))
        if words:
            completer = QCompleter(QStringListModel(words, self), self)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.input.setCompleter(completer)
            # Choosing a suggestion sets the text without textEdited: count it as typed.
            completer.activated.connect(lambda _text: self._edited())

    def set_value(self, value: str | None) -> None:
        self._set_text(value or "")

    def _to_upper(self, text: str) -> None:
        if text != text.upper():
            cursor = self.input.cursorPosition()
            self.input.setText(text.upper())
            self.input.setCursorPosition(cursor)

    def _parsed(self) -> str:
        return self.text()

    def _own_problem(self) -> str | None:
        if len(self.text()) > MAX_TEXT_CHARS:
            return f"must be at most {MAX_TEXT_CHARS} characters ({len(self.text())} now)"
        if any(ord(char) < 32 for char in self.text()):
            return "must be one line of text"
        return None


def enum_choices(kind: type[Enum], labels: Mapping[Any, str] | None = None,
                 ) -> tuple[tuple[Any, str], ...]:
    """``(member, label)`` of every member of *kind*, labelled by *labels* or its value."""
    words = labels or {}
    return tuple((member, words.get(member, str(member.value))) for member in kind)


class ChoiceField(Field):
    """One of *choices* ``(value, label)``; a required field without a *default* starts on
    "— choose —", an optional one offers "—" for none."""

    def __init__(self, name: str, label: str, choices: Sequence[tuple[Any, str]], *,
                 required: bool = True, default: Any = None, check: Check | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(name, label, required=required, check=check, parent=parent)
        self.input = QComboBox()
        self.input.setAccessibleName(label)
        self.input.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.add_beside(self.input)
        self._values: list[Any] = []
        self.set_choices(choices, default)
        self.input.activated.connect(lambda _index: self._edited())
        self.input.currentIndexChanged.connect(lambda _index: self._after_change())
        self.setFocusProxy(self.input)

    def set_choices(self, choices: Sequence[tuple[Any, str]], value: Any = None) -> None:
        """Offer *choices*, *value* chosen (none: the "choose" line)."""
        blocked = self.input.blockSignals(True)
        self.input.clear()
        # Kept beside the combo, not as item data: Qt would turn a StrEnum into a str.
        self._values = [None, *(choice for choice, _ in choices)]
        self.input.addItem("— choose —" if self.required else "—")
        for _, text in choices:
            self.input.addItem(text)
        self.input.setCurrentIndex(self._index(value))
        self.input.blockSignals(blocked)
        self._after_change()

    def choices(self) -> tuple[Any, ...]:
        """The values offered, in order."""
        return tuple(self._values[1:])

    def set_value(self, value: Any) -> None:
        self.input.setCurrentIndex(self._index(value))
        self._after_change()

    def is_empty(self) -> bool:
        return self._values[max(self.input.currentIndex(), 0)] is None

    def _parsed(self) -> Any:
        return self._values[self.input.currentIndex()]

    def _index(self, value: Any) -> int:
        for index, known in enumerate(self._values):
            if known is not None and known == value and type(known) is type(value):
                return index
        return 0

    def _inputs(self) -> Sequence[QWidget]:
        return (self.input,)


class YesNoField(Field):
    """Yes or no; a required field without a *default* has neither chosen."""

    def __init__(self, name: str, label: str, *, required: bool = True,
                 default: bool | None = None, parent: QWidget | None = None) -> None:
        super().__init__(name, label, required=required, parent=parent)
        self.yes = QRadioButton("Yes")
        self.no = QRadioButton("No")
        self.group = QButtonGroup(self)
        self.group.addButton(self.yes)
        self.group.addButton(self.no)
        self.add_beside(self.yes)
        self.add_beside(self.no)
        self.row.setContentsMargins(0, 3, 0, 3)  # level with the labels of the text rows
        for button in (self.yes, self.no):
            button.setAccessibleName(f"{label}: {button.text()}")
            button.clicked.connect(lambda _checked: self._edited())
        self.setFocusProxy(self.yes)
        if default is not None:
            self.set_value(default)

    def set_value(self, value: bool | None) -> None:
        # An exclusive group never unchecks its last button: lift it to clear both.
        self.group.setExclusive(False)
        self.yes.setChecked(value is True)
        self.no.setChecked(value is False)
        self.group.setExclusive(True)
        self._after_change()

    def is_empty(self) -> bool:
        return not (self.yes.isChecked() or self.no.isChecked())

    def _parsed(self) -> bool:
        return self.yes.isChecked()

    def _inputs(self) -> Sequence[QWidget]:
        return (self.yes, self.no)
