"""The finding form: the reader's clicks and keys make a complete Finding; showing one
emits nothing; a signed timepoint's form emits nothing at all."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QPoint, Qt

from core.model.clinical import LesionCategory, NonTargetState, TargetState
from core.model.reading import Finding, Lesion
from widgets.finding_form import FindingForm

LEFT = Qt.MouseButton.LeftButton
TARGET = Lesion(2**52 + 7, "T1", LesionCategory.TARGET, "liver", 11, location="segment VII")
THROMBUS = Lesion(102, "NT1", LesionCategory.NON_TARGET, "portal_vein", 11,
                  kind="tumour_thrombus")
ASCITES = Lesion(103, "NT2", LesionCategory.NON_TARGET, "peritoneum", 11, kind="ascites")
NODULE = Lesion(104, "N1", LesionCategory.NEW, "liver", 12, location="segment IV")


def _form(qtbot) -> FindingForm:
    form = FindingForm()
    qtbot.addWidget(form)
    form.resize(380, 340)
    form.show()
    qtbot.waitExposed(form)
    return form


def _click(qtbot, button) -> None:
    """Click a radio button or check box on its indicator, as a reader does."""
    qtbot.mouseClick(button, LEFT, pos=QPoint(8, button.height() // 2))


def test_a_non_target_progresses_by_a_click(qtbot, tmp_path):
    form = _form(qtbot)
    form.show_lesion(THROMBUS, Finding(102, 12, NonTargetState.PRESENT), 12, editable=True)
    assert not form.target.isVisibleTo(form)
    assert not form.seen.isVisibleTo(form)
    assert form.non_target.buttons[NonTargetState.PRESENT].isChecked()
    assert form.grab().save(str(tmp_path / "finding_non_target.png"))
    with qtbot.waitSignal(form.finding_changed) as changed:
        _click(qtbot, form.non_target.buttons[NonTargetState.PROGRESSED])
    assert changed.args == [Finding(102, 12, NonTargetState.PROGRESSED)]
    assert "Unequivocal progression" in form.non_target.meaning.text()


def test_one_key_records_a_non_target_state(qtbot):
    form = _form(qtbot)
    form.show_lesion(THROMBUS, None, 12, editable=True)
    assert all(not button.isChecked() for button in form.non_target.buttons.values())
    form.non_target.buttons[NonTargetState.PRESENT].setFocus()
    with qtbot.waitSignal(form.finding_changed) as changed:
        qtbot.keyClick(form.non_target.buttons[NonTargetState.PRESENT], Qt.Key.Key_A)
    assert changed.args[0].state is NonTargetState.ABSENT
    with qtbot.waitSignal(form.finding_changed) as changed:
        qtbot.keyClick(form.focusWidget(), Qt.Key.Key_U)
    assert changed.args[0].state is NonTargetState.PROGRESSED
    with qtbot.assertNotEmitted(form.finding_changed):  # the same state again: no change
        qtbot.keyClick(form.focusWidget(), Qt.Key.Key_U)


def test_a_target_is_measured_unless_the_reader_says_otherwise(qtbot, tmp_path):
    form = _form(qtbot)
    form.show_lesion(TARGET, None, 12, editable=True)
    assert form.target.buttons[TargetState.MEASURED].isChecked()  # the calipers imply it
    assert not form.non_target.isVisibleTo(form)
    assert form.grab().save(str(tmp_path / "finding_target.png"))
    with qtbot.waitSignal(form.finding_changed) as changed:
        _click(qtbot, form.target.buttons[TargetState.TOO_SMALL])
    # The 53-bit id arrives whole, in a complete Finding.
    assert changed.args == [Finding(2**52 + 7, 12, TargetState.TOO_SMALL)]
    assert "5 mm" in form.target.meaning.text()


def test_a_new_lesions_features_and_its_size_from_the_caliper(qtbot, tmp_path):
    form = _form(qtbot)
    form.show_lesion(NODULE, None, 12, editable=True, size_mm=Decimal("12.40"))
    assert "12.40 mm" in form.size_value.text()
    assert not form.cytology.isVisibleTo(form)  # a liver nodule: no cytology rule
    with qtbot.waitSignal(form.finding_changed) as changed:
        _click(qtbot, form.arterial)
    assert changed.args == [Finding(104, 12, None, arterial_enhancement=True)]
    with qtbot.waitSignal(form.finding_changed) as changed:
        qtbot.keyClick(form.washout, Qt.Key.Key_Space)
    assert changed.args == [Finding(104, 12, None, arterial_enhancement=True, washout=True)]
    with qtbot.waitSignal(form.finding_changed) as changed:
        _click(qtbot, form.equivocal)
    assert changed.args == [Finding(104, 12, None, arterial_enhancement=True, washout=True,
                                    is_equivocal=True)]
    assert form.grab().save(str(tmp_path / "finding_new.png"))


def test_ascites_asks_for_cytology(qtbot):
    form = _form(qtbot)
    new_ascites = Lesion(105, "N2", LesionCategory.NEW, "peritoneum", 12, kind="ascites")
    form.show_lesion(new_ascites, None, 12, editable=True)
    assert form.cytology.isVisibleTo(form)
    assert not form.arterial.isVisibleTo(form)  # enhancement is a nodule's, not fluid's
    with qtbot.waitSignal(form.finding_changed) as changed:
        _click(qtbot, form.cytology)
    assert changed.args == [Finding(105, 12, None, is_cytology_confirmed=True)]
    # A non-target's cytology waits for its state: a non-target needs one.
    form.show_lesion(ASCITES, None, 12, editable=True)
    with qtbot.assertNotEmitted(form.finding_changed):
        _click(qtbot, form.cytology)
    with qtbot.waitSignal(form.finding_changed) as changed:
        _click(qtbot, form.non_target.buttons[NonTargetState.PRESENT])
    assert changed.args == [Finding(103, 12, NonTargetState.PRESENT,
                                    is_cytology_confirmed=True)]


def test_at_baseline_a_target_is_measured_and_a_non_target_present(qtbot, tmp_path):
    form = _form(qtbot)
    form.show_lesion(THROMBUS, None, THROMBUS.first_timepoint_id, editable=True)
    enabled = [state for state, button in form.non_target.buttons.items()
               if button.isEnabled()]
    assert enabled == [NonTargetState.PRESENT]
    assert "baseline" in form.non_target.note.text()
    with qtbot.assertNotEmitted(form.finding_changed):
        _click(qtbot, form.non_target.buttons[NonTargetState.PROGRESSED])
        qtbot.keyClick(form.non_target.buttons[NonTargetState.PRESENT], Qt.Key.Key_U)
    with qtbot.waitSignal(form.finding_changed) as changed:
        qtbot.keyClick(form.non_target.buttons[NonTargetState.PRESENT], Qt.Key.Key_P)
    assert changed.args == [Finding(102, 11, NonTargetState.PRESENT)]
    assert form.grab().save(str(tmp_path / "finding_baseline.png"))
    form.show_lesion(TARGET, None, TARGET.first_timepoint_id, editable=True)
    assert [state for state, button in form.target.buttons.items()
            if button.isEnabled()] == [TargetState.MEASURED]
    form.show_lesion(TARGET, None, 12, editable=True)  # a follow-up: every state
    assert all(button.isEnabled() for button in form.target.buttons.values())
    assert not form.target.note.isVisibleTo(form)


def test_showing_a_lesion_emits_nothing(qtbot):
    form = _form(qtbot)
    with qtbot.assertNotEmitted(form.finding_changed):
        form.show_lesion(THROMBUS, Finding(102, 11, NonTargetState.ABSENT), 11, True)
        form.show_lesion(TARGET, Finding(TARGET.lesion_id, 11, TargetState.MERGED), 11, True)
        form.show_lesion(NODULE, Finding(104, 12, None, True, True), 12, True, Decimal(11))
        form.show_lesion(None, None, 11, True)
    assert form.finding() is None
    assert form.placeholder.isVisibleTo(form)


def test_a_signed_timepoint_is_read_only_and_emits_nothing(qtbot, tmp_path):
    form = _form(qtbot)
    form.show_lesion(THROMBUS, Finding(102, 11, NonTargetState.PRESENT), 11, editable=False)
    assert not form.is_editable
    assert form.read_only.isVisibleTo(form)
    assert form.grab().save(str(tmp_path / "finding_signed.png"))
    with qtbot.assertNotEmitted(form.finding_changed):
        _click(qtbot, form.non_target.buttons[NonTargetState.PROGRESSED])
        qtbot.keyClick(form, Qt.Key.Key_U)
        qtbot.keyClick(form.non_target.buttons[NonTargetState.PRESENT], Qt.Key.Key_A)
    assert form.non_target.buttons[NonTargetState.PRESENT].isChecked()
    form.show_lesion(NODULE, None, 12, editable=False)
    with qtbot.assertNotEmitted(form.finding_changed):
        _click(qtbot, form.arterial)
    assert not form.arterial.isChecked()


def test_what_is_not_on_the_form_is_kept(qtbot):
    # A target's finding carries no features, but a value the form does not show is not
    # silently dropped from the Finding it emits.
    form = _form(qtbot)
    form.show_lesion(THROMBUS, Finding(102, 12, NonTargetState.PRESENT,
                                       is_cytology_confirmed=True), 12, editable=True)
    with qtbot.waitSignal(form.finding_changed) as changed:
        _click(qtbot, form.non_target.buttons[NonTargetState.ABSENT])
    assert changed.args[0].is_cytology_confirmed
