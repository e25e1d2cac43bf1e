"""The reading view: calipers drawn with the mouse are saved through the session, shown in
the lesion and response panels and on the viewports, and their key images filed (#11)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from qt_input import drag
from reading_by_hand import wait_until_settled
from store_demo_reading import demo_truth

from core.actions import get_read, list_series, my_tasks
from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME
from core.actions.key_images import key_image
from core.dicom import scan
from core.dicom.study import load_phases
from core.model.clinical import LesionCategory
from core.model.imaging import Phase
from core.model.reading import MeasurementKind
from core.store import login, open_store
from desktop.demo_data import DEMO_STORE_FOLDER
from desktop.reading_view import ReadingView
from widgets.slice_viewer import SliceViewer

VIABLE, TOTAL = MeasurementKind.VIABLE, MeasurementKind.TOTAL


class _Answers:
    """The reader's answers to "viable diameter on another phase?", and what was asked."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[Phase] = []

    def __call__(self, phase: Phase) -> bool:
        self.asked.append(phase)
        return self.answer


@pytest.fixture
def answers() -> _Answers:
    return _Answers(False)


@pytest.fixture
def view(qtbot, demo_data_dir, answers):
    store = open_store(demo_data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME)
    reader = login(store, "reader1", DEMO_PASSWORD)
    task = next(t for t in my_tasks(store, reader) if t.subject == "HCC-001")
    read = get_read(store, reader, task.task_id)
    tp = demo_truth()["HCC-001"][0]
    timepoint = read.timepoint(tp.label)
    folders = [store.path.parent / series.location for series in
               list_series(store, reader, task.task_id, timepoint.timepoint_id)]
    volumes = load_phases(scan(folders))
    widget = ReadingView(store, reader, task.task_id, timepoint.timepoint_id,
                         confirm_phase=answers)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()  # its window-wide keys (undo, sign) need it active
    qtbot.waitUntil(widget.isActiveWindow, timeout=5000)
    widget.set_volumes(volumes)
    wait_until_settled(qtbot, widget)  # drags are aimed at where the image has settled
    yield widget, store, reader, tp
    widget.key_images.wait()
    qtbot.wait(50)  # deliver the last render to the GUI thread before the store closes
    store.close()


def _target(tp):
    return next(item for item in tp.truth["lesions"] if item["role"] == "target")


def on_screen(viewer: SliceViewer, point_xyz) -> QPoint:
    """The viewport pixel where a patient point of the shown slice is drawn."""
    rc = viewer.plane.to_pixel_rc(np.array(point_xyz, dtype=float))
    scene = viewer.view_box.mapViewToScene(viewer.view_point_of(rc))
    return viewer._graphics.mapFromScene(scene)


def draw(viewer: SliceViewer, start_xyz, end_xyz) -> None:
    """Drag a caliper with the mouse between two patient points of the shown slice."""
    drag(viewer._graphics.viewport(), on_screen(viewer, start_xyz), on_screen(viewer, end_xyz))


def _spacing(viewer: SliceViewer) -> float:
    return min(abs(value) for value in viewer.plane.pixel_spacing_mm)


def test_a_viable_caliper_dragged_on_the_arterial_phase_is_saved_and_shown(qtbot, view):
    widget, store, reader, tp = view
    truth = _target(tp)
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    assert lesion is not None
    viewer = widget.measuring_viewer
    assert viewer is widget.grid.active_viewer  # the arterial phase measures, active
    viewer.set_slice(truth["slice_index"])
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_V)  # the selected lesion, viable
    assert viewer.is_measuring
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(viewer, *truth["viable_endpoints_mm"])
    saved = get_read(store, reader, widget.reading.task_id).measurement(
        lesion.lesion_id, widget.timepoint_id, VIABLE)
    assert saved is not None
    assert saved.phase is Phase.ARTERIAL
    # Within 1.5 pixels of the phantom's truth (issue #11, "Done when").
    assert abs(float(saved.length_mm) - truth["viable_longest_diameter_mm"]) \
        <= 1.5 * _spacing(viewer)
    row = widget.lesions.rows()[0]
    assert row[0] == lesion.label
    assert row[2] == f"{saved.length_mm} mm"
    assert not viewer.is_measuring  # one caliper per choice of tool
    assert widget.status.text() == f"Saved: {saved.length_mm} mm"
    assert viewer.calipers_shown == 1
    qtbot.waitUntil(lambda: key_image(store, reader, lesion.lesion_id, widget.timepoint_id,
                                      VIABLE) is not None, timeout=10_000)


