"""The reading station end to end, as a radiologist uses it (issue #11, "Done when").

The demo trial store, the real application window offscreen: reader1 logs in by typing,
opens each timepoint of one subject from the worklist with the keyboard, adds the lesions,
draws every viable and total diameter with simulated mouse drags on the arterial viewport
(or, in the second test, clicks inside the lesion and accepts the suggested calipers as
they are), classifies the non-target and the new lesion, and signs each timepoint with the
password in the sign dialog. Each diameter must lie within 1.5 pixels of the phantom's
ground truth, and the result the store holds for the read must equal what ``mrecist
evaluate`` computes from the read's exported case file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from qt_input import drag
from store_demo_reading import demo_truth

from core.actions import export_case_json, get_read, read_state
from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME
from core.criteria.case_io import result_to_data
from core.model.clinical import LesionCategory, NonTargetState
from core.model.reading import MeasurementKind, TimepointStatus
from core.store import login, open_store
from desktop.app import build_window, parse_args
from desktop.demo_data import DEMO_STORE_FOLDER
from desktop.main_window import MainWindow
from desktop.reading_view import ReadingView
from widgets.slice_viewer import SliceViewer

SUBJECT = "HCC-003"  # a target, a lymph-node non-target, and a new lesion at week 12
KINDS = {"viable": MeasurementKind.VIABLE, "total": MeasurementKind.TOTAL}
CATEGORIES = {"target": LesionCategory.TARGET, "non_target": LesionCategory.NON_TARGET,
              "new": LesionCategory.NEW}
TOOL_KEYS = {MeasurementKind.VIABLE: Qt.Key.Key_V, MeasurementKind.TOTAL: Qt.Key.Key_T}


def _window(qtbot, data_dir: Path) -> MainWindow:
    window = build_window(parse_args(["--demo", "--data-dir", str(data_dir)]))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    dialog = window.login_dialog
    assert dialog is not None
    dialog.login_field.clear()
    qtbot.keyClicks(dialog.login_field, "reader1")
    qtbot.keyClicks(dialog.password_field, DEMO_PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.login_dialog is None
    return window


def _open(qtbot, window: MainWindow, label: str) -> ReadingView:
    """Choose the subject's timepoint in the worklist and press Enter, as a reader does."""
    entry = next(e for e in window.worklist.entries if e.subject == SUBJECT)
    timepoint = next(tp for tp in entry.timepoints if tp.label == label)
    assert window.worklist.select(entry.task_id, timepoint.timepoint_id)
    window.worklist.setFocus()
    qtbot.keyClick(window.worklist, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_loading and len(window.grid.viewers) == 4,
                    timeout=30_000)
    view = window.reading_view
    assert view is not None
    assert view.timepoint_label == label
    _settled(qtbot, view)
    return view


def _settled(qtbot, view: ReadingView) -> None:
    """Wait until the arterial viewport stops moving (layout and fitting after the load),
    as a reader looks before drawing: a drag aimed at a moving image lands elsewhere."""
    viewer = view.measuring_viewer
    assert viewer is not None
    seen: list[tuple[float, ...]] = []

    def still() -> bool:
        rect = viewer.view_box.viewRect()
        seen.append((rect.x(), rect.y(), rect.width(), rect.height(),
                     float(viewer.view_box.width())))
        return len(seen) >= 4 and len(set(seen[-4:])) == 1

    qtbot.waitUntil(still, timeout=10_000)  # polled every 10 ms by pytest-qt


def _on_screen(viewer: SliceViewer, point_xyz: Any) -> QPoint:
    rc = viewer.plane.to_pixel_rc(np.array(point_xyz, dtype=float))
    return viewer._graphics.mapFromScene(viewer.view_box.mapViewToScene(
        viewer.view_point_of(rc)))


ORGAN_NAMES = {"liver": "Liver", "lymph_node": "Lymph node", "portal_vein": "Portal vein"}


