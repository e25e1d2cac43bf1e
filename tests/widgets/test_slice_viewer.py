"""SliceViewer: slices, window/level, overlays, signals — a real widget, offscreen."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent

from core.model.display import WindowLevel
from widgets.slice_viewer import SliceViewer


def _viewer(qtbot, volume) -> SliceViewer:
    viewer = SliceViewer()
    qtbot.addWidget(viewer)
    viewer.resize(400, 400)
    viewer.show()
    qtbot.waitExposed(viewer)
    viewer.set_volume(volume, "HCC-001\nBaseline")
    return viewer


def _wheel(viewer: SliceViewer, notches: int) -> None:
    viewport = viewer._graphics.viewport()
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QWheelEvent(centre, viewport.mapToGlobal(centre), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(viewport, event)


def test_opens_on_the_middle_slice_with_the_header_window(qtbot, volume):
    viewer = _viewer(qtbot, volume)
    assert viewer.current_slice == 10
    assert viewer.window == WindowLevel(40.0, 400.0)
    assert viewer._image.image[0, 0] == 100.0  # slice 10 encodes 10 * 10


def test_wheel_scrolls_one_slice_per_notch(qtbot, volume):
    viewer = _viewer(qtbot, volume)
    with qtbot.waitSignal(viewer.slice_changed, timeout=1000) as blocker:
        _wheel(viewer, -2)  # towards the user: towards the feet
    assert blocker.args == [12]
    _wheel(viewer, 1)
    assert viewer.current_slice == 11


def test_scrolling_stops_at_the_ends(qtbot, volume):
    viewer = _viewer(qtbot, volume)
    viewer.step_slice(1000)
    assert viewer.current_slice == volume.n_slices - 1
    viewer.step_slice(-1000)
    assert viewer.current_slice == 0


def test_window_drag_emits_new_window_and_set_window_does_not_echo(qtbot, volume):
    viewer = _viewer(qtbot, volume)
    with qtbot.waitSignal(viewer.window_changed, timeout=1000) as blocker:
        viewer.view_box.window_drag.emit(50.0, -20.0)  # right and up: wider, higher level
    window = blocker.args[0]
    assert window.width > 400
    assert window.centre > 40
    assert viewer._image.levels is not None
    assert tuple(viewer._image.levels) == window.limits
    with qtbot.assertNotEmitted(viewer.window_changed):
        viewer.set_window(WindowLevel(70, 160))
    assert viewer.window == WindowLevel(70, 160)


def test_image_is_placed_in_patient_millimetres(qtbot, volume):
    viewer = _viewer(qtbot, volume)
    rect = viewer._image.mapRectToParent(viewer._image.boundingRect())
    assert (rect.x(), rect.y()) == (-24.0, -24.0)  # 64 pixels of 0.75 mm, centred
    assert rect.width() == 48.0
    assert rect.height() == 48.0


def test_overlays_show_phase_position_and_no_patient_name(qtbot, volume):
    viewer = _viewer(qtbot, volume)
    viewer.set_slice(4)
    assert "Arterial" in viewer._corners["tl"].text()
    assert "Im 5/20" in viewer._corners["bl"].text()
    assert "z -10.0 mm" in viewer._corners["bl"].text()
    assert "HCC-001" in viewer._corners["tr"].text()


def test_grab_shows_the_image(qtbot, volume):
    viewer = _viewer(qtbot, volume)
    image = viewer.grab().toImage()
    grey = np.array([[image.pixelColor(x, y).value() for x in range(0, 400, 8)]
                     for y in range(0, 400, 8)])
    assert grey.std() > 20  # not a blank widget: the bright block and the frame show


def test_monochrome1_flips_the_grey_scale_not_the_values(qtbot, volume):
    import dataclasses

    viewer = _viewer(qtbot, dataclasses.replace(volume, is_monochrome1=True))
    assert viewer._image.lut[0].tolist() == [255, 255, 255]
    assert viewer._image.image[0, 0] == 100.0  # HU untouched
    viewer.set_volume(volume)
    assert viewer._image.lut is None


def test_int16_volume_shows_as_its_float32_twin_and_reads_out_hu(qtbot, volume):
    # Loaded CT is int16 (core.dicom.pixels.voxel_dtype); display and readout must not care.
    import dataclasses

    as_int16 = dataclasses.replace(volume, voxels=volume.voxels.astype(np.int16))
    grabs = []
    for shown in (volume, as_int16):
        viewer = _viewer(qtbot, shown)
        image = viewer.grab().toImage()
        grabs.append(np.array([[image.pixelColor(x, y).value() for x in range(0, 400, 4)]
                               for y in range(0, 400, 4)]))
    assert np.array_equal(grabs[0], grabs[1])
    assert grabs[1].std() > 20
    # Over the bright block of the middle slice (10 × 10 HU + 500 HU).
    rows = volume.voxels.shape[1]
    x, y = (np.array([rows * 3 // 8] * 2) - (rows - 1) / 2) * volume.spacing_mm[2]
    viewer._on_mouse_moved(viewer.view_box.mapViewToScene(QPointF(x, y)))
    assert "600 HU" in viewer._cursor_text


def test_edge_letters_never_cover_the_corner_texts_in_a_narrow_viewport(qtbot, volume):
    # One viewport of the 1 × 4 layout: the bottom corners' slice, position and thickness
    # line reaches the middle, where the bottom letter ("P" for axial) sits.
    viewer = SliceViewer()
    qtbot.addWidget(viewer)
    viewer.resize(260, 700)
    viewer.show()
    qtbot.waitExposed(viewer)
    viewer.set_volume(volume, "HCC-001\nBaseline · 2026-01-05")
    centre = QPointF(0.0, 0.0)
    viewer._on_mouse_moved(viewer.view_box.mapViewToScene(centre))  # cursor readout on
    markers, corners = viewer._markers, viewer._corners
    assert markers["bottom"].text() == "<b>P</b>"
    for edge, keys in (("bottom", ("bl", "br")), ("top", ("tl", "tr"))):
        for key in keys:
            assert not markers[edge].geometry().intersects(corners[key].geometry()), (edge, key)
