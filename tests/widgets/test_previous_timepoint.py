"""The previous-timepoint panel and "go to lesion": the slice nearest the lesion, centred on
it at the reader's zoom, the previous calipers drawn, and the empty states (#11 item 3)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRectF
from PySide6.QtWidgets import QApplication
from qt_input import drag
from synthetic import make_volume

from core.dicom import scan
from core.dicom.study import load_phases
from core.geometry import display_plane, measure_caliper
from core.model.clinical import LesionCategory
from core.model.imaging import Modality, Phase
from core.model.reading import (
    Lesion,
    Measurement,
    MeasurementKind,
    Read,
    ReadTimepoint,
    TimepointStatus,
)
from core.model.volume import Volume
from core.phantom.tissues import APPEARANCE, Tissue
from core.reading import last_known_position
from widgets.phase_grid import PhaseGrid
from widgets.previous_timepoint import (
    LOADING,
    NO_EARLIER_TIMEPOINT,
    PreviousTimepointPanel,
    centre_on,
)
from widgets.slice_viewer import SliceViewer

WEEK6 = dt.date(2026, 3, 2)


@pytest.fixture
def panel(qtbot) -> PreviousTimepointPanel:
    shown = PreviousTimepointPanel()
    qtbot.addWidget(shown)
    shown.resize(520, 600)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def _centre_rc(viewer: SliceViewer) -> tuple[float, float]:
    """The (row, column) of the shown slice at the middle of the view box."""
    return viewer.pixel_rc_at(viewer.view_box.viewRect().center())


def _assert_centred(viewer: SliceViewer, point_xyz) -> None:
    assert viewer.plane is not None
    row, col = viewer.plane.to_pixel_rc(point_xyz)
    centre_row, centre_col = _centre_rc(viewer)
    assert abs(centre_row - row) <= 0.5
    assert abs(centre_col - col) <= 0.5


def _caliper_on(volume: Volume, k: int, start_rc, end_rc):
    return measure_caliper(display_plane(volume, k), start_rc, end_rc,
                           volume.sop_instance_uids[k], 0)


def test_go_to_shows_the_nearest_slice_centred_at_the_same_zoom(qtbot, panel):
    volume = make_volume(n_slices=20, spacing_z=2.5, size=64, pixel_mm=0.75)
    panel.show_timepoint("Week 6", WEEK6, volume, ())
    viewer = panel.viewer
    viewer.set_view_rect(QRectF(-12.0, -9.0, 24.0, 18.0))  # the reader zoomed in
    QApplication.processEvents()
    before = viewer.view_box.viewRect()
    point = (9.3, -7.1, -23.4)  # between slices 9 (z -22.5) and 10 (z -25)
    assert panel.go_to(point)
    assert viewer.current_slice == volume.nearest_slice(point[2]) == 9
    _assert_centred(viewer, point)
    after = viewer.view_box.viewRect()
    assert after.width() == pytest.approx(before.width(), rel=1e-6)
    assert after.height() == pytest.approx(before.height(), rel=1e-6)
    assert panel.note_text == ""


def test_centre_on_an_oblique_series_finds_the_slice_and_pixel(qtbot):
    rotation, _ = np.linalg.qr(np.random.default_rng(11).normal(size=(3, 3)))
    affine = np.eye(4)
    affine[:3, 0] = rotation[:, 2] * 2.0
    affine[:3, 1] = rotation[:, 1] * 0.6  # rows move along the column direction
    affine[:3, 2] = rotation[:, 0] * 0.9
    affine[:3, 3] = (12.0, -30.0, 55.0)
    volume = Volume(np.zeros((6, 64, 72), np.float32), affine, (2.0, 0.6, 0.9),
                    tuple(f"1.2.9.{k}" for k in range(6)), "1.2.9", "1.2", Modality.MR,
                    Phase.ARTERIAL, "oblique")
    viewer = SliceViewer()
    qtbot.addWidget(viewer)
    viewer.resize(500, 400)
    viewer.show()
    qtbot.waitExposed(viewer)
    viewer.set_volume(volume)
    point = volume.patient_position((4.3, 20.25, 47.6))
    distance = centre_on(viewer, point)
    assert viewer.current_slice == 4
    assert distance == pytest.approx(0.3 * 2.0, abs=1e-9)
    assert _centre_rc(viewer) == pytest.approx((20.25, 47.6), abs=0.5)


def test_centre_on_a_viewer_of_the_grid_brings_the_other_phases(qtbot):
    arterial = make_volume(40, 2.5, phase=Phase.ARTERIAL)
    portal = make_volume(20, 5.0, phase=Phase.PORTAL_VENOUS, z_top=-2.5)
    grid = PhaseGrid(columns=2)
    qtbot.addWidget(grid)
    grid.resize(900, 500)
    grid.show()
    qtbot.waitExposed(grid)
    grid.set_volumes([arterial, portal], "HCC-001\nWeek 12")
    current = grid.viewers[0]
    current.set_view_rect(QRectF(-10.0, -10.0, 20.0, 20.0))
    QApplication.processEvents()
    point = (-8.0, 6.0, -47.4)
    assert centre_on(current, point) is not None
    QApplication.processEvents()
    assert current.current_slice == 19  # z -47.5
    assert grid.viewers[1].current_slice == portal.nearest_slice(-47.5) == 9
    _assert_centred(current, point)
    _assert_centred(grid.viewers[1], point)


def test_centre_on_an_empty_viewer_does_nothing(qtbot):
    viewer = SliceViewer()
    qtbot.addWidget(viewer)
    assert centre_on(viewer, (0.0, 0.0, 0.0)) is None


def test_the_previous_calipers_are_drawn_on_their_image_only(qtbot, panel):
    volume = make_volume()
    on_slice_4 = _caliper_on(volume, 4, (20.0, 20.0), (30.0, 35.0))
    on_slice_12 = _caliper_on(volume, 12, (10.0, 10.0), (12.0, 40.0))
    panel.show_timepoint("Week 6", WEEK6, volume, [on_slice_4, on_slice_12])
    assert panel.viewer.current_slice == 10
    assert panel.viewer.calipers_shown == 0
    midpoint = np.mean([on_slice_4.start_xyz, on_slice_4.end_xyz], axis=0)
    assert panel.go_to(midpoint)
    assert panel.viewer.current_slice == 4
    assert panel.viewer.calipers_shown == 1
    panel.go_to(np.mean([on_slice_12.start_xyz, on_slice_12.end_xyz], axis=0))
    assert (panel.viewer.current_slice, panel.viewer.calipers_shown) == (12, 1)


def test_the_panel_never_measures_nor_moves_a_caliper(qtbot, panel):
    volume = make_volume()
    caliper = _caliper_on(volume, 10, (20.0, 20.0), (30.0, 35.0))
    panel.viewer.set_measuring(True)
    panel.viewer.set_editable(True)
    panel.show_timepoint("Week 6", WEEK6, volume, [caliper], ["T1 viable"])
    assert not panel.viewer.is_measuring
    viewer = panel.viewer
    QApplication.processEvents()
    graphics = viewer._graphics
    start = graphics.mapFromScene(viewer.view_box.mapViewToScene(viewer.view_point_of(
        (20.0, 20.0))))
    emitted = []
    viewer.caliper_committed.connect(emitted.append)
    viewer.caliper_moved.connect(lambda *args: emitted.append(args))
    window = viewer.window
    drag(graphics.viewport(), start, start + QPoint(40, 30))  # from the caliper's end
    assert emitted == []
    assert viewer.window != window  # a left drag is window/level here


def test_showing_the_same_volume_again_keeps_the_place(qtbot, panel):
    volume = make_volume()
    panel.show_timepoint("Week 6", WEEK6, volume, ())
    panel.viewer.set_view_rect(QRectF(-5.0, -5.0, 10.0, 10.0))
    panel.go_to((2.0, 3.0, -30.0))
    rect = panel.viewer.view_box.viewRect()
    caliper = _caliper_on(volume, 12, (1.0, 1.0), (9.0, 9.0))
    panel.show_timepoint("Week 6", WEEK6, volume, [caliper])  # the read changed
    assert panel.viewer.current_slice == 12
    assert panel.viewer.view_box.viewRect() == rect
    assert panel.viewer.calipers_shown == 1


def test_header_and_empty_states(qtbot, panel):
    assert panel.message_text == NO_EARLIER_TIMEPOINT == "No earlier timepoint"
    assert panel.header_text == "Your previous read"
    assert not panel.go_to((0.0, 0.0, 0.0))
    panel.show_timepoint("Week 6", WEEK6, None, ())
    assert panel.message_text == LOADING == "Loading…"
    assert panel.header_text == "Your previous read: Week 6, 2026-03-02"
    panel.show_timepoint("Week 6", WEEK6, make_volume(), ())
    assert panel.message_text == ""
    assert panel.viewer.isVisible()
    panel.show_no_timepoint("No arterial series at Week 6")
    assert panel.message_text == "No arterial series at Week 6"
    assert not panel.viewer.isVisible()


def test_go_to_while_loading_is_done_when_the_images_arrive(qtbot, panel):
    panel.show_timepoint("Week 6", WEEK6, None, ())
    assert not panel.go_to((1.0, 2.0, -40.0))
    panel.show_timepoint("Week 6", WEEK6, make_volume(), ())
    assert panel.viewer.current_slice == 16
    _assert_centred(panel.viewer, (1.0, 2.0, -40.0))


def test_a_point_outside_the_series_is_said(qtbot, panel):
    panel.show_timepoint("Week 6", WEEK6, make_volume(n_slices=20), ())  # z 0 to -47.5
    assert panel.go_to((0.0, 0.0, -80.0))
    assert panel.viewer.current_slice == 19
    assert "32 mm" in panel.note_text
    panel.go_to((0.0, 0.0, -10.0))
    assert panel.note_text == ""


def test_the_button_names_the_lesion_and_asks(qtbot, panel):
    assert not panel.go_to_button.isEnabled()
    panel.set_lesion("T1")
    assert panel.go_to_button.text() == "Go to T1"
    with qtbot.waitSignal(panel.go_to_requested, timeout=1000):
        panel.go_to_button.click()
    panel.set_lesion(None)
    assert not panel.go_to_button.isEnabled()


def test_phantom_lesion_from_the_readers_week6_caliper(qtbot, panel, small_ct_study,
                                                       tmp_path):
    """The whole path on real DICOM: a caliper on the phantom's T1, its position from the
    read, the panel brought there, the caliper drawn and the lesion in the middle."""
    volumes = load_phases(scan(small_ct_study.dicom_folder))
    arterial = next(v for v in volumes if v.phase is Phase.ARTERIAL)
    truth = next(item for item in small_ct_study.ground_truth["lesions"]
                 if item["id"] == "T1")
    k = truth["slice_index"]
    plane = display_plane(arterial, k)
    start_rc, end_rc = (plane.to_pixel_rc(point) for point in truth["viable_endpoints_mm"])
    caliper = _caliper_on(arterial, k, start_rc, end_rc)
    baseline, week6, week12 = 1, 2, 3
    read = Read(
        1, "HCC-002",
        tuple(ReadTimepoint(tid, label, date, week, status) for tid, label, date, week, status
              in ((baseline, "Baseline", dt.date(2026, 1, 19), 0, TimepointStatus.SIGNED),
                  (week6, "Week 6", WEEK6, 6, TimepointStatus.SIGNED),
                  (week12, "Week 12", dt.date(2026, 4, 13), 12, TimepointStatus.OPEN))),
        (Lesion(5, "T1", LesionCategory.TARGET, "liver", baseline),),
        (Measurement(5, week6, MeasurementKind.VIABLE, caliper),))
    known = last_known_position(read, 5, week12)  # not yet measured at Week 12
    assert known is not None
    assert known.timepoint_id == week6

    panel.resize(560, 640)
    panel.set_lesion("T1")
    panel.show_timepoint("Week 6", WEEK6, arterial, [caliper], ["T1 viable"])
    viewer = panel.viewer
    rect = viewer.view_box.viewRect()  # zoom × 2 about the middle, as a reader would
    viewer.set_view_rect(QRectF(rect.center().x() - rect.width() / 4,
                                rect.center().y() - rect.height() / 4,
                                rect.width() / 2, rect.height() / 2))
    QApplication.processEvents()
    assert panel.go_to(known.point_xyz)
    assert viewer.current_slice == k == arterial.nearest_slice(known.point_xyz[2])
    assert viewer.calipers_shown == 1
    _assert_centred(viewer, known.point_xyz)
    row, col = (round(v) for v in _centre_rc(viewer))
    centre_hu = float(np.mean(arterial.voxels[k, row - 1:row + 2, col - 1:col + 2]))
    liver_hu = APPEARANCE[Tissue.LIVER].value(Modality.CT, Phase.ARTERIAL)
    assert centre_hu > liver_hu + 40  # the viable part, hyperenhancing in the middle

    QApplication.processEvents()
    image = panel.grab()
    path = tmp_path / "previous_timepoint.png"
    assert image.save(str(path))
    grey = image.toImage()
    values = [grey.pixelColor(x, y).value() for x in range(0, grey.width(), 8)
              for y in range(40, grey.height(), 8)]
    assert np.std(values) > 20  # an image, not a blank panel
