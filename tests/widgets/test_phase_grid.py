"""PhaseGrid: viewers move together by patient position, window and zoom."""

from __future__ import annotations

import pytest
from synthetic import make_volume

from core.model.display import WindowLevel
from core.model.imaging import Phase
from widgets.phase_grid import PhaseGrid


def _grid(qtbot, volumes) -> PhaseGrid:
    grid = PhaseGrid(columns=2)
    qtbot.addWidget(grid)
    grid.resize(800, 600)
    grid.show()
    qtbot.waitExposed(grid)
    grid.set_volumes(volumes, "HCC-001\nBaseline")
    return grid


def test_scrolling_one_phase_moves_the_others_to_the_same_patient_z(qtbot):
    # Arterial: 2.5 mm slices from z = 0; portal venous: 5 mm slices from z = -2.5.
    arterial = make_volume(40, 2.5, phase=Phase.ARTERIAL)
    portal = make_volume(20, 5.0, phase=Phase.PORTAL_VENOUS, z_top=-2.5)
    grid = _grid(qtbot, [arterial, portal])
    grid.set_active(0)
    grid.viewers[0].set_slice(9)  # z = -22.5
    assert grid.viewers[1].current_slice == 4  # z = -22.5
    grid.set_active(1)
    grid.step_slice(3)  # portal to slice 7, z = -37.5
    assert grid.viewers[0].current_slice == 15


def test_unlinked_scrolling_moves_one_viewer(qtbot):
    grid = _grid(qtbot, [make_volume(), make_volume(phase=Phase.DELAYED)])
    grid.link_scroll = False
    grid.step_slice(2)
    assert [v.current_slice for v in grid.viewers] == [12, 10]


def test_window_applies_to_every_viewer_of_the_modality(qtbot):
    grid = _grid(qtbot, [make_volume(phase=p) for p in (Phase.PRE_CONTRAST, Phase.ARTERIAL)])
    grid.apply_window(WindowLevel(70, 160))
    assert [v.window for v in grid.viewers] == [WindowLevel(70, 160)] * 2


def test_zoom_and_pan_are_linked(qtbot):
    grid = _grid(qtbot, [make_volume(), make_volume(phase=Phase.PORTAL_VENOUS)])
    grid.viewers[1].view_box.setRange(xRange=(-5, 5), yRange=(-5, 5), padding=0)
    first = grid.viewers[0].view_box.viewRange()
    second = grid.viewers[1].view_box.viewRange()
    assert first == second


def test_layouts_two_by_two_and_one_by_four(qtbot):
    volumes = [make_volume(phase=p) for p in (Phase.PRE_CONTRAST, Phase.ARTERIAL,
                                               Phase.PORTAL_VENOUS, Phase.DELAYED)]
    grid = _grid(qtbot, volumes)
    def rows() -> int:
        return len({v.pos().y() for v in grid.viewers})

    qtbot.waitUntil(lambda: rows() == 2, timeout=2000)
    grid.set_columns(4)
    qtbot.waitUntil(lambda: rows() == 1, timeout=2000)


def test_phases_arriving_while_loading_keep_the_readers_place(qtbot):
    # The reader starts on the arterial phase as soon as it is loaded: scrolls, zooms,
    # windows. The other phases join without undoing any of it.
    from PySide6.QtCore import QRectF

    arterial = make_volume(40, 2.5, phase=Phase.ARTERIAL)
    grid = _grid(qtbot, [arterial])
    grid.viewers[0].set_slice(9)  # z = -22.5
    grid.viewers[0].set_view_rect(QRectF(-10.0, -8.0, 12.0, 9.0))
    grid.apply_window(WindowLevel(60, 150))
    zoomed = grid.viewers[0].view_box.viewRect()

    pre = make_volume(20, 5.0, phase=Phase.PRE_CONTRAST, z_top=-2.5)
    portal = make_volume(40, 2.5, phase=Phase.PORTAL_VENOUS)
    grid.update_volumes([pre, arterial, portal], "HCC-001\nBaseline")

    assert [v.volume.phase for v in grid.viewers] == [
        Phase.PRE_CONTRAST, Phase.ARTERIAL, Phase.PORTAL_VENOUS]
    assert grid.active_viewer is grid.viewers[1]  # still on the arterial phase
    assert [v.current_slice for v in grid.viewers] == [4, 9, 9]  # z = -22.5 in each
    for viewer in grid.viewers:
        assert viewer.window == WindowLevel(60, 150)
        assert not viewer.is_fitted
        rect = viewer.view_box.viewRect()
        assert (rect.x(), rect.y(), rect.width(), rect.height()) == pytest.approx(
            (zoomed.x(), zoomed.y(), zoomed.width(), zoomed.height()), abs=1e-6)


def test_a_new_study_starts_from_the_header_windows_again(qtbot):
    grid = _grid(qtbot, [make_volume()])
    grid.apply_window(WindowLevel(60, 150))
    grid.set_volumes([make_volume()])
    grid.update_volumes([make_volume(), make_volume(phase=Phase.DELAYED)])
    assert [v.window for v in grid.viewers] == [WindowLevel(40, 400)] * 2
