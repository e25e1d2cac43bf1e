"""The lesion panel shows the read's lesions at one timepoint and asks to measure them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt

from core.model.clinical import LesionCategory
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
from widgets.lesion_panel import LesionPanel


def _caliper(length: str) -> Caliper:
    return Caliper((10.0, 10.0), (10.0, 40.0), (0.0, 0.0, 0.0), (float(length), 0.0, 0.0),
                   Decimal(length), "1.2.3")


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
        ["T1", "liver", "23.40 mm", "31.00 mm", ""],
        ["T2", "lymph_node (node)", "", "17.00 mm", ""],
        ["NT1", "portal_vein", "", "", "present"]]


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
