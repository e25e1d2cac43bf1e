"""Studies load in the background: arterial first, the window usable meanwhile."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from core.model.imaging import Phase
from desktop.app import build_window, parse_args
from desktop.demo_data import demo_studies, first_target_level_mm
from desktop.main_window import MainWindow
from desktop.presets import load_window_presets

LOAD_TIMEOUT_MS = 120_000


def _interactive_window(qtbot) -> MainWindow:
    window = MainWindow(load_window_presets(), interactive=True)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_phases_join_the_grid_one_by_one_arterial_first(qtbot, demo_trial: Path,
                                                        monkeypatch):
    window = _interactive_window(qtbot)
    shown: list[list[Phase]] = []
    update = window.grid.update_volumes

    def record(volumes, context=""):  # what the reader sees, each time it changes
        shown.append([v.phase for v in volumes])
        update(volumes, context)

    monkeypatch.setattr(window.grid, "update_volumes", record)
    ref = demo_studies(demo_trial)[1]  # subject 1, week 6
    level = first_target_level_mm(ref)
    assert window.open_study(ref, at_z_mm=level)
    assert window.is_loading  # returned at once: the load runs in the background
    qtbot.waitUntil(lambda: not window.is_loading, timeout=LOAD_TIMEOUT_MS)

    a, pv, d, pre = Phase.ARTERIAL, Phase.PORTAL_VENOUS, Phase.DELAYED, Phase.PRE_CONTRAST
    assert shown == [[a], [a, pv], [a, pv, d], [pre, a, pv, d], [pre, a, pv, d]]
    assert [v.volume.phase for v in window.grid.viewers] == [pre, a, pv, d]
    assert all(v.volume.slice_position_mm(v.current_slice) == level
               for v in window.grid.viewers)
    assert "Week 6" in window.windowTitle()
    assert not window._progress.isVisible()


def test_a_newer_study_wins_over_one_still_loading(qtbot, demo_trial: Path):
    window = _interactive_window(qtbot)
    first, second = demo_studies(demo_trial)[0], demo_studies(demo_trial)[3]  # HCC-002
    window.open_study(first)
    window.open_study(second)
    qtbot.waitUntil(lambda: not window.is_loading, timeout=LOAD_TIMEOUT_MS)
    qtbot.wait(500)  # the first load's late signals arrive now, and must change nothing
    assert "HCC-002" in window.windowTitle()
    uids = {v.volume.study_instance_uid for v in window.grid.viewers}
    assert len(uids) == 1


def test_a_study_that_cannot_load_says_why_and_leaves_the_window_usable(
        qtbot, tmp_path: Path, monkeypatch):
    window = _interactive_window(qtbot)
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text: messages.append(text))
    (tmp_path / "empty").mkdir()
    window.open_folder(tmp_path / "empty")
    qtbot.waitUntil(lambda: not window.is_loading, timeout=LOAD_TIMEOUT_MS)
    assert len(messages) == 1
    assert "empty" in messages[0]
    assert "no DICOM image series" in messages[0]
    assert not window._progress.isVisible()


def test_the_demo_opens_in_the_background_at_the_first_target_lesion(qtbot, demo_trial):
    window = build_window(parse_args(["--demo", "--data-dir", str(demo_trial.parent)]))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.is_loading, timeout=LOAD_TIMEOUT_MS)
    assert len(window.grid.viewers) == 4
    assert all(v.volume.slice_position_mm(v.current_slice) == -165.0
               for v in window.grid.viewers)
