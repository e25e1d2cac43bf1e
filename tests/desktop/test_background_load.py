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
    shown: list[tuple[str, list[Phase], bool]] = []  # what the reader sees, each change
    for kind in ("set_volumes", "update_volumes"):
        method = getattr(window.grid, kind)

        def record(volumes, context="", kind=kind, method=method):
            shown.append((kind, [v.phase for v in volumes],
                          all(v.n_slices > 1 for v in volumes)))
            method(volumes, context)

        monkeypatch.setattr(window.grid, kind, record)
    ref = demo_studies(demo_trial)[1]  # subject 1, week 6
    level = first_target_level_mm(ref)
    assert window.open_study(ref, at_z_mm=level)
    assert window.is_loading  # returned at once: the load runs in the background
    qtbot.waitUntil(lambda: not window.is_loading, timeout=LOAD_TIMEOUT_MS)

    a, pv, d, pre = Phase.ARTERIAL, Phase.PORTAL_VENOUS, Phase.DELAYED, Phase.PRE_CONTRAST
    if shown[0] == ("set_volumes", [a], False):
        shown.pop(0)  # the preview: one arterial image shown during the scan
    assert shown == [("set_volumes", [a], True),
                     ("update_volumes", [a, pv], True),
                     ("update_volumes", [a, pv, d], True),
                     ("update_volumes", [pre, a, pv, d], True),
                     ("update_volumes", [pre, a, pv, d], True)]  # finished: nothing new
    assert [v.volume.phase for v in window.grid.viewers] == [pre, a, pv, d]
    assert all(v.volume.slice_position_mm(v.current_slice) == level
               for v in window.grid.viewers)
    assert "Week 6" in window.windowTitle()
    assert not window._progress.isVisible()


def test_a_study_opens_at_its_middle_slice_not_where_the_preview_was(qtbot,
                                                                    demo_trial: Path):
    window = _interactive_window(qtbot)
    window.open_study(demo_studies(demo_trial)[0])
    qtbot.waitUntil(lambda: not window.is_loading, timeout=LOAD_TIMEOUT_MS)
    arterial = next(v for v in window.grid.viewers if v.volume.phase is Phase.ARTERIAL)
    assert arterial.current_slice == arterial.volume.n_slices // 2


def test_a_newer_study_wins_over_one_still_loading(qtbot, demo_trial: Path):
    window = _interactive_window(qtbot)
    first, second = demo_studies(demo_trial)[0], demo_studies(demo_trial)[3]  # HCC-002
    window.open_study(first)
    superseded = window._loading.load
    ended: list[object] = []
    superseded.failed.connect(ended.append)
    superseded.finished.connect(ended.append)
    window.open_study(second)
    qtbot.waitUntil(lambda: not window.is_loading, timeout=LOAD_TIMEOUT_MS)
    assert superseded.wait(LOAD_TIMEOUT_MS / 1000)
    qtbot.waitUntil(lambda: bool(ended), timeout=LOAD_TIMEOUT_MS)  # its last signal
    assert type(ended[0]).__name__ == "LoadCancelled"  # stopped, not decoded to the end
    assert "HCC-002" in window.windowTitle()
    uids = {v.volume.study_instance_uid for v in window.grid.viewers}
    assert len(uids) == 1
    assert not window._loads  # every load let go once it ended


def test_a_study_that_cannot_load_says_why_and_leaves_the_window_usable(
        qtbot, tmp_path: Path, monkeypatch):
    window = _interactive_window(qtbot)
    messages: list[str] = []
    for box in ("warning", "critical"):  # a modal box would never close offscreen
        monkeypatch.setattr(QMessageBox, box,
                            lambda _parent, _title, text: messages.append(text))
    (tmp_path / "empty").mkdir()
    window.open_folder(tmp_path / "empty")
    qtbot.waitUntil(lambda: not window.is_loading, timeout=LOAD_TIMEOUT_MS)
    assert len(messages) == 1
    assert "empty" in messages[0]
    assert "no DICOM image series" in messages[0]
    assert not window._progress.isVisible()


def test_the_demo_opens_in_the_background_at_the_first_target_lesion(qtbot, demo_trial):
    window = build_window(parse_args(["--demo-studies", "--data-dir", str(demo_trial.parent)]))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.is_loading, timeout=LOAD_TIMEOUT_MS)
    assert len(window.grid.viewers) == 4
    assert all(v.volume.slice_position_mm(v.current_slice) == -165.0
               for v in window.grid.viewers)
