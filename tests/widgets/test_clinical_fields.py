"""The clinical forms' fields check themselves as they are typed: a date as yyyy-mm-dd and
never after today, numbers in the clinical import's form, whole numbers in their range, a
choice's own value, yes or no."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from clinical_typing import TODAY_TEXT, answer, choose, shown_problem, type_into
from PySide6.QtCore import QDate, Qt

from core.model.clinical_record import Sex
from widgets.clinical_fields import (
    REQUIRED,
    ChoiceField,
    DateField,
    DecimalField,
    IntegerField,
    TextField,
    YesNoField,
    enum_choices,
)

TODAY = dt.date.fromisoformat(TODAY_TEXT)


def _field(qtbot, field):
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    return field


@pytest.mark.parametrize(("text", "problem"), [
    ("2026-03-01", None),
    ("2026-03-02", "2026-03-02 is after today (2026-03-01)"),
    ("2026-02-30", "2026-02-30 is not a day of the calendar"),
    ("20260301", "must be a date as yyyy-mm-dd (e.g. 2024-01-31)"),
    ("01/03/2026", "must be a date as yyyy-mm-dd (e.g. 2024-01-31)"),
    ("1026-03-01", "1026-03-01 is before 1900: a slipped digit?"),
], ids=["today", "tomorrow", "no-such-day", "no-dashes", "not-iso", "year-1026"])
def test_a_date_as_typed(qtbot, text, problem):
    field = _field(qtbot, DateField("visit_date", "Visit date", TODAY))
    type_into(qtbot, field, text)
    assert field.problem() == problem
    assert shown_problem(field) == ("" if problem is None else f"Visit date {problem}")
    assert field.value() == (dt.date.fromisoformat(text) if problem is None else None)


def test_a_date_picked_from_the_calendar_which_stops_at_today(qtbot):
    field = _field(qtbot, DateField("onset_date", "Onset", TODAY))
    assert field.calendar.maximumDate() == QDate(2026, 3, 1)
    with qtbot.waitSignal(field.changed):
        field.calendar.clicked.emit(QDate(2026, 2, 14))  # the calendar's click on a day
    assert field.input.text() == "2026-02-14"
    assert field.value() == dt.date(2026, 2, 14)
    assert field.is_touched


def test_a_required_field_says_so_only_once_it_was_touched(qtbot):
    field = _field(qtbot, DateField("visit_date", "Visit date", TODAY))
    assert field.problem() == REQUIRED
    assert shown_problem(field) == ""
    type_into(qtbot, field, "2")
    type_into(qtbot, field, "")
    assert shown_problem(field) == "Visit date is required"
    optional = _field(qtbot, DateField("resolution_date", "Resolution", TODAY,
                                       required=False))
    assert optional.problem() is None
    assert optional.value() is None


@pytest.mark.parametrize(("text", "value", "problem"), [
    ("75", Decimal(75), None),
    ("1.50", Decimal("1.50"), None),  # kept as typed, trailing zero included
    ("0", None, "must be greater than 0"),
    ("-3", None, "must not be negative"),
    ("1,5", None, "takes a point for decimals: 1.5, not 1,5"),
    ("1e3", None, "must be a number such as 75 or 1.5 (at most 12 digits, 9 decimals)"),
    ("1.1234567891", None, "must be a number such as 75 or 1.5 (at most 12 digits, "
                           "9 decimals)"),
], ids=["whole", "decimals-kept", "zero", "negative", "comma", "exponent", "ten-decimals"])
def test_a_positive_decimal_as_typed(qtbot, text, value, problem):
    field = _field(qtbot, DecimalField("inr", "INR", positive=True))
    type_into(qtbot, field, text)
    assert field.problem() == problem
    assert field.value() == value
    if value is not None:
        assert str(field.value()) == text


def test_a_decimal_check_is_its_limit(qtbot):
    field = _field(qtbot, DecimalField("weight_kg", "Weight", "kg",
                                       check=lambda v: None if v <= 350 else "is too heavy"))
    type_into(qtbot, field, "351")
    assert shown_problem(field) == "Weight is too heavy"
    assert field.value() is None
    assert field.unit.text() == "kg"


@pytest.mark.parametrize(("text", "problem"), [
    ("0", None), ("5", None), ("6", "must be a whole number from 0 to 5"),
    ("1.0", "must be a whole number from 0 to 5"), ("-1", "must be a whole number from 0 to 5"),
])
def test_a_whole_number_in_its_range(qtbot, text, problem):
    field = _field(qtbot, IntegerField("ecog", "ECOG", 0, 5))
    type_into(qtbot, field, text)
    assert field.problem() == problem
    assert field.value() == (int(text) if problem is None else None)


def test_a_choice_answers_its_member_not_a_string(qtbot):
    field = _field(qtbot, ChoiceField("sex", "Sex", enum_choices(Sex, {Sex.MALE: "Male",
                                                                       Sex.FEMALE: "Female"})))
    assert field.input.currentText() == "— choose —"
    assert field.value() is None
    choose(qtbot, field, "Female")
    assert field.value() is Sex.FEMALE
    field.set_value(Sex.MALE)
    assert field.input.currentText() == "Male"
    assert enum_choices(Sex) == ((Sex.MALE, "M"), (Sex.FEMALE, "F"))


def test_yes_or_no_starts_unanswered_unless_given_a_default(qtbot):
    field = _field(qtbot, YesNoField("is_serious", "Serious"))
    assert field.value() is None
    assert field.problem() == REQUIRED
    answer(qtbot, field, True)
    assert field.value() is True
    answer(qtbot, field, False)
    assert field.value() is False
    field.set_value(None)
    assert field.value() is None
    assert _field(qtbot, YesNoField("is_baseline", "Baseline", default=False)).value() is False


def test_text_is_one_line_of_at_most_500_characters(qtbot):
    field = _field(qtbot, TextField("death_cause", "Cause of death"))
    type_into(qtbot, field, "  tumour progression  ")
    assert field.value() == "tumour progression"
    field.input.setText("x" * 501)
    assert field.problem() == "must be at most 500 characters (501 now)"
    qtbot.keyClick(field.input, Qt.Key.Key_Backspace)
    assert field.problem() is None