def _lesion(qtbot, view: ReadingView, truth: dict[str, Any]) -> int:
    """The lesion named in the truth, added with the add-lesion form if the read lacks it."""
    known = {lesion.label: lesion.lesion_id for lesion in view.reading.read.lesions}
    if truth["id"] in known:
        view.lesions.select(known[truth["id"]])
        return known[truth["id"]]
    qtbot.mouseClick(view.lesions.add_buttons[CATEGORIES[truth["role"]]],
                     Qt.MouseButton.LeftButton)
    dialog = view.add_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.organ.lineEdit(), ORGAN_NAMES[truth["organ"]])
    with qtbot.waitSignal(view.reading.changed, timeout=5000):
        qtbot.keyClick(dialog.organ.lineEdit(), Qt.Key.Key_Return)  # Add
    lesion = view.lesions.current_lesion()
    assert lesion is not None, view.status.text()
    assert (lesion.label, lesion.organ) == (truth["id"], truth["organ"])
    assert lesion.is_node == (truth["organ"] == "lymph_node")
    return lesion.lesion_id


def _draw(qtbot, view: ReadingView, lesion_id: int, truth: dict[str, Any]) -> None:
    viewer = view.measuring_viewer
    assert viewer is not None
    viewer.set_slice(truth["slice_index"])
    # The total first: the viable part lies within it (docs/reading.md, Calipers).
    for key in ("total", "viable"):
        kind = KINDS[key]
        if truth[f"{key}_longest_diameter_mm"] == 0:
            qtbot.keyClick(view.lesions.tree, Qt.Key.Key_0)
            continue
        qtbot.keyClick(view.lesions.tree, TOOL_KEYS[kind])
        assert viewer.is_measuring
        start, end = (_on_screen(viewer, p) for p in truth[f"{key}_endpoints_mm"])
        with qtbot.waitSignal(view.reading.changed, timeout=5000):
            drag(viewer._graphics.viewport(), start, end)
        saved = view.reading.read.measurement(lesion_id, view.timepoint_id, kind)
        assert saved is not None


def _suggest(qtbot, view: ReadingView, lesion_id: int, truth: dict[str, Any]) -> None:
    viewer = view.measuring_viewer
    assert viewer is not None
    viewer.set_slice(truth["slice_index"])
    inside = np.mean(np.array(truth["viable_endpoints_mm"], dtype=float), axis=0)
    _click_into(qtbot, view)
    qtbot.mouseClick(viewer._graphics.viewport(), Qt.MouseButton.LeftButton,
                     pos=_on_screen(viewer, inside))
    qtbot.keyClick(view.lesions.tree, Qt.Key.Key_A)
    assert set(view.suggested) == {MeasurementKind.VIABLE, MeasurementKind.TOTAL}, \
        view.status.text()
    with qtbot.waitSignal(view.reading.changed, timeout=5000):
        qtbot.keyClick(view.lesions.tree, Qt.Key.Key_Return)  # keep them as proposed


