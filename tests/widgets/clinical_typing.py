"""A coordinator's hands on the clinical forms: keys into fields, choices by the keyboard,
clicks on yes or no (pytest-qt), never setters."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog

from widgets.clinical_fields import ChoiceField, Field, YesNoField

LEFT = Qt.MouseButton.LeftButton
TODAY_TEXT = "2026-03-01"


def open_form(qtbot, form: QDialog) -> QDialog:
    """Show *form* as the coordinator sees it, its layout settled."""
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    return form


def type_into(qtbot, field: Field, text: str) -> None:
    """Replace what *field* holds with *text*, typed key by key."""
    box = field.input
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(box, text)
    else:
        qtbot.keyClick(box, Qt.Key.Key_Backspace)


def choose(qtbot, field: ChoiceField, text: str) -> None:
    """Pick the choice whose label is *text* with the arrow keys."""
    combo = field.input
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count() + 1):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    offered = [combo.itemText(i) for i in range(combo.count())]
    raise AssertionError(f"{text!r} is not offered: {offered}")


def answer(qtbot, field: YesNoField, yes: bool) -> None:
    """Click Yes or No on its round button."""
    button = field.yes if yes else field.no
    qtbot.mouseClick(button, LEFT, pos=QPoint(7, button.height() // 2))
    assert button.isChecked()


def shown_problem(field: Field) -> str:
    """The red line under *field*, or "" when none shows."""
    return field.message.text() if field.message.isVisibleTo(field) else ""


def fill_baseline_example(qtbot, form, *, bilirubin="17", albumin="40", inr="1.1",
                          ascites="Mild") -> None:
    """The docs' worked example, typed: a man of 50, 80 kg, Child-Pugh 6 A, ALBI grade 2."""
    type_into(qtbot, form.age, "50")
    choose(qtbot, form.sex, "Male")
    choose(qtbot, form.etiology, "HBV")
    choose(qtbot, form.ecog, "1 · Restricted in strenuous activity")
    type_into(qtbot, form.weight, "80")
    type_into(qtbot, form.height_cm, "172")
    type_into(qtbot, form.bilirubin, bilirubin)
    type_into(qtbot, form.albumin, albumin)
    type_into(qtbot, form.inr, inr)
    choose(qtbot, form.ascites, ascites)
    choose(qtbot, form.encephalopathy, "None")
    type_into(qtbot, form.afp, "520")
    type_into(qtbot, form.tumour_number, "2")
    type_into(qtbot, form.max_size, "62")
    type_into(qtbot, form.total_size, "88")
    choose(qtbot, form.pvtt, "Vp2")
    answer(qtbot, form.ivc, False)
    answer(qtbot, form.metastasis, False)
