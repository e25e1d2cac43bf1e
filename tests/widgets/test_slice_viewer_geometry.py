"""The viewer's screen-to-patient mapping on an oblique, anisotropic series, and its calipers.

Where a pixel is on screen is found through Qt's own transforms of the image item (where
Qt draws it), never through the viewer's mapping under test. A caliper dragged with the
mouse between two marked pixels must measure what the DICOM geometry says, to 0.01 mm.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtWidgets import QApplication
from qt_input import drag

from core.geometry import caliper_length_mm, plane_of_slice
from core.model.imaging import Modality, Phase
from core.model.volume import Volume
from widgets.slice_viewer import SliceViewer

# An oblique plane (rotated about all three axes) with 0.6 mm between rows, 0.9 mm between
# columns and 2 mm between slices: nothing a viewer could get right by treating it as axial.
ROTATION, _ = np.linalg.qr(np.random.default_rng(7).normal(size=(3, 3)))
ROW_DIR, COL_DIR, NORMAL = ROTATION[:, 0], ROTATION[:, 1], ROTATION[:, 2]
DY, DX, DZ = 0.6, 0.9, 2.0
ORIGIN = np.array([12.0, -30.0, 55.0])
MARKS = ((10, 12), (40, 50))  # (row, column) of two bright pixels on every slice


def _oblique_volume() -> Volume:
    voxels = np.zeros((5, 64, 72), dtype=np.float32)
    for row, col in MARKS:
        voxels[:, row, col] = 1000
    affine = np.eye(4)
    affine[:3, 0] = NORMAL * DZ
    affine[:3, 1] = COL_DIR * DY  # the row index moves along the column direction
    affine[:3, 2] = ROW_DIR * DX
    affine[:3, 3] = ORIGIN
    return Volume(voxels, affine, (DZ, DY, DX), tuple(f"1.2.9.{k}" for k in range(5)),
                  "1.2.9", "1.2", Modality.MR, Phase.ARTERIAL, "oblique test", (500, 1000))


def _analytic_xyz(k: float, row: float, col: float) -> np.ndarray:
    """Where the DICOM header puts pixel (row, col) of slice k (PS3.3 C.7.6.2.1.1)."""
    return ORIGIN + k * DZ * NORMAL + row * DY * COL_DIR + col * DX * ROW_DIR


@pytest.fixture
def viewer(qtbot):
    shown = SliceViewer()
    qtbot.addWidget(shown)
    shown.resize(700, 620)
    shown.show()
    qtbot.waitExposed(shown)
    shown.set_volume(_oblique_volume(), "S-1\nBaseline")
    QApplication.processEvents()
    return shown


def _on_screen(viewer: SliceViewer, row: float, col: float) -> QPoint:
    """The viewport pixel where Qt draws image position (row, col): pixel centres at +0.5."""
    scene = viewer._image.mapToScene(QPointF(col + 0.5, row + 0.5))
    return viewer._graphics.mapFromScene(scene)


def _image_rc(viewer: SliceViewer, point: QPoint) -> tuple[float, float]:
    """The image position (row, col) Qt draws at viewport pixel *point* (the inverse)."""
    local = viewer._image.mapFromScene(viewer._graphics.mapToScene(point))
    return local.y() - 0.5, local.x() - 0.5


def _drag(viewer: SliceViewer, start: QPoint, end: QPoint) -> None:
    drag(viewer._graphics.viewport(), start, end)


def test_the_marked_pixels_are_where_qt_draws_them(viewer):
    k = viewer.current_slice
    for row, col in MARKS:
        rc = viewer.pixel_rc_at(viewer.view_box.mapSceneToView(
            viewer._graphics.mapToScene(_on_screen(viewer, row, col))))
        assert (round(rc[0]), round(rc[1])) == (row, col)
        assert viewer.volume.voxels[k, round(rc[0]), round(rc[1])] == 1000


def test_a_caliper_dragged_on_screen_measures_as_core_geometry_does(qtbot, viewer):
    k = viewer.current_slice
    start, end = (_on_screen(viewer, *mark) for mark in MARKS)
    viewer.set_measuring(True)
    with qtbot.waitSignal(viewer.caliper_committed, timeout=2000) as blocker:
        _drag(viewer, start, end)
    caliper = blocker.args[0]
    # What Qt drew under the pointer at press and release, mapped without the viewer.
    start_rc, end_rc = _image_rc(viewer, start), _image_rc(viewer, end)
    assert caliper.start_rc == pytest.approx(start_rc, abs=1e-6)
    assert caliper.end_rc == pytest.approx(end_rc, abs=1e-6)
    expected_mm = float(np.linalg.norm(_analytic_xyz(k, *end_rc) - _analytic_xyz(k, *start_rc)))
    assert float(caliper.length_mm) == pytest.approx(expected_mm, abs=0.01)
    plane = plane_of_slice(viewer.volume, k)
    assert float(caliper.length_mm) == pytest.approx(
        caliper_length_mm(plane, start_rc, end_rc), abs=0.01)
    assert caliper.start_xyz == pytest.approx(tuple(_analytic_xyz(k, *start_rc)), abs=1e-6)
    assert caliper.sop_instance_uid == f"1.2.9.{k}"
    # Between the two marked pixel centres the true distance is about 39 mm; axial
    # arithmetic with one spacing would say 38 pixels × 0.9 mm or so.
    true_mm = math.hypot(30 * DY, 38 * DX)
    assert float(caliper.length_mm) == pytest.approx(true_mm, abs=0.2)


def test_the_cursor_reads_out_the_patient_point_of_the_pixel(viewer):
    k = viewer.current_slice
    row, col = MARKS[1]
    point = _on_screen(viewer, row, col)
    viewer._on_mouse_moved(viewer._graphics.mapToScene(point))
    x, y, z = _analytic_xyz(k, *_image_rc(viewer, point))
    assert f"x {x:.1f}  y {y:.1f}  z {z:.1f} mm" in viewer._cursor_text
    assert "1000" in viewer._cursor_text


def test_edge_letters_follow_the_plane_not_an_axial_guess(qtbot):
    shown = SliceViewer()
    qtbot.addWidget(shown)
    shown.resize(300, 300)
    coronal = _oblique_volume()
    affine = coronal.affine.copy()
    affine[:3, 0], affine[:3, 1], affine[:3, 2] = (0, DZ, 0), (0, 0, -DY), (DX, 0, 0)
    shown.set_volume(dataclasses.replace(coronal, affine=affine))
    letters = {edge: label.text() for edge, label in shown._markers.items()}
    assert letters == {"left": "<b>R</b>", "right": "<b>L</b>", "top": "<b>H</b>",
                       "bottom": "<b>F</b>"}


def test_a_drag_without_measuring_sets_the_window_and_commits_nothing(qtbot, viewer):
    start, end = (_on_screen(viewer, *mark) for mark in MARKS)
    with qtbot.assertNotEmitted(viewer.caliper_committed), \
            qtbot.waitSignal(viewer.window_changed, timeout=2000):
        _drag(viewer, start, end)


def test_set_calipers_draws_them_on_their_image_only_and_does_not_echo(qtbot, viewer):
    viewer.set_measuring(True)
    caliper = viewer.measure(MARKS[0], MARKS[1])
    with qtbot.assertNotEmitted(viewer.caliper_committed):
        viewer.set_calipers([caliper])
    assert viewer._calipers_overlay.drawn_count == 1
    viewer.step_slice(1)
    assert viewer._calipers_overlay.drawn_count == 0  # another image of the series


def test_a_series_without_pixel_spacing_is_never_measured(qtbot):
    shown = SliceViewer()
    qtbot.addWidget(shown)
    shown.set_volume(dataclasses.replace(_oblique_volume(), is_measurable=False))
    shown.set_measuring(True)
    assert not shown.is_measuring
    with pytest.raises(ValueError, match="not measured"):
        shown.measure(MARKS[0], MARKS[1])


def test_dragging_a_caliper_end_moves_that_end_only(qtbot, viewer):
    caliper = viewer.measure(MARKS[0], MARKS[1])
    viewer.set_calipers([caliper], ["T1 viable"])
    viewer.set_editable(True)
    target_rc = (52.0, 20.0)
    with qtbot.waitSignal(viewer.caliper_moved, timeout=2000) as blocker, \
            qtbot.assertNotEmitted(viewer.window_changed):
        _drag(viewer, _on_screen(viewer, *MARKS[1]), _on_screen(viewer, *target_rc))
    before, after = blocker.args
    assert before is caliper
    assert after.start_rc == pytest.approx(caliper.start_rc)  # the end not grabbed stays
    assert after.end_rc == pytest.approx(_image_rc(viewer, _on_screen(viewer, *target_rc)),
                                         abs=1e-6)
    k = viewer.current_slice
    expected = float(np.linalg.norm(_analytic_xyz(k, *after.end_rc)
                                    - _analytic_xyz(k, *after.start_rc)))
    assert float(after.length_mm) == pytest.approx(expected, abs=0.01)


def test_a_caliper_end_is_not_moved_when_the_viewer_is_not_editable(qtbot, viewer):
    viewer.set_calipers([viewer.measure(MARKS[0], MARKS[1])])
    with qtbot.assertNotEmitted(viewer.caliper_moved), \
            qtbot.waitSignal(viewer.window_changed, timeout=2000):
        _drag(viewer, _on_screen(viewer, *MARKS[1]), _on_screen(viewer, 52, 20))


def test_suggestions_are_drawn_beside_the_calipers_and_cleared(qtbot, viewer):
    viewer.set_calipers([viewer.measure(MARKS[0], MARKS[1])])
    viewer.set_suggestions([viewer.measure((5, 5), (20, 30))])
    assert viewer.calipers_shown == 2
    viewer.set_suggestions([])
    assert viewer.calipers_shown == 1
