"""The add-lesion form: the reader's keys and clicks make a LesionRequest for add_lesion."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from core.model.clinical import LesionCategory
from widgets.lesion_form import OTHER_ORGAN, AddLesionDialog, LesionRequest
from widgets.lesion_words import organ_code

LEFT = Qt.MouseButton.LeftButton


def _dialog(qtbot, category: LesionCategory, label: str | None = None) -> AddLesionDialog:
    dialog = AddLesionDialog(category, label=label)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _tick(qtbot, box) -> None:
    """Click a check box on its box (a click past its text does not toggle it)."""
    qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))


def _choose(qtbot, combo, text: str) -> None:
    """Pick *text* from a combo box with the keyboard, as a reader does."""
    combo.setFocus()
    for _ in range(combo.count() + 1):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{text!r} is not offered")


def test_a_liver_target_in_segment_vii_previously_treated(qtbot, tmp_path):
    dialog = _dialog(qtbot, LesionCategory.TARGET, "T3")
    assert not dialog.segment.isVisibleTo(dialog)  # no organ yet: no liver segment
    qtbot.keyClicks(dialog.organ.lineEdit(), "Liver")
    assert dialog.segment.isVisibleTo(dialog)
    assert not dialog.kind.isVisibleTo(dialog)  # a target is a solid lesion
    _choose(qtbot, dialog.segment, "Segment VII")
    _tick(qtbot, dialog.previously_treated)
    assert dialog.grab().save(str(tmp_path / "add_target.png"))
    with qtbot.waitSignal(dialog.requested) as asked:
        qtbot.keyClick(dialog.segment, Qt.Key.Key_Return)  # Enter accepts
    request = asked.args[0]
    assert request == LesionRequest(LesionCategory.TARGET, "liver",
                                    is_previously_treated=True, location="segment VII")
    assert request.details() == {"is_node": False, "is_previously_treated": True,
                                 "is_porta_hepatis": False, "kind": None,
                                 "location": "segment VII"}
    assert dialog.result() == AddLesionDialog.DialogCode.Accepted


def test_a_lymph_node_is_flagged_and_may_be_at_the_porta_hepatis(qtbot):
    dialog = _dialog(qtbot, LesionCategory.TARGET)
    assert not dialog.porta_hepatis.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.organ.lineEdit(), "lymph node")
    assert dialog.node.isChecked()
    assert not dialog.node.isEnabled()  # the organ decides
    assert dialog.porta_hepatis.isVisibleTo(dialog)
    assert not dialog.segment.isVisibleTo(dialog)
    _tick(qtbot, dialog.porta_hepatis)
    with qtbot.waitSignal(dialog.requested) as asked:
        qtbot.mouseClick(dialog.ok_button, LEFT)
    assert asked.args[0] == LesionRequest(LesionCategory.TARGET, "lymph_node", is_node=True,
                                          is_porta_hepatis=True)


def test_the_node_flag_follows_the_organ_unless_the_reader_set_it(qtbot):
    dialog = _dialog(qtbot, LesionCategory.NON_TARGET)
    qtbot.keyClicks(dialog.organ.lineEdit(), "lymph node")
    assert dialog.node.isChecked()
    dialog.organ.lineEdit().clear()
    qtbot.keyClicks(dialog.organ.lineEdit(), "peritoneum")
    assert not dialog.node.isChecked()  # it was the organ's, so it goes with it
    _tick(qtbot, dialog.node)  # a peritoneal node, the reader says
    dialog.organ.lineEdit().clear()
    qtbot.keyClicks(dialog.organ.lineEdit(), "adrenal gland")
    assert dialog.node.isChecked()
    assert dialog.request() == LesionRequest(LesionCategory.NON_TARGET, "adrenal",
                                             is_node=True)


def test_a_non_target_tumour_thrombus_in_the_portal_vein(qtbot, tmp_path):
    dialog = _dialog(qtbot, LesionCategory.NON_TARGET, "NT2")
    qtbot.keyClicks(dialog.organ.lineEdit(), "Portal vein")
    assert not dialog.segment.isVisibleTo(dialog)
    assert not dialog.previously_treated.isVisibleTo(dialog)
    _choose(qtbot, dialog.kind, "Tumour thrombus")
    assert dialog.grab().save(str(tmp_path / "add_non_target.png"))
    with qtbot.waitSignal(dialog.requested) as asked:
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Enter)
    assert asked.args[0] == LesionRequest(LesionCategory.NON_TARGET, "portal_vein",
                                          kind="tumour_thrombus")


def test_a_new_lesion_is_never_previously_treated_and_is_fluid_or_solid(qtbot, tmp_path):
    dialog = _dialog(qtbot, LesionCategory.NEW, "N1")
    qtbot.keyClicks(dialog.organ.lineEdit(), "liver")
    assert dialog.segment.isVisibleTo(dialog)
    assert not dialog.previously_treated.isVisibleTo(dialog)
    assert [dialog.kind.itemText(i) for i in range(dialog.kind.count())] == [
        "None (a solid lesion)", "Ascites", "Effusion"]
    _choose(qtbot, dialog.segment, "Segment IV")
    assert dialog.grab().save(str(tmp_path / "add_new.png"))
    assert dialog.request() == LesionRequest(LesionCategory.NEW, "liver",
                                             location="segment IV")


def test_another_organ_is_typed_in_the_case_files_words(qtbot):
    dialog = _dialog(qtbot, LesionCategory.NON_TARGET)
    dialog.organ.setFocus()
    for _ in range(dialog.organ.count()):  # down the list to its end, "Other…"
        qtbot.keyClick(dialog.organ, Qt.Key.Key_Down)
    assert dialog.organ.itemText(dialog.organ.currentIndex()) == OTHER_ORGAN
    assert dialog.organ.currentText() == ""  # cleared for the reader to type
    qtbot.keyClicks(dialog.organ.lineEdit(), "Pleura, left")
    with qtbot.waitSignal(dialog.requested) as asked:
        qtbot.keyClick(dialog.organ.lineEdit(), Qt.Key.Key_Return)
    assert asked.args[0].organ == "pleura_left"


def test_the_form_refuses_an_empty_organ(qtbot):
    dialog = _dialog(qtbot, LesionCategory.TARGET)
    assert not dialog.ok_button.isEnabled()
    with qtbot.assertNotEmitted(dialog.requested):
        qtbot.keyClick(dialog.organ.lineEdit(), Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.organ.lineEdit(), "   ")
        qtbot.keyClick(dialog.organ.lineEdit(), Qt.Key.Key_Return)
        qtbot.mouseClick(dialog.ok_button, LEFT)
        dialog.accept()  # even when asked directly
    assert dialog.isVisible()
    assert dialog.request() is None
    assert "organ" in dialog.message.text()
    qtbot.keyClicks(dialog.organ.lineEdit(), "lung")
    assert dialog.ok_button.isEnabled()
    assert not dialog.message.isVisibleTo(dialog)


def test_cancel_and_escape_request_nothing(qtbot):
    dialog = _dialog(qtbot, LesionCategory.TARGET)
    qtbot.keyClicks(dialog.organ.lineEdit(), "liver")
    with qtbot.assertNotEmitted(dialog.requested):
        qtbot.keyClick(dialog.organ.lineEdit(), Qt.Key.Key_Escape)
    assert dialog.result() == AddLesionDialog.DialogCode.Rejected


@pytest.mark.parametrize(("text", "code"), [
    ("Liver", "liver"), ("lymph node", "lymph_node"), ("Adrenal gland", "adrenal"),
    ("  Spleen ", "spleen"), ("Kidney (right)", "kidney_right"), ("", None), ("   ", None),
    ("4th rib", None), ("—", None)])
def test_organs_in_the_case_files_words(text, code):
    assert organ_code(text) == code


def test_a_request_is_valid_on_construction():
    with pytest.raises(ValueError, match="organ"):
        LesionRequest(LesionCategory.TARGET, "Lymph node")
    with pytest.raises(ValueError, match="porta hepatis"):
        LesionRequest(LesionCategory.TARGET, "liver", is_porta_hepatis=True)
    assert LesionRequest("non_target", "bone").category is LesionCategory.NON_TARGET
