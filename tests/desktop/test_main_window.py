"""The main window on the demo trial: four phases, linked scrolling, keyboard, screenshot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from core.model.imaging import Phase
from desktop.app import build_window, parse_args


@pytest.fixture
def window(qtbot, demo_trial: Path):
    args = parse_args(["--demo", "--data-dir", str(demo_trial.parent),
                       "--screenshot", "unused.png"])  # non-interactive: no dialogs
    win = build_window(args)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_opens_subject_1_baseline_with_four_phases_in_order(window):
    phases = [v.volume.phase for v in window.grid.viewers]
    assert phases == [Phase.PRE_CONTRAST, Phase.ARTERIAL, Phase.PORTAL_VENOUS, Phase.DELAYED]
    assert "HCC-001" in window.windowTitle()
    assert "Baseline" in window.windowTitle()
    # Opened at the level of the first target lesion (z = -165 mm in the demo).
    assert all(v.volume.slice_position_mm(v.current_slice) == -165.0
               for v in window.grid.viewers)


def test_keyboard_scrolls_and_phases_follow_by_position(qtbot, window):
    window.grid.setFocus()
    start = window.grid.viewers[1].current_slice
    qtbot.keyClick(window.grid, Qt.Key.Key_Down)
    qtbot.keyClick(window.grid, Qt.Key.Key_Down)
    qtbot.keyClick(window.grid, Qt.Key.Key_PageDown)
    viewers = window.grid.viewers
    assert viewers[0].current_slice == start + 12
    positions = {v.volume.slice_position_mm(v.current_slice) for v in viewers}
    assert positions == {-165.0 - 12 * 2.5}


def test_preset_key_sets_the_liver_window_on_all_phases(qtbot, window):
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_2)
    assert {(v.window.centre, v.window.width) for v in window.grid.viewers} == {(70.0, 160.0)}


def test_choosing_another_timepoint_loads_it(window):
    ref = next(r for r in window.browser._items if r == ("HCC-003", "Week 12"))
    item = window.browser._items[ref]
    window.browser.setCurrentItem(item)
    assert "HCC-003" in window.windowTitle()
    assert window.grid.viewers[1].volume.series_description == "FOIE TEMPS ARTERIEL"


def test_screenshot_command_writes_a_picture_of_the_images(tmp_path, demo_trial: Path):
    out = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-m", "desktop", "--demo", "--data-dir", str(demo_trial.parent),
         "--screenshot", str(out)],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert run.returncode == 0, run.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 1000)
    grey = np.array([[image.pixelColor(x, y).value() for x in range(200, 1600, 10)]
                     for y in range(60, 960, 10)])
    # CT images, not an empty window: dark air, bright bone, and much in between.
    assert grey.std() > 30
    assert (grey > 200).mean() > 0.01
    assert ((grey > 40) & (grey < 200)).mean() > 0.15


def test_closing_the_window_stops_its_decoding_workers(window):
    # The demo is RLE (decoded on threads), so no worker has started; start them as a
    # JPEG 2000 study would, then close as the reader does.
    assert not window._decode_workers.is_running
    window._decode_workers.executor()
    assert window._decode_workers.is_running
    window.close()
    assert not window._decode_workers.is_running