def test_a_viable_caliper_on_another_phase_is_saved_only_when_confirmed(qtbot, view,
                                                                         answers):
    widget, store, reader, tp = view
    truth = _target(tp)
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    venous = next(v for v in widget.grid.viewers if v.volume.phase is Phase.PORTAL_VENOUS)
    venous.set_slice(truth["slice_index"])
    widget.start_measuring(lesion.lesion_id, VIABLE)
    with qtbot.assertNotEmitted(widget.reading.changed, wait=100):
        draw(venous, *truth["viable_endpoints_mm"])
    assert answers.asked == [Phase.PORTAL_VENOUS]
    assert get_read(store, reader, widget.reading.task_id).measurements == ()
    assert widget.status.text().startswith("Not saved")
    answers.answer = True  # the tool is still on: draw again and confirm
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(venous, *truth["viable_endpoints_mm"])
    saved = get_read(store, reader, widget.reading.task_id).measurement(
        lesion.lesion_id, widget.timepoint_id, VIABLE)
    assert saved is not None
    assert saved.phase is Phase.PORTAL_VENOUS


def test_the_total_diameter_is_drawn_on_any_phase_without_asking(qtbot, view, answers):
    widget, store, reader, tp = view
    truth = _target(tp)
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    venous = next(v for v in widget.grid.viewers if v.volume.phase is Phase.PORTAL_VENOUS)
    venous.set_slice(truth["slice_index"])
    widget.start_measuring(lesion.lesion_id, TOTAL)
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(venous, *truth["total_endpoints_mm"])
    assert answers.asked == []
    saved = get_read(store, reader, widget.reading.task_id).measurement(
        lesion.lesion_id, widget.timepoint_id, TOTAL)
    assert saved.phase is Phase.PORTAL_VENOUS


def test_moving_an_end_saves_the_caliper_again_and_undo_puts_it_back(qtbot, view):
    widget, store, reader, tp = view
    truth = _target(tp)
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    viewer = widget.measuring_viewer
    viewer.set_slice(truth["slice_index"])
    start, end = (np.array(p, dtype=float) for p in truth["total_endpoints_mm"])
    short_end = start + (end - start) * 0.8  # the reader stopped short of the edge
    widget.start_measuring(lesion.lesion_id, TOTAL)
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(viewer, start, short_end)
    first = widget.reading.read.measurement(lesion.lesion_id, widget.timepoint_id, TOTAL)
    assert not viewer.is_measuring
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(viewer, short_end, end)  # grab the end and pull it to the edge
    moved = get_read(store, reader, widget.reading.task_id).measurement(
        lesion.lesion_id, widget.timepoint_id, TOTAL)
    assert moved.caliper.start_rc == pytest.approx(first.caliper.start_rc)
    assert abs(float(moved.length_mm) - truth["total_longest_diameter_mm"]) \
        <= 1.5 * _spacing(viewer)
    assert widget.status.text() == f"Moved: {moved.length_mm} mm"
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    undone = get_read(store, reader, widget.reading.task_id).measurement(
        lesion.lesion_id, widget.timepoint_id, TOTAL)
    assert undone.caliper == first.caliper
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert get_read(store, reader, widget.reading.task_id).measurement(
        lesion.lesion_id, widget.timepoint_id, TOTAL).caliper == moved.caliper