def _classify(qtbot, view: ReadingView, lesion_id: int, truth: dict[str, Any]) -> None:
    """Record what was seen in the finding form, with the mouse."""
    assert view.finding.lesion is not None
    assert view.finding.lesion.lesion_id == lesion_id
    if truth["role"] == "non_target":
        button = view.finding.non_target.buttons[NonTargetState.PRESENT]
        with qtbot.waitSignal(view.reading.changed, timeout=5000):  # on its round button
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton,
                             pos=QPoint(8, button.height() // 2))
    elif truth["role"] == "new":  # a typical HCC nodule: hyperenhancing, washing out
        for box in (view.finding.arterial, view.finding.washout):
            with qtbot.waitSignal(view.reading.changed, timeout=5000):
                qtbot.mouseClick(box, Qt.MouseButton.LeftButton,
                                 pos=QPoint(8, box.height() // 2))
    finding = view.reading.read.finding(lesion_id, view.timepoint_id)
    if truth["role"] == "non_target":
        assert finding is not None
        assert finding.state is NonTargetState.PRESENT
    elif truth["role"] == "new":
        assert finding is not None
        assert (finding.arterial_enhancement, finding.washout) == (True, True)


def _click_into(qtbot, view: ReadingView) -> None:
    """The reader clicks into the lesion list: the window is active and the list has the
    keys (offscreen there is no window manager to keep the window active between
    dialogs)."""
    view.window().activateWindow()
    qtbot.waitUntil(view.window().isActiveWindow, timeout=5000)
    qtbot.mouseClick(view.lesions.tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(5, view.lesions.tree.viewport().height() - 5))
    view.lesions.tree.setFocus()


def _sign(qtbot, view: ReadingView) -> None:
    _click_into(qtbot, view)
    qtbot.keyClick(view.lesions.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = view.sign_dialog
    assert dialog is not None, view.status.text()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.password_field, DEMO_PASSWORD)
    qtbot.keyClick(dialog.password_field, Qt.Key.Key_Return)
    assert view.sign_dialog is None, dialog.refusal
    index = view.reading.read.index_of(view.timepoint_id)
    assert view.reading.read.timepoints[index].status is TimepointStatus.SIGNED


def _read_station(qtbot, data_dir: Path, measure) -> None:
    window = _window(qtbot, data_dir)
    for tp in demo_truth()[SUBJECT]:
        view = _open(qtbot, window, tp.label)
        for truth in tp.truth["lesions"]:
            lesion_id = _lesion(qtbot, view, truth)
            if truth["role"] in ("target", "new"):
                measure(qtbot, view, lesion_id, truth)
            _classify(qtbot, view, lesion_id, truth)
        _sign(qtbot, view)
    window.close()


def _check_against_truth_and_the_cli(data_dir: Path, tmp_path: Path) -> None:
    with open_store(data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME) as store:
        reader = login(store, "reader1", DEMO_PASSWORD)
        task = next(t for t in window_tasks(store, reader) if t.subject == SUBJECT)
        read = get_read(store, reader, task.task_id)
        assert [tp.status for tp in read.timepoints] == [TimepointStatus.SIGNED] * 3
        for tp in demo_truth()[SUBJECT]:
            timepoint = read.timepoint(tp.label)
            pixel = Decimal(str(tp.grid.pixel_spacing_mm))
            for truth in tp.truth["lesions"]:
                if truth["role"] == "non_target":
                    continue
                lesion = read.lesion(truth["id"])
                for key, kind in KINDS.items():
                    saved = read.measurement(lesion.lesion_id, timepoint.timepoint_id, kind)
                    assert saved is not None, (tp.label, truth["id"], key)
                    expected = Decimal(str(truth[f"{key}_longest_diameter_mm"]))
                    assert abs(saved.length_mm - expected) <= Decimal("1.5") * pixel, (
                        tp.label, truth["id"], key, saved.length_mm, expected)
        last = read.timepoints[-1].timepoint_id
        stored = result_to_data(read_state(store, reader, task.task_id, last).result)
        case_file = tmp_path / f"{SUBJECT}.json"
        case_file.write_text(export_case_json(store, reader, SUBJECT, read="1"),
                             encoding="utf-8")
    evaluated = subprocess.run([sys.executable, "-m", "core.cli", "evaluate", str(case_file)],
                               capture_output=True, text=True, check=True)
    assert json.loads(evaluated.stdout) == json.loads(json.dumps(stored))


def window_tasks(store, reader):
    from core.actions import my_tasks

    return my_tasks(store, reader)


@pytest.mark.slow
def test_a_reader_measures_classifies_and_signs_a_subject_with_the_mouse(qtbot, demo_data_dir,
                                                                         tmp_path):
    _read_station(qtbot, demo_data_dir, _draw)
    _check_against_truth_and_the_cli(demo_data_dir, tmp_path)


@pytest.mark.slow
def test_the_same_read_through_the_suggestion_tool_accepted_as_proposed(qtbot,
                                                                        demo_data_dir,
                                                                        tmp_path):
    _read_station(qtbot, demo_data_dir, _suggest)
    _check_against_truth_and_the_cli(demo_data_dir, tmp_path)

