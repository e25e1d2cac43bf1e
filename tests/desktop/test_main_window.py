"""The main window on the demo trial: four phases, linked scrolling, keyboard, screenshot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QImage, QKeySequence, QTextCursor, QTextDocument, QTextTable
from PySide6.QtWidgets import QWidget

from core.model.display import WindowLevel
from core.model.imaging import Phase
from desktop.app import build_window, parse_args
from desktop.main_window import MOUSE_GESTURES, ShortcutsDialog
from desktop.presets import load_window_presets


@pytest.fixture
def window(qtbot, demo_trial: Path):
    args = parse_args(["--demo-studies", "--data-dir", str(demo_trial.parent),
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
        [sys.executable, "-m", "desktop", "--demo-studies", "--data-dir", str(demo_trial.parent),
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


def _table_rows(html: str) -> set[tuple[str, str]]:
    """The (left, right) cells of each two-cell row of a rich-text table, as rendered."""
    document = QTextDocument()
    document.setHtml(html)
    (table,) = [f for f in document.rootFrame().childFrames() if isinstance(f, QTextTable)]

    def text(row: int, column: int) -> str:
        cell = table.cellAt(row, column)
        cursor = cell.firstCursorPosition()
        cursor.setPosition(cell.lastCursorPosition().position(),
                           QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText()

    # Two columns of (key, text) with a spacer between: cells 0-1 and, after it, 3-4.
    def half(row: int, first: int) -> tuple[str, str] | None:
        cell = table.cellAt(row, first)
        if cell.columnSpan() != 1:
            return None  # a section heading
        pair = (text(row, first), text(row, first + 1))
        return pair if any(pair) else None

    return {pair for r in range(table.rows()) for first in (0, 3)
            if (pair := half(r, first)) is not None}


def _shortcuts_help(qtbot, window) -> set[tuple[str, str]]:
    """Press F1 as the reader does; the (key, what it does) rows of the help it opens."""
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(ShortcutsDialog)))
    (box,) = [b for b in window.findChildren(ShortcutsDialog) if b.isVisible()]
    assert box.windowTitle() == "Keyboard shortcuts"
    rows = _table_rows(box.text())
    box.close()
    return rows


def _press(qtbot, widget: QWidget, key: str) -> None:
    (combination,) = QKeySequence(key)
    qtbot.keyClick(widget, combination.key(), combination.keyboardModifiers())


def test_the_shortcuts_help_lists_every_key_the_window_has(qtbot, window):
    listed = _shortcuts_help(qtbot, window)
    keyed = [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert len(keyed) >= 19  # files, presets, layouts, view, slices, help
    expected = {(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                 a.text().replace("&", "")) for a in keyed}
    assert expected <= listed
    assert listed - expected == set(MOUSE_GESTURES)  # nothing listed that no action has
    assert ("Ctrl+Shift+4", "Layout 1 × 4") in listed
    assert ("Ctrl+1", "Layout 1 × 1") in listed
    assert ("PgDown", "10 slices forward") in listed


def test_the_layout_and_preset_keys_listed_in_the_help_do_what_it_says(qtbot, window):
    key_of = {text: key for key, text in _shortcuts_help(qtbot, window)}
    window.grid.setFocus()
    assert window.grid.columns == 2
    _press(qtbot, window.grid, key_of["Layout 1 × 4"])
    assert window.grid.columns == 4
    _press(qtbot, window.grid, key_of["Layout 2 × 2"])
    assert window.grid.columns == 2
    _press(qtbot, window.grid, key_of["Layout 1 × 1"])
    assert window.grid.layout_shape == (1, 1)
    assert len(window.grid.shown_viewers) == (1 if window.grid.viewers else 0)
    _press(qtbot, window.grid, key_of["Layout 1 × 2"])
    assert window.grid.layout_shape == (1, 2)
    presets = load_window_presets()
    assert len(presets) == 4
    for preset in presets:
        window.grid.apply_window(WindowLevel(1.0, 1.0))  # no preset's window
        _press(qtbot, window.grid, key_of[f"{preset.name} window"])
        assert {(v.window.centre, v.window.width) for v in window.grid.viewers} == {
            (preset.window.centre, preset.window.width)}, preset.name