def test_esc_puts_the_tool_down_and_a_drag_then_only_windows(qtbot, view):
    widget, store, reader, tp = view
    truth = _target(tp)
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    viewer = widget.measuring_viewer
    viewer.set_slice(truth["slice_index"])
    widget.start_measuring(lesion.lesion_id, VIABLE)
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_Escape)
    assert not viewer.is_measuring
    with qtbot.assertNotEmitted(widget.reading.changed, wait=100):
        draw(viewer, *truth["viable_endpoints_mm"])
    assert get_read(store, reader, widget.reading.task_id).measurements == ()


def test_a_suggestion_is_shown_dashed_and_saved_only_when_kept(qtbot, view):
    widget, store, reader, tp = view
    truth = _target(tp)
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    viewer = widget.measuring_viewer
    viewer.set_slice(truth["slice_index"])
    centre = np.mean(np.array(truth["viable_endpoints_mm"], dtype=float), axis=0)
    qtbot.mouseClick(viewer._graphics.viewport(), Qt.MouseButton.LeftButton,
                     pos=on_screen(viewer, centre))
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_A)
    assert set(widget.suggested) == {VIABLE, TOTAL}
    assert get_read(store, reader, widget.reading.task_id).measurements == ()
    assert viewer.calipers_shown == 2  # the two dashed proposals
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_Escape)
    assert widget.suggested == {}
    assert viewer.calipers_shown == 0
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_A)
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_Return)
    read = get_read(store, reader, widget.reading.task_id)
    spacing = _spacing(viewer)
    for kind, key in ((VIABLE, "viable"), (TOTAL, "total")):
        saved = read.measurement(lesion.lesion_id, widget.timepoint_id, kind)
        assert saved is not None
        assert abs(saved.length_mm - Decimal(str(truth[f"{key}_longest_diameter_mm"]))) \
            <= Decimal(str(1.5 * spacing))


def test_with_a_tool_on_a_drag_from_another_calipers_end_draws_a_new_caliper(qtbot, view):
    widget, store, reader, tp = view
    truth = _target(tp)
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    viewer = widget.measuring_viewer
    viewer.set_slice(truth["slice_index"])
    start, end = truth["total_endpoints_mm"]
    widget.start_measuring(lesion.lesion_id, TOTAL)
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(viewer, start, end)
    inside = np.array(start, dtype=float) + (np.array(end) - np.array(start)) * 0.6
    widget.start_measuring(lesion.lesion_id, VIABLE)
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(viewer, start, inside)  # the viable part reaches the lesion's edge at start
    read = get_read(store, reader, widget.reading.task_id)
    assert read.measurement(lesion.lesion_id, widget.timepoint_id, TOTAL) is not None
    viable = read.measurement(lesion.lesion_id, widget.timepoint_id, VIABLE)
    assert viable is not None
    assert float(viable.length_mm) == pytest.approx(
        0.6 * truth["total_longest_diameter_mm"], abs=1.5 * _spacing(viewer))


def test_the_sign_key_opens_the_dialog_only_when_the_timepoint_can_be_signed(qtbot, view):
    widget = view[0]
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert widget.sign_dialog is None  # nothing recorded yet: the engine says what is missing
    assert "cannot be signed" in widget.status.text()


def test_key_0_records_no_viable_tumour_inside_the_total_diameter(qtbot, view):
    widget, store, reader, tp = view
    truth = _target(tp)
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_0)
    assert widget.status.text().startswith(f"Draw the total diameter of {lesion.label} first")
    viewer = widget.measuring_viewer
    viewer.set_slice(truth["slice_index"])
    widget.start_measuring(lesion.lesion_id, TOTAL)
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        draw(viewer, *truth["total_endpoints_mm"])
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_0)
    read = get_read(store, reader, widget.reading.task_id)
    viable = read.measurement(lesion.lesion_id, widget.timepoint_id, VIABLE)
    total = read.measurement(lesion.lesion_id, widget.timepoint_id, TOTAL)
    assert viable.length_mm == 0
    assert viable.caliper.sop_instance_uid == total.caliper.sop_instance_uid
    middle = np.mean([total.caliper.start_xyz, total.caliper.end_xyz], axis=0)
    assert viable.caliper.start_xyz == pytest.approx(tuple(middle), abs=1e-6)
