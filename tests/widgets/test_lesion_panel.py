"""The lesion panel shows the read's lesions at one timepoint and asks to measure them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt

from core.criteria import evaluate
from core.model.clinical import LesionCategory, NonTargetState
from core.model.imaging import Phase
from core.model.reading import (
    Caliper,
    Finding,
    Lesion,
    Measurement,
    MeasurementKind,
    Read,
    ReadTimepoint,
    TimepointStatus,
)
from core.reading import build_case
from widgets.lesion_panel import LesionPanel


def _caliper(length: str, on_lossy_image: bool = False) -> Caliper:
    return Caliper((10.0, 10.0), (10.0, 40.0), (0.0, 0.0, 0.0), (float(length), 0.0, 0.0),
                   Decimal(length), "1.2.3", on_lossy_image=on_lossy_image)


def _read() -> Read:
    timepoints = (ReadTimepoint(11, "Baseline", dt.date(2026, 1, 5), 0, TimepointStatus.OPEN),)
    lesions = (Lesion(101, "T1", LesionCategory.TARGET, "liver", 11),
               Lesion(102, "T2", LesionCategory.TARGET, "lymph_node", 11, is_node=True),
               Lesion(103, "NT1", LesionCategory.NON_TARGET, "portal_vein", 11))
    measurements = (
        Measurement(101, 11, MeasurementKind.VIABLE, _caliper("23.40")),
        Measurement(101, 11, MeasurementKind.TOTAL, _caliper("31.00")),
        Measurement(102, 11, MeasurementKind.SHORT_AXIS, _caliper("17.00")))
    findings = (Finding(103, 11, "present"),)
    return Read(1, "HCC-001", timepoints, lesions, measurements, findings)


def test_each_lesion_shows_its_diameters_or_state_at_the_timepoint(qtbot):
    panel = LesionPanel()
    qtbot.addWidget(panel)
    panel.set_read(_read(), 11)
    assert panel.rows() == [
        ["T1", "Liver", "23.40 mm", "31.00 mm", ""],
        ["T2", "Lymph node", "", "17.00 mm", ""],
        ["NT1", "Portal vein", "", "", "Present"]]


def test_keys_ask_to_measure_the_selected_lesion_with_a_tool(qtbot):
    panel = LesionPanel()
    qtbot.addWidget(panel)
    panel.set_read(_read(), 11)
    panel.select(101)
    with qtbot.waitSignal(panel.measure_requested) as asked:
        qtbot.keyClick(panel.tree, Qt.Key.Key_T)
    assert asked.args == [101, MeasurementKind.TOTAL]
    qtbot.keyClick(panel.tree, Qt.Key.Key_Down)  # T2, a node: double-click → short axis
    with qtbot.waitSignal(panel.measure_requested) as asked:
        panel.tree.itemDoubleClicked.emit(panel.tree.currentItem(), 0)
    assert asked.args == [102, MeasurementKind.SHORT_AXIS]


def test_the_selection_survives_a_new_read_and_buttons_ask_to_add(qtbot):
    panel = LesionPanel()
    qtbot.addWidget(panel)
    panel.set_read(_read(), 11)
    panel.select(103)
    panel.set_read(_read(), 11)
    assert panel.current_lesion().label == "NT1"
    with qtbot.waitSignal(panel.add_requested) as asked:
        qtbot.mouseClick(panel.add_buttons[LesionCategory.NEW], Qt.MouseButton.LeftButton)
    assert asked.args == [LesionCategory.NEW]


def test_delete_asks_to_remove_the_selected_lesion(qtbot):
    panel = LesionPanel()
    qtbot.addWidget(panel)
    panel.set_read(_read(), 11)
    panel.select(102)
    with qtbot.waitSignal(panel.delete_requested) as asked:
        qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)
    assert asked.args == [102]


def test_a_53_bit_lesion_id_arrives_whole(qtbot):
    # Store ids are random 53-bit integers: a Qt int signal would cut them to 32 bits.
    big = 2**52 + 12345
    read = _read()
    lesions = (Lesion(big, "T1", LesionCategory.TARGET, "liver", 11),)
    panel = LesionPanel()
    qtbot.addWidget(panel)
    panel.set_read(Read(1, "HCC-001", read.timepoints, lesions), 11)
    panel.select(big)
    with qtbot.waitSignal(panel.measure_requested) as asked:
        qtbot.keyClick(panel.tree, Qt.Key.Key_V)
    assert asked.args == [big, MeasurementKind.VIABLE]
    with qtbot.waitSignal(panel.delete_requested) as asked:
        qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)
    assert asked.args == [big]


def _crowded_baseline() -> Read:
    """Three liver targets, one under 10 mm, and a porta hepatis node under 20 mm."""
    timepoints = _read().timepoints
    lesions = (
        Lesion(101, "T1", LesionCategory.TARGET, "liver", 11, location="segment VII"),
        Lesion(102, "T2", LesionCategory.TARGET, "liver", 11, location="segment IV"),
        Lesion(103, "T3", LesionCategory.TARGET, "liver", 11),
        Lesion(104, "T4", LesionCategory.TARGET, "lymph_node", 11, is_node=True,
               is_porta_hepatis=True),
        Lesion(105, "NT1", LesionCategory.NON_TARGET, "portal_vein", 11,
               kind="tumour_thrombus"))
    viable, total = MeasurementKind.VIABLE, MeasurementKind.TOTAL
    measurements = (
        Measurement(101, 11, viable, _caliper("23.40"), Phase.ARTERIAL),
        Measurement(101, 11, total, _caliper("31.00"), Phase.PORTAL_VENOUS),
        Measurement(102, 11, viable, _caliper("18.20")),  # saved before phases were kept
        Measurement(102, 11, total, _caliper("22.00"), Phase.DELAYED),
        Measurement(103, 11, viable, _caliper("8.10"), Phase.ARTERIAL),
        Measurement(103, 11, total, _caliper("12.00", on_lossy_image=True), Phase.ARTERIAL),
        Measurement(104, 11, MeasurementKind.SHORT_AXIS, _caliper("17.00"), Phase.ARTERIAL))
    findings = (Finding(105, 11, NonTargetState.PRESENT),)
    return Read(1, "HCC-001", timepoints, lesions, measurements, findings)


def test_a_caliper_off_the_arterial_phase_says_its_phase(qtbot):
    panel = LesionPanel()
    qtbot.addWidget(panel)
    panel.set_read(_crowded_baseline(), 11)
    assert panel.rows() == [
        ["T1", "Liver (VII)", "23.40 mm", "31.00 mm (PV)", ""],
        ["T2", "Liver (IV)", "18.20 mm", "22.00 mm (DP)", ""],
        ["T3", "Liver", "8.10 mm", "12.00 mm (lossy)", ""],
        ["T4", "Porta hepatis node", "", "17.00 mm", ""],
        ["NT1", "Portal vein", "", "", "Present"]]


def test_the_engines_baseline_warnings_are_shown_and_mark_their_lesions(qtbot, tmp_path):
    read = _crowded_baseline()
    warnings = evaluate(build_case(read, "mRECIST")).warnings
    assert any("3 targets in liver" in warning for warning in warnings)
    assert any("T3 has viable diameter 8.1 mm" in warning for warning in warnings)
    panel = LesionPanel()
    qtbot.addWidget(panel)
    panel.resize(380, 420)
    panel.set_read(read, 11)
    assert not panel.warning_area.isVisibleTo(panel)
    panel.set_warnings(warnings)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.warning_area.isVisibleTo(panel)
    assert panel.warnings() == warnings
    assert f"{len(warnings)} warnings" in panel.warning_box.text()
    assert panel.warned_labels() == ("T1", "T2", "T3", "T4")  # NT1 is named by none
    t3 = panel.tree.topLevelItem(2)
    assert not t3.icon(0).isNull()
    assert "8.1 mm" in t3.toolTip(0)
    assert panel.tree.topLevelItem(4).icon(0).isNull()
    assert panel.grab().save(str(tmp_path / "lesion_panel_warnings.png"))
    panel.set_read(read, 11)  # a new read keeps the marks
    assert panel.warned_labels() == ("T1", "T2", "T3", "T4")
    assert not panel.tree.topLevelItem(2).icon(0).isNull()
    panel.set_warnings([])
    assert not panel.warning_area.isVisibleTo(panel)
    assert panel.tree.topLevelItem(2).icon(0).isNull()


def test_a_warning_names_a_lesion_by_its_whole_label(qtbot):
    lesions = (Lesion(201, "T1", LesionCategory.TARGET, "liver", 11),
               Lesion(211, "T11", LesionCategory.TARGET, "liver", 11),
               Lesion(300, "NT1", LesionCategory.NON_TARGET, "bone", 11))
    panel = LesionPanel()
    qtbot.addWidget(panel)
    panel.set_read(Read(1, "HCC-001", _read().timepoints, lesions), 11)
    panel.set_warnings(["T11 at Baseline: viable_mm 12.0 exceeds longest_mm 10.0"])
    assert panel.warned_labels() == ("T11",)  # not T1, not NT1


def test_the_selection_is_announced_once_and_not_by_a_new_read(qtbot):
    panel = LesionPanel()
    qtbot.addWidget(panel)
    panel.set_read(_read(), 11)
    with qtbot.waitSignal(panel.lesion_selected) as chosen:
        panel.select(102)
    assert chosen.args[0].label == "T2"
    with qtbot.assertNotEmitted(panel.lesion_selected):
        panel.set_read(_read(), 11)  # the same lesion stays selected
    read = _read()
    without_t2 = Read(1, "HCC-001", read.timepoints,
                      tuple(lesion for lesion in read.lesions if lesion.lesion_id != 102))
    with qtbot.waitSignal(panel.lesion_selected) as chosen:
        panel.set_read(without_t2, 11)  # removed: nothing is selected any more
    assert chosen.args == [None]
