"""A radiologist's hands on the reading station: the GUI steps the end-to-end tests share.

Real widgets offscreen driven as a reader drives them: typing the log-in, Enter on the
worklist, the add-lesion form, calipers dragged with the mouse (``qt_input.drag``), the
finding form clicked, the sign dialog typed into. ``read_subject_by_hand`` reads one demo
subject from the phantom's ground truth, optionally with a reader's mis-measurements.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QPoint, Qt
from qt_input import drag
from store_demo_reading import demo_truth

from core.actions.demo import DEMO_PASSWORD
from core.model.clinical import LesionCategory, NonTargetState
from core.model.reading import MeasurementKind, TimepointStatus
from desktop.app import build_window, parse_args
from desktop.main_window import MainWindow
from desktop.reading_view import ReadingView
from widgets.slice_viewer import SliceViewer

# A mis-measurement: (timepoint label, lesion label, "viable" | "total") → the length the
# reader draws instead (the true line stretched or shrunk about its middle).
Stretch = dict[tuple[str, str, str], float]
KINDS = {"viable": MeasurementKind.VIABLE, "total": MeasurementKind.TOTAL}
CATEGORIES = {"target": LesionCategory.TARGET, "non_target": LesionCategory.NON_TARGET,
              "new": LesionCategory.NEW}
TOOL_KEYS = {MeasurementKind.VIABLE: Qt.Key.Key_V, MeasurementKind.TOTAL: Qt.Key.Key_T}


def open_window(qtbot, data_dir: Path, login: str = "reader1") -> MainWindow:
    """The demo trial's window, logged in by typing."""
    window = build_window(parse_args(["--demo", "--data-dir", str(data_dir)]))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    dialog = window.login_dialog
    assert dialog is not None
    dialog.login_field.clear()
    qtbot.keyClicks(dialog.login_field, login)
    qtbot.keyClicks(dialog.password_field, DEMO_PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.login_dialog is None
    return window


def open_timepoint(qtbot, window: MainWindow, subject: str, label: str) -> ReadingView:
    """Choose the subject's timepoint in the worklist and press Enter, as a reader does."""
    entry = next(e for e in window.worklist.entries if e.subject == subject)
    timepoint = next(tp for tp in entry.timepoints if tp.label == label)
    assert window.worklist.select(entry.task_id, timepoint.timepoint_id)
    window.worklist.setFocus()
    qtbot.keyClick(window.worklist, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_loading and len(window.grid.viewers) == 4,
                    timeout=30_000)
    view = window.reading_view
    assert view is not None
    assert view.timepoint_label == label
    wait_until_settled(qtbot, view)
    return view


def wait_until_settled(qtbot, view: ReadingView) -> None:
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
    if truth["id"] in known:  # click its row: selected, and the list has the keys
        _click_into(qtbot, view)
        tree = view.lesions.tree
        row = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                   if tree.topLevelItem(i).text(0) == truth["id"])
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                         pos=tree.visualItemRect(row).center())
        assert view.lesions.current_lesion().lesion_id == known[truth["id"]]
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


def draw_diameters(qtbot, view: ReadingView, lesion_id: int, truth: dict[str, Any],
                   stretch: Stretch | None = None) -> None:
    """T then V, each dragged with the mouse on the arterial viewport (0 for no viable)."""
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
        ends = [np.array(p, dtype=float) for p in truth[f"{key}_endpoints_mm"]]
        wanted = (stretch or {}).get((view.timepoint_label, truth["id"], key))
        if wanted is not None:  # the reader's slip: the same line, another length
            middle, half = (ends[0] + ends[1]) / 2, (ends[1] - ends[0]) / 2
            scale = wanted / float(np.linalg.norm(ends[1] - ends[0]))
            ends = [middle - half * scale, middle + half * scale]
        start, end = (_on_screen(viewer, p) for p in ends)
        with qtbot.waitSignal(view.reading.changed, timeout=5000):
            drag(viewer._graphics.viewport(), start, end)
        saved = view.reading.read.measurement(lesion_id, view.timepoint_id, kind)
        assert saved is not None


def accept_suggestion(qtbot, view: ReadingView, lesion_id: int, truth: dict[str, Any],
                      stretch: Stretch | None = None) -> None:
    """Click inside the lesion, A, Enter: the suggested calipers kept as proposed."""
    del stretch
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


def read_subject_by_hand(qtbot, data_dir: Path, subject: str, measure=draw_diameters, *,
                         login: str = "reader1", stretch: Stretch | None = None) -> None:
    """Log in, open each of the subject's timepoints, add, measure, classify and sign."""
    window = open_window(qtbot, data_dir, login)
    for tp in demo_truth()[subject]:
        view = open_timepoint(qtbot, window, subject, tp.label)
        for truth in tp.truth["lesions"]:
            lesion_id = _lesion(qtbot, view, truth)
            if truth["role"] in ("target", "new"):
                measure(qtbot, view, lesion_id, truth, stretch)
            _classify(qtbot, view, lesion_id, truth)
        _sign(qtbot, view)
    window.close()
