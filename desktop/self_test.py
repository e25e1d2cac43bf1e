"""``mrecist-workstation --self-test``: the headless checks, then the main window drawn.

The window is drawn offscreen (``QT_QPA_PLATFORM=offscreen`` unless the site set a
platform), so the check runs the same at a console, over a remote shell or in CI, and
never shows a window on a reader's screen. That the platform plugin the workstation needs
on this system is installed (xcb on Linux, windows, cocoa) is checked beside it.
"""

from __future__ import annotations

import os
import shutil
import sys
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QLibraryInfo
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from core.actions.self_test import Check, CheckFailed, headless_checks, run_and_report
from core.actions.self_test.checks import SAMPLE_FOLDER
from desktop.main_window import MainWindow
from desktop.presets import load_window_presets

WINDOW_SIZE = (1200, 800)
SAMPLE = "explicit-vr-little-endian.dcm"
# The platform plugin each system's desktop needs (the others ship for the self-test and
# for machines without a display).
NATIVE_PLATFORM = {"linux": "xcb", "win32": "windows", "darwin": "cocoa"}
PACKAGES = ("core", "widgets", "desktop")


def prepare_platform() -> None:
    """Draw offscreen unless a platform was chosen: call before the QApplication exists."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _platform_plugins() -> list[str]:
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    names = (path.stem.removeprefix("libq").removeprefix("q")
             for path in folder.glob("*") if path.suffix in (".so", ".dll", ".dylib"))
    return sorted(names)


def _distinct_greys(image: QImage) -> int:
    """How many grey levels the image shows (a drawn CT slice shows dozens)."""
    seen = set()
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            colour = image.pixelColor(x, y)
            if colour.red() == colour.green() == colour.blue():
                seen.add(colour.red())
    return len(seen)


def window_check(folder: Path) -> str:
    """Open a sample study in the main window, draw it offscreen, look at what was drawn."""
    plugins = _platform_plugins()
    native = NATIVE_PLATFORM.get(sys.platform)
    if native is not None and native not in plugins:
        raise CheckFailed(f"the {native} platform plugin is missing (found: "
                          f"{', '.join(plugins) or 'none'})")
    study = folder / "study"
    study.mkdir()
    with resources.as_file(resources.files("resources") / SAMPLE_FOLDER / SAMPLE) as sample:
        shutil.copyfile(sample, study / SAMPLE)
    window = MainWindow(load_window_presets(), interactive=False)
    try:
        window.resize(*WINDOW_SIZE)
        if not window.open_folder(study):
            raise CheckFailed("the sample study did not open in the window")
        window.show()
        QApplication.processEvents()
        drawn = window.grab().toImage()
        viewer = window.grid.grab().toImage()
    finally:
        window.close()
        window.deleteLater()
    if drawn.isNull() or (drawn.width(), drawn.height()) != WINDOW_SIZE:
        raise CheckFailed(f"the window was drawn {drawn.width()} × {drawn.height()}, not "
                          f"{WINDOW_SIZE[0]} × {WINDOW_SIZE[1]}")
    greys = _distinct_greys(viewer)
    if greys < 10:
        raise CheckFailed(f"the viewer shows {greys} grey levels: the image was not drawn")
    return (f"{WINDOW_SIZE[0]} × {WINDOW_SIZE[1]} on the "
            f"{QGuiApplication.platformName()} platform, the sample slice in the viewer "
            f"({greys} grey levels); platform plugins: {', '.join(plugins)}")


def gui_checks() -> list[tuple[str, Check]]:
    """Every check of ``mrecist self-test`` (imports of all three packages), then the window."""
    return [*headless_checks(PACKAGES), ("main-window", window_check)]


def run_gui_self_test(report: Path | None) -> int:
    """Run the checks with the application's QApplication; the exit status."""
    return run_and_report(gui_checks(), "mrecist-workstation --self-test", report, sys.stdout)
